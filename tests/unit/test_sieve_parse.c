/*
 * test_sieve_parse.c - the Sieve lexer, parser and validation: valid
 * scripts of every command and test (and whole scripts as webmail
 * writes them), every class of error with its line, column and text,
 * the tree validation fills in, encoded-character, the limits, and
 * include resolution against real files.  Where Pigeonhole (sievec)
 * decides, the cases agree with it on what is an error.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"
#include "scratch.h"

#include "../../sieve/ast.h"
#include "../../sieve/lex.h"

static struct sieve_conf conf;

static int parse(const char *text, struct sieve_script **s,
                 struct sieve_error *err)
{
    return sieve_parse_text(&conf, "t.sieve", text, strlen(text), s, err);
}

/* valid scripts: each must parse */
static void test_valid(void **state)
{
    static const char *const cases[] = {
        "",
        "# only a comment",
        "/* only a comment */",
        "keep;",
        "KEEP;",
        "stop;",
        "discard;",
        "redirect \"a@example.org\";",
        "require \"fileinto\"; fileinto \"INBOX.Junk\";",
        "require [\"fileinto\", \"copy\"]; fileinto :copy \"a\";",
        "require [\"copy\"]; redirect :copy \"a@b.c\";",
        "require [\"fileinto\", \"mailbox\"]; fileinto :create \"a/b\";",
        "require [\"fileinto\", \"imap4flags\"];\n"
        "fileinto :flags [\"\\\\Seen\", \"$Junk\"] \"Junk\";",
        "require \"imap4flags\"; keep :flags \"\\\\Flagged\";",
        "require \"reject\"; reject \"go away\";",
        "require \"ereject\"; ereject text:\nno\n.\n;",
        "require \"imap4flags\"; setflag \"\\\\Seen\"; addflag [\"a\", \"b\"];"
        " removeflag \"a\";",
        "require [\"imap4flags\", \"variables\"]; setflag \"v\" \"\\\\Seen\";"
        " addflag \"v\" \"x\"; removeflag \"v\" [\"x\"];",
        "require \"imap4flags\"; if hasflag :contains \"seen\" { stop; }",
        "require [\"imap4flags\", \"variables\"];\n"
        "if hasflag :is :comparator \"i;octet\" [\"v\"] \"x\" { stop; }",
        "require \"variables\"; set \"a2345678901234567890123456789012345678"
        "90123456789012345678901234\" \"\";",
        "require \"variables\"; set \"a\" \"b\"; set :lower :upperfirst "
        "\"c_1\" \"${a}\"; set :length :quotewildcard \"n\" \"x\";",
        "require \"variables\"; if string :matches \"${a}\" \"*\" { stop; }",
        "require \"vacation\"; vacation \"gone\";",
        "require \"vacation\";\nvacation :days 3 :subject \"s\" :from "
        "\"me@x.org\" :addresses [\"a@x.org\", \"b@x.org\"] :mime "
        ":handle \"h\" text:\nContent-Type: text/plain\n\nbye\n.\n;",
        "require [\"vacation\", \"vacation-seconds\"];\n"
        "vacation :seconds 3600 \"x\";",
        "require \"vacation-seconds\"; vacation :seconds 60 \"x\";",
        "require \"include\"; return;",
        "require [\"include\", \"variables\"]; global [\"a\", \"b\"];",
        "if address :all :is \"from\" \"a@b.c\" { stop; }",
        "if address :localpart :comparator \"i;octet\" :contains "
        "[\"from\", \"to\"] [\"x\", \"y\"] { stop; }",
        "if address :domain \"from\" \"b.c\" { stop; }",
        "require \"subaddress\"; if address :user \"to\" \"a\" { stop; }",
        "require [\"subaddress\", \"envelope\"];\n"
        "if envelope :detail \"to\" \"x\" { stop; }",
        "if allof (true, not false, exists \"x\") { stop; }",
        "if anyof (false, header :matches \"subject\" \"*x?\") { stop; }",
        "if size :over 100K { stop; } if size :under 1M { stop; }",
        "if size :over 1G { stop; }",
        "if header :comparator \"i;ascii-casemap\" :is \"a\" \"b\" {stop;}",
        "if header :comparator \"I;OCTET\" \"a\" \"b\" { stop; }",
        "require \"comparator-i;ascii-numeric\";\n"
        "if header :comparator \"i;ascii-numeric\" \"a\" \"1\" { stop; }",
        "require \"comparator-i;octet\"; keep;",
        "require \"relational\";\n"
        "if header :value \"gt\" \"x\" \"1\" { stop; }\n"
        "if address :count \"ne\" :all \"to\" \"2\" { stop; }",
        "require \"regex\"; if header :regex \"s\" \"^a(b|c)+$\" { stop; }",
        "require \"regex\"; if header :regex \"s\" [\"((a{200}){200})\", "
        "\"[0-9]{3}-[0-9]{4}\", \"[]a[:alpha:]]{2,}\", \"a++++++++\", "
        "\"((((((x*)+)+)+)+)+)+\", \"(a|)+.*?\"] { stop; }",
        "require \"body\"; if body :contains \"x\" { stop; }",
        "require \"body\"; if body :raw :is \"x\" { stop; }",
        "require \"body\";\n"
        "if body :content [\"text\", \"image/png\"] :contains \"x\" {stop;}",
        "require \"body\"; if body :text :matches \"*\" { stop; }",
        "require \"date\";\n"
        "if date :zone \"+0100\" :is \"date\" \"year\" \"2024\" { stop; }",
        "require \"date\";\n"
        "if date :originalzone \"received\" \"hour\" \"10\" { stop; }",
        "require \"date\"; if currentdate :zone \"-0500\" \"weekday\" \"0\""
        " { stop; }",
        "require \"date\"; if currentdate \"date\" \"2024-01-01\" {stop;}",
        "require \"spamtest\"; if spamtest \"5\" { stop; }",
        "require [\"spamtest\", \"relational\",\n"
        "\"comparator-i;ascii-numeric\"];\n"
        "if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"5\" "
        "{ stop; }",
        "require \"spamtestplus\"; if spamtest :percent \"50\" { stop; }",
        "require \"virustest\"; if virustest \"3\" { stop; }",
        "require \"mailbox\"; if mailboxexists [\"a\", \"b\"] { stop; }",
        "if true { stop; } elsif false { keep; } else { discard; }",
        "if true { } elsif true { } elsif true { } else { }",
        "if TRUE { KEEP; } ELSE { STOP; }",
        "keep;\r\nif true\r\n{\r\n  stop;\r\n}\r\n",
        "keep; # trailing comment",
        "keep; /* multi\n line */ stop;",
        "require \"encoded-character\"; keep;",
        "redirect \"a\\@b.c\";",
        "redirect \"Name <a@b.c>\"; redirect \"<a@b.c>\";",
        "redirect \"a(comment)@b.c\"; redirect \"\\\"a b\\\"@[1.2.3.4]\";",
        "require \"fileinto\"; fileinto \"\";",
        "require \"envelope\"; if envelope [\"TO\", \"auth\"] \"a\" {stop;}",
        "require [\"envelope\", \"variables\"]; if envelope \"${x}\" \"a\" "
        "{ stop; }",
        "require \"variables\"; set :lower :upperfirst :quotewildcard "
        ":length \"a\" \"b\";",
        "require \"vacation\"; vacation :from \"Me <me@x.org>\" \"r\";",
        "if not not not true { stop; }",
        "if address [\"From\", \"sender\", \"to\", \"cc\", \"bcc\", "
        "\"reply-to\", \"resent-from\", \"resent-sender\", \"resent-to\", "
        "\"resent-cc\", \"resent-bcc\", \"resent-reply-to\", \"delivered-to\","
        " \"errors-to\", \"x-original-to\", \"mail-followup-to\", "
        "\"mail-reply-to\", \"return-receipt-to\", \"apparently-to\", "
        "\"x-beenthere\"] \"x\" { stop; }",
        "require [\"variables\", \"fileinto\"]; fileinto \"${32}${a.}${1a}"
        "${.x}${}\";",
        "require \"fileinto\"; fileinto \"${a.b}\";",
        "keep;\rstop; # a\rb\n/* \r */",
        "if header:contains\"a\"\"b\"{stop;}",
        "if allof(anyof(true), not false) {stop;}",
    };
    struct sieve_script *s;
    struct sieve_error err;
    char c[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "valid[%zu]", i);
        if (parse(cases[i], &s, &err) != 0) {
            print_error("%s: %s: %d:%d: %s\n", c, show(cases[i]), err.line,
                        err.col, err.text);
            failed++;
            continue;
        }
        sieve_script_free(s);
    }
    CHECKED();
}

