/* main.c - lda-sieve: placeholder until the tool is written */
#include <stdio.h>

int main(void)
{
    fputs("usage: lda-sieve check|test ...\n", stderr);
    return 64;
}
