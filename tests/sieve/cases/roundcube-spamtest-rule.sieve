# msg: spam.eml ham.eml
require ["spamtest","relational","comparator-i;ascii-numeric","fileinto"];
# rule:[spamscore]
if spamtest :value "ge" :comparator "i;ascii-numeric" "6"
{
	fileinto "Junk";
}
