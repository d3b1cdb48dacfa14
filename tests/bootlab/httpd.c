/*
 * tests/bootlab/httpd.c - the boot lab's HTTP server: serves one folder on
 * 127.0.0.1 (qemu's user network shows it to the guest as 10.0.2.2) and logs
 * every request, so a test can tell which files a loader fetched.
 *
 *   httpd DIR PORTFILE LOGFILE
 *
 * It listens on a free port, writes the port number to PORTFILE, and serves
 * GET and HEAD (HTTP/1.0 answers, one request per connection, a child
 * process per connection).  Each request is one LOGFILE line:
 *   GET /path 200 12345
 * It runs until it is killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *root;
static FILE *logf;

static void say(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void serve(int c)
{
	char req[8192], method[16], path[4096], hdr[512], *file = NULL;
	size_t got = 0;
	struct stat st;
	int fd = -1, status;
	long long sent = 0;

	/* read the request head (up to the blank line) */
	while (got < sizeof req - 1) {
		ssize_t r = read(c, req + got, sizeof req - 1 - got);

		if (r <= 0)
			break;
		got += (size_t)r;
		req[got] = 0;
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[got] = 0;
	if (sscanf(req, "%15s %4095s", method, path) != 2) {
		fprintf(logf, "BAD - 400 0\n");
		say(c, "HTTP/1.0 400 Bad Request\r\nConnection: close\r\n\r\n");
		return;
	}
	path[strcspn(path, "?#")] = 0;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		status = 405;
	else if (path[0] != '/' || strstr(path, ".."))
		status = 403;
	else if (asprintf(&file, "%s%s", root, path) < 0)
		status = 500;
	else if ((fd = open(file, O_RDONLY)) < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		status = 404;
	else
		status = 200;
	if (status != 200) {
		snprintf(hdr, sizeof hdr, "HTTP/1.0 %d Error\r\nContent-Length: 0\r\n"
			 "Connection: close\r\n\r\n", status);
		say(c, hdr);
	} else {
		snprintf(hdr, sizeof hdr, "HTTP/1.0 200 OK\r\nContent-Type: "
			 "application/octet-stream\r\nContent-Length: %lld\r\n"
			 "Connection: close\r\n\r\n", (long long)st.st_size);
		say(c, hdr);
		if (!strcmp(method, "GET")) {
			char buf[65536];
			ssize_t r;

			while ((r = read(fd, buf, sizeof buf)) > 0) {
				ssize_t off = 0;

				while (off < r) {
					ssize_t w = write(c, buf + off, (size_t)(r - off));

					if (w <= 0)
						goto out;
					off += w;
					sent += w;
				}
			}
		}
	}
out:
	fprintf(logf, "%s %s %d %lld\n", method, path, status, sent);
	fflush(logf);
	if (fd >= 0)
		close(fd);
	free(file);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	FILE *pf;
	int s, one = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: httpd DIR PORTFILE LOGFILE\n");
		return 2;
	}
	root = argv[1];
	if (!(logf = fopen(argv[3], "a"))) {
		perror(argv[3]);
		return 1;
	}
	setvbuf(logf, NULL, _IOLBF, 0);
	signal(SIGCHLD, SIG_IGN);	/* no zombies */
	signal(SIGPIPE, SIG_IGN);
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 16) ||
	    getsockname(s, (struct sockaddr *)&a, &al)) {
		perror("httpd: socket");
		return 1;
	}
	if (!(pf = fopen(argv[2], "w")) || fprintf(pf, "%d\n", ntohs(a.sin_port)) < 0 ||
	    fclose(pf)) {
		perror(argv[2]);
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("httpd: accept");
			return 1;
		}
		if (fork() == 0) {
			close(s);
			serve(c);
			shutdown(c, SHUT_WR);
			close(c);
			_exit(0);
		}
		close(c);
	}
}
