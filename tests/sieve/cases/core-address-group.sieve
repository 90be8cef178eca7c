# msg: oddaddr.eml
require "fileinto";
if address :is "cc" "anna@example.com" { fileinto "anna"; }
if address :is "cc" "zed@example.org" { fileinto "zed"; }
if address :is :localpart "cc" "Quoted Local" { fileinto "quoted"; }
if address :contains "to" "undisclosed" { fileinto "undisclosed"; }
if address :matches "to" "*" { fileinto "anyto"; }
if address :is :domain "cc" "sub.example.com" { fileinto "ben"; }
if address :is "bcc" "nodomain" { fileinto "nodomain"; }
