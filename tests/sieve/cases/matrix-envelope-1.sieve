# msg: plain.eml
# args: -f alice@example.org -r bob@example.com
# args: -f Alice+News@Example.ORG -r bob+lists@example.com
# args: -f x@y.example -r bob+a+b@example.com -a other@example.com
# args: -f MAILER-DAEMON@example.net -r bob@sub.example.com
# generated: envelope tests over several envelopes
require ["fileinto", "envelope", "subaddress"];
if envelope :detail :is "to" "example.com" { fileinto "t01"; }
if envelope :detail :matches "from" "*" { fileinto "t02"; }
if envelope :domain :is "to" "*+*" { fileinto "t03"; }
if envelope :domain :is "to" "*" { fileinto "t04"; }
if envelope :detail :matches "from" "*+*" { fileinto "t05"; }
if envelope :localpart :matches "to" "*" { fileinto "t06"; }
if envelope :all :is "from" "?*" { fileinto "t07"; }
if envelope :all :matches "to" "" { fileinto "t08"; }
if envelope :detail :is "from" "*+*" { fileinto "t09"; }
if envelope :user :matches "to" "*" { fileinto "t10"; }
if envelope :localpart :matches "from" "" { fileinto "t11"; }
if envelope :all :matches "from" "*" { fileinto "t12"; }
if envelope :detail :matches "from" "?*" { fileinto "t13"; }
if envelope :localpart :is "to" "*" { fileinto "t14"; }
if envelope :localpart :matches "from" "bob" { fileinto "t15"; }
if envelope :all :is "from" "bob" { fileinto "t16"; }
if envelope :domain :is "to" "example.com" { fileinto "t17"; }
if envelope :all :matches "from" "" { fileinto "t18"; }
if envelope :localpart :matches "to" "*+*" { fileinto "t19"; }
if envelope :detail :matches "to" "bob" { fileinto "t20"; }
if envelope :all :is "to" "" { fileinto "t21"; }
if envelope :detail :is "to" "bob" { fileinto "t22"; }
if envelope :all :is "to" "?*" { fileinto "t23"; }
if envelope :domain :matches "from" "bob" { fileinto "t24"; }
if envelope :localpart :is "from" "bob" { fileinto "t25"; }
if envelope :domain :is "from" "example.com" { fileinto "t26"; }
if envelope :detail :matches "to" "?*" { fileinto "t27"; }
if envelope :user :matches "to" "*+*" { fileinto "t28"; }
if envelope :detail :is "to" "" { fileinto "t29"; }
if envelope :domain :is "from" "" { fileinto "t30"; }
