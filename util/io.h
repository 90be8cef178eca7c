/* io.h - full reads and writes */
#ifndef LDA_IO_H
#define LDA_IO_H

#include <sys/types.h>

int write_full(int fd, const void *buf, size_t len);
int pwrite_full(int fd, const void *buf, size_t len, off_t off);

#endif
