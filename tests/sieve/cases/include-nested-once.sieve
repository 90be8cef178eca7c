# msg: plain.eml list.eml
require ["include", "fileinto"];
include :personal "lists";
include :once :personal "lists";
include :global "spam";
