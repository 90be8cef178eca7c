# bench/sieve-50.sieve - a webmail user's filters, as Roundcube's managesieve
# plugin writes them: 50 rules, most not matching the benchmark message;
# rule 48 ("Bench") files it.  Used by bench/sieve.sh.
require ["fileinto","envelope","copy","imap4flags","variables","regex"];
# rule:[Invoices]
if header :contains "subject" ["invoice", "rechnung", "facture"]
{
	fileinto "Invoices";
	stop;
}
# rule:[Boss]
if address :is "from" "ceo@corp.example.net"
{
	addflag "\\Flagged";
	fileinto "Boss";
	stop;
}
# rule:[Mailing lists]
if exists "list-id"
{
	fileinto "Lists";
	stop;
}
# rule:[GitHub]
if address :domain :is "from" "github.com"
{
	fileinto "GitHub";
	stop;
}
# rule:[Newsletters]
if anyof (header :contains "from" "newsletter@", header :contains "from" "news@")
{
	addflag "\\Seen";
	fileinto "Newsletters";
	stop;
}
# rule:[Spam flag]
if header :is "x-spam-flag" "YES"
{
	fileinto "Junk";
	stop;
}
# rule:[Bulk]
if header :is "precedence" ["bulk", "list"]
{
	fileinto "Bulk";
	stop;
}
# rule:[Family]
if address :is "from" ["mum@family.example", "dad@family.example"]
{
	fileinto "Family";
	stop;
}
# rule:[Bank]
if address :domain :is "from" ["bank.example", "cards.bank.example"]
{
	fileinto "Finance/Bank";
	stop;
}
# rule:[Tickets]
if header :matches "subject" "*[ticket #*]*"
{
	set "ticket" "${2}";
	fileinto "Tickets/${ticket}";
	stop;
}
# rule:[Travel]
if header :contains "subject" ["booking confirmation", "itinerary", "boarding pass"]
{
	fileinto "Travel";
	stop;
}
# rule:[Shop]
if address :domain :is "from" ["shop.example", "store.example", "market.example"]
{
	fileinto "Shopping";
	stop;
}
# rule:[Big]
if size :over 10M
{
	fileinto "Big";
	stop;
}
# rule:[Social]
if address :domain :is "from" ["social.example", "friends.example", "photos.example"]
{
	fileinto "Social";
	stop;
}
# rule:[Jira]
if header :contains "x-jira-fingerprint" ""
{
	fileinto "Jira";
	stop;
}
# rule:[Cron]
if allof (address :localpart :is "from" "root", header :contains "subject" "cron")
{
	fileinto "Cron";
	stop;
}
# rule:[Monitoring]
if header :contains "subject" ["[alert]", "[nagios]", "PROBLEM"]
{
	fileinto "Monitoring";
	stop;
}
# rule:[Recruiters]
if header :contains "subject" ["opportunity", "your profile"]
{
	fileinto "Recruiters";
	stop;
}
# rule:[School]
if address :domain :is "from" "school.example"
{
	fileinto "School";
	stop;
}
# rule:[Club]
if header :contains "to" "members@club.example"
{
	fileinto "Club";
	stop;
}
# rule:[Project X]
if header :contains "subject" "[project-x]"
{
	fileinto "Projects/X";
	stop;
}
# rule:[Project Y]
if header :contains "subject" "[project-y]"
{
	fileinto "Projects/Y";
	stop;
}
# rule:[Lists by id]
if header :matches "list-id" "*<*.lists.example.org>"
{
	set :lower "list" "${2}";
	fileinto "Lists/${list}";
	stop;
}
# rule:[Receipts]
if header :regex "subject" "^(receipt|your order) #?[0-9]{5,}"
{
	fileinto "Receipts";
	stop;
}
# rule:[Phone bill]
if address :is "from" "billing@telco.example"
{
	fileinto "Finance/Phone";
	stop;
}
# rule:[Insurance]
if address :domain :is "from" "insure.example"
{
	fileinto "Finance/Insurance";
	stop;
}
# rule:[Calendar]
if header :contains "content-type" "text/calendar"
{
	fileinto "Calendar";
	stop;
}
# rule:[Doctor]
if address :is "from" "appointments@clinic.example"
{
	fileinto "Health";
	stop;
}
# rule:[Forward to phone]
if address :is "from" "pager@ops.example"
{
	redirect :copy "bob@phone.example";
}
# rule:[Support]
if header :contains ["to", "cc"] "support@example.com"
{
	fileinto "Support";
	stop;
}
# rule:[Sales]
if header :contains ["to", "cc"] "sales@example.com"
{
	fileinto "Sales";
	stop;
}
# rule:[Partners]
if address :domain :is "from" ["partner1.example", "partner2.example", "partner3.example"]
{
	fileinto "Partners";
	stop;
}
# rule:[Conference]
if header :contains "subject" ["call for papers", "registration"]
{
	fileinto "Conferences";
	stop;
}
# rule:[Security]
if header :contains "subject" ["security advisory", "DSA-", "USN-"]
{
	fileinto "Security";
	stop;
}
# rule:[Backups]
if allof (address :domain :is "from" "backup.example", header :contains "subject" "backup")
{
	addflag "\\Seen";
	fileinto "Backups";
	stop;
}
# rule:[Not for me]
if not header :contains ["to", "cc", "bcc"] ["bob@", "bob+"]
{
	fileinto "Unsorted";
	stop;
}
# rule:[Delivery notices]
if header :contains "subject" ["delivery status", "undeliverable"]
{
	fileinto "Bounces";
	stop;
}
# rule:[Wiki]
if address :is "from" "wiki@intranet.example"
{
	fileinto "Wiki";
	stop;
}
# rule:[Builds]
if header :matches "subject" "Build * failed*"
{
	set "build" "${1}";
	addflag "\\Flagged";
	fileinto "Builds";
	stop;
}
# rule:[Press]
if address :domain :is "from" ["press.example", "media.example"]
{
	fileinto "Press";
	stop;
}
# rule:[HR]
if address :is "from" ["hr@example.com", "payroll@example.com"]
{
	fileinto "HR";
	stop;
}
# rule:[Legal]
if header :contains "subject" ["contract", "NDA"]
{
	fileinto "Legal";
	stop;
}
# rule:[Events]
if header :contains "subject" ["invitation:", "updated invitation"]
{
	fileinto "Events";
	stop;
}
# rule:[Old friends]
if address :is "from" ["carol@old.example", "dave@old.example", "erin@old.example"]
{
	fileinto "Friends";
	stop;
}
# rule:[Envelope lists]
if envelope :domain :is "from" "bounces.lists.example.org"
{
	fileinto "Lists";
	stop;
}
# rule:[Charity]
if address :domain :is "from" "charity.example"
{
	fileinto "Charity";
	stop;
}
# rule:[Games]
if header :contains "subject" ["achievement", "friend request"]
{
	fileinto "Games";
	stop;
}
# rule:[Bench]
if allof (address :domain :is "from" "example.org", header :contains "subject" "benchmark message")
{
	fileinto "Bench";
	stop;
}
# rule:[Everything else from example.org]
if address :domain :is "from" "example.org"
{
	fileinto "Example";
	stop;
}
# rule:[Catch-all marker]
if header :contains "subject" "zzz-never"
{
	fileinto "Never";
	stop;
}
