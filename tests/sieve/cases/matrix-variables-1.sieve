# msg: plain.eml encoded.eml folded.eml multipart.eml nobody.eml mbox.eml oddaddr.eml list.eml spam.eml ham.eml dated.eml nested.eml olddate.eml crlf.eml
# generated: set modifiers over header values, on every message
require ["fileinto", "variables"];
if header :matches "subject" "*" { set "v" "${1}"; } else { set "v" "none"; }
set :lower "m" "${v}"; fileinto "t01-${m}";
set :upper "m" "${v}"; fileinto "t02-${m}";
set :lowerfirst "m" "${v}"; fileinto "t03-${m}";
set :upperfirst "m" "${v}"; fileinto "t04-${m}";
set :quotewildcard "m" "${v}"; fileinto "t05-${m}";
set :length "m" "${v}"; fileinto "t06-${m}";
set :lower :upperfirst "m" "${v}"; fileinto "t07-${m}";
set :upper :lowerfirst "m" "${v}"; fileinto "t08-${m}";
set :length :upper "m" "${v}"; fileinto "t09-${m}";
if header :matches "from" "*" { set "v" "${1}"; } else { set "v" "none"; }
set :lower "m" "${v}"; fileinto "t10-${m}";
set :upper "m" "${v}"; fileinto "t11-${m}";
set :lowerfirst "m" "${v}"; fileinto "t12-${m}";
set :upperfirst "m" "${v}"; fileinto "t13-${m}";
set :quotewildcard "m" "${v}"; fileinto "t14-${m}";
set :length "m" "${v}"; fileinto "t15-${m}";
set :lower :upperfirst "m" "${v}"; fileinto "t16-${m}";
set :upper :lowerfirst "m" "${v}"; fileinto "t17-${m}";
set :length :upper "m" "${v}"; fileinto "t18-${m}";
if header :matches "x-mixed" "*" { set "v" "${1}"; } else { set "v" "none"; }
set :lower "m" "${v}"; fileinto "t19-${m}";
set :upper "m" "${v}"; fileinto "t20-${m}";
set :lowerfirst "m" "${v}"; fileinto "t21-${m}";
set :upperfirst "m" "${v}"; fileinto "t22-${m}";
set :quotewildcard "m" "${v}"; fileinto "t23-${m}";
set :length "m" "${v}"; fileinto "t24-${m}";
set :lower :upperfirst "m" "${v}"; fileinto "t25-${m}";
set :upper :lowerfirst "m" "${v}"; fileinto "t26-${m}";
set :length :upper "m" "${v}"; fileinto "t27-${m}";
