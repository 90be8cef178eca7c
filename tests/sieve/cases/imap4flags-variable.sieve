# msg: plain.eml
require ["imap4flags", "variables", "fileinto"];
set "myflags" "";
addflag "myflags" "\\Seen";
addflag "myflags" "$Label1 $Label1";
fileinto :flags "${myflags}" "Var";
if hasflag "myflags" "$label1" { fileinto "has"; }
if string :is "${myflags}" "\\Seen $Label1" { fileinto "str"; }
