# msg: plain.eml spam.eml list.eml folded.eml
require ["fileinto","imap4flags","body","copy"];
# rule:[Spam]
if anyof (header :contains "x-spam-flag" "YES", header :contains "subject" "***SPAM***")
{
	fileinto "Junk";
	stop;
}
# rule:[Dev list]
if header :contains "list-id" "dev.lists.example.org"
{
	fileinto "Lists/Dev";
}
# rule:[Boss]
if allof (address :is "from" "alice@example.org", not header :contains "subject" "newsletter")
{
	addflag "\\Flagged";
	fileinto :copy "Important";
}
# rule:[Urgent body]
if body :text :contains "urgent"
{
	fileinto "Urgent";
}
