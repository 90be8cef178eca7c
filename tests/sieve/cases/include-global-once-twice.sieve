# msg: spam.eml
require ["include"];
include :once :global "spam";
include :global "spam";
