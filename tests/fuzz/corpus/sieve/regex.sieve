require ["regex", "variables", "comparator-i;ascii-numeric", "relational"];
if header :regex "subject" ["^\\[([a-z]+)\\] (.*)$", "[[:alpha:]]{2,5}", "((a{9}){9}){9}", "x|y|(z+)?"] { set "t" "${1}"; }
if header :regex :comparator "i;octet" "x" "[]a-]{3}" { stop; }
