/*
 * core/serve.c - `peforge serve OUTDIR`: the command line, finding the trees
 * a build wrote and the network interface, the checks made before anything
 * starts (binaries, ports), and the choice of --print, --check,
 * --install-units or running the servers.  docs/serve.md.
 */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"
#include "util.h"

/* The first lines of the README.txt the pxe and samba outputs write. */
#define PXE_MARK "PXE boot tree for Windows PE - written by peforge"
#define SAMBA_MARK "Samba share files for network installs - written by peforge"

const char pf_serve_usage[] =
	"Usage: peforge serve OUTDIR [--interface IF] [--dhcp proxy|full [--range START,END]]\n"
	"                     [--state DIR] [--http-port N] [--check | --print |\n"
	"                     --install-units DIR]\n"
	"\n"
	"Serve the pxe and samba trees a build wrote into OUTDIR with the Debian\n"
	"servers, each on a configuration of its own in a state folder (nothing in\n"
	"/etc is read or changed): dnsmasq (proxy or full DHCP, TFTP), nginx (the\n"
	"pxe tree over HTTP) and smbd (the share).  Runs in the foreground, each\n"
	"server's log lines prefixed with its name, until Ctrl-C or SIGTERM.\n"
	"\n"
	"  --interface IF      the network to serve (required when there are several);\n"
	"                      its IPv4 address is the server's address\n"
	"  --dhcp proxy|full   proxy (default): beside the network's DHCP server;\n"
	"                      full: hand out --range START,END\n"
	"  --state DIR         the state folder (default OUTDIR/.peforge-serve)\n"
	"  --http-port N       nginx's port (default: the tree's URL's, or 80)\n"
	"  --smb-port N        smbd's port (default 445)\n"
	"  --check             write the configurations and test each with its\n"
	"                      server (dnsmasq --test, nginx -t, testparm -s)\n"
	"  --print             print the commands and configurations; start nothing\n"
	"  --install-units DIR write one systemd unit per server into DIR (not enabled)\n"
	"\n"
	"Example:\n"
	"  peforge serve out --interface eth1\n";

/* Log one error line of `serve` and return ERR. */
#define serve_err(err, ...) (pf_log(PF_LOG_ERROR, "serve", __VA_ARGS__), (err))

/* The value of option A = ARGV[*I] ("--opt X" or "--opt=X"), advancing *I
 * past a separate value; NULL when there is none. */
static const char *opt_value(int argc, char **argv, int *i, const char *a)
{
	const char *eq = strchr(a, '=');

	if (eq)
		return eq + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* A TCP/UDP port number in TEXT, or -1. */
static int parse_port(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);

	return (*text && !*end && v > 0 && v < 65536) ? (int)v : -1;
}

/* Parse `serve`'s command line into S.  -PF_EUSAGE after one line. */
static int parse_args(int argc, char **argv, struct pf_serve *s)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int is_opt = a[0] == '-' && a[1] == '-';
		size_t n = strcspn(a, "=");

		if (is_opt && (!strcmp(a, "--check") || !strcmp(a, "--print"))) {
			*(a[2] == 'c' ? &s->check : &s->print) = 1;
			continue;
		}
		if (!is_opt) {
			if (s->outdir_arg)
				return serve_err(-PF_EUSAGE, "unexpected argument '%s' (one OUTDIR; "
						 "see 'peforge help serve')", a);
			s->outdir_arg = a;
			continue;
		}
#define OPT(name) (n == strlen(name) && !strncmp(a, name, n))
		if (!OPT("--interface") && !OPT("--dhcp") && !OPT("--state") &&
		    !OPT("--http-port") && !OPT("--smb-port") && !OPT("--range") &&
		    !OPT("--install-units"))
			return serve_err(-PF_EUSAGE, "unknown option '%s' (see 'peforge help "
					 "serve')", a);
		v = opt_value(argc, argv, &i, a);
		if (!v || !*v)
			return serve_err(-PF_EUSAGE, "option '%.*s' needs a value", (int)n, a);
		if (OPT("--interface")) {
			s->iface = v;
		} else if (OPT("--dhcp")) {
			if (strcmp(v, "proxy") && strcmp(v, "full"))
				return serve_err(-PF_EUSAGE, "--dhcp %s: use proxy (beside the "
						 "network's DHCP server) or full", v);
			s->dhcp_full = !strcmp(v, "full");
		} else if (OPT("--state")) {
			s->state_arg = v;
		} else if (OPT("--range")) {
			s->range = v;
		} else if (OPT("--install-units")) {
			s->units_dir = v;
		} else {
			int port = parse_port(v);

			if (port < 0)
				return serve_err(-PF_EUSAGE, "%.*s %s: not a port number (1-65535)",
						 (int)n, a, v);
			*(OPT("--http-port") ? &s->http_port : &s->smb_port) = port;
		}
