# msg: big.eml plain.eml
# rule:[big]
if size :over 5K
{
	discard;
	stop;
}
