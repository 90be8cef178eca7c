# msg: plain.eml spam.eml ham.eml list.eml
# the shape of the scripts Horde's Ingo writes
require ["fileinto", "imap4flags", "vacation", "regex"];
# Whitelist
if address :all :comparator "i;ascii-casemap" :is "From" ["george@example.org", "henry@example.org"] {
  keep;
  stop;
}
# Spam Filter
if allof ( exists "X-Spam-Flag", header :comparator "i;ascii-casemap" :contains "X-Spam-Flag" "YES" ) {
  fileinto "Junk";
  stop;
}
# Lists
if header :comparator "i;ascii-casemap" :regex "List-Id" "<dev\\.lists\\.example\\.org>" {
  addflag "\\Flagged";
  fileinto "Lists";
  removeflag "\\Flagged";
}
