# msg: plain.eml nobody.eml
# RFC 5228: an empty script keeps
