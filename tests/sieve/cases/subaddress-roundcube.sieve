# msg: plain.eml
# args: -r bob+shop@example.com
require ["envelope","subaddress","fileinto"];
# rule:[shopping]
if envelope :detail "to" "shop"
{
	fileinto "Shopping";
}
