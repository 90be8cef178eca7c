require ["fileinto","reject","vacation","imap4flags","date","relational","copy","body","envelope","variables","mailbox"];
# rule:[Spam]
if header :contains "X-Spam-Flag" "YES"
{
	fileinto "Junk";
	stop;
}
# rule:[lists]
if anyof (header :contains "List-Id" "dev.lists.example.org", address :is "from" "noreply@example.org")
{
	fileinto :copy :create "Lists/Dev";
	addflag "\\Seen";
}
# rule:[away]
if allof (currentdate :value "ge" "date" "2024-01-01", currentdate :value "le" "date" "2024-01-31")
{
	vacation :days 1 :subject "Out of office" :from "me@example.org" :addresses ["me@example.org","alias@example.org"] text:
I am away until February.
..
Regards
.
;
}
# rule:[size]
if size :over 10M
{
	reject "too big";
}
# rule:[body]
if body :text :contains "unsubscribe" { fileinto :flags ["\\Seen","$Junk"] "Junk"; }
if envelope :domain :is "from" "example.com" { set "x" "${1}"; keep; }
