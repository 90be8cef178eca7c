# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: body tests on every message
require ["fileinto", "body"];
if body :raw :matches "*Content-Type*" { fileinto "t01"; }
if body :raw :contains "*" { fileinto "t02"; }
if body :content "multipart" :contains "SecretCode42" { fileinto "t03"; }
if body :raw :matches "*=E9*" { fileinto "t04"; }
if body :content "multipart" :matches "*CLICK*" { fileinto "t05"; }
if body :content "text/html" :is "CLICK" { fileinto "t06"; }
if body :content "text" :contains "" { fileinto "t07"; }
if body :raw :is "CLICK" { fileinto "t08"; }
if body :content "text" :is "" { fileinto "t09"; }
if body :content "text/html" :is "treasure" { fileinto "t10"; }
if body :content "text/html" :matches "*report*" { fileinto "t11"; }
if body :content "text/html" :matches "*" { fileinto "t12"; }
if body :text :is "treasure" { fileinto "t13"; }
if body :content "text/html" :is "report" { fileinto "t14"; }
if body :content "multipart" :is "=E9" { fileinto "t15"; }
if body :content "text" :contains "report" { fileinto "t16"; }
if body :content "text/html" :is "=E9" { fileinto "t17"; }
if body :content "text/html" :contains "*" { fileinto "t18"; }
if body :content "multipart" :matches "*hello*" { fileinto "t19"; }
if body :content "text" :contains "Content-Type" { fileinto "t20"; }
if body :raw :is "Content-Type" { fileinto "t21"; }
if body :text :is "the" { fileinto "t22"; }
if body :content "multipart" :matches "" { fileinto "t23"; }
if body :text :contains "hello" { fileinto "t24"; }
if body :raw :is "*" { fileinto "t25"; }
if body :raw :contains "SecretCode42" { fileinto "t26"; }
if body :text :is "Café" { fileinto "t27"; }
if body :content "text" :matches "*report*" { fileinto "t28"; }
if body :text :contains "SecretCode42" { fileinto "t29"; }
if body :text :contains "html" { fileinto "t30"; }
