/*
 * bench/nfsfloor.c - the NFS benchmark's floor: the least work a safe
 * Maildir delivery through libnfs can do.
 *
 * usage: nfsfloor URL MAILDIR < message
 *
 * URL names the directory to mount (nfs://server/path?version=4&...,
 * the directory lda mounts for a maildir = URL/MAILDIR setting); MAILDIR
 * is the Maildir's path below it, with tmp/ and new/ already there.  One
 * run is one delivery in a fresh context: mount, OPEN tmp/NAME
 * exclusively, WRITE the message from standard input in pieces libnfs
 * 4.x can send, COMMIT (nfs_fsync), CLOSE, LINK into new/ (LINK, unlike
 * RENAME, never replaces a file), REMOVE the tmp/ name, unmount.  No
 * headers, no quota, no lock, no size check, no tmp/ cleaning, no
 * retries, nothing logged; memory use is one fixed 64 KiB buffer.
 * Directory changes need no fsync: NFS servers commit them before they
 * answer (RFC 7530 section 18).  Exits 0 when the message is stored,
 * 75 (EX_TEMPFAIL) on any error, with libnfs's words on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>		/* libnfs 4.x's header needs these first */
#include <nfsc/libnfs.h>

#define EX_TEMPFAIL 75
#define TIMEOUT_MS 5000		/* lda's default nfs_timeout */

/* The most one WRITE may carry: libnfs 4.0.0 fails above 3944 bytes. */
#define CHUNK 3072

static char buf[65536];
static struct nfs_context *nfs;
static char tmp[4096];
static int made;		/* tmp/NAME exists: remove it on failure */

/* die - report the failed step, remove tmp/NAME if made, exit 75 */
static void die(const char *what, const char *path, int rc)
{
	const char *e = nfs ? nfs_get_error(nfs) : NULL;

	fprintf(stderr, "nfsfloor: %s '%s': %s (%s)\n", what, path,
		strerror(rc < 0 ? -rc : EIO), e ? e : "no detail");
	if (made)
		(void)nfs_unlink(nfs, tmp);
	exit(EX_TEMPFAIL);
}

/* fit - non-zero when snprintf() failed or truncated */
static int fit(int n, size_t cap)
{
	return n < 0 || (size_t)n >= cap;
}

/* put - all of p[0..n) at offset off, in pieces of at most CHUNK */
static int put(struct nfsfh *fh, const char *p, size_t n, uint64_t off)
{
	while (n > 0) {
		size_t k = n < CHUNK ? n : CHUNK;
		int rc;

#ifdef LIBNFS_API_V2		/* 6.x: buffer before count */
		rc = nfs_pwrite(nfs, fh, p, k, off);
#else
		rc = nfs_pwrite(nfs, fh, off, (uint64_t)k, p);
#endif
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -EIO;
		p += rc;
		off += (uint64_t)rc;
		n -= (size_t)rc;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char host[256], name[512], client[320], dst[4096];
	struct nfs_url *url;
	struct nfsfh *fh;
	struct timeval tv;
	uint64_t total = 0;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: nfsfloor URL MAILDIR < message\n");
		return 64;
	}
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	gettimeofday(&tv, NULL);
	if (fit(snprintf(name, sizeof name, "%lld.M%06ldP%ld.%s",
			 (long long)tv.tv_sec, (long)tv.tv_usec,
			 (long)getpid(), host), sizeof name) ||
	    fit(snprintf(client, sizeof client, "nfsfloor.%s.%ld", host,
			 (long)getpid()), sizeof client)) {
		fprintf(stderr, "nfsfloor: name too long\n");
		return EX_TEMPFAIL;
	}

	if ((nfs = nfs_init_context()) == NULL) {
		fprintf(stderr, "nfsfloor: cannot make a libnfs context\n");
		return EX_TEMPFAIL;
	}
	if ((url = nfs_parse_url_dir(nfs, argv[1])) == NULL)
		die("parse", argv[1], -EINVAL);
	/* After the URL, as lda does; neither setting sends anything. */
	nfs_set_timeout(nfs, TIMEOUT_MS);
	/* NFSv4 clients need names of their own, or they share state. */
	nfs4_set_client_name(nfs, client);
	if ((rc = nfs_mount(nfs, url->server, url->path)) < 0)
		die("mount", argv[1], rc);
	nfs_destroy_url(url);

	if (fit(snprintf(tmp, sizeof tmp, "/%s/tmp/%s", argv[2], name),
		sizeof tmp))
		die("path too long", argv[2], -ENAMETOOLONG);
	/* O_EXCL: an NFSv4 exclusive create; nfs_creat() is read-only in 4.x */
	if ((rc = nfs_open2(nfs, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600,
			    &fh)) < 0)
		die("create", tmp, rc);
	made = 1;
	for (;;) {
		ssize_t r = read(0, buf, sizeof buf);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read", "stdin", -errno);
		}
		if (r == 0)
			break;
		if ((rc = put(fh, buf, (size_t)r, total)) < 0)
			die("write", tmp, rc);
		total += (uint64_t)r;
	}
	if ((rc = nfs_fsync(nfs, fh)) < 0)
		die("fsync", tmp, rc);
	if ((rc = nfs_close(nfs, fh)) < 0)
		die("close", tmp, rc);
	if (fit(snprintf(dst, sizeof dst, "/%s/new/%s,S=%llu", argv[2], name,
			 (unsigned long long)total), sizeof dst))
		die("path too long", argv[2], -ENAMETOOLONG);
	if ((rc = nfs_link(nfs, tmp, dst)) < 0)
		die("link", dst, rc);
	/* Delivered: a tmp/ name left behind is only litter. */
	made = 0;
	if ((rc = nfs_unlink(nfs, tmp)) < 0)
		fprintf(stderr, "nfsfloor: unlink '%s': %s\n", tmp,
			strerror(-rc));
	nfs_destroy_context(nfs);
	return 0;
}
