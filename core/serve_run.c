/*
 * core/serve_run.c - running the servers of `peforge serve`: each one is
 * forked into a session of its own with its stdout and stderr on a pipe;
 * a poll loop relays their lines (prefixed "NAME: ") to peforge's stdout
 * and to STATE/serve.log, and a signalfd brings SIGINT, SIGTERM and
 * SIGCHLD into the same loop.  On a signal, or when one server dies, every
 * server is stopped by its PID (SIGTERM, then SIGKILL after a grace time)
 * and waited for.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"
#include "util.h"

/* How long a server may take to stop after SIGTERM. */
#define STOP_GRACE_MS 10000

struct child {
	const struct pf_srv *srv;
	pid_t pid;         /* 0 once reaped */
	int fd;            /* read end of its output pipe, -1 at EOF */
	int status;        /* wait status once reaped */
	int no_stdout;     /* its stdout to /dev/null (testparm's dump) */
	size_t len;        /* bytes of an unfinished line in buf */
	char buf[4096];
};

/* Milliseconds of a monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Print one line of C's output with its name, on stdout and in LOG. */
static void emit(const struct child *c, FILE *log, const char *line, size_t n)
{
	if (n && line[n - 1] == '\r')
		n--;
	if (!n)
		return;
	printf("%s: %.*s\n", c->srv->name, (int)n, line);
	fflush(stdout);
	if (log) {
		fprintf(log, "%s: %.*s\n", c->srv->name, (int)n, line);
		fflush(log);
	}
}

/*
 * Read what C's pipe holds and emit each whole line; a line longer than
 * the buffer is emitted in pieces.  At EOF the rest is emitted and the pipe
 * closed.
 */
static void relay(struct child *c, FILE *log)
{
	ssize_t r;

	while (c->fd >= 0) {
		char *nl;

		r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0 && errno == EAGAIN)
				return;
			if (c->len)
				emit(c, log, c->buf, c->len);
			c->len = 0;
			close(c->fd);
			c->fd = -1;
			return;
		}
		c->len += (size_t)r;
		while ((nl = memchr(c->buf, '\n', c->len))) {
			size_t n = (size_t)(nl - c->buf);

			emit(c, log, c->buf, n);
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
		}
		if (c->len == sizeof(c->buf)) {
			emit(c, log, c->buf, c->len);
			c->len = 0;
		}
	}
}

/*
 * Start C's server: a child in a session of its own (so that a terminal's
 * Ctrl-C reaches peforge only, and smbd's signals to its process group stay
 * within it), stdin from /dev/null, stdout and stderr into a pipe, the
 * signal mask OLDMASK restored.
 */
static int spawn(struct child *c, const sigset_t *oldmask)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -PF_EIO;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -PF_EIO;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setsid();
		if (null >= 0)
			dup2(null, 0);
		dup2(c->no_stdout && null >= 0 ? null : p[1], 1);
		dup2(p[1], 2);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		execvp(c->srv->bin, c->srv->argv);
		dprintf(2, "cannot run %s: %s\n", c->srv->bin, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	c->pid = pid;
	c->fd = p[0];
	return 0;
}

/* Reap the children that exited; the first one that exited while still
 * wanted is stored in *DIED (when DIED is not NULL and *DIED is NULL). */
static void reap(struct child *kids, int n, struct child **died)
{
	int i;

	for (i = 0; i < n; i++) {
		if (kids[i].pid <= 0 || waitpid(kids[i].pid, &kids[i].status, WNOHANG) <= 0)
			continue;
		/* what the server left behind in its session (workers,
		 * per-client processes) goes with it */
		kill(-kids[i].pid, SIGTERM);
		kids[i].pid = 0;
		if (died && !*died)
			*died = &kids[i];
	}
}

/*
 * Poll the pipes and the signalfd SFD until DEADLINE (ms of now_ms(), or
 * -1 for none), relaying output.  Returns the signal that came (SIGINT or
 * SIGTERM), SIGCHLD when a child exited, or 0 at the deadline.
 */
static int wait_event(struct child *kids, int n, int sfd, FILE *log, long long deadline)
{
	struct pollfd pfd[PF_SRV_COUNT + 1];
	int i, r;

	for (;;) {
		long long left = deadline < 0 ? -1 : deadline - now_ms();

		if (deadline >= 0 && left <= 0)
			return 0;
		pfd[0].fd = sfd;
		pfd[0].events = POLLIN;
		for (i = 0; i < n; i++) {
			pfd[i + 1].fd = kids[i].fd;
			pfd[i + 1].events = POLLIN;
		}
		r = poll(pfd, (nfds_t)n + 1, left > 1000000 ? 1000000 : (int)left);
		if (r < 0 && errno != EINTR)
			return 0;
		for (i = 0; r > 0 && i < n; i++)
			if (pfd[i + 1].revents)
				relay(&kids[i], log);
		if (r > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				return (int)si.ssi_signo;
		}
	}
}

/* Stop every running child (SIGTERM; SIGKILL to its session after the
 * grace time) and wait for each, relaying its last lines. */
