# msg: plain.eml
# args: -r robert@example.com
require "vacation";
vacation :addresses ["bob@example.com"] "away";
