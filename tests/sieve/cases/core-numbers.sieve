# msg: big.eml
if size :over 7k { redirect "k@example.net"; }
if size :under 8k { redirect "under@example.net"; }
