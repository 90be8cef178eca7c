# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: body tests on every message
require ["fileinto", "body"];
if body :text :contains "report" { fileinto "t01"; }
if body :raw :is "html" { fileinto "t02"; }
if body :content "text" :matches "*html*" { fileinto "t03"; }
if body :content "multipart" :matches "*=E9*" { fileinto "t04"; }
if body :text :matches "*Café*" { fileinto "t05"; }
if body :content "multipart" :is "Content-Type" { fileinto "t06"; }
if body :content "multipart" :contains "Café" { fileinto "t07"; }
if body :content "text/html" :contains "the" { fileinto "t08"; }
if body :content "multipart" :matches "*SecretCode42*" { fileinto "t09"; }
if body :content "text" :contains "=E9" { fileinto "t10"; }
if body :content "text" :matches "*Café*" { fileinto "t11"; }
if body :text :matches "*the*" { fileinto "t12"; }
if body :text :is "=E9" { fileinto "t13"; }
if body :content "text" :contains "html" { fileinto "t14"; }
if body :content "text/html" :matches "*html*" { fileinto "t15"; }
if body :text :matches "*hello*" { fileinto "t16"; }
if body :content "text/html" :contains "Café" { fileinto "t17"; }
if body :content "text/html" :is "" { fileinto "t18"; }
if body :content "text" :contains "hello" { fileinto "t19"; }
if body :content "multipart" :matches "*html*" { fileinto "t20"; }
if body :raw :matches "*report*" { fileinto "t21"; }
if body :content "text/html" :matches "*Café*" { fileinto "t22"; }
if body :content "text/html" :contains "hello" { fileinto "t23"; }
if body :text :contains "=E9" { fileinto "t24"; }
if body :content "text/html" :matches "*hello*" { fileinto "t25"; }
if body :text :is "report" { fileinto "t26"; }
if body :content "multipart" :matches "*Content-Type*" { fileinto "t27"; }
if body :content "text" :matches "*hello*" { fileinto "t28"; }
if body :content "text" :matches "*Content-Type*" { fileinto "t29"; }
if body :text :contains "*" { fileinto "t30"; }
