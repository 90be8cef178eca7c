# msg: plain.eml
require ["include", "imap4flags"];
include :global "flags";
