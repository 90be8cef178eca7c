# msg: plain.eml
/* a bracketed
   comment */ if /* inline */ true # hash comment
{ redirect "c@example.net"; /* end */ }