/* whole scripts as webmail front ends write them */
static void test_whole(void **state)
{
    static const char *const cases[] = {
        /* Roundcube managesieve */
        "require [\"fileinto\",\"reject\",\"vacation\",\"imap4flags\","
        "\"date\",\"relational\",\"copy\",\"body\",\"envelope\","
        "\"variables\",\"mailbox\",\"subaddress\"];\n"
        "# rule:[Spam]\n"
        "if header :contains \"X-Spam-Flag\" \"YES\"\n"
        "{\n\tfileinto \"Junk\";\n\tstop;\n}\n"
        "# rule:[lists]\n"
        "if anyof (header :contains \"List-Id\" \"dev.lists.example.org\", "
        "address :is \"from\" \"noreply@example.org\")\n"
        "{\n\tfileinto :copy :create \"Lists/Dev\";\n"
        "\taddflag \"\\\\Seen\";\n}\n"
        "# rule:[away]\n"
        "if allof (currentdate :value \"ge\" \"date\" \"2024-01-01\", "
        "currentdate :value \"le\" \"date\" \"2024-01-31\")\n"
        "{\n\tvacation :days 1 :subject \"Out of office\" :from "
        "\"me@example.org\" :addresses [\"me@example.org\","
        "\"alias@example.org\"] text:\nI am away until February.\n..\n"
        "Regards\n.\n;\n}\n"
        "# rule:[size]\nif size :over 10M\n{\n\treject \"too big\";\n}\n"
        "# rule:[plus]\nif address :detail \"to\" \"lists\"\n"
        "{\n\tfileinto :flags [\"\\\\Seen\",\"$Junk\"] \"Lists\";\n}\n"
        "if envelope :domain :is \"from\" \"example.com\"\n"
        "{\n\tset \"x\" \"${1}\";\n\tkeep;\n}\n",
        /* SnappyMail / RainLoop */
        "require [\"fileinto\", \"copy\", \"vacation\", \"reject\", "
        "\"imap4flags\", \"body\", \"mailbox\"];\n\n"
        "/*\nBEGIN:FILTER:5f1a\nBEGIN:HEADER\neyJJRCI6IjVmMWEifQ==\n"
        "END:HEADER\n*/\n"
        "if allof(\n    address :contains \"From\" \"spam@example.com\"\n)\n"
        "{\n    fileinto :create \"Spam\";\n    stop;\n}\n"
        "/* END:FILTER */\n",
        /* Horde Ingo */
        "# Sieve Filter\n"
        "# Generated by Ingo (http://www.horde.org/apps/ingo/)\n"
        "require [\"vacation\", \"regex\", \"fileinto\", \"imap4flags\"];\n"
        "# Vacation\n"
        "if allof ( not exists [\"list-help\", \"list-unsubscribe\", "
        "\"list-subscribe\", \"list-owner\", \"list-post\", \"list-archive\","
        " \"list-id\", \"Mailing-List\"], not header :comparator "
        "\"i;ascii-casemap\" :is \"Precedence\" [\"list\", \"bulk\", "
        "\"junk\"], not header :comparator \"i;ascii-casemap\" :matches "
        "\"To\" \"Multiple recipients of*\" ) {\n"
        "vacation :days 7 :addresses \"user@example.com\" :subject \"Away\" "
        "\"I'm away\";\n}\n"
        "# Whitelist\n"
        "if address :all :comparator \"i;ascii-casemap\" :is \"From\" "
        "\"friend@example.com\"  {\nkeep;\nstop;\n}\n"
        "# Spam Filter\n"
        "if header :comparator \"i;ascii-casemap\" :regex \"X-Spam-Level\" "
        "\"\\\\*{5,}\" {\n  fileinto :flags \"\\\\Seen\" \"Junk\";\n"
        "  stop;\n}\n",
    };
    struct sieve_script *s;
    struct sieve_error err;
    char c[32];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "whole[%zu]", i);
        if (parse(cases[i], &s, &err) != 0) {
            print_error("%s: %d:%d: %s\n", c, err.line, err.col, err.text);
            failed++;
            continue;
        }
        sieve_script_free(s);
    }
    CHECKED();
}

