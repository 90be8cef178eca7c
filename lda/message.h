/* message.h - read the message from standard input, streaming */
#ifndef LDA_MESSAGE_H
#define LDA_MESSAGE_H

#include <signal.h>
#include <stddef.h>

struct msgin {
    int fd;
    int cr;                     /* a CR held back: is an LF next? */
    int eof;
    const volatile sig_atomic_t *stop;  /* set when time is up */
};

void msgin_init(struct msgin *m, int fd, const volatile sig_atomic_t *stop);
long msgin_read(struct msgin *m, char *out, size_t cap);

size_t message_from_line(const char *buf, size_t len, char *sender,
                         size_t cap);
void message_sanitize(char *s);

#endif
