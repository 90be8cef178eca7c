require ["include", "variables", "spamtest", "spamtestplus", "virustest", "ereject", "vacation-seconds"];
global ["a", "b"];
include :personal :once "common";
include :global :optional "site";
if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "80" { ereject "spam"; }
if virustest :value "eq" :comparator "i;ascii-numeric" "5" { discard; return; }
vacation :seconds 600 :handle "h" :mime "x";
