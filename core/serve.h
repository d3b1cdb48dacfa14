/*
 * core/serve.h - `peforge serve OUTDIR`: runs dnsmasq, nginx and smbd on
 * configurations of its own (in a private state folder) for the pxe and
 * samba trees a build wrote into OUTDIR.  docs/serve.md.
 *
 * serve.c parses the command line, finds the trees and the interface and
 * chooses what to do; serve_conf.c writes the configurations and the
 * commands; serve_run.c runs the servers and relays their logs.
 */
#ifndef PEFORGE_CORE_SERVE_H
#define PEFORGE_CORE_SERVE_H

#include <stddef.h>
#include <stdio.h>

/* The usage text of `peforge serve`. */
extern const char pf_serve_usage[];

/*
 * `peforge serve` with ARGV[0] = "serve" and its own options after it.
 * Returns 0, -PF_EUSAGE (bad command line; the caller exits 2) or another
 * -PF_E* code after one error line.
 */
int pf_serve_main(int argc, char **argv);

/* ---- internal: shared by serve*.c ---------------------------------- */

enum pf_srv_kind { PF_SRV_DNSMASQ, PF_SRV_NGINX, PF_SRV_SMBD, PF_SRV_COUNT };

/* One server: its name, the command line and the configuration file. */
struct pf_srv {
	const char *name;      /* "dnsmasq", "nginx", "smbd" */
	const char *package;   /* the Debian package that has it */
	char *bin;             /* absolute path found in PATH */
	char **argv;           /* NULL-terminated, malloc'd strings */
	char **check_argv;     /* the configuration test (dnsmasq --test ...) */
	char *conf_path;       /* STATE/NAME.conf */
	char *conf;            /* its text */
	int enabled;
};

struct pf_serve {
	/* from the command line */
	const char *outdir_arg;
	const char *iface;       /* --interface, or the only one found */
	const char *state_arg;
	const char *units_dir;   /* --install-units */
	const char *range;       /* --range START,END (full DHCP) */
	int dhcp_full;
	int check, print;
	int http_port;           /* --http-port, or 0 = from the tree's URL or 80 */
	int smb_port;            /* --smb-port, or 445 */
	/* found */
	char *outdir;            /* absolute */
	char *state;             /* absolute state folder */
	char *pxe;               /* the pxe tree, or NULL */
	char *samba;             /* the samba tree, or NULL */
	int ipxe;                /* the pxe tree is an iPXE tree */
	int fleet;               /* the pxe tree has a fleet and there is a samba
				    tree: the status share and its watch */
	int lpxelinux;           /* pxelinux tree with lpxelinux.0 (HTTP) */
	char *http_url;          /* the tree's base URL, or NULL */
	char *http_prefix;       /* its path ("/pe"), or NULL */
	char addr[64];           /* the interface's IPv4 address */
	char ifname[64];
	struct pf_srv srv[PF_SRV_COUNT];
};

/* serve_conf.c: make every enabled server's configuration text and
 * command lines from S (nothing written yet). */
int pf_serve_make_configs(struct pf_serve *s);
/* Write the state folder: the folders the servers need and each
 * configuration file. */
int pf_serve_write_state(const struct pf_serve *s);
/* serve_account.c: the samba tree's deployment account. */
#define PF_SERVE_DEPLOY_USER "peforge-deploy"
#define PF_SERVE_SMB_UNIX_USER "nobody"
/* 1 when the samba tree has the deployment account (deploy-password). */
int pf_serve_has_account(const struct pf_serve *s);
/* Put the account in smbd's private passdb as the system user nobody
 * (username map STATE/samba/users.map); nothing when there is none. */
int pf_serve_write_account(const struct pf_serve *s);
/* Write one systemd unit per server into S->units_dir. */
int pf_serve_write_units(const struct pf_serve *s);
/* The command line of ARGV as one shell-quoted line (malloc'd). */
char *pf_serve_cmdline(char *const *argv);
void pf_serve_free_argv(char **argv);

/* serve_status.c: the fleet's install reports (docs/fleet.md). */
#define PF_SERVE_STATUS_SHARE "peforge-status"
/* 1 when S has a samba tree and a pxe tree with a fleet (fleet.tsv). */
int pf_serve_has_fleet(const struct pf_serve *s);
/* The write-only status share's section of smb.conf, into F (DEPLOY: the
 * deployment account's sessions, else guest ones). */
int pf_serve_status_conf(const struct pf_serve *s, FILE *f, int deploy);
/* Read, judge, apply and delete every report in STATE/status; one line
 * each on stdout and in LOG (may be NULL). */
int pf_serve_status_scan(const struct pf_serve *s, FILE *log);

/* serve_run.c: run the enabled servers until SIGINT/SIGTERM or until one
 * of them dies; relay their output, each line prefixed with the name. */
int pf_serve_run(struct pf_serve *s);
/* Run each enabled server's check_argv; 0 when every one passes. */
int pf_serve_check(struct pf_serve *s);

#endif
