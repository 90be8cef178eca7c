# msg: plain.eml
# rule:[forward]
if true
{
	redirect "bob@forward.example.net";
}
