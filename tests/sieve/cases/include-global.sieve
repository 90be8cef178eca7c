# msg: spam.eml plain.eml
require ["include", "fileinto"];
include :global "spam";
fileinto "AfterInclude";