/* errors: where, and what */
static void test_errors(void **state)
{
    static const struct {
        const char *in;
        int line, col;
        const char *text;
    } cases[] = {
        /* lexical */
        {"keep \"a", 1, 6, "end of file before end of quoted string"},
        {"keep;\n/* x\n", 2, 1, "end of file before end of bracket"},
        {"keep;\n  @", 2, 3, "unexpected character '@'"},
        {"keep;\n  \x01", 2, 3, "unexpected character(s) starting with"},
        {"keep;\n  : x;", 2, 3, "after ':'"},
        {"require \"fileinto\";\nfileinto text:\nabc\n.", 4, 2,
         "end of file before end of multi-line string"},
        {"require \"fileinto\";\nfileinto text: x\nabc\n.\n;", 2, 16,
         "after 'text:'"},
        {"if size :over 18446744073709551616 { stop; }", 1, 15,
         "number exceeds integer limits"},
        {"if size :over 99999999999G { stop; }", 1, 15,
         "number exceeds integer limits"},
        /* structure */
        {"keep", 1, 5, "expected end of command ';'"},
        {"keep }", 1, 5, "but found '}'"},
        {"# x\nkeep\ndiscard;", 2, 5, "missing semicolon ';' after the keep"},
        {"keep \"a\"\n\n  }", 1, 9, "expected end of command ';'"},
        {"if true", 1, 8, "expected end of command"},
        {"if true {", 1, 10, "expected end of compound block '}'"},
        {"keep;\n}", 2, 1, "unexpected '}' found"},
        {"keep;\n5;", 2, 1, "unexpected number found"},
        {"keep [];", 1, 7, "expecting string after '['"},
        {"keep [\"a\",];", 1, 11, "expecting string after ','"},
        {"keep [\"a\" \"b\"];", 1, 11, "expecting ',' or end of string"},
        {"if anyof (true false) { stop; }", 1, 16, "the true test accepts "
         "no sub-tests"},
        {"if anyof (true, false { stop; }", 1, 23, "expecting ',' or end "
         "of test list"},
        {"if { stop; }", 1, 1, "requires one sub-test, but none"},
        {"if (true) { stop; }", 1, 1, "requires one sub-test, but a list"},
        {"if not (true) { stop; }", 1, 4, "requires one sub-test"},
        {"if allof true { stop; }", 1, 4, "requires a list of sub-tests"},
        {"if true;", 1, 1, "requires a command block"},
        {"keep { stop; }", 1, 1, "does not accept a command block"},
        {"keep true;", 1, 6, "accepts no sub-tests"},
        {"if true { stop; } else if true { stop; }", 1, 23, "missing "
         "semicolon ';' after the else command"},
        {"keep;\nelse { stop; }", 2, 1, "must follow an if or elsif"},
        {"if true { stop; } keep; elsif true { stop; }", 1, 25,
         "must follow an if"},
        {"if 5 { stop; }", 1, 1, "requires one sub-test"},
        {"if anyof (5) { stop; }", 1, 11, "expected a test name"},
        /* names */
        {"keep;\n  foo;", 2, 3, "unknown command 'foo'"},
        {"header \"a\" \"b\";", 1, 1, "unknown command 'header'"},
        {"if keep { stop; }", 1, 4, "unknown test 'keep'"},
        {"fileinto \"a\";", 1, 1, "unknown command 'fileinto'"},
        {"if envelope \"to\" \"a\" { stop; }", 1, 4, "unknown test 'envel"},
        {"set \"a\" \"b\";", 1, 1, "unknown command 'set'"},
        /* require */
        {"require \"foo\";", 1, 9, "unsupported extension 'foo'"},
        {"require [\"fileinto\", \"FILEINTO\"];", 1, 22, "unsupported"},
        {"keep;\nrequire \"fileinto\";", 2, 1, "require commands can only"},
        {"if true { require \"fileinto\"; }", 1, 11, "require commands"},
        {"require 5;", 1, 9, "expects a string list as argument 1"},
        /* tags */
        {"keep;\n\n   keep :foo;", 3, 9, "unknown tagged argument ':foo' "
         "for the keep command"},
        {"keep :flags \"x\";", 1, 6, "unknown tagged argument ':flags'"},
        {"require \"fileinto\"; fileinto :copy \"a\";", 1, 30,
         "unknown tagged argument ':copy'"},
        {"require \"fileinto\"; fileinto :create \"a\";", 1, 30,
         "unknown tagged argument ':create'"},
        {"if header :regex \"a\" \"b\" { stop; }", 1, 11,
         "unknown tagged argument ':regex'"},
        {"if header :value \"gt\" \"a\" \"b\" { stop; }", 1, 11,
         "unknown tagged argument ':value'"},
        {"if address :user \"a\" \"b\" { stop; }", 1, 12,
         "unknown tagged argument ':user'"},
        {"require \"vacation\"; vacation :seconds 5 \"x\";", 1, 30,
         "unknown tagged argument ':seconds'"},
        {"require \"spamtest\"; if spamtest :percent \"1\" { stop; }", 1, 33,
         "unknown tagged argument ':percent'"},
        {"if header :is :is \"a\" \"b\" { stop; }", 1, 15,
         "duplicate MATCH-TYPE argument (:is)"},
        {"if header :is :contains \"a\" \"b\" { stop; }", 1, 15,
         "duplicate MATCH-TYPE"},
        {"if address :all :domain \"a\" \"b\" { stop; }", 1, 17,
         "duplicate ADDRESS-PART argument (:domain)"},
        {"if header :comparator \"i;octet\" :comparator \"i;octet\" \"a\" "
         "\"b\" { stop; }", 1, 33, "duplicate :comparator"},
        {"require \"body\"; if body :raw :text \"a\" { stop; }", 1, 30,
         "duplicate :text argument"},
        {"require \"date\"; if date :zone \"+0100\" :originalzone \"date\" "
         "\"year\" \"2000\" { stop; }", 1, 39, "duplicate :originalzone"},
        {"require \"vacation\"; vacation :days 1 :days 2 \"x\";", 1, 38,
         "duplicate :days"},
        {"require [\"vacation\", \"vacation-seconds\"];\n"
         "vacation :days 1 :seconds 2 \"x\";", 2, 18, "duplicate :seconds"},
        {"if size :over 1K :under 2 { stop; }", 1, 18, "duplicate :under"},
        {"if size { stop; }", 1, 4, "one of the :over or :under"},
        {"if size :over \"1\" { stop; }", 1, 9, "requires a number"},
        {"if header :comparator { stop; }", 1, 11, "requires a string"},
        {"if header :comparator \"i;foo\" \"a\" \"b\" { stop; }", 1, 23,
         "unknown comparator 'i;foo'"},
        {"if header :comparator \"i;ascii-numeric\" \"a\" \"b\" { stop; }",
         1, 23, "unknown comparator 'i;ascii-numeric'"},
        {"require \"comparator-i;ascii-numeric\";\nif header :contains "
         ":comparator \"i;ascii-numeric\" \"a\" \"1\" { stop; }", 2, 11,
         "does not support sub-string matching as required by the :contains"},
        {"require \"comparator-i;ascii-numeric\";\nif header :comparator "
         "\"i;ascii-numeric\" :matches \"a\" \"1\" { stop; }", 2, 41,
         ":matches match type"},
        {"require \"relational\";\n"
         "if header :value \"GT\" \"a\" \"1\" { stop; }", 2, 18,
         "one of \"gt\""},
        {"require \"relational\";\n"
         "if header :count \"xx\" \"a\" \"1\" { stop; }", 2, 18, "\"xx\" was"},
        {"require \"regex\";\nif header :regex \"a\" \"(\" { stop; }", 2, 22,
         "invalid regular expression '('"},
        {"require \"regex\";\nif header :regex \"a\" \"(((((((a{9}){9}){9})"
         "{9}){9}){9}){9}\" { stop; }", 2, 22, "too complex"},
        {"require \"regex\";\nif header :regex \"a\" \"(a{1000}){1000}\" "
         "{ stop; }", 2, 22, "too complex"},
        {"require \"regex\";\nif header :regex \"a\" \"[[:alpha:]]+++++++++++"
         "+++++++++\" { stop; }", 2, 22, "too complex"},
        {"require \"regex\";\nif header :regex \"a\" \"x*++++++++++++\" "
         "{ stop; }", 2, 22, "too complex"},
        {"require \"regex\";\nif header :regex \"a\" \"((((((((((((x?)+)+)+)+"
         ")+)+)+)+)+)+)+)+\" { stop; }", 2, 22, "too complex"},
        {"if header \"a\" :is \"b\" { stop; }", 1, 15,
         "unexpected tagged argument ':is' while validating positional"},
        /* positional */
        {"keep;\n\n   keep \"a\";", 3, 4, "requires 0 positional argument"},
        {"redirect;", 1, 1, "requires 1 positional argument(s), but 0"},
        {"if header \"a\" { stop; }", 1, 4, "requires 2 positional"},
        {"redirect [\"a@b.c\"];", 1, 10, "expects a string as argument 1"},
        {"require \"fileinto\"; fileinto [\"x\"];", 1, 30,
         "a string list was"},
        {"redirect 5;", 1, 10, "expects a string as argument 1, but a "
         "number"},
        {"if exists 5 { stop; }", 1, 11, "expects a string list"},
        {"require \"imap4flags\"; setflag \"v\" \"x\";", 1, 31,
         "only when the variables extension"},
        {"require [\"imap4flags\", \"variables\"]; setflag [\"v\"] \"x\";", 1,
         46, "expects a string as argument 1"},
        {"require [\"imap4flags\", \"variables\"]; setflag \"1v\" \"x\";", 1,
         46, "invalid variable name '1v'"},
        {"require \"variables\";\nset \"a b\" \"c\";", 2, 5,
         "invalid variable name 'a b'"},
        {"require \"variables\";\nset \"a23456789012345678901234567890123456"
         "78901234567890123456789012345\" \"c\";", 2, 5,
         "invalid variable name"},
        {"require \"include\"; global \"x\";", 1, 20,
         "requires that variables extension"},
        /* command checks */
        {"redirect \"foo\";", 1, 10, "redirect address 'foo' is invalid"},
        {"require \"fileinto\";\nfileinto \"a\xff" "b\";", 2, 10,
         "invalid utf-8"},
        {"redirect \"a b@c.d\";", 1, 10, "address 'a b@c.d' is invalid"},
        {"redirect \"a@b..c\";", 1, 10, "is invalid"},
        {"redirect \"<>\";", 1, 10, "is invalid"},
        {"redirect \"Name <a@b.c>, c@d.e\";", 1, 10, "is invalid"},
        {"require \"vacation\"; vacation :from \"bad\" \"x\";", 1, 36,
         ":from address 'bad' is invalid"},
        {"require \"envelope\"; if envelope [\"from\", \"x\"] \"a\" {stop;}",
         1, 42, "envelope part 'x' is not supported"},
        {"require \"variables\"; set :lower :upper \"a\" \"b\";", 1, 33,
         "modifiers :lower and :upper"},
        {"require \"variables\"; set :upperfirst :length :lowerfirst \"a\" "
         "\"b\";", 1, 46, "modifiers :upperfirst and :lowerfirst"},
        {"require [\"regex\", \"comparator-i;ascii-numeric\"];\nif header "
         ":regex :comparator \"i;ascii-numeric\" \"a\" \"b\" { stop; }", 2, 30,
         "regex match type only supports"},
        /* encoded-character */
        {"require [\"encoded-character\", \"fileinto\"];\n"
         "fileinto \"${unicode:110000}\";", 2, 10, "invalid unicode "
         "character 0x00110000"},
        {"require [\"encoded-character\", \"fileinto\"];\n"
         "fileinto \"${unicode:D800}\";", 2, 10, "0x0000d800"},
        {"require [\"encoded-character\", \"fileinto\"];\n"
         "fileinto \"a${hex:00}\";", 2, 10, "encoded NUL"},
        {"if address [\"to\", \"subject\"] \"x\" { stop; }", 1, 19,
         "header 'subject' is not allowed for the address test"},
        /* variables */
        {"require [\"variables\", \"fileinto\"];\nfileinto \"x${a.b}\";", 2,
         10, "unknown namespace 'a'"},
        {"require [\"variables\"];\nif string \"${33}\" \"\" { stop; }", 2,
         11, "match value index 33 out of range"},
        /* stray CR in strings */
        {"require \"fileinto\";\nfileinto \"a\rb\";", 2, 12,
         "stray carriage-return"},
        {"require \"fileinto\";\nfileinto text:\nab\rc\n.\n;", 3, 3,
         "stray carriage-return"},
        /* include names */
        {"require \"include\"; include \"a/b\";", 1, 28,
         "invalid script name 'a/b'"},
        {"require \"include\"; include \".b\";", 1, 28, "invalid script"},
        {"require \"include\"; include \"\";", 1, 28, "invalid script"},
        {"require [\"include\", \"variables\"]; include \"${a}\";", 1, 43,
         "must be a constant"},
        {"require \"include\"; include :personal :global \"a\";", 1, 38,
         "duplicate :global"},
        {"require \"include\"; include \"nosuch\";", 1, 20,
         "included personal script 'nosuch' does not exist"},
        {"require \"include\"; include :global \"nosuch\";", 1, 20,
         "included global script 'nosuch'"},
    };
    struct sieve_script *s;
    struct sieve_error err;
    char c[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "error[%zu] %s", i, show(cases[i].in));
        if (parse(cases[i].in, &s, &err) == 0) {
            print_error("%s: parsed\n", c);
            failed++;
            sieve_script_free(s);
            continue;
        }
        EXPECT_INT(c, s == NULL, 1);
        EXPECT_STR(c, err.file, "t.sieve");
        EXPECT_INT(c, err.line, cases[i].line);
        EXPECT_INT(c, err.col, cases[i].col);
        EXPECT_HAS(c, err.text, cases[i].text);
    }
    CHECKED();
}

