# msg: spam.eml
require ["reject"];
# rule:[block]
if address :is "from" "prize@spam.example"
{
	reject "Blocked";
	stop;
}
