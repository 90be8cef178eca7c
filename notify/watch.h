/* watch.h - which events to look at: inotify, wake-ups, scans of new/ */
#ifndef LDA_WATCH_H
#define LDA_WATCH_H

#include <dirent.h>
#include <poll.h>
#include <stddef.h>

#include "../util/status.h"

#define WATCH_RING 1024         /* names told but not yet read */
#define WATCH_ID_MAX 64
#define WATCH_FDS 2             /* at most, from watch_fds() */

struct watch {
    const char *outbox;
    int once;                   /* a scan only: no inotify, no socket */
    char ring[WATCH_RING][WATCH_ID_MAX];
    int ring_r, ring_w;
    DIR *scan;
    int rescan;                 /* a scan is wanted */
    int began;                  /* a scan began: the caller clears it */
    long long scan_start;       /* Unix ms the last scan began */
    long long scan_took;        /* ms the last whole scan took */
    int ino, wake, lock;
};

int watch_open(struct watch *w, const char *outbox, int once,
               struct status *st);
void watch_close(struct watch *w);
int watch_next(struct watch *w, char *id);
int watch_walk(const char *outbox, DIR **dir, char *id);
int watch_busy(const struct watch *w);
int watch_fds(struct watch *w, struct pollfd *pfd);
void watch_read(struct watch *w, const struct pollfd *pfd);
int watch_event_name(const char *name, char *id, size_t cap);

#endif
