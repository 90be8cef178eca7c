# msg: ham.eml
require ["imap4flags"];
# rule:[read]
if header :contains "from" "george@example.org"
{
	setflag "\\Seen";
}
