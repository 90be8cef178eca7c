require ["regex", "variables", "comparator-i;ascii-numeric", "relational"];
if header :regex "subject" ["^\\[([a-ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÖÖÖÖÖÖÖÖÖÖÖÖ[[:alpha:]]+++++++++++#++++++++/*++++++++++++++ÿÿÿÿ++++++++++z+)?"] { set "t" "$"imap4flags"encoded-character"arator "i;oc\\t" "x" "[]a-]{6}" { stop; }
