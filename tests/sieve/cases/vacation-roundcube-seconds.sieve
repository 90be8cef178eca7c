# msg: plain.eml
require ["vacation-seconds"];
# rule:[away]
if true
{
	vacation :seconds 3600 :subject "Auto-Reply" "back soon";
}
