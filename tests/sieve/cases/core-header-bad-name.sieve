# msg: plain.eml
if header :is "sub ject" "x" { discard; }
