# msg: plain.eml
/* outer /* inner */ keep;
