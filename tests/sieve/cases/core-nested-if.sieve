# msg: plain.eml spam.eml
if exists "from" {
    if header :contains "subject" "won" {
        discard;
        stop;
    }
    redirect "nested@example.net";
}
