# msg: plain.eml
require ["enotify"];
notify "mailto:bob@example.com";