static void stop_all(struct child *kids, int n, int sfd, FILE *log)
{
	long long deadline = now_ms() + STOP_GRACE_MS;
	int i, running;

	for (i = 0; i < n; i++)
		if (kids[i].pid > 0)
			kill(kids[i].pid, SIGTERM);
	for (;;) {
		reap(kids, n, NULL);
		for (running = 0, i = 0; i < n; i++)
			running += kids[i].pid > 0;
		if (!running || wait_event(kids, n, sfd, log, deadline) == 0)
			break;
	}
	for (i = 0; i < n; i++) {
		if (kids[i].pid <= 0)
			continue;
		pf_warn("serve: %s (pid %d) did not stop within %d s: killing it",
			kids[i].srv->name, (int)kids[i].pid, STOP_GRACE_MS / 1000);
		kill(-kids[i].pid, SIGKILL);
		kill(kids[i].pid, SIGKILL);
		waitpid(kids[i].pid, &kids[i].status, 0);
		kids[i].pid = 0;
	}
	/* the last lines (a pipe still held by a leftover process is not
	 * waited for) */
	for (i = 0; i < n; i++) {
		relay(&kids[i], log);
		if (kids[i].fd >= 0)
			close(kids[i].fd);
		kids[i].fd = -1;
	}
}

/* "exited with status N" / "was killed by signal N" for wait status ST. */
static void describe(int st, char *buf, size_t n)
{
	if (WIFEXITED(st))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, n, "was killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(buf, n, "stopped (wait status %d)", st);
}

int pf_serve_run(struct pf_serve *s)
{
	struct child kids[PF_SRV_COUNT];
	struct child *died = NULL;
	sigset_t mask, oldmask;
	char *logpath = pf_path_join(s->state, "serve.log"), what[128];
	FILE *log = NULL;
	int n = 0, k, sfd = -1, sig = 0, ret = 0;

	memset(kids, 0, sizeof(kids));
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &oldmask))
		return -PF_EIO;
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0 || !logpath) {
		ret = -PF_EIO;
		goto out;
	}
	log = fopen(logpath, "ae");
	for (k = 0; k < PF_SRV_COUNT; k++) {
		char *cmd;

		if (!s->srv[k].enabled)
			continue;
		kids[n].srv = &s->srv[k];
		kids[n].fd = -1;
		ret = spawn(&kids[n], &oldmask);
		if (ret) {
			pf_log(PF_LOG_ERROR, "serve", "cannot start %s: %s", s->srv[k].name,
			       strerror(errno));
			stop_all(kids, n, sfd, log);
			goto out;
		}
		cmd = pf_serve_cmdline(s->srv[k].argv);
		pf_info("serve: started %s (pid %d): %s", s->srv[k].name, (int)kids[n].pid,
			cmd ? cmd : "");
		free(cmd);
		n++;
	}
	pf_info("serve: serving %s on %s (%s)%s%s; logs in %s; Ctrl-C or SIGTERM stops",
		s->outdir, s->ifname, s->addr, s->pxe ? (s->dhcp_full ? ": DHCP, TFTP, HTTP" :
							 ": proxy DHCP, TFTP, HTTP") : "",
		s->samba ? (s->pxe ? ", SMB" : ": SMB") : "", s->state);
	while (!died) {
		/* with a fleet: the install reports are looked at every second */
		sig = wait_event(kids, n, sfd, log, s->fleet ? now_ms() + 1000 : -1);
		if (sig == 0 && s->fleet)
			pf_serve_status_scan(s, log);
		else if (sig == SIGCHLD)
			reap(kids, n, &died);
		else if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			break;
	}
	stop_all(kids, n, sfd, log);
	if (died) {
		describe(died->status, what, sizeof(what));
		pf_log(PF_LOG_ERROR, "serve", "%s %s (its last lines are above, prefixed "
		       "'%s:'); the other servers were stopped", died->srv->name, what,
		       died->srv->name);
		ret = -PF_EIO;
	} else {
		pf_info("serve: stopped (%s); every server exited", strsignal(sig));
	}
out:
	if (log)
		fclose(log);
	if (sfd >= 0)
		close(sfd);
	free(logpath);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return ret;
}

int pf_serve_check(struct pf_serve *s)
{
	int k, failed = 0;

	for (k = 0; k < PF_SRV_COUNT; k++) {
		struct pf_srv *v = &s->srv[k];
		struct child c = { .srv = v, .fd = -1 };
		struct pf_srv tmp = *v;
		sigset_t none;
		int st = 0;

		if (!v->enabled)
			continue;
		/* run the check command in the place of the server */
		tmp.argv = v->check_argv;
		tmp.bin = v->check_argv[0];
		c.srv = &tmp;
		c.no_stdout = k == PF_SRV_SMBD;
		sigemptyset(&none);
		if (spawn(&c, &none)) {
			failed++;
			continue;
		}
		while (c.fd >= 0) {
			struct pollfd p = { .fd = c.fd, .events = POLLIN };

			if (poll(&p, 1, -1) > 0)
				relay(&c, NULL);
		}
		waitpid(c.pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			pf_log(PF_LOG_ERROR, "serve", "check: %s rejects %s (its lines are "
			       "above)", v->name, v->conf_path);
			failed++;
		} else {
			pf_info("serve: check: %s accepts %s", v->name, v->conf_path);
		}
	}
	return failed ? -PF_EINVAL : 0;
}
