/* nfs.h - the NFS storage driver's own settings (lda.conf keys) */
#ifndef LDA_NFS_H
#define LDA_NFS_H

#include <stdint.h>

#include "../util/conf.h"

struct nfs_settings {
    uint64_t timeout;           /* nfs_timeout: seconds for any one call */
};

extern const struct conf_key nfs_keys[];        /* into struct nfs_settings */

#endif
