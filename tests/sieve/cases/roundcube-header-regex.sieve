# msg: plain.eml list.eml
require ["regex","fileinto","variables"];
# rule:[lists]
if header :regex "list-id" "<([a-z]+)\\.lists\\.example\\.org>"
{
	fileinto "Lists/${1}";
}
