# msg: plain.eml ham.eml
require ["fileinto"];
# rule:[not alice]
if not address :is "from" "alice@example.org"
{
	fileinto "Others";
}
