# msg: plain.eml folded.eml encoded.eml
if header :matches "subject" "*Tues?ay" { redirect "a@example.net"; }
if header :matches "subject" "This is*folded*client" { redirect "b@example.net"; }
if header :matches "subject" "Grüße*café*" { redirect "c@example.net"; }