#undef OPT
	}
	if (!s->outdir_arg)
		return serve_err(-PF_EUSAGE, "missing OUTDIR (the folder a build wrote; see "
				 "'peforge help serve')");
	if (s->check + s->print + !!s->units_dir > 1)
		return serve_err(-PF_EUSAGE, "--check, --print and --install-units go one at a time");
	if (s->dhcp_full && !s->range)
		return serve_err(-PF_EUSAGE, "--dhcp full hands out addresses: give the pool as "
				 "--range START,END (e.g. 10.0.0.100,10.0.0.200)");
	if (s->range && !s->dhcp_full)
		return serve_err(-PF_EUSAGE, "--range is for --dhcp full");
	if (s->range && !strchr(s->range, ','))
		return serve_err(-PF_EUSAGE, "--range %s: give START,END", s->range);
	return 0;
}

/* 1 when DIR/README.txt starts with MARK. */
static int has_mark(const char *dir, const char *mark)
{
	char *p = pf_path_join(dir, "README.txt");
	char line[128] = "";
	FILE *f = p ? fopen(p, "r") : NULL;
	int ok = 0;

	if (f) {
		ok = fgets(line, sizeof(line), f) && !strncmp(line, mark, strlen(mark));
		fclose(f);
	}
	free(p);
	return ok;
}

/* Record DIR as the tree *SLOT (the first one found; a second is an error). */
static int take_tree(char **slot, const char *dir, const char *what)
{
	if (*slot)
		return serve_err(-PF_EINVAL, "two %s trees (%s and %s): serve one build's "
				 "OUTDIR", what, *slot, dir);
	*slot = pf_strdup(dir);
	return *slot ? 0 : -PF_ENOMEM;
}

/*
 * Find the pxe and samba trees: OUTDIR itself or its folders whose
 * README.txt carries the output's first line.  At least one is needed.
 */
static int find_trees(struct pf_serve *s)
{
	DIR *d = NULL;
	struct dirent *e;
	int ret = 0;

	if (!pf_is_dir(s->outdir))
		return serve_err(-PF_ENOENT, "%s: no such folder (give the OUTDIR of a "
				 "peforge build)", s->outdir);
	if (has_mark(s->outdir, PXE_MARK))
		ret = take_tree(&s->pxe, s->outdir, "pxe");
	else if (has_mark(s->outdir, SAMBA_MARK))
		ret = take_tree(&s->samba, s->outdir, "samba");
	d = opendir(s->outdir);
	if (!d)
		return serve_err(-PF_EIO, "%s: %s", s->outdir, strerror(errno));
	while (!ret && (e = readdir(d))) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = pf_path_join(s->outdir, e->d_name);
		if (!p) {
			ret = -PF_ENOMEM;
			break;
		}
		if (pf_is_dir(p) && has_mark(p, PXE_MARK))
			ret = take_tree(&s->pxe, p, "pxe");
		else if (pf_is_dir(p) && has_mark(p, SAMBA_MARK))
			ret = take_tree(&s->samba, p, "samba");
		free(p);
	}
	closedir(d);
	if (!ret && !s->pxe && !s->samba)
		ret = serve_err(-PF_ENOENT, "%s: no pxe or samba tree in it (a folder whose "
				"README.txt was written by the pxe or samba output)", s->outdir);
	return ret;
}

/* The first word after PREFIX on a line of FILE (in TREE) that starts with
 * PREFIX, malloc'd in *OUT (NULL when none). */
static int grep_word(const char *tree, const char *file, const char *prefix, char **out)
{
	char *p = pf_path_join(tree, file);
	char line[1024];
	FILE *f = p ? fopen(p, "r") : NULL;

	*out = NULL;
	free(p);
	if (!f)
		return 0;
	while (!*out && fgets(line, sizeof(line), f)) {
		char *q = line + strspn(line, " \t");

		if (!strncmp(q, prefix, strlen(prefix))) {
			q += strlen(prefix);
			q += strspn(q, " \t");
			*out = strndup(q, strcspn(q, " \t\r\n"));
		}
	}
	fclose(f);
	return 0;
}

/*
 * What the pxe tree is: its loader and the URL it fetches from over HTTP
 * (from boot.ipxe's `set base` or pxelinux.cfg's `INITRD http://...`).
 */
