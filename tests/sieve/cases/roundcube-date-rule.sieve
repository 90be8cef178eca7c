# msg: plain.eml dated.eml
require ["date","relational","fileinto"];
# rule:[old]
if date :value "lt" :originalzone "date" "date" "2023-01-01"
{
	fileinto "Old";
}