/* NUL bytes are errors wherever they are (as Pigeonhole) */
static void test_nul(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        int line, col;
    } cases[] = {
        {"keep;\n\"a\0b\";", 11, 2, 3},
        {"#a\0\nkeep;", 9, 1, 3},
        {"/*\0*/keep;", 10, 1, 3},
        {"keep;\0", 6, 1, 6},
        {"require \"reject\"; reject text:\na\0\n.\n;", 37, 2, 2},
    };
    struct sieve_script *s;
    struct sieve_error err;
    char c[32];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "nul[%zu]", i);
        EXPECT_INT(c, sieve_parse_text(&conf, "t.sieve", cases[i].in,
                                       cases[i].len, &s, &err), -1);
        EXPECT_INT(c, err.line, cases[i].line);
        EXPECT_INT(c, err.col, cases[i].col);
        EXPECT_HAS(c, err.text, "NUL");
    }
    CHECKED();
}

/* the tree: strings as decoded, numbers, what validation fills in */
static void test_tree(void **state)
{
    struct sieve_script *s;
    struct sieve_error err;
    const struct sv_node *n, *t;
    const struct sv_arg *a;
    const char *c = "tree";

    (void)state;
    assert_int_equal(parse(
        "require [\"fileinto\", \"relational\", \"comparator-i;ascii-numeric\""
        ", \"imap4flags\", \"variables\", \"encoded-character\", "
        "\"subaddress\"];\n"
        "if address :count \"ge\" :comparator \"i;ascii-numeric\" :detail\n"
        "    [\"to\", \"cc\"] \"2\" {\n"
        "  fileinto :flags \"\\\\Seen\" \"a\\\\b\\\"c\\d\";\n"
        "} elsif header :matches \"subject\" \"${hex:41 42}${unicode:e9}x\""
        " {\n"
        "  setflag \"v\" \"${x}\";\n"
        "} else { addflag \"f\"; }\n"
        "if size :over 2K { stop; }\n"
        "if header :contains \"a\" text:\n"
        "..dot\n"
        "line2\r\n"
        ".\n"
        "{ keep; }\n", &s, &err), 0);
    n = s->first;
    EXPECT_INT(c, n->def->id, SV_REQUIRE);
    EXPECT_INT(c, n->pos[0]->n, 7);
    EXPECT_U64(c, s->ext, SV_EXT_FILEINTO | SV_EXT_RELATIONAL
               | SV_EXT_NUMERIC | SV_EXT_IMAP4FLAGS | SV_EXT_VARIABLES
               | SV_EXT_ENCODED_CHARACTER | SV_EXT_SUBADDRESS);
    n = n->next;
    EXPECT_INT(c, n->def->id, SV_IF);
    EXPECT_INT(c, n->line, 2);
    EXPECT_INT(c, n->col, 1);
    t = n->tests[0];
    EXPECT_INT(c, t->def->id, SV_ADDRESS);
    EXPECT_INT(c, t->match, SV_COUNT);
    EXPECT_INT(c, t->rel, SV_GE);
    EXPECT_INT(c, t->cmp, SV_NUMERIC);
    EXPECT_INT(c, t->part, SV_DETAIL);
    EXPECT_STR(c, t->match_arg->tag, "count");
    EXPECT_STR(c, t->cmp_arg->v[0].s, "i;ascii-numeric");
    EXPECT_STR(c, sv_tag(t, "count")->v[0].s, "ge");
    EXPECT_INT(c, t->npos, 2);
    EXPECT_INT(c, t->pos[0]->type, SV_LIST);
    EXPECT_INT(c, t->pos[0]->n, 2);
    EXPECT_STR(c, t->pos[0]->v[1].s, "cc");
    EXPECT_INT(c, t->pos[0]->v[1].line, 3);
    EXPECT_INT(c, t->pos[0]->v[1].col, 12);
    EXPECT_STR(c, t->pos[1]->v[0].s, "2");
    a = sv_tag(n->block, "flags");
    EXPECT_STR(c, a->v[0].s, "\\Seen");
    EXPECT_STR(c, n->block->pos[0]->v[0].s, "a\\b\"cd");
    EXPECT_INT(c, sv_tag(n->block, "copy") == NULL, 1);
    n = n->next;
    EXPECT_INT(c, n->def->id, SV_ELSIF);
    t = n->tests[0];
    EXPECT_INT(c, t->match, SV_MATCHES);
    EXPECT_INT(c, t->cmp, SV_CASEMAP);
    EXPECT_STR(c, t->pos[1]->v[0].s, "AB\xc3\xa9x");
    EXPECT_INT(c, t->pos[1]->v[0].has_var, 0);
    EXPECT_INT(c, n->block->def->id, SV_SETFLAG);
    EXPECT_STR(c, n->block->pos[0]->v[0].s, "v");
    EXPECT_INT(c, n->block->pos[1]->v[0].has_var, 1);
    n = n->next;
    EXPECT_INT(c, n->def->id, SV_ELSE);
    EXPECT_INT(c, n->block->pos[0] == NULL, 1);
    EXPECT_STR(c, n->block->pos[1]->v[0].s, "f");
    n = n->next;
    EXPECT_U64(c, sv_tag(n->tests[0], "over")->num, 2048);
    EXPECT_INT(c, n->tests[0]->match, SV_IS);
    n = n->next;
    EXPECT_STR(c, n->tests[0]->pos[1]->v[0].s, ".dot\nline2\r\n");
    EXPECT_INT(c, n->next == NULL, 1);
    sieve_script_free(s);
    CHECKED();
}

