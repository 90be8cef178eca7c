# msg: plain.eml
require ["date", "relational", "vacation"];
# rule:[Out of office]
if allof (currentdate :value "ge" "date" "2020-01-01", currentdate :value "le" "date" "2999-12-31")
{
	vacation :days 7 :subject "Out of office" "I am away.";
}
