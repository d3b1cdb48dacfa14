/*
 * plugins/output-pxe/pxe.h - what the pieces of output plugin "pxe" share.
 *
 * The plugin writes a ready-to-serve network-boot
 * tree (TFTP root, optionally also served over HTTP) with a dnsmasq.conf
 * and a README.txt that say how to serve it.
 *
 *   outputs = { pxe = { dir = "tftpboot", loader = "pxelinux" | "ipxe",
 *                       http = "http://host/path", wimboot = "/path/wimboot",
 *                       timeout = 50, dhcp = "proxy" | "full",
 *                       server = "192.168.1.10", range = "A" | "A,B",
 *                       gui = false, unknown = "local" | "menu" | "install",
 *                       known = "install" | "menu",
 *                       allow_unknown_wipe = false } }
 *
 * loader "pxelinux" (BIOS): PXELINUX boots the run's ISO (the `iso` output,
 * found as the job fact iso_path) through MEMDISK.  loader "ipxe" (BIOS and
 * UEFI): iPXE boots wimboot with bootmgr, BCD, boot.sdi and the run's
 * boot.wim, and wimboot injects the recipe's medium files (media, the
 * answer file) into X:\Windows\System32.
 *
 * The machines the recipe knows (the job fact fleet) get their own entries
 * (machines/, pxelinux.cfg/01-MAC or chained by boot.ipxe), which follow
 * OUTDIR/machines.state; every other machine gets the policy `unknown`
 * (fleet.c; docs/pxe.md, "Safety").
 *
 * The tree is whole or absent: it is built in a temporary folder beside the
 * final one and renamed into place.  An existing tree of this plugin (or an
 * empty folder) is replaced whole; any other folder is refused.
 * docs/pxe.md describes the options and the generated files.
 */
#ifndef PEFORGE_PLUGINS_OUTPUT_PXE_PXE_H_
#define PEFORGE_PLUGINS_OUTPUT_PXE_PXE_H_
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outlib.h"

#define NAME "pxe"

/* syslinux TIMEOUT is in tenths of a second; it takes at most 35996. */
#define TIMEOUT_MAX 35996
#define TIMEOUT_DEFAULT 50

/* wimboot's virtual disk holds 63 files; keep 16 for the boot files it is
 * given or extracts from the WIM (bootmgr, bootmgr.exe, BCD, boot.sdi,
 * boot.wim, fonts, bootmgfw.efi, boot.stl ...). */
#define INJECT_MAX 47
/* wimboot's longest file name (VDISK_NAME_LEN). */
#define INJECT_NAME_MAX 31
/* An injected file above this size is worth a warning. */
#define INJECT_BIG (64ULL << 20)

/* The first line of the README.txt of every tree: how a folder is known as
 * one this plugin may replace. */
#define README_MARK "PXE boot tree for Windows PE - written by peforge"

/* The placeholder network of a proxy-DHCP config without range or server. */
#define PLACEHOLDER_NET "192.168.1.0"

enum loader { LOADER_PXELINUX, LOADER_IPXE };

/* The policies of `unknown` (and, install or menu, of `known`). */
enum policy { POLICY_LOCAL, POLICY_MENU, POLICY_INSTALL };

/* What one boot entry does. */
enum entry {
	ENTRY_MENU_WINPE,  /* menu; WinPE after the timeout (unknown "install") */
	ENTRY_MENU_LOCAL,  /* menu; the local disk after the timeout (unknown "local") */
	ENTRY_MENU,        /* menu; no timeout, nothing chosen by itself ("menu") */
	ENTRY_WINPE,       /* WinPE at once (a known machine's install variant) */
	ENTRY_LOCAL,       /* the local disk at once (its local variant) */
};

/* A machine the recipe knows, one MAC of it (a line of the fact fleet). */
struct machine {
	char mac[18];           /* 52-54-00-12-34-56 */
	char *id;
	int wipe;
	char *file;             /* medium path of its answer file, or NULL */
	char *file_uefi;        /* with firmware variants: the UEFI one (file: BIOS) */
};

struct pxe_state {
	const struct pf_host *host;
	const char *dir;        /* the tree, relative to the output folder */
	enum loader loader;
	char *http;             /* base URL without a trailing '/', or NULL */
	const char *wimboot;    /* host file (ipxe) */
	char *wimboot_abs;      /* wimboot resolved against the recipe's folder */
	unsigned timeout;       /* tenths of a second; 0 = wait for a choice */
	int full;               /* dhcp = "full" */
	int gui;                /* wimboot gui */
	const char *server;     /* IPv4 address, or NULL */
	char *range_start;      /* IPv4 address, or NULL */
	char *range_end;        /* full mode: last address of the pool */
	int unknown;            /* enum policy, or -1: by the answer file */
	int known;              /* POLICY_INSTALL or POLICY_MENU */
	int allow_unknown_wipe;
	struct machine *m;      /* the fleet, at run */
	size_t nm;
};

/* Where the bytes of one file of the tree come from. */
enum src_kind { SRC_HOST, SRC_MEDIA, SRC_DATA };

struct item {
	char *rel;              /* path in the tree ('/'-separated), malloc'd */
	enum src_kind kind;
	const char *src;        /* SRC_HOST: host file; SRC_MEDIA: media path */
	const void *data;       /* SRC_DATA */
	size_t len;
	char *owned;            /* freed with the item: generated bytes, or the
				 * path of a system file; or NULL */
	int link;               /* SRC_HOST: try a hard link before copying */
	char *inject;           /* ipxe: wimboot name of an injected file */
	const char *origin;     /* ipxe: its path on the boot medium */
};

/* The tree to write: its final path and its files. */
struct plan {
	char *final;            /* absolute path of the tree */
	struct item *v;
	size_t n;
	struct outlib_files files; /* ipxe: the boot medium (owns strings) */
	const char *range;      /* proxy: the dhcp-range address */
	int placeholder;        /* the range is PLACEHOLDER_NET */
};

/* plan.c */
void plan_free(struct plan *p);
int plan_text(struct plan *p, const char *rel, char *buf, size_t len);
int plan_pxelinux(struct pxe_state *s, struct pf_job *job, struct plan *p);
int plan_ipxe(struct pxe_state *s, struct pf_job *job, struct plan *p);
int plan_check_media_names(const struct pf_host *h, const char *list);

/* config.c */
int gen_pxelinux_cfg(const struct pxe_state *s, struct plan *p);
int gen_boot_ipxe(const struct pxe_state *s, struct plan *p);
int text_pxelinux(const struct pxe_state *s, enum entry e, const char *mac, char **buf,
		  size_t *len);
int text_ipxe(const struct pxe_state *s, const struct plan *p, enum entry e,
	      const struct machine *m, char **buf, size_t *len);
enum entry unknown_entry(const struct pxe_state *s);
int gen_dnsmasq(const struct pxe_state *s, struct plan *p);
int gen_readme(const struct pxe_state *s, struct plan *p);

/* fleet.c */
int fleet_read(struct pxe_state *s, struct pf_job *job);
void fleet_free(struct pxe_state *s);
int gen_fleet(struct pxe_state *s, struct pf_job *job, struct plan *p);
extern const char *const policy_words[];

/* tree.c */
int pxe_run(void *state, struct pf_job *job);

#endif
