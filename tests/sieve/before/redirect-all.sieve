redirect "backup@example.net";
