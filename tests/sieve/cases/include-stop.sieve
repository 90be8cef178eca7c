# msg: spam.eml
require ["include"];
include :global "spam";
redirect "never@example.net";
