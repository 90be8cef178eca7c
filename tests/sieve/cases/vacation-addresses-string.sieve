# msg: plain.eml
require "vacation";
vacation :addresses "bob@example.com" :from "bob@example.com" :subject "Re: away" "I am away";
