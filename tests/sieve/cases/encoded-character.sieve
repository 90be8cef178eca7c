# msg: plain.eml encoded.eml
require ["encoded-character", "fileinto"];
if header :contains "subject" "${hex:54 75 65}sday" { fileinto "hex"; }
if header :contains "subject" "M${unicode:FC}nchen" { fileinto "unicode"; }
if header :is "subject" "${hex:}Meeting on Tuesday" { fileinto "empty"; }
