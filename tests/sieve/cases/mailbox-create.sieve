# msg: plain.eml
require ["fileinto", "mailbox"];
fileinto :create "New/Folder";
