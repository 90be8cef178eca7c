# msg: olddate.eml nobody.eml
require ["virustest", "fileinto", "variables"];
if virustest :matches "*" { fileinto "v-${1}"; }