static int read_pxe_tree(struct pf_serve *s)
{
	char *p = pf_path_join(s->pxe, "boot.ipxe"), *url = NULL, *slash;
	int ret = 0;

	if (!p)
		return -PF_ENOMEM;
	s->ipxe = pf_is_file(p);
	free(p);
	if (s->ipxe) {
		ret = grep_word(s->pxe, "boot.ipxe", "set base ", &url);
	} else {
		p = pf_path_join(s->pxe, "lpxelinux.0");
		s->lpxelinux = p && pf_is_file(p);
		free(p);
		ret = grep_word(s->pxe, "pxelinux.cfg/default", "INITRD http://", &url);
		if (url) {
			char *full = pf_asprintf("http://%s", url);

			free(url);
			url = full;
			if (url && (slash = strrchr(url + 7, '/')))
				*slash = '\0';	/* drop "/winpe.iso" */
		}
	}
	if (ret || !url)
		return ret;
	s->http_url = url;
	slash = strchr(url + 7, '/');
	s->http_prefix = pf_strdup(slash ? slash : "");
	if (!s->http_prefix)
		return -PF_ENOMEM;
	if (!s->http_port) {
		char *colon = strchr(url + 7, ':');

		if (colon && (!slash || colon < slash))
			s->http_port = atoi(colon + 1);
	}
	return 0;
}

/*
 * The interface to serve and its IPv4 address: --interface, or the only
 * non-loopback interface with an IPv4 address.
 */
static int find_interface(struct pf_serve *s)
{
	struct ifaddrs *ifa = NULL, *i;
	char names[256] = "";
	int n = 0, ret = 0;

	if (s->iface && !if_nametoindex(s->iface))
		return serve_err(-PF_ENOENT, "--interface %s: no such network interface "
				 "(see 'ip -br addr')", s->iface);
	if (getifaddrs(&ifa))
		return serve_err(-PF_EIO, "listing the network interfaces: %s", strerror(errno));
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)i->ifa_addr;

		if (!sin || sin->sin_family != AF_INET)
			continue;
		if (s->iface ? strcmp(s->iface, i->ifa_name) != 0 : !!(i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (s->iface || n++ == 0) {
			inet_ntop(AF_INET, &sin->sin_addr, s->addr, sizeof(s->addr));
			snprintf(s->ifname, sizeof(s->ifname), "%s", i->ifa_name);
		}
		if (!s->iface && strlen(names) + strlen(i->ifa_name) + 3 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 n > 1 ? ", " : "", i->ifa_name);
		if (s->iface)
			break;
	}
	freeifaddrs(ifa);
	if (s->iface && !s->addr[0])
		ret = serve_err(-PF_EINVAL, "interface %s has no IPv4 address: give it one "
				"(ip addr add ADDRESS/PREFIX dev %s) or choose another "
				"--interface", s->iface, s->iface);
	else if (!s->iface && n == 0)
		ret = serve_err(-PF_ENOENT, "no network interface with an IPv4 address (other "
				"than loopback): bring one up or name it with --interface");
	else if (!s->iface && n > 1)
		ret = serve_err(-PF_EINVAL, "%d network interfaces (%s): choose the one of the "
				"install network with --interface", n, names);
	return ret;
}

/* The absolute path of program NAME found in $PATH, or NULL. */
static char *which(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	copy = pf_strdup(path ? path : "/usr/bin:/bin");
	for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = pf_path_join(*dir ? dir : ".", name);

		if (p && access(p, X_OK) == 0 && pf_is_file(p))
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

/* Find each enabled server's program (and testparm for smbd's check). */
static int find_programs(struct pf_serve *s)
{
	int k;

	for (k = 0; k < PF_SRV_COUNT; k++) {
		struct pf_srv *v = &s->srv[k];

		if (!v->enabled)
			continue;
		v->bin = which(v->name);
		if (!v->bin)
			return serve_err(-PF_ENOENT, "%s not found in PATH: install the Debian "
					 "package %s (apt-get install %s)", v->name, v->package,
					 v->package);
	}
	return 0;
}

/*
 * Is PORT (TCP or UDP) on the serving address free?  Binding it is the
 * test; the socket is closed at once.  One error line when it is not.
 */
static int probe_port(const struct pf_serve *s, int udp, int port, const char *who,
		      const char *hint)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0), one = 1, ret = 0;

	if (fd < 0)
		return serve_err(-PF_EIO, "socket: %s", strerror(errno));
	inet_pton(AF_INET, s->addr, &sin.sin_addr);
	if (!udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		if (errno == EACCES)
			ret = serve_err(-PF_EINVAL, "%s needs %s port %d, which only root may "
					"use: run peforge serve as root", who, udp ? "UDP" : "TCP",
					port);
		else if (errno == EADDRINUSE)
			ret = serve_err(-PF_EEXIST, "%s port %d on %s is in use (%s): %s",
					udp ? "UDP" : "TCP", port, s->addr, who, hint);
		else
			ret = serve_err(-PF_EIO, "%s port %d on %s: %s", udp ? "UDP" : "TCP",
					port, s->addr, strerror(errno));
	}
	close(fd);
	return ret;
}

