# msg: plain.eml
require "vacation";
vacation :days 3 :subject "Away" :from "bob@example.com" :addresses ["bob@example.com", "robert@example.com"] :handle "h1" "Back on Monday.";
