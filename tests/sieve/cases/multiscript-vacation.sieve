# msg: plain.eml
# args: -s flag-seen.sieve
require "vacation";
vacation "away";
