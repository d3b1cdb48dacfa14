/*
 * core/serve_conf.c - the configurations and command lines of the servers
 * `peforge serve` runs (dnsmasq, nginx, smbd), the state folder they live
 * in, and the systemd units of --install-units.  Every path a server
 * writes (leases, pid files, temp files, logs, Samba's databases) is in the
 * state folder; nothing in /etc is read or written.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "log.h"
#include "serve.h"
#include "util.h"

/* A NULL-terminated argv of malloc'd copies of the arguments (up to a
 * NULL); NULL when out of memory. */
static char **make_argv(const char *first, ...)
{
	char **v = calloc(16, sizeof(*v));
	const char *a;
	va_list ap;
	int n = 0, bad = !v;

	va_start(ap, first);
	for (a = first; a && v && n < 15; a = va_arg(ap, const char *)) {
		v[n] = strdup(a);
		bad |= !v[n++];
	}
	va_end(ap);
	if (bad) {
		pf_serve_free_argv(v);
		return NULL;
	}
	return v;
}

void pf_serve_free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* Write ARG to F, quoted the way QUOTE says:
 * 's' for a POSIX shell, 'u' for a systemd ExecStart= line. */
static void put_quoted(FILE *f, const char *arg, char quote)
{
	const char *p;
	int plain = *arg != '\0';

	for (p = arg; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_./=:,+@", *p))
			plain = 0;
	if (plain) {
		fputs(arg, f);
		return;
	}
	if (quote == 'u') {
		/* systemd: "..." with \ and " escaped; % and $ doubled */
		fputc('"', f);
		for (p = arg; *p; p++) {
			if (*p == '%' || *p == '$')
				fputc(*p, f);
			else if (*p == '\\' || *p == '"')
				fputc('\\', f);
			fputc(*p, f);
		}
		fputc('"', f);
		return;
	}
	fputc('\'', f);
	for (p = arg; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

/* ARGV as one line, each argument quoted for QUOTE (see put_quoted). */
static char *join_argv(char *const *argv, char quote)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (i = 0; argv[i]; i++) {
		if (i)
			fputc(' ', f);
		put_quoted(f, argv[i], quote);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *pf_serve_cmdline(char *const *argv)
{
	return join_argv(argv, 's');
}

/*
 * dnsmasq.conf: proxy or full DHCP on the interface, TFTP from the pxe
 * tree, the boot file by client: BIOS PXE, x86-64 UEFI (client-arch 7 and
 * 9) and iPXE itself (DHCP option 175, tag ipxe).  In proxy mode iPXE on
 * BIOS is answered through a PXE menu item that names this server (the
 * tree's own dnsmasq.conf puts the script's URL in the offer when the tree
 * has `http`, and iPXE on BIOS then has nothing to boot: issue 14).
 */
static int dnsmasq_conf(const struct pf_serve *s, FILE *f)
{
	const char *a = s->addr;
	const char *loader = s->lpxelinux ? "lpxelinux.0" : "pxelinux.0";
	char *state_leases = pf_path_join(s->state, "dnsmasq.leases");
	char *state_pid = pf_path_join(s->state, "dnsmasq.pid");

	if (!state_leases || !state_pid) {
		free(state_leases);
		free(state_pid);
		return -PF_ENOMEM;
	}
	fprintf(f, "# dnsmasq.conf - written by peforge serve %s for %s\n", PACKAGE_VERSION,
		s->outdir);
	fprintf(f, "# %s on %s (%s); TFTP from the %s tree.\n",
		s->dhcp_full ? "Full DHCP" : "Proxy DHCP beside the network's DHCP server",
		s->ifname, a, s->ipxe ? "iPXE" : "PXELINUX");
	fprintf(f, "port=0\nno-resolv\nno-hosts\n");
	fprintf(f, "interface=%s\nbind-interfaces\n", s->ifname);
	fprintf(f, "log-dhcp\n");
	fprintf(f, "dhcp-leasefile=");
	fsu_put_dnsmasq_path(f, state_leases);
	fprintf(f, "\npid-file=");
	fsu_put_dnsmasq_path(f, state_pid);
	fprintf(f, "\n");
	if (s->dhcp_full)
		fprintf(f, "dhcp-range=%s,12h\n", s->range);
	else
		fprintf(f, "dhcp-range=%s,proxy\n", a);
	fprintf(f, "dhcp-match=set:ipxe,175\n");
	fprintf(f, "dhcp-match=set:efi64,option:client-arch,7\n");
	fprintf(f, "dhcp-match=set:efi64,option:client-arch,9\n");
	if (!s->ipxe) {
		fprintf(f, "# PXELINUX is BIOS only: UEFI machines get nothing here.\n");
		if (s->dhcp_full)
			fprintf(f, "dhcp-boot=tag:!efi64,%s,,%s\n", loader, a);
		else
			fprintf(f, "pxe-prompt=\"peforge: Windows PE\",0\n"
				"pxe-service=x86PC,\"Windows PE (PXELINUX)\",%s,%s\n", loader, a);
	} else if (s->dhcp_full) {
		fprintf(f, "dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi,,%s\n", a);
		fprintf(f, "dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe,,%s\n", a);
	} else {
		fprintf(f, "pxe-prompt=\"peforge: Windows PE\",0\n");
		fprintf(f, "pxe-service=tag:!ipxe,x86PC,\"Windows PE (iPXE, BIOS)\","
			"undionly.kpxe,%s\n", a);
		fprintf(f, "# iPXE on BIOS: boot.ipxe over TFTP through the menu, whose "
			"answer names\n# this server (the script fetches the rest over "
			"HTTP when the tree has a URL).\n");
		fprintf(f, "pxe-service=tag:ipxe,x86PC,\"Windows PE (boot.ipxe)\","
			"boot.ipxe,%s\n", a);
		fprintf(f, "pxe-service=tag:!ipxe,x86-64_EFI,\"Windows PE (iPXE, UEFI)\","
			"ipxe.efi,%s\n", a);
		fprintf(f, "pxe-service=tag:!ipxe,BC_EFI,\"Windows PE (iPXE, UEFI)\","
			"ipxe.efi,%s\n", a);
	}
	if (s->ipxe && s->http_url)
		fprintf(f, "dhcp-boot=tag:ipxe,%s/boot.ipxe\n", s->http_url);
	else if (s->ipxe)
		fprintf(f, "dhcp-boot=tag:ipxe,boot.ipxe,,%s\n", a);
	fprintf(f, "enable-tftp\ntftp-root=");
	fsu_put_dnsmasq_path(f, s->pxe);
	fprintf(f, "\n");
	free(state_leases);
	free(state_pid);
	return 0;
}

/* The unprivileged user (and its group) nginx's workers run as, when
 * nginx starts as root: www-data, or nobody. */
static void nginx_user(char *user, size_t un, char *group, size_t gn)
{
	struct passwd *pw = getpwnam("www-data");
	struct group *gr;

	if (!pw)
		pw = getpwnam("nobody");
	gr = pw ? getgrgid(pw->pw_gid) : NULL;
	snprintf(user, un, "%s", pw ? pw->pw_name : "nobody");
	snprintf(group, gn, "%s", gr ? gr->gr_name : "nogroup");
}

/* nginx.conf: in the foreground, every path in the state folder, the pxe
 * tree at / and at the path of the tree's URL, access log kept. */
static int nginx_conf(const struct pf_serve *s, FILE *f)
{
	static const char *const temps[] = { "client_body", "proxy", "fastcgi", "uwsgi",
					     "scgi" };
	char user[64], group[64];
	size_t i;

	fprintf(f, "# nginx.conf - written by peforge serve %s for %s\n", PACKAGE_VERSION,
		s->outdir);
	fprintf(f, "daemon off;\nmaster_process on;\nworker_processes 1;\n");
	if (geteuid() == 0) {
		nginx_user(user, sizeof(user), group, sizeof(group));
		fprintf(f, "user %s %s;\n", user, group);
	}
	fprintf(f, "pid \"%s/nginx.pid\";\n", s->state);
	fprintf(f, "error_log stderr warn;\n");
	fprintf(f, "events { worker_connections 512; }\n\nhttp {\n");
	for (i = 0; i < sizeof(temps) / sizeof(temps[0]); i++)
		fprintf(f, "\t%s_temp_path \"%s/nginx/%s\";\n", temps[i], s->state, temps[i]);
	fprintf(f, "\ttypes {\n\t\ttext/plain ipxe cfg txt xml cmd;\n\t}\n");
	fprintf(f, "\tdefault_type application/octet-stream;\n");
	fprintf(f, "\taccess_log \"%s/nginx-access.log\";\n", s->state);
	fprintf(f, "\taccess_log /dev/stdout;\n");
	fprintf(f, "\tsendfile on;\n\ttcp_nopush on;\n\tserver_tokens off;\n");
	fprintf(f, "\tserver {\n\t\tlisten %s:%d;\n", s->addr, s->http_port);
	fprintf(f, "\t\troot \"%s\";\n", s->pxe);
	if (s->http_prefix && *s->http_prefix && strcmp(s->http_prefix, "/"))
		fprintf(f, "\t\t# the tree's URL: %s\n\t\tlocation %s/ { alias \"%s/\"; }\n",
			s->http_url, s->http_prefix, s->pxe);
	fprintf(f, "\t}\n}\n");
	return 0;
}

/* smb.conf: the samba tree's standalone smb.conf with the share's path set
 * to the tree's share/ folder and its log settings dropped, followed by a
 * [global] section that keeps every state file in the state folder and
 * listens on the interface only. */
static int smb_conf(const struct pf_serve *s, FILE *f)
{
	static const char *const dirs[][2] = {
		{ "pid directory", "run" }, { "lock directory", "lock" },
		{ "state directory", "state" }, { "cache directory", "cache" },
		{ "private dir", "private" }, { "ncalrpc dir", "ncalrpc" },
	};
	char *path = pf_path_join(s->samba, "smb.conf"), *text = NULL, *line, *save;
	size_t len, i;
	int ret, in_share = 0, deploy = pf_serve_has_account(s);

	if (!path)
		return -PF_ENOMEM;
	ret = pf_read_file(path, &text, &len);
	if (ret) {
		pf_log(PF_LOG_ERROR, "serve", "%s: cannot read it (the samba output's whole "
		       "smb.conf): %s", path, pf_strerror(ret));
		free(path);
		return ret;
	}
	fprintf(f, "# smb.conf - written by peforge serve %s from %s\n", PACKAGE_VERSION, path);
	for (save = text; (line = strsep(&save, "\n")) && (*line || save);) {
		const char *k = line + strspn(line, " \t");

		if (*k == '[')
			in_share = strncmp(k, "[global]", 8) != 0;
		if (in_share && deploy && !strncmp(k, "valid users", 11) &&
		    strstr(k, PF_SERVE_DEPLOY_USER)) {
			fprintf(f, "# %s logs in as the system user %s (username map)\n",
				PF_SERVE_DEPLOY_USER, PF_SERVE_SMB_UNIX_USER);
			fprintf(f, "\tvalid users = %s\n", PF_SERVE_SMB_UNIX_USER);
		} else if (in_share && !strncmp(k, "path", 4) && strchr(k, '=')) {
			fprintf(f, "# served from the build's own tree (the recipe's path: %s)\n",
				strchr(k, '=') + 1 + strspn(strchr(k, '=') + 1, " \t"));
			fprintf(f, "\tpath = %s/share\n", s->samba);
		} else if (strncmp(k, "log file", 8) && strncmp(k, "max log size", 12)) {
			fprintf(f, "%s\n", line);
		}
	}
	fprintf(f, "\n# ---- peforge serve: this server's interface, port and state ----\n");
	fprintf(f, "[global]\n\tinterfaces = %s\n\tbind interfaces only = yes\n", s->ifname);
	fprintf(f, "\tsmb ports = %d\n\tdisable netbios = yes\n", s->smb_port);
	fprintf(f, "\trpc start on demand helpers = no\n\tusershare path =\n");
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		fprintf(f, "\t%s = %s/samba/%s\n", dirs[i][0], s->state, dirs[i][1]);
	fprintf(f, "\tpassdb backend = tdbsam:%s/samba/private/passdb.tdb\n", s->state);
	fprintf(f, "\tlog file = %s/samba/log.%%m\n\tmax log size = 1000\n", s->state);
	if (deploy)
		fprintf(f, "\tusername map = %s/samba/users.map\n", s->state);
	if (s->fleet)
		pf_serve_status_conf(s, f, deploy);
	free(text);
	free(path);
	return 0;
}

/* Make server K's configuration text with GEN into V->conf. */
static int make_text(const struct pf_serve *s, struct pf_srv *v,
		     int (*gen)(const struct pf_serve *, FILE *))
{
	size_t len = 0;
	FILE *f = open_memstream(&v->conf, &len);
	int ret;

	if (!f)
		return -PF_ENOMEM;
	ret = gen(s, f);
	if (fclose(f) && !ret)
		ret = -PF_ENOMEM;
	return ret;
}

int pf_serve_make_configs(struct pf_serve *s)
{
	struct pf_srv *d = &s->srv[PF_SRV_DNSMASQ], *n = &s->srv[PF_SRV_NGINX];
	struct pf_srv *m = &s->srv[PF_SRV_SMBD];
	char *prefix = NULL, *testparm = NULL;
	int ret = 0;

	if (d->enabled) {
		d->conf_path = pf_path_join(s->state, "dnsmasq.conf");
		if (!d->conf_path || (ret = make_text(s, d, dnsmasq_conf)))
			goto out;
		d->argv = make_argv(d->bin, "--keep-in-foreground", "--log-facility=-",
				    "-C", d->conf_path, NULL);
		d->check_argv = make_argv(d->bin, "--test", "-C", d->conf_path, NULL);
	}
	if (n->enabled) {
		n->conf_path = pf_path_join(s->state, "nginx.conf");
		prefix = pf_path_join(s->state, "nginx/");
		if (!n->conf_path || !prefix || (ret = make_text(s, n, nginx_conf)))
			goto out;
		n->argv = make_argv(n->bin, "-e", "stderr", "-p", prefix, "-c", n->conf_path, NULL);
		n->check_argv = make_argv(n->bin, "-t", "-e", "stderr", "-p", prefix, "-c",
					  n->conf_path, NULL);
	}
	if (m->enabled) {
		m->conf_path = pf_path_join(s->state, "smb.conf");
		testparm = pf_path_join(m->bin, "../../bin/testparm");
		if (!m->conf_path || !testparm || (ret = make_text(s, m, smb_conf)))
			goto out;
		if (access(testparm, X_OK)) {
			free(testparm);
			testparm = strdup("testparm");
		}
		m->argv = make_argv(m->bin, "-F", "--no-process-group", "--debug-stdout", "-s",
				    m->conf_path, NULL);
		m->check_argv = make_argv(testparm ? testparm : "testparm", "-s",
					  m->conf_path, NULL);
	}
	ret = (d->enabled && (!d->argv || !d->check_argv)) ||
	      (n->enabled && (!n->argv || !n->check_argv)) ||
	      (m->enabled && (!m->argv || !m->check_argv)) ? -PF_ENOMEM : 0;
out:
	free(prefix);
	free(testparm);
	return ret;
}

/* mkdir -p DIR/SUB with MODE. */
static int mkdir_in(const char *dir, const char *sub, mode_t mode)
{
	char *p = pf_path_join(dir, sub);
	int ret = p ? pf_mkdir_p(p) : -PF_ENOMEM;

	if (!ret && chmod(p, mode))
		ret = -PF_EIO;
	if (ret)
		pf_log(PF_LOG_ERROR, "serve", "cannot make the state folder %s/%s: %s", dir,
		       sub, strerror(errno));
	free(p);
	return ret;
}

int pf_serve_write_state(const struct pf_serve *s)
{
	static const char *const sub[] = {
		"nginx/client_body", "nginx/proxy", "nginx/fastcgi", "nginx/uwsgi",
		"nginx/scgi", "samba/run", "samba/lock", "samba/state", "samba/cache",
		"samba/ncalrpc",
	};
	size_t i;
	int k, ret;

	ret = mkdir_in(s->state, ".", 0755);
	for (i = 0; !ret && i < sizeof(sub) / sizeof(sub[0]); i++)
		ret = mkdir_in(s->state, sub[i], 0755);
	if (!ret)
		ret = mkdir_in(s->state, "samba/private", 0700);
	/* the reports' folders: clients' sessions pass through, never list */
	if (!ret && s->fleet)
		ret = mkdir_in(s->state, "status", 0711);
	for (k = 0; !ret && k < PF_SRV_COUNT; k++) {
		const struct pf_srv *v = &s->srv[k];

		if (!v->enabled)
			continue;
		ret = pf_write_file_atomic(v->conf_path, v->conf, strlen(v->conf));
		if (ret)
			pf_log(PF_LOG_ERROR, "serve", "cannot write %s: %s", v->conf_path,
			       pf_strerror(ret));
	}
	if (!ret)
		ret = pf_serve_write_account(s);
	return ret;
}

int pf_serve_write_units(const struct pf_serve *s)
{
	char names[256] = "";
	int k, ret = pf_mkdir_p(s->units_dir);

	if (ret)
		return (pf_log(PF_LOG_ERROR, "serve", "cannot make %s: %s", s->units_dir,
			       strerror(errno)), ret);
	for (k = 0; !ret && k < PF_SRV_COUNT; k++) {
		const struct pf_srv *v = &s->srv[k];
		char *file, *cmd, *text;

		if (!v->enabled)
			continue;
		file = pf_asprintf("%s/peforge-%s.service", s->units_dir, v->name);
		cmd = join_argv(v->argv, 'u');
		text = pf_asprintf("# written by peforge serve %s for %s\n"
				   "[Unit]\nDescription=peforge serve: %s for %s\n"
				   "After=network-online.target\nWants=network-online.target\n\n"
				   "[Service]\nType=simple\nExecStart=%s\n"
				   "Restart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n",
				   PACKAGE_VERSION, s->outdir, v->name, s->outdir, cmd ? cmd : "");
		ret = file && cmd && text ? pf_write_file_atomic(file, text, strlen(text))
					  : -PF_ENOMEM;
		if (!ret)
			printf("wrote: %s\n", file);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), " peforge-%s",
			 v->name);
		free(file);
		free(cmd);
		free(text);
	}
	if (!ret)
		pf_info("serve: units written, not enabled; to use them: systemctl link %s/"
			"peforge-*.service && systemctl enable --now%s", s->units_dir, names);
	return ret;
}