/* encoded-character only after its require; malformed stays */
static void test_encoded(void **state)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"${hex:41}", "A"},
        {"${HEX: 4 41\t42 }", "\x04" "AB"},
        {"${hex:414}", "${hex:414}"},
        {"${hex:}", "${hex:}"},
        {"${hex:4x}", "${hex:4x}"},
        {"${hex:41", "${hex:41"},
        {"${hex:4141}", "${hex:4141}"},
        {"a${unicode:0000041}b", "aAb"},
        {"${unicode:1F600 20ac}", "\xf0\x9f\x98\x80\xe2\x82\xac"},
        {"$${hex:24}{x}", "$${x}"},
        {"${unicode:}", "${unicode:}"},
        {"${x}${hex:41}", "${x}A"},
    };
    struct sieve_script *s;
    struct sieve_error err;
    char text[256], c[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(c, sizeof(c), "encoded[%zu]", i);
        snprintf(text, sizeof(text), "require [\"encoded-character\", "
                 "\"fileinto\"];\nfileinto \"%s\";", cases[i].in);
        if (parse(text, &s, &err) != 0) {
            print_error("%s: %s\n", c, err.text);
            failed++;
            continue;
        }
        EXPECT_STR(c, s->first->next->pos[0]->v[0].s, cases[i].want);
        EXPECT_U64(c, s->first->next->pos[0]->v[0].len,
                   strlen(cases[i].want));
        sieve_script_free(s);
    }
    /* without the require, nothing is decoded */
    assert_int_equal(parse("require \"fileinto\"; fileinto \"${hex:41}\";",
                           &s, &err), 0);
    EXPECT_STR("plain", s->first->next->pos[0]->v[0].s, "${hex:41}");
    EXPECT_INT("plain", s->first->next->pos[0]->v[0].has_var, 1);
    sieve_script_free(s);
    CHECKED();
}

