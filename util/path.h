/* path.h - where a path lies relative to a directory */
#ifndef LDA_PATH_H
#define LDA_PATH_H

#include <stddef.h>

const char *path_below(const char *path, const char *dir, size_t len);

#endif
