# msg: multipart.eml
require ["body", "fileinto"];
if body :raw :contains "PGh0bWw+" { fileinto "raw-b64"; }
if body :raw :contains "=E2=82=AC" { fileinto "raw-qp"; }
if body :text :contains "=E2=82=AC" { fileinto "text-qp"; }
if body :raw :contains "--inner" { fileinto "raw-boundary"; }
