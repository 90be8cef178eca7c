# msg: plain.eml multipart.eml
require ["body", "fileinto"];
if body :text :matches "*Tuesday at ??:00*" { fileinto "time"; }
if body :matches "*€ 1.234,56*" { fileinto "euro"; }
