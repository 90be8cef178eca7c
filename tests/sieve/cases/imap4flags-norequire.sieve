# msg: plain.eml
addflag "\\Seen";
