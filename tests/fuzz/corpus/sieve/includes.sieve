require ["include", "variables"];
include "a";
include :global :once "a";
include :optional "zz";
include "d";
if true { include :personal "b"; }
include "e";
