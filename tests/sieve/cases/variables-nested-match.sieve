# msg: plain.eml
require ["variables", "fileinto"];
if header :matches "from" "* <*>" {
    set "name" "${1}";
    if address :matches :domain "from" "*.*" {
        fileinto "${name}/${1}/${2}";
    }
}
