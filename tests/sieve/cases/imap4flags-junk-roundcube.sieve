# msg: spam.eml ham.eml
require ["fileinto","imap4flags"];
# rule:[spam]
if header :contains "x-spam-flag" "YES"
{
	addflag "\\Seen";
	addflag "$Junk";
	fileinto "Junk";
	stop;
}
