# msg: plain.eml
/* nothing but a comment */
