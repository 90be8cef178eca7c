# msg: plain.eml
require ["fileinto"];
# rule:[disabled]
if false # anyof (header :contains "subject" "Meeting")
{
	fileinto "Meetings";
}
# rule:[enabled]
if header :contains "subject" "Meeting"
{
	fileinto "Meetings2";
}