/* Every port the enabled servers will listen on must be free. */
static int probe_ports(const struct pf_serve *s)
{
	static const char dhcp_hint[] = "another DHCP server on this host (stop it, or "
		"serve from a host without one)";
	int ret = 0;

	if (s->srv[PF_SRV_DNSMASQ].enabled) {
		ret = probe_port(s, 1, 67, "dnsmasq DHCP", dhcp_hint);
		if (!ret)
			ret = probe_port(s, 1, 69, "dnsmasq TFTP", "another TFTP server on "
					 "this host (tftpd-hpa?): stop it");
		if (!ret && !s->dhcp_full)
			ret = probe_port(s, 1, 4011, "dnsmasq proxy DHCP", dhcp_hint);
	}
	if (!ret && s->srv[PF_SRV_NGINX].enabled)
		ret = probe_port(s, 0, s->http_port, "nginx", "another web server: stop it "
				 "or choose --http-port");
	if (!ret && s->srv[PF_SRV_SMBD].enabled)
		ret = probe_port(s, 0, s->smb_port, "smbd", "another Samba server "
				 "(systemctl stop smbd)");
	return ret;
}

/* --print: each server's command line and configuration, on stdout. */
static void print_all(const struct pf_serve *s)
{
	int k;

	printf("# peforge serve %s: state folder %s, interface %s (%s)\n", s->outdir,
	       s->state, s->ifname, s->addr);
	for (k = 0; k < PF_SRV_COUNT; k++) {
		const struct pf_srv *v = &s->srv[k];
		char *cmd;

		if (!v->enabled)
			continue;
		cmd = pf_serve_cmdline(v->argv);
		printf("\n# ---- %s ----\n$ %s\n# %s:\n%s", v->name, cmd ? cmd : "?",
		       v->conf_path, v->conf);
		free(cmd);
	}
}

/* Free everything S owns. */
static void serve_clear(struct pf_serve *s)
{
	int k;

	for (k = 0; k < PF_SRV_COUNT; k++) {
		free(s->srv[k].bin);
		pf_serve_free_argv(s->srv[k].argv);
		pf_serve_free_argv(s->srv[k].check_argv);
		free(s->srv[k].conf_path);
		free(s->srv[k].conf);
	}
	free(s->outdir);
	free(s->state);
	free(s->pxe);
	free(s->samba);
	free(s->http_url);
	free(s->http_prefix);
}

int pf_serve_main(int argc, char **argv)
{
	struct pf_serve s = {
		.srv = {
			[PF_SRV_DNSMASQ] = { .name = "dnsmasq", .package = "dnsmasq-base" },
			[PF_SRV_NGINX] = { .name = "nginx", .package = "nginx-light" },
			[PF_SRV_SMBD] = { .name = "smbd", .package = "samba" },
		},
	};
	int ret, k;

	for (k = 1; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			fputs(pf_serve_usage, stdout);
			return 0;
		}
	ret = parse_args(argc, argv, &s);
	if (ret)
		goto out;
	ret = -PF_ENOMEM;
	s.outdir = pf_abspath(s.outdir_arg);
	if (!s.outdir)
		goto out;
	ret = find_trees(&s);
	if (!ret && s.pxe)
		ret = read_pxe_tree(&s);
	if (ret)
		goto out;
	s.state = s.state_arg ? pf_abspath(s.state_arg) : pf_path_join(s.outdir, ".peforge-serve");
	ret = -PF_ENOMEM;
	if (!s.state)
		goto out;
	if (!s.http_port)
		s.http_port = 80;
	if (!s.smb_port)
		s.smb_port = 445;
	s.srv[PF_SRV_DNSMASQ].enabled = s.srv[PF_SRV_NGINX].enabled = !!s.pxe;
	s.srv[PF_SRV_SMBD].enabled = !!s.samba;
	s.fleet = pf_serve_has_fleet(&s);
	ret = find_interface(&s);
	if (!ret)
		ret = find_programs(&s);
	if (!ret)
		ret = pf_serve_make_configs(&s);
	if (ret)
		goto out;
	if (s.print) {
		print_all(&s);
		goto out;
	}
	ret = pf_serve_write_state(&s);
	if (ret)
		goto out;
	if (s.check) {
		ret = pf_serve_check(&s);
		goto out;
	}
	if (s.units_dir) {
		ret = pf_serve_write_units(&s);
		goto out;
	}
	ret = probe_ports(&s);
	if (!ret)
		ret = pf_serve_run(&s);
out:
	serve_clear(&s);
	return ret;
}
