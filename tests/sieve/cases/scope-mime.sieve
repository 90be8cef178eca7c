# msg: multipart.eml
require ["mime", "foreverypart", "fileinto"];
foreverypart { if header :mime :contains "content-type" "pdf" { fileinto "pdf"; } }
