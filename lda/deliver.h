/* deliver.h - one delivery, from options to exit code */
#ifndef LDA_DELIVER_H
#define LDA_DELIVER_H

#define DELIVER_MAX_OVERRIDES 64

struct options {
    const char *config;         /* NULL: the default file, if present */
    const char *overrides[DELIVER_MAX_OVERRIDES];
    int noverrides;
    const char *recipient;
    const char *sender;         /* NULL: from a "From " line, if any */
    const char *orig_recipient;
    const char *folder;
    const char *extension;
    int verbose;
    int stdin_closed;           /* fd 0 was not open: nothing to deliver */
};

int deliver_run(const struct options *o);

#endif
