/*
 * scratch.h - a scratch directory for the unit tests that touch files
 */
#ifndef LDA_TEST_SCRATCH_H
#define LDA_TEST_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* rm_rf - remove a directory tree; symbolic links go as names */
static int rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct stat sb;
    char p[1024];
    int rc = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            rc |= rm_rf(p);
        else
            rc |= unlink(p);
    }
    closedir(d);
    return rc | rmdir(dir);
}

#endif
