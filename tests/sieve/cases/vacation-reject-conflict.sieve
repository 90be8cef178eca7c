# msg: plain.eml
require ["vacation", "reject"];
vacation "away";
reject "no";
