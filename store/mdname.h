/* mdname.h - Maildir file and folder names */
#ifndef LDA_MDNAME_H
#define LDA_MDNAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

int mdname_host(const char *host, char *out, size_t cap);
int mdname_base(char *out, size_t cap, long sec, long usec, long pid,
                const char *host);
int mdname_final(char *out, size_t cap, const char *base, uint64_t size,
                 uint64_t crlf_size);
int mdname_folder(const char *name, char *out, size_t cap);
int mdname_folder_utf7(const char *name, char *out, size_t cap);
int mdname_imap_folder(const char *name, char *out, size_t cap);

#endif
