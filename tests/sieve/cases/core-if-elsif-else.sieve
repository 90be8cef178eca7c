# msg: plain.eml spam.eml ham.eml list.eml
require "fileinto";
if header :contains "subject" "SPAM" {
    fileinto "Junk";
} elsif header :is "subject" "lunch?" {
    fileinto "Food";
} elsif exists "list-id" {
    fileinto "Lists";
} else {
    keep;
}
