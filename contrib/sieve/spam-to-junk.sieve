# spam-to-junk.sieve - file mail that a spam filter marked into "Junk"
#
# A global script run before every user's own: a message that rspamd or
# SpamAssassin marked as spam is stored in the folder "Junk" (made when
# missing) and the user's script does not run for it; any other message
# goes on to the user's script unchanged.
#
# To enable it, install it where lda reads it and name it in lda.conf:
#
#     install -m 644 spam-to-junk.sieve /etc/lda/sieve/spam-to-junk.sieve
#
#     # /etc/lda/lda.conf
#     sieve_before = /etc/lda/sieve/spam-to-junk.sieve
#
# sieve_before also takes a directory (every *.sieve in it runs, in name
# order) or a comma-separated list.  Check it after any change with
#
#     lda-sieve check /etc/lda/sieve/spam-to-junk.sieve
#
# Dovecot's Pigeonhole reads the same file: there, write
# "sieve_before = /etc/lda/sieve/spam-to-junk.sieve" in the plugin { }
# section and precompile it with sievec (a delivery, not running as
# root, cannot save the compiled form next to it).
#
# It tests the marks the filters write, not a score, so no spamtest
# settings (sieve_spamtest_*) are needed:
#   rspamd (milter_headers): "X-Spam: Yes" (routine x-spam) and
#       "X-Spamd-Result: default: True [12.30 / 15.00]; ..." (routine
#       x-spamd-result, or extended_spam_headers), True being rspamd's
#       verdict that the message is spam
#   SpamAssassin (spamc, spamass-milter, amavis): "X-Spam-Flag: YES" and
#       "X-Spam-Status: Yes, score=7.9 required=5.0 ..."
# Header names and the words in them are compared without regard to case.
#
# These headers are only as good as the filter that wrote them: the MTA
# must remove any that arrive from outside (rspamd's milter_headers does,
# with remove_upstream_spam_flag; SpamAssassin replaces its own), or a
# sender could mark a message as spam, which only moves it to Junk.

require ["fileinto", "mailbox"];

if anyof (header :is "X-Spam-Flag" "YES",
          header :matches "X-Spam-Status" ["Yes", "Yes,*"],
          header :is "X-Spam" "Yes",
          header :matches "X-Spamd-Result" "default: True *") {
    fileinto :create "Junk";
    stop;
}
