/*
 * path.c - whether a path lies below a directory
 *
 * Both the storage root chosen for a Maildir (lda/template.c) and the
 * check before creating one (store/maildir.c) ask it; one answer keeps
 * them agreeing.  Paths are compared as strings: callers pass absolute
 * paths already free of "." and ".." parts.
 */
#include <string.h>

#include "path.h"

/*
 * path_below - what follows "dir/" in path, for the directory
 * dir[0..len) without a trailing "/"; NULL when path is not below it
 */
const char *path_below(const char *path, const char *dir, size_t len)
{
    if (len == 1 && dir[0] == '/')
        return path[0] == '/' ? path + 1 : NULL;
    if (strncmp(path, dir, len) != 0 || path[len] != '/')
        return NULL;
    return path + len + 1;
}
