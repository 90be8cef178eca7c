# msg: plain.eml spam.eml list.eml
# the shape of the scripts SnappyMail writes: rules described in a comment
require ["fileinto","imap4flags","body","copy"];
/*
BEGIN:FILTER:1
BEGIN:HEADER
eyJJRCI6IjEiLCJFbmFibGVkIjp0cnVlfQ==
END:HEADER
*/
if header :contains ["Subject"] ["Meeting"]
{
	fileinto "Meetings";
	stop;
}
/* END:FILTER */
/*
BEGIN:FILTER:2
*/
if anyof(header :contains ["From"] ["frank@example.com"], body :contains "release")
{
	addflag "\\Seen";
	fileinto :copy "Dev";
}
/* END:FILTER */
