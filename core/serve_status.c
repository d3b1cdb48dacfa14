/*
 * core/serve_status.c - the install reports of a fleet (issue #15) in
 * `peforge serve`: the write-only status share smbd gets, and the watch of
 * its folder.  A client's start script writes a file named after its MAC
 * ("started" or "done") into STATE/status/IP/, IP being the client's own
 * address (Samba's %I); a report is accepted only when the MAC is a known
 * machine and the kernel's neighbour table says IP belongs to that MAC.
 * Then the machine's state is set (plugins/lib/fleet.h) and one line says
 * so.  Every file is deleted once read.  docs/fleet.md.
 */
#define _GNU_SOURCE
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fleet.h"
#include "fsutil.h"
#include "log.h"
#include "serve.h"
#include "util.h"

/* The neighbour table the kernel shows (tests may point elsewhere). */
static const char *arp_path(void)
{
	const char *p = getenv("PEFORGE_ARP_TABLE");

	return p && *p ? p : "/proc/net/arp";
}

int pf_serve_has_fleet(const struct pf_serve *s)
{
	struct pf_fleet *f = NULL;
	char err[600];

	if (!s->pxe || !s->samba || pf_fleet_load(s->outdir, &f, err, sizeof(err)))
		return 0;
	pf_fleet_free(f);
	return 1;
}

int pf_serve_status_conf(const struct pf_serve *s, FILE *f, int deploy)
{
	fprintf(f, "\n# ---- peforge serve: the fleet's install reports (docs/fleet.md) ----\n");
	fprintf(f, "# write-only: one folder per client address (%%I), which clients can\n"
		"# write into but not list; files they cannot read back\n");
	fprintf(f, "[%s]\n", PF_SERVE_STATUS_SHARE);
	fprintf(f, "\tcomment = peforge install reports (write-only)\n");
	fprintf(f, "\tpath = %s/status/%%I\n", s->state);
	fprintf(f, "\troot preexec = /bin/mkdir -m 0733 -p %s/status/%%I\n", s->state);
	fprintf(f, "\troot preexec close = yes\n");
	fprintf(f, "\tread only = no\n\tbrowseable = no\n");
	fprintf(f, "\tcreate mask = 0200\n\tforce create mode = 0200\n");
	fprintf(f, "\tdirectory mask = 0000\n\tforce directory mode = 0000\n");
	fprintf(f, "\thide unreadable = yes\n\twide links = no\n\tfollow symlinks = no\n");
	fprintf(f, "\tmax disk size = 1\n");
	if (deploy)
		fprintf(f, "\tvalid users = %s\n", PF_SERVE_SMB_UNIX_USER);
	else
		fprintf(f, "\tguest ok = yes\n");
	return 0;
}

/* The MAC the neighbour table gives IP (normalized into MAC); 0, or
 * -PF_ENOENT when it has no complete entry for IP. */
