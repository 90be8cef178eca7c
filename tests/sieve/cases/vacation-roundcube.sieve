# msg: plain.eml
# args: -f alice@example.org -r bob@example.com
require ["vacation"];
# rule:[Urlaub]
if true
{
	vacation :days 1 :subject "Out of office" :from "Bob <bob@example.com>" :addresses ["bob@example.com"] "I'm out of the office until next week.\r\nBob";
}
