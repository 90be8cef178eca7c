# msg: plain.eml
require ["imap4flags", "fileinto"];
addflag "$Pending \\Draft";
if hasflag "$pending" { fileinto "has-ci"; }
if hasflag :comparator "i;octet" "$pending" { fileinto "has-octet"; }
if hasflag :matches "\\d*" { fileinto "has-match"; }
if not hasflag "\\Seen" { fileinto "not-seen"; }
