# msg: plain.eml
# args: -f alice@example.org -r bob@example.com
# args: -f Alice+News@Example.ORG -r bob+lists@example.com
# args: -f x@y.example -r bob+a+b@example.com -a other@example.com
# args: -f MAILER-DAEMON@example.net -r bob@sub.example.com
# generated: envelope tests over several envelopes
require ["fileinto", "envelope", "subaddress"];
if envelope :domain :is "from" "bob" { fileinto "t01"; }
if envelope :localpart :matches "from" "*+*" { fileinto "t02"; }
if envelope :all :matches "to" "*+*" { fileinto "t03"; }
if envelope :all :matches "from" "example.com" { fileinto "t04"; }
if envelope :user :matches "to" "?*" { fileinto "t05"; }
if envelope :user :matches "to" "example.com" { fileinto "t06"; }
if envelope :user :matches "to" "bob" { fileinto "t07"; }
if envelope :domain :is "from" "*" { fileinto "t08"; }
if envelope :localpart :is "from" "*+*" { fileinto "t09"; }
if envelope :detail :is "to" "*+*" { fileinto "t10"; }
if envelope :all :is "to" "*+*" { fileinto "t11"; }
if envelope :all :is "from" "*" { fileinto "t12"; }
if envelope :user :matches "from" "*+*" { fileinto "t13"; }
if envelope :all :matches "from" "bob" { fileinto "t14"; }
if envelope :detail :is "from" "*" { fileinto "t15"; }
if envelope :localpart :is "from" "?*" { fileinto "t16"; }
if envelope :user :is "from" "" { fileinto "t17"; }
if envelope :domain :is "from" "*+*" { fileinto "t18"; }
if envelope :user :is "to" "bob" { fileinto "t19"; }
if envelope :localpart :matches "to" "?*" { fileinto "t20"; }
if envelope :all :matches "from" "?*" { fileinto "t21"; }
if envelope :user :matches "from" "?*" { fileinto "t22"; }
if envelope :user :matches "to" "" { fileinto "t23"; }
if envelope :detail :is "from" "bob" { fileinto "t24"; }
if envelope :user :is "from" "?*" { fileinto "t25"; }
if envelope :localpart :matches "to" "bob" { fileinto "t26"; }
if envelope :localpart :matches "to" "" { fileinto "t27"; }
if envelope :localpart :is "from" "" { fileinto "t28"; }
if envelope :localpart :is "from" "example.com" { fileinto "t29"; }
if envelope :user :matches "from" "*" { fileinto "t30"; }
