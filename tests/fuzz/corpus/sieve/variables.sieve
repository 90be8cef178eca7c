require ["variables", "fileinto", "encoded-character", "relational", "comparator-i;ascii-numeric", "subaddress", "regex"];
if header :matches "Subject" "[*] *" {
    set :lower :upperfirst "tag" "${1}";
    fileinto "Tags.${tag}";
}
if address :detail :is "to" "lists" { set :length "n" "${0}"; }
if string :value "gt" :comparator "i;ascii-numeric" "${n}" "3" { stop; }
if header :regex "X-Score" "^([0-9]+)\\.[0-9]+$" { fileinto "${hex:41 42}${unicode:263a}"; }
/* bracket
   comment */
elsif not exists "X-Foo" { discard; } else { keep; }
