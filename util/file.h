/* file.h - a file replaced whole and durably: tmp name, fsync, rename */
#ifndef LDA_FILE_H
#define LDA_FILE_H

#include <stddef.h>

#include "status.h"

int file_replace(const char *path, const void *data, size_t len,
                 struct status *st);
int file_replace_via(const char *tmp, const char *path, const void *data,
                     size_t len, struct status *st);
int file_sync_dir(const char *dir, struct status *st);

#endif