/* nesting, size: bounded */
static void test_limits(void **state)
{
    struct sieve_script *s;
    struct sieve_error err;
    char *text;
    size_t o = 0, cap = 1 << 20;
    int i;

    (void)state;
    text = malloc(cap);
    assert_non_null(text);
    /* 31 blocks in blocks is fine, 32 is not: with the top level, 32
     * levels (Pigeonhole's sieve_max_block_nesting) */
    for (int depth = 31; depth <= 32; depth++) {
        o = 0;
        for (i = 0; i < depth; i++)
            o += (size_t)snprintf(text + o, cap - o, "if true {\n");
        for (i = 0; i < depth; i++)
            o += (size_t)snprintf(text + o, cap - o, "}\n");
        i = parse(text, &s, &err);
        EXPECT_INT("blocks", i, depth == 31 ? 0 : -1);
        if (i == 0)
            sieve_script_free(s);
        else
            EXPECT_HAS("blocks", err.text, "cannot nest command blocks");
    }
    /* if and 31 tests in tests are 32 levels, one more is too many (and
     * 100000 does not crash) */
    for (int depth = 30; depth <= 100000; depth = depth == 30 ? 31
         : 100000) {
        o = 0;
        o += (size_t)snprintf(text + o, cap - o, "if ");
        for (i = 0; i < depth; i++)
            o += (size_t)snprintf(text + o, cap - o, "not ");
        o += (size_t)snprintf(text + o, cap - o, "true { stop; }");
        i = parse(text, &s, &err);
        EXPECT_INT("tests", i, depth == 30 ? 0 : -1);
        if (i == 0)
            sieve_script_free(s);
        else
            EXPECT_HAS("tests", err.text, "cannot nest tests");
        if (depth == 100000)
            break;
    }
    /* the size limit */
    conf.max_script_size = 10;
    EXPECT_INT("size", parse("keep; keep; keep;", &s, &err), -1);
    EXPECT_HAS("size", err.text, "too large");
    EXPECT_INT("size", parse("keep;", &s, &err), 0);
    sieve_script_free(s);
    conf.max_script_size = 0;
    /* regexes: each within bounds, together too much */
    o = (size_t)snprintf(text, cap, "require \"regex\";\n"
                         "if header :regex \"a\" [");
    for (i = 0; i < 8; i++)       /* 7 of 40000 fit in 300000 */
        o += (size_t)snprintf(text + o, cap - o, "%s\"(a{200}){200}\"",
                              i ? "," : "");
    snprintf(text + o, cap - o, "] { stop; }");
    EXPECT_INT("regex total", parse(text, &s, &err), -1);
    EXPECT_HAS("regex total", err.text, "too complex together");
    EXPECT_INT("regex total", err.line, 2);
    EXPECT_INT("regex total", err.col, 23 + 16 * 7);
    /* 255 variables a script sets (names without case), and 255 globals
     * besides; one more of either is an error */
    for (int g = 0; g <= 1; g++) {
        for (int total = 255; total <= 256; total++) {
            o = (size_t)snprintf(text, cap, "require [\"variables\", "
                                 "\"include\", \"imap4flags\"];\n");
            for (i = 0; i < 300; i++)     /* 300 locals, in any case */
                o += (size_t)snprintf(text + o, cap - o, "%s \"%c%d\" "
                                      "\"x\";\n", i % 2 ? "set" : "addflag",
                                      i % 3 ? 'v' : 'V', i % 255);
            for (i = 0; g && i < total; i++)
                o += (size_t)snprintf(text + o, cap - o,
                                      "global \"g%d\";\n", i);
            for (i = 0; !g && i < total; i++)
                o += (size_t)snprintf(text + o, cap - o, "if hasflag "
                                      "[\"v%d\", \"w%d\"] \"x\" {}\n", i,
                                      i);
            i = parse(text, &s, &err);
            EXPECT_INT("vars", i, g && total == 255 ? 0 : -1);
            if (i == 0) {
                sieve_script_free(s);
            } else if (g) {
                EXPECT_HAS("vars", err.text, "new global variable 'g255' "
                           "exceeds the limit");
                EXPECT_INT("vars", err.line, 2 + 300 + 255);
            } else {
                /* v0..v254 are known: w0 is the 256th */
                EXPECT_HAS("vars", err.text, "new variable 'w0' exceeds");
                EXPECT_INT("vars", err.line, 2 + 300);
                EXPECT_INT("vars", err.col, 19);
            }
        }
    }
    /* a long list */
    o = (size_t)snprintf(text, cap, "if header \"a\" [");
    for (i = 0; i < 50000; i++)
        o += (size_t)snprintf(text + o, cap - o, "%s\"k%d\"", i ? "," : "",
                              i);
    snprintf(text + o, cap - o, "] { stop; }");
    EXPECT_INT("list", parse(text, &s, &err), 0);
    EXPECT_INT("list", s->first->tests[0]->pos[1]->n, 50000);
    sieve_script_free(s);
    free(text);
    CHECKED();
}

