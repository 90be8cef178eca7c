# msg: plain.eml
require "reject";
reject "I do not want this.";
