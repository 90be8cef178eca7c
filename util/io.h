/* io.h - full writes */
#ifndef LDA_IO_H
#define LDA_IO_H

#include <sys/types.h>

int pwrite_full(int fd, const void *buf, size_t len, off_t off);

#endif
