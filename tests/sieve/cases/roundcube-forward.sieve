# msg: plain.eml
require ["copy"];
# rule:[forward]
if true
{
	redirect :copy "bob@forward.example.net";
}
