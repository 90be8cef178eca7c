require "date";
if date :zone "+0100" :is "received" "hour" "10" {
  keep;
} else {
  stop;
}
if currentdate :originalzone "year" "x" {}
