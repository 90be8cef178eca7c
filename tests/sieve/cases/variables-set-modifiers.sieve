# msg: plain.eml
require ["variables", "fileinto"];
set "a" "Hello World";
set :lower "b" "${a}";
set :upper "c" "${a}";
set :lowerfirst "d" "${a}";
set :upperfirst "e" "hello";
set :length "f" "${a}";
set :quotewildcard "g" "a*b?c\\d";
set :upper :lowerfirst "h" "mixed";
fileinto "${b}|${c}|${d}|${e}|${f}";
fileinto "${g}";
fileinto "${h}";
