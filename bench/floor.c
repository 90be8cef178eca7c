/*
 * bench/floor.c - the benchmark's floor: the least work a safe Maildir
 * delivery can do.
 *
 * usage: floor MAILDIR < message
 *
 * Reads the message from standard input and stores it as MAILDIR/new/NAME:
 * open(tmp/NAME, O_CREAT|O_EXCL), write, fsync, close, rename() into new/,
 * fsync(new/).  No headers are added, no quota is kept, no lock is taken,
 * nothing is logged; memory use is one fixed 64 KiB buffer.  Exits 0 when
 * the message is stored, 75 (EX_TEMPFAIL) on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define EX_TEMPFAIL 75

static char buf[65536];

static void die(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, path ? path : "",
		strerror(errno));
	exit(EX_TEMPFAIL);
}

/* fit - non-zero when snprintf() failed or truncated */
static int fit(int n, size_t cap)
{
	return n < 0 || (size_t)n >= cap;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char host[256], name[512], tmp[4096], dst[4096], newdir[4096];
	struct timeval tv;
	long long total = 0;
	int fd, dfd;

	if (argc != 2) {
		fprintf(stderr, "usage: floor MAILDIR < message\n");
		return 64;
	}
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	gettimeofday(&tv, NULL);
	if (fit(snprintf(name, sizeof name, "%lld.M%06ldP%ld.%s",
			 (long long)tv.tv_sec, (long)tv.tv_usec,
			 (long)getpid(), host), sizeof name) ||
	    fit(snprintf(tmp, sizeof tmp, "%s/tmp/%s", argv[1], name),
		sizeof tmp) ||
	    fit(snprintf(newdir, sizeof newdir, "%s/new", argv[1]),
		sizeof newdir)) {
		fprintf(stderr, "floor: path too long\n");
		return EX_TEMPFAIL;
	}

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		die("open", tmp);
	for (;;) {
		ssize_t r = read(0, buf, sizeof buf);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			unlink(tmp);
			die("read", "stdin");
		}
		if (r == 0)
			break;
		if (write_all(fd, buf, (size_t)r) != 0) {
			unlink(tmp);
			die("write", tmp);
		}
		total += r;
	}
	if (fsync(fd) != 0) {
		unlink(tmp);
		die("fsync", tmp);
	}
	if (close(fd) != 0) {
		unlink(tmp);
		die("close", tmp);
	}
	if (fit(snprintf(dst, sizeof dst, "%s/%s,S=%lld", newdir, name, total),
		sizeof dst)) {
		unlink(tmp);
		fprintf(stderr, "floor: path too long\n");
		return EX_TEMPFAIL;
	}
	if (rename(tmp, dst) != 0) {
		unlink(tmp);
		die("rename", dst);
	}
	dfd = open(newdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		die("open", newdir);
	if (fsync(dfd) != 0)
		die("fsync", newdir);
	close(dfd);
	return 0;
}
