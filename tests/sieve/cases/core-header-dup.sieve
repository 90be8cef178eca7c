# msg: folded.eml
# every occurrence of a header is tested
if header :is "x-tag" "third with spaces" { redirect "third@example.net"; }
if header :is "x-tag" "second" { redirect "second@example.net"; }
if header :is "x-empty" "" { redirect "empty@example.net"; }
