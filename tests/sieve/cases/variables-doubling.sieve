# msg: plain.eml
require ["variables", "fileinto", "encoded-character"];
set "a" "x";
set "a" "${a}${a}";
set "a" "${a}${a}";
set "b" "${hex:41 42}${a}";
fileinto "${b}";