/* ---- includes, against files ---- */

static char dir[256];

static void put(const char *sub, const char *name, const char *text)
{
    char p[512];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int load(const char *sub, const char *name, struct sieve_script **s,
                struct sieve_error *err)
{
    char p[512];

    snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
    return sieve_load(&conf, p, s, err);
}

static void test_include(void **state)
{
    struct sieve_script *s;
    struct sieve_error err;
    const struct sv_node *n;
    char p[512], q[512];

    (void)state;
    snprintf(dir, sizeof(dir), "%s/sieve-parse.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof(p), "%s/p", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(conf.personal_dir, sizeof(conf.personal_dir), "%s", p);
    snprintf(p, sizeof(p), "%s/g", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(conf.global_dir, sizeof(conf.global_dir), "%s", p);

    /* missing file: ENOENT */
    errno = 0;
    EXPECT_INT("missing", load("p", "none.sieve", &s, &err), -1);
    EXPECT_INT("missing", errno, ENOENT);
    EXPECT_HAS("missing", err.file, "none.sieve");

    /* a shared target loaded once; global apart from personal */
    put("p", "a.sieve", "require \"include\";\ninclude \"b\";\n"
        "include :once \"b\";\ninclude :global \"b\";\n"
        "include :optional \"gone\";\nkeep;\n");
    put("p", "b.sieve", "require \"include\";\ninclude \"c\";\nreturn;\n");
    put("p", "c.sieve", "discard;\n");
    put("g", "b.sieve", "keep;\n");
    EXPECT_INT("include", load("p", "a.sieve", &s, &err), 0);
    EXPECT_INT("include", s->nincludes, 3);
    n = s->first->next;
    EXPECT_INT("include", n->data != NULL, 1);
    EXPECT_INT("include", n->data == n->next->data, 1);
    EXPECT_INT("include", n->next->next->data != n->data, 1);
    EXPECT_INT("include", n->next->next->next->data == NULL, 1);
    EXPECT_HAS("include", ((struct sieve_script *)n->data)->name,
               "/p/b.sieve");
    EXPECT_HAS("include", ((struct sieve_script *)n->next->next->data)->name,
               "/g/b.sieve");
    n = ((struct sieve_script *)n->data)->first->next;
    EXPECT_INT("include", n->data != NULL, 1);
    EXPECT_INT("include", ((struct sieve_script *)n->data)->first->def->id,
               SV_DISCARD);
    sieve_script_free(s);

    /* a directory or a FIFO is no script (and does not block) */
    snprintf(p, sizeof(p), "%s/p/fifo.sieve", dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    EXPECT_INT("fifo", load("p", "fifo.sieve", &s, &err), -1);
    EXPECT_INT("fifo", errno == ENOENT, 0);
    EXPECT_HAS("fifo", err.file, "fifo.sieve");
    EXPECT_HAS("fifo", err.text, "not a regular file");
    EXPECT_INT("dir", load("p", "", &s, &err), -1);
    EXPECT_INT("dir", errno, EISDIR);

    /* a symlink is followed */
    snprintf(p, sizeof(p), "%s/p/a.sieve", dir);
    snprintf(q, sizeof(q), "%s/p/active.sieve", dir);
    assert_int_equal(symlink(p, q), 0);
    EXPECT_INT("symlink", load("p", "active.sieve", &s, &err), 0);
    sieve_script_free(s);

    /* an error in an included script names it */
    put("p", "bad.sieve", "keep;\n  nosuch;\n");
    put("p", "top.sieve", "require \"include\";\ninclude \"bad\";\n");
    EXPECT_INT("bad", load("p", "top.sieve", &s, &err), -1);
    EXPECT_HAS("bad", err.file, "/p/bad.sieve");
    EXPECT_INT("bad", err.line, 2);
    EXPECT_INT("bad", err.col, 3);

    /* a cycle */
    put("p", "x.sieve", "require \"include\";\ninclude \"y\";\n");
    put("p", "y.sieve", "require \"include\";\n  include \"x\";\n");
    put("p", "z.sieve", "require \"include\";\ninclude \"x\";\n");
    EXPECT_INT("cycle", load("p", "z.sieve", &s, &err), -1);
    EXPECT_HAS("cycle", err.file, "/p/y.sieve");
    EXPECT_INT("cycle", err.line, 2);
    EXPECT_INT("cycle", err.col, 3);
    EXPECT_HAS("cycle", err.text, "circular include");
    put("p", "self.sieve", "require \"include\";\ninclude \"self\";\n");
    EXPECT_INT("self", load("p", "z.sieve", &s, &err), -1);

    /* depth: d0 includes d1 ... d10 is fine, d11 is not */
    for (int i = 0; i <= 11; i++) {
        char name[32], text[128];

        snprintf(name, sizeof(name), "d%d.sieve", i);
        snprintf(text, sizeof(text), "require \"include\";\ninclude \"d%d\";"
                 "\n", i + 1);
        put("p", name, i == 11 ? "keep;\n" : text);
    }
    EXPECT_INT("depth", load("p", "d1.sieve", &s, &err), 0);
    sieve_script_free(s);
    EXPECT_INT("depth", load("p", "d0.sieve", &s, &err), -1);
    EXPECT_HAS("depth", err.text, "deeper than 10");

    /* 255 includes, then one more */
    {
        size_t cap = 256 * 40, o;
        char *text = malloc(cap), name[32];

        assert_non_null(text);
        for (int i = 0; i < 256; i++) {
            snprintf(name, sizeof(name), "n%d.sieve", i);
            put("p", name, "keep;\n");
        }
        for (int total = 255; total <= 256; total++) {
            o = (size_t)snprintf(text, cap, "require \"include\";\n");
            for (int i = 0; i < total; i++)
                o += (size_t)snprintf(text + o, cap - o, "include \"n%d\";\n",
                                      i);
            put("p", "many.sieve", text);
            EXPECT_INT("many", load("p", "many.sieve", &s, &err),
                       total == 255 ? 0 : -1);
            if (total == 255) {
                EXPECT_INT("many", s->nincludes, 255);
                sieve_script_free(s);
            } else {
                EXPECT_HAS("many", err.text, "too many includes");
                EXPECT_INT("many", err.line, 257);
            }
        }
        free(text);
    }

    /* the size limit applies to every file */
    conf.max_script_size = 20;
    put("p", "big.sieve", "keep; keep; keep; keep; keep; keep; keep;\n");
    EXPECT_INT("big", load("p", "big.sieve", &s, &err), -1);
    EXPECT_HAS("big", err.text, "too large");
    EXPECT_INT("big", errno, EFBIG);
    put("p", "small.sieve", "require \"include\";\ninclude \"big\";\n");
    conf.max_script_size = 50;
    EXPECT_INT("big", load("p", "small.sieve", &s, &err), 0);
    sieve_script_free(s);
    conf.max_script_size = 40;
    EXPECT_INT("big", load("p", "small.sieve", &s, &err), -1);
    EXPECT_HAS("big", err.file, "/p/small.sieve");
    EXPECT_INT("big", err.line, 2);
    EXPECT_HAS("big", err.text, "too large");
    conf.max_script_size = 0;

    rm_rf(dir);
    conf.personal_dir[0] = conf.global_dir[0] = '\0';
    CHECKED();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_whole),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_encoded),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_include),
    };

    sieve_conf_defaults(&conf);
    conf.max_script_size = 0;
    conf.personal_dir[0] = conf.global_dir[0] = '\0';
    return cmocka_run_group_tests(tests, NULL, NULL);
}
