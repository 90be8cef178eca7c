# msg: list.eml spam.eml
# sieve-test reports the vacation even for a list message: the RFC 3834
# checks are made when the action is carried out
require "vacation";
vacation "away";
