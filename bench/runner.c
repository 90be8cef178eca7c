/*
 * bench/runner.c - run delivery agents in interleaved rounds and record
 * each run's wall time, CPU time and peak RSS.
 *
 * usage: runner [-n ROUNDS] [-w WARMUP] [-u USER] [-t TAG] [-T SECONDS]
 *               -i MESSAGE -o RESULTS -l LOGDIR SPECFILE
 *
 * SPECFILE has one contender per line: NAME<TAB>ARG0<TAB>ARG1...; ARG0 is
 * an absolute path (no PATH search, no shell).  Each round runs every
 * contender once, the starting contender rotating from round to round so
 * that none always runs first or right after another one.  WARMUP rounds
 * (default 0) run first and are not recorded.  For each run the child gets
 * MESSAGE (opened afresh, offset 0) as standard input and LOGDIR/NAME.log as
 * standard output and error; as root with -u, it drops to USER's uid, gid
 * and no supplementary groups before execve().  The environment is passed
 * on unchanged.
 *
 * For each recorded run one line is appended to RESULTS:
 *   TAG NAME ROUND WALL_MS CPU_MS MAXRSS_KIB        (tab-separated)
 * WALL_MS is CLOCK_MONOTONIC from just before fork() to wait4()'s return;
 * CPU_MS is the child's user + system time and MAXRSS_KIB its ru_maxrss,
 * both from wait4(), so no shell or time(1) sits in between.  (ru_maxrss is
 * the maximum over the child's whole exec chain, including the pages it
 * shared with this small runner at fork() time.)
 *
 * A run that exits non-zero, dies by a signal or outlives -T (default 120
 * seconds, then SIGKILL) stops everything: runner reports it on stderr and
 * exits 1.  Exit 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONTENDERS 16
#define MAX_ARGS 64

struct contender {
	char *name;
	char *argv[MAX_ARGS + 1];
	int logfd;
};

static struct contender cont[MAX_CONTENDERS];
static int ncont;

static void usage(void)
{
	fprintf(stderr, "usage: runner [-n ROUNDS] [-w WARMUP] [-u USER] "
			"[-t TAG] [-T SECONDS] -i MESSAGE -o RESULTS "
			"-l LOGDIR SPECFILE\n");
	exit(2);
}

static void fatal(const char *what, const char *arg)
{
	fprintf(stderr, "runner: %s%s%s: %s\n", what, arg ? " " : "",
		arg ? arg : "", strerror(errno));
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void read_spec(const char *path, const char *logdir)
{
	static char line[8192];
	FILE *f = fopen(path, "r");
	if (!f)
		fatal("cannot open", path);
	while (fgets(line, sizeof line, f)) {
		struct contender *c;
		char *save = NULL, *tok;
		int n = 0;
		char logpath[4096];

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (ncont == MAX_CONTENDERS) {
			fprintf(stderr, "runner: too many contenders\n");
			exit(2);
		}
		c = &cont[ncont];
		tok = strtok_r(line, "\t", &save);
		c->name = strdup(tok);
		while ((tok = strtok_r(NULL, "\t", &save)) != NULL) {
			if (n == MAX_ARGS) {
				fprintf(stderr, "runner: too many arguments\n");
				exit(2);
			}
			c->argv[n++] = strdup(tok);
		}
		if (n == 0) {
			fprintf(stderr, "runner: %s: no command\n", c->name);
			exit(2);
		}
		c->argv[n] = NULL;
		snprintf(logpath, sizeof logpath, "%s/%s.log", logdir, c->name);
		c->logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND |
					     O_CLOEXEC, 0644);
		if (c->logfd < 0)
			fatal("cannot open", logpath);
		ncont++;
	}
	fclose(f);
	if (ncont == 0) {
		fprintf(stderr, "runner: %s: no contenders\n", path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	const char *msg = NULL, *out = NULL, *logdir = NULL, *tag = "-";
	const char *user = NULL;
	long rounds = 1, warmup = 0, limit = 120;
	struct passwd *pw = NULL;
	uid_t uid = 0;
	gid_t gid = 0;
	sigset_t chld, orig;
	FILE *res;
	int opt;

	while ((opt = getopt(argc, argv, "n:w:u:t:T:i:o:l:")) != -1) {
		switch (opt) {
		case 'n': rounds = atol(optarg); break;
		case 'w': warmup = atol(optarg); break;
		case 'u': user = optarg; break;
		case 't': tag = optarg; break;
		case 'T': limit = atol(optarg); break;
		case 'i': msg = optarg; break;
		case 'o': out = optarg; break;
		case 'l': logdir = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || !msg || !out || !logdir || rounds < 1 ||
	    warmup < 0 || limit < 1)
		usage();
	if (user) {
		pw = getpwnam(user);
		if (!pw) {
			fprintf(stderr, "runner: no such user: %s\n", user);
			exit(2);
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	read_spec(argv[optind], logdir);
	res = fopen(out, "ae");
	if (!res)
		fatal("cannot open", out);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &orig);

	for (long r = 0; r < warmup + rounds; r++) {
		for (int k = 0; k < ncont; k++) {
			struct contender *c = &cont[(r + k) % ncont];
			struct rusage ru;
			double t0, t1, deadline;
			int status, in;
			pid_t pid, w;

			in = open(msg, O_RDONLY | O_CLOEXEC);
			if (in < 0)
				fatal("cannot open", msg);
			t0 = now_ms();
			pid = fork();
			if (pid < 0)
				fatal("fork", NULL);
			if (pid == 0) {
				sigprocmask(SIG_SETMASK, &orig, NULL);
				if (dup2(in, 0) < 0 || dup2(c->logfd, 1) < 0 ||
				    dup2(c->logfd, 2) < 0)
					_exit(126);
				if (pw && geteuid() == 0 &&
				    (setgroups(0, NULL) != 0 ||
				     setgid(gid) != 0 || setuid(uid) != 0)) {
					perror("runner: dropping privileges");
					_exit(126);
				}
				execv(c->argv[0], c->argv);
				fprintf(stderr, "runner: exec %s: %s\n",
					c->argv[0], strerror(errno));
				_exit(127);
			}
			close(in);
			deadline = t0 + limit * 1e3;
			for (;;) {
				struct timespec ts;
				double left;

				w = wait4(pid, &status, WNOHANG, &ru);
				if (w == pid)
					break;
				if (w < 0 && errno != EINTR)
					fatal("wait4", NULL);
				left = deadline - now_ms();
				if (left <= 0) {
					kill(pid, SIGKILL);
					wait4(pid, &status, 0, &ru);
					fprintf(stderr, "runner: %s (%s, round "
						"%ld) ran longer than %ld s, "
						"killed; see %s/%s.log\n",
						c->name, tag, r + 1, limit,
						logdir, c->name);
					return 1;
				}
				ts.tv_sec = (time_t)(left / 1e3);
				ts.tv_nsec = (long)((left - ts.tv_sec * 1e3) *
						    1e6);
				sigtimedwait(&chld, NULL, &ts);
			}
			t1 = now_ms();
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				if (WIFEXITED(status))
					fprintf(stderr, "runner: %s (%s, round "
						"%ld) exited %d; see "
						"%s/%s.log\n", c->name, tag,
						r + 1, WEXITSTATUS(status),
						logdir, c->name);
				else
					fprintf(stderr, "runner: %s (%s, round "
						"%ld) killed by signal %d; see "
						"%s/%s.log\n", c->name, tag,
						r + 1, WTERMSIG(status),
						logdir, c->name);
				return 1;
			}
			if (r < warmup)
				continue;
			fprintf(res, "%s\t%s\t%ld\t%.4f\t%.4f\t%ld\n", tag,
				c->name, r - warmup + 1, t1 - t0,
				ru.ru_utime.tv_sec * 1e3 +
					ru.ru_utime.tv_usec / 1e3 +
					ru.ru_stime.tv_sec * 1e3 +
					ru.ru_stime.tv_usec / 1e3,
				ru.ru_maxrss);
		}
	}
	if (fclose(res) != 0)
		fatal("cannot write", out);
	return 0;
}