static int arp_mac(const char *ip, char mac[PF_FLEET_MACLEN])
{
	FILE *f = fopen(arp_path(), "re");
	char line[256], a[64], hw[64], fl[16];
	int ret = -PF_ENOENT;

	if (!f)
		return -PF_ENOENT;
	while (fgets(line, sizeof(line), f)) {
		unsigned flags;

		if (sscanf(line, "%63s %*s %15s %63s", a, fl, hw) != 3 || strcmp(a, ip))
			continue;
		flags = (unsigned)strtoul(fl, NULL, 0);
		/* 0x2: ATF_COM, a complete entry (not one being resolved) */
		if ((flags & 0x2) && !pf_fleet_mac_norm(hw, mac)) {
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Print LINE (one line, no newline) on stdout and in LOG. */
static void say(FILE *log, const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
	if (log) {
		time_t t = time(NULL);
		struct tm tm;
		char when[32] = "";

		if (localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(log, "%s %s\n", when, line);
		fflush(log);
	}
}

/* Read report PATH (a regular file, at most 64 bytes) into BUF, trimmed. */
static int read_report(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;
	char *e;

	if (fd < 0)
		return -PF_EIO;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > 64) {
		close(fd);
		return -PF_EINVAL;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -PF_EIO;
	buf[n] = '\0';
	for (e = buf + n; e > buf && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '); e--)
		e[-1] = '\0';
	return 0;
}

/* 1 when S is printable ASCII only (safe to show in a log line). */
static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * Judge the report NAME found in the folder of client address IP (PATH is
 * the file), apply it when it is good, say what happened in one line.
 */
static void one_report(const struct pf_fleet *f, const char *ip, const char *name,
		       const char *path, FILE *log)
{
	char mac[PF_FLEET_MACLEN], owner[PF_FLEET_MACLEN], text[80], err[600], line[1200];
	const struct pf_fleet_machine *m = NULL;
	const char *state = NULL, *old = NULL;
	int r;

	r = read_report(path, text, sizeof(text));
	if (pf_fleet_mac_norm(name, mac) && !printable(name)) {
		/* a client's bytes never reach the terminal or the log */
		snprintf(line, sizeof(line), "fleet: refused a report from %s: its name is not "
			 "a MAC address", ip);
	} else if (pf_fleet_mac_norm(name, mac)) {
		snprintf(line, sizeof(line), "fleet: refused a report from %s: '%.64s' is not a "
			 "MAC address", ip, name);
	} else if (r) {
		snprintf(line, sizeof(line), "fleet: refused a report for %s from %s: not a "
			 "small regular file", mac, ip);
	} else if (!strcmp(text, "started") || !strcmp(text, "done")) {
		state = !strcmp(text, "started") ? PF_FLEET_STARTED : PF_FLEET_DONE;
		line[0] = '\0';
	} else {
		snprintf(line, sizeof(line), "fleet: refused a report for %s from %s: its "
			 "content is not 'started' or 'done'", mac, ip);
	}
	if (state && !(m = pf_fleet_by_mac(f, mac))) {
		snprintf(line, sizeof(line), "fleet: refused a report for %s from %s: not a "
			 "known machine", mac, ip);
	} else if (state && arp_mac(ip, owner)) {
		snprintf(line, sizeof(line), "fleet: refused a report for %s from %s: the "
			 "neighbour table has no entry for %s (the client must be on this "
			 "server's network segment)", mac, ip, ip);
	} else if (state && strcmp(owner, mac)) {
		snprintf(line, sizeof(line), "fleet: refused a report for %s from %s: %s "
			 "belongs to %s", mac, ip, ip, owner);
	} else if (state && pf_fleet_set(f, mac, state, time(NULL), &old, err, sizeof(err))) {
		snprintf(line, sizeof(line), "fleet: a report for %s from %s: %s", mac, ip, err);
	} else if (state) {
		snprintf(line, sizeof(line), "%s %s: install %s, next boot: local disk", mac,
			 m->id, state);
	}
	say(log, line);
	(void)old;
}

int pf_serve_status_scan(const struct pf_serve *s, FILE *log)
{
	char *top = pf_path_join(s->state, "status");
	struct pf_fleet *f = NULL;
	DIR *d = top ? opendir(top) : NULL, *sub;
	struct dirent *de, *fe;
	char err[600];

	if (!d)
		goto out;
	while ((de = readdir(d))) {
		char *dir, ip[300];

		if (de->d_name[0] == '.')
			continue;
		/* %I of an IPv4 client on a dual-stack socket: ::ffff:10.0.0.5 */
		snprintf(ip, sizeof(ip), "%s", strncmp(de->d_name, "::ffff:", 7) ?
			 de->d_name : de->d_name + 7);
		dir = pf_path_join(top, de->d_name);
		sub = dir ? opendir(dir) : NULL;
		while (sub && (fe = readdir(sub))) {
			char *path;

			if (!strcmp(fe->d_name, ".") || !strcmp(fe->d_name, ".."))
				continue;
			path = pf_path_join(dir, fe->d_name);
			if (!path)
				break;
			if (!f && pf_fleet_load(s->outdir, &f, err, sizeof(err))) {
				say(log, err);
				fsu_rm_rf(path, NULL);
				free(path);
				continue;
			}
			one_report(f, ip, fe->d_name, path, log);
			fsu_rm_rf(path, NULL);
			free(path);
		}
		if (sub)
			closedir(sub);
		free(dir);
	}
	closedir(d);
out:
	pf_fleet_free(f);
	free(top);
	return 0;
}
