/* plugins/output-pxe/config.c - the generated files of the tree:
 * pxelinux.cfg/default, boot.ipxe, dnsmasq.conf and README.txt. */
#include "pxe.h"

/* ------------------------------------------------------------------ */
/* generated files */

/* A growing text, written with fprintf. */
struct text {
	FILE *f;
	char *buf;
	size_t len;
};

static int text_begin(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f ? 0 : -PF_ENOMEM;
}

/* Finish T; on success T->buf (malloc'd) holds the text. */
static int text_end(struct text *t)
{
	int bad = ferror(t->f);

	if (fclose(t->f) != 0 || bad) {
		free(t->buf);
		t->buf = NULL;
		return -PF_ENOMEM;
	}
	return 0;
}

/* The number of injected files in the plan. */
static size_t count_injected(const struct plan *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->v[i].inject != NULL;
	return n;
}

/* The entry machines the fleet does not know get: `unknown`, or its
 * default (local when their answer file wipes a disk, else menu). */
enum entry unknown_entry(const struct pxe_state *s)
{
	if (s->unknown == POLICY_INSTALL)
		return ENTRY_MENU_WINPE;
	if (s->unknown == POLICY_MENU)
		return ENTRY_MENU;
	return ENTRY_MENU_LOCAL;
}

/* What entry E does, for the comment at the top of its file. */
static const char *entry_says(enum entry e)
{
	switch (e) {
	case ENTRY_MENU_WINPE:
		return "a menu that boots Windows PE when its timeout runs out";
	case ENTRY_MENU_LOCAL:
		return "a menu that boots the local disk when its timeout runs out; "
		       "Windows PE only when chosen";
	case ENTRY_MENU:
		return "a menu without a timeout: it boots what is chosen";
	case ENTRY_WINPE:
		return "Windows PE at once";
	default:
		return "the local disk at once";
	}
}

/*
 * The PXELINUX config of entry E: a menu (winpe.iso through MEMDISK, the
 * local disk) or one of them at once; MAC names the machine of a
 * per-machine entry (NULL: pxelinux.cfg/default).  *BUF is malloc'd.
 */
int text_pxelinux(const struct pxe_state *s, enum entry e, const char *mac, char **buf,
		  size_t *len)
{
	const struct pf_host *h = s->host;
	int menu = e == ENTRY_MENU_WINPE || e == ENTRY_MENU_LOCAL || e == ENTRY_MENU;
	int winpe_first = e == ENTRY_MENU_WINPE || e == ENTRY_WINPE;
	struct text t;
	int ret = text_begin(&t);

	if (ret)
		return ret;
	if (mac)
		fprintf(t.f, "# The entry of machine %s - written by peforge %s "
			"(outputs.pxe, loader pxelinux).\n", mac, h->version);
	else
		fprintf(t.f, "# pxelinux.cfg/default - written by peforge %s (outputs.pxe, "
			"loader pxelinux).\n", h->version);
	fprintf(t.f, "# BIOS only: MEMDISK loads the whole winpe.iso into memory and "
		"boots it.\n");
	fprintf(t.f, "# This entry: %s.\n", entry_says(e));
	if (s->http && e != ENTRY_LOCAL)
		fprintf(t.f, "# lpxelinux.0 fetches winpe.iso over HTTP: serve this "
			"folder at %s/\n", s->http);
	if (menu)
		fprintf(t.f, "UI menu.c32\n");
	fprintf(t.f, "PROMPT 0\n");
	if (menu)
		fprintf(t.f, "TIMEOUT %u\nMENU TITLE peforge: Windows PE\n",
			e == ENTRY_MENU ? 0 : s->timeout);
	fprintf(t.f, "DEFAULT %s\n", winpe_first ? "winpe" : "local");
	if (e != ENTRY_LOCAL) {
		fprintf(t.f, "\nLABEL winpe\n");
		if (menu)
			fprintf(t.f, "  MENU LABEL Windows PE (winpe.iso)\n");
		if (menu && winpe_first)
			fprintf(t.f, "  MENU DEFAULT\n");
		fprintf(t.f, "  KERNEL memdisk\n");
		if (s->http)
			fprintf(t.f, "  INITRD %s/winpe.iso\n", s->http);
		else
			fprintf(t.f, "  INITRD winpe.iso\n");
		fprintf(t.f, "  APPEND iso raw\n");
	}
	if (e != ENTRY_WINPE) {
		fprintf(t.f, "\nLABEL local\n");
		if (menu)
			fprintf(t.f, "  MENU LABEL Boot from the local disk\n");
		if (menu && !winpe_first)
			fprintf(t.f, "  MENU DEFAULT\n");
		fprintf(t.f, "  LOCALBOOT 0\n");
	}
	ret = text_end(&t);
	if (!ret) {
		*buf = t.buf;
		*len = t.len;
	}
	return ret;
}

/* pxelinux.cfg/default: the entry of every machine the fleet does not
 * know (PXELINUX reads pxelinux.cfg/01-MAC first: the fleet's). */
int gen_pxelinux_cfg(const struct pxe_state *s, struct plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	int ret = text_pxelinux(s, unknown_entry(s), NULL, &buf, &len);

	if (!ret)
		ret = plan_text(p, "pxelinux.cfg/default", buf, len);
	return ret;
}

/* The plan's item holding medium file ORIGIN (injected), or NULL. */
static const struct item *injected(const struct plan *p, const char *origin)
{
	size_t i;

	for (i = 0; origin && i < p->n; i++)
		if (p->v[i].inject && p->v[i].origin && !strcasecmp(p->v[i].origin, origin))
			return &p->v[i];
	return NULL;
}

/* The lines that boot Windows PE through wimboot to T, paths after BASE;
 * with machine M, M's own answer file is injected as autounattend.xml
 * instead of the default one (by firmware when it has two). */
static void put_winpe(const struct pxe_state *s, const struct plan *p,
		      const struct machine *m, const char *base, FILE *f)
{
	const struct item *bios = m ? injected(p, m->file) : NULL;
	const struct item *uefi = m ? injected(p, m->file_uefi) : NULL;
	size_t i, n = p->n;

	fprintf(f, "kernel %swimboot%s\n", base, s->gui ? " gui" : "");
	for (i = 0; i < n; i++) {
		const char *rel = p->v[i].rel;

		if (!strcmp(rel, "bootmgr") || !strcmp(rel, "BCD") ||
		    !strcmp(rel, "boot.sdi") || !strcmp(rel, "boot.wim"))
			fprintf(f, "initrd %s%s %s\n", base, rel, rel);
	}
	if (count_injected(p))
		fprintf(f, "# the boot medium's files: wimboot puts them in "
			"X:\\Windows\\System32\n");
	for (i = 0; i < n; i++) {
		if (!p->v[i].inject || (bios && !strcasecmp(p->v[i].inject,
							      "autounattend.xml")))
			continue;
		fprintf(f, "initrd %s%s %s\n", base, p->v[i].rel, p->v[i].inject);
	}
	if (bios && uefi) {
		fprintf(f, "# this machine's own answer file, by firmware\n");
		fprintf(f, "iseq ${platform} efi && initrd %s%s autounattend.xml || "
			"initrd %s%s autounattend.xml\n", base, uefi->rel, base, bios->rel);
	} else if (bios) {
		fprintf(f, "# this machine's own answer file\n");
		fprintf(f, "initrd %s%s autounattend.xml\n", base, bios->rel);
	}
	fprintf(f, "boot\n");
}

/*
 * The iPXE script of entry E: a menu (Windows PE through wimboot, exit to
 * the firmware, which boots the next device: the local disk) or one of
 * them at once.  M: the machine of a per-machine entry (machines/, paths
 * relative to it), NULL for boot.ipxe's entry of unknown machines.
 */
int text_ipxe(const struct pxe_state *s, const struct plan *p, enum entry e,
	      const struct machine *m, char **buf, size_t *len)
{
	const struct pf_host *h = s->host;
	const char *base = s->http ? "${base}/" : m ? "../" : "";
	struct text t;
	int ret = text_begin(&t);

	if (ret)
		return ret;
	if (m) {
		fprintf(t.f, "#!ipxe\n");
		fprintf(t.f, "# The entry of machine %s (%s) - written by peforge %s "
			"(outputs.pxe, loader ipxe).\n", m->mac, m->id, h->version);
		if (s->http)
			fprintf(t.f, "set base %s\n", s->http);
	}
	fprintf(t.f, "# This entry: %s.\n", entry_says(e));
	if (e == ENTRY_LOCAL) {
		fprintf(t.f, "# exit: the firmware boots its next device\nexit\n");
	} else if (e == ENTRY_WINPE) {
		put_winpe(s, p, m, base, t.f);
	} else {
		unsigned timeout = e == ENTRY_MENU ? 0 : s->timeout;
		const char *dflt = e == ENTRY_MENU_WINPE ? "winpe" : "local";

		fprintf(t.f, "\nmenu peforge: Windows PE\n");
		fprintf(t.f, "item winpe Windows PE\n");
		fprintf(t.f, "item local Boot from the local disk\n");
		if (timeout)
			fprintf(t.f, "choose --default %s --timeout %u target || goto local\n",
				dflt, timeout * 100);
		else
			fprintf(t.f, "choose --default %s target || goto local\n", dflt);
		fprintf(t.f, "goto ${target}\n\n");
		fprintf(t.f, ":local\n");
		fprintf(t.f, "exit\n\n");
		fprintf(t.f, ":winpe\n");
		put_winpe(s, p, m, base, t.f);
	}
	ret = text_end(&t);
	if (!ret) {
		*buf = t.buf;
		*len = t.len;
	}
	return ret;
}

/* boot.ipxe: a machine of the fleet chains its own entry,
 * machines/MAC.ipxe; every other machine (or one without an entry) gets
 * the entry of `unknown`. */
int gen_boot_ipxe(const struct pxe_state *s, struct plan *p)
{
	const struct pf_host *h = s->host;
	char *body = NULL;
	size_t blen = 0;
	struct text t;
	int ret = text_ipxe(s, p, unknown_entry(s), NULL, &body, &blen);

	if (ret)
		return ret;
	ret = text_begin(&t);
	if (ret) {
		free(body);
		return ret;
	}
	fprintf(t.f, "#!ipxe\n");
	fprintf(t.f, "# boot.ipxe - written by peforge %s (outputs.pxe, loader ipxe).\n",
		h->version);
	fprintf(t.f, "# wimboot boots boot.wim on BIOS and UEFI machines.\n");
	if (s->http)
		fprintf(t.f, "set base %s\n", s->http);
	if (s->nm) {
		fprintf(t.f, "# A machine of the fleet (machines/fleet.tsv) boots its own "
			"entry.\n");
		fprintf(t.f, "chain --replace --autofree %smachines/${mac:hexhyp}.ipxe || "
			"goto unknown\n:unknown\n", s->http ? "${base}/" : "");
		fprintf(t.f, "# Every other machine:\n");
	}
	fwrite(body, 1, blen, t.f);
	free(body);
	ret = text_end(&t);
	if (!ret)
		ret = plan_text(p, "boot.ipxe", t.buf, t.len);
	return ret;
}

/* Write the path A followed by B to F for a POSIX shell: as is when it is
 * plain, else in single quotes. */
static void put_shell_path(FILE *f, const char *a, const char *b)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789/._-+=:,@%";
	const char *part[2] = { a, b }, *c;
	size_t i;

	if (strspn(a, plain) == strlen(a) && strspn(b, plain) == strlen(b) && (*a || *b)) {
		fprintf(f, "%s%s", a, b);
		return;
	}
	fputc('\'', f);
	for (i = 0; i < 2; i++) {
		for (c = part[i]; *c; c++) {
			if (*c == '\'')
				fputs("'\\''", f);
			else
				fputc(*c, f);
		}
	}
	fputc('\'', f);
}

/*
 * dnsmasq.conf: DHCP (proxy beside the network's DHCP server, or full) and
 * TFTP from the tree, with the right boot file for BIOS, UEFI and iPXE.
 */
int gen_dnsmasq(const struct pxe_state *s, struct plan *p)
{
	const struct pf_host *h = s->host;
	const char *srv = s->server;
	const char *loader = s->http ? "lpxelinux.0" : "pxelinux.0";
	struct text t;
	int ret = text_begin(&t);

	if (ret)
		return ret;
	fprintf(t.f, "# dnsmasq.conf - written by peforge %s (outputs.pxe, loader %s, "
		"dhcp %s)\n", h->version, s->loader == LOADER_IPXE ? "ipxe" : "pxelinux",
		s->full ? "full" : "proxy");
	fprintf(t.f, "# for the PXE tree %s\n#\n", p->final);
	fprintf(t.f, "# Run it as root (stop any other DHCP/TFTP service on this host "
		"first):\n");
	fprintf(t.f, "#   dnsmasq --keep-in-foreground --conf-file=");
	put_shell_path(t.f, p->final, "/dnsmasq.conf");
	fprintf(t.f, "\n#\n");
	if (s->full) {
		fprintf(t.f, "# Full DHCP: dnsmasq hands out %s to %s\n# and names "
			"itself as the gateway. Run it only on a network without\n# "
			"another DHCP server.\n", s->range_start, s->range_end);
	} else {
		fprintf(t.f, "# Proxy DHCP: the network's DHCP server keeps handing out "
			"addresses;\n# dnsmasq only tells PXE clients what to boot.\n");
	}
	if (p->placeholder) {
		fprintf(t.f, "#\n# CHANGE THIS: %s below is a placeholder. Put the "
			"address of the\n# network the PXE clients are on (e.g. this "
			"server's address), or\n# set outputs.pxe.range (or server) in the "
			"recipe.\n", PLACEHOLDER_NET);
	}
	fputs("\n# No DNS service: only DHCP and TFTP.\n"
	      "port=0\n"
	      "log-dhcp\n"
	      "# To answer on the install network only, name its interface:\n"
	      "#interface=eth0\n", t.f);
	if (s->full)
		fprintf(t.f, "dhcp-range=%s,%s,12h\n", s->range_start, s->range_end);
	else
		fprintf(t.f, "# The clients' subnet, named by one of its addresses.\n"
			"dhcp-range=%s,proxy\n", p->range);
	fprintf(t.f, "\n");
	if (s->loader == LOADER_PXELINUX) {
		fprintf(t.f, "# PXELINUX is BIOS only: UEFI machines get nothing here "
			"(use loader = \"ipxe\"\n# for them).\n");
		if (s->full) {
			fprintf(t.f, "dhcp-match=set:efi,option:client-arch,6\n");
			fprintf(t.f, "dhcp-match=set:efi,option:client-arch,7\n");
			fprintf(t.f, "dhcp-match=set:efi,option:client-arch,9\n");
			fprintf(t.f, "dhcp-boot=tag:!efi,%s%s%s\n", loader, srv ? ",," : "",
				srv ? srv : "");
		} else {
			fprintf(t.f, "pxe-service=x86PC,\"Windows PE (PXELINUX)\",%s%s%s\n",
				loader, srv ? "," : "", srv ? srv : "");
		}
	} else {
		char *script = NULL;

		if (s->http)
			ret = asprintf(&script, "%s/boot.ipxe", s->http) < 0 ? -PF_ENOMEM : 0;
		else
			ret = (script = strdup("boot.ipxe")) ? 0 : -PF_ENOMEM;
		if (ret) {
			fclose(t.f);
			free(t.buf);
			return ret;
		}
		fprintf(t.f, "# Firmware PXE gets iPXE (undionly.kpxe on BIOS, ipxe.efi on "
			"UEFI);\n# iPXE (it sends DHCP option 175) gets the script.\n");
		fprintf(t.f, "dhcp-match=set:ipxe,175\n");
		if (s->full) {
			fprintf(t.f, "dhcp-match=set:efi64,option:client-arch,7\n");
			fprintf(t.f, "dhcp-match=set:efi64,option:client-arch,9\n");
			fprintf(t.f, "dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi%s%s\n",
				srv ? ",," : "", srv ? srv : "");
			fprintf(t.f, "dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe%s%s\n",
				srv ? ",," : "", srv ? srv : "");
		} else {
			/* A proxy reply names no TFTP server for a BIOS client, and
			 * iPXE takes the server from the reply holding the file
			 * name: iPXE on BIOS asks the boot server through a PXE
			 * menu instead (UEFI clients are sent to port 4011, whose
			 * replies name this server). */
			fprintf(t.f, "# The first menu item boots at once.\n");
			fprintf(t.f, "pxe-prompt=\"peforge: Windows PE\",0\n");
			fprintf(t.f, "pxe-service=tag:!ipxe,x86PC,\"Windows PE (iPXE, BIOS)\","
				"undionly.kpxe%s%s\n", srv ? "," : "", srv ? srv : "");
			/* Also with http: iPXE on BIOS ignores the http:// file
			 * name of a proxy offer ("Nothing to boot"); the script
			 * fetched over TFTP sets the HTTP base itself. */
			fprintf(t.f, "# iPXE on BIOS asks for boot.ipxe through the "
				"PXE menu, whose answer\n# names the TFTP "
				"server.\n");
			fprintf(t.f, "pxe-service=tag:ipxe,x86PC,\"Windows PE "
				"(boot.ipxe)\",boot.ipxe%s%s\n", srv ? "," : "",
				srv ? srv : "");
			fprintf(t.f, "pxe-service=tag:!ipxe,x86-64_EFI,\"Windows PE (iPXE, "
				"UEFI)\",ipxe.efi%s%s\n", srv ? "," : "", srv ? srv : "");
			fprintf(t.f, "pxe-service=tag:!ipxe,BC_EFI,\"Windows PE (iPXE, "
				"UEFI)\",ipxe.efi%s%s\n", srv ? "," : "", srv ? srv : "");
		}
		if (!s->full && !s->http && !srv)
			fprintf(t.f, "# iPXE on UEFI gets boot.ipxe here (replies to "
				"UEFI clients name this\n# server).\n");
		fprintf(t.f, "dhcp-boot=tag:ipxe,%s%s%s\n", script,
			srv && !s->http ? ",," : "", srv && !s->http ? srv : "");
		free(script);
	}
	/* Its own lease file, not the system's (shared by every dnsmasq). */
	fprintf(t.f, "\n# The leases of this dnsmasq, not the system's "
		"/var/lib/misc/dnsmasq.leases.\n");
	{
		char *leases = NULL;

		if (asprintf(&leases, "%s/dnsmasq.leases", p->final) < 0) {
			fclose(t.f);
			free(t.buf);
			return -PF_ENOMEM;
		}
		fprintf(t.f, "dhcp-leasefile=");
		fsu_put_dnsmasq_path(t.f, leases);
		fprintf(t.f, "\n");
		free(leases);
	}
	fprintf(t.f, "\nenable-tftp\n");
	fprintf(t.f, "tftp-root=");
	fsu_put_dnsmasq_path(t.f, p->final);
	fprintf(t.f, "\n");
	ret = text_end(&t);
	if (!ret)
		ret = plan_text(p, "dnsmasq.conf", t.buf, t.len);
	return ret;
}

/* Write TEXT to F as a heading underlined with C. */
static void put_heading(FILE *f, const char *text, char c)
{
	size_t i, n = strlen(text);

	fprintf(f, "%s\n", text);
	for (i = 0; i < n; i++)
		fputc(c, f);
	fputc('\n', f);
}

/* README.txt's advice on speed: the payload (boot.wim, or winpe.iso for
 * PXELINUX) over HTTP rather than TFTP, with the figures measured by
 * bench/net.sh (docs/performance.md). */
static void put_speed(FILE *f, const struct pxe_state *s)
{
	const char *what = s->loader == LOADER_IPXE ? "boot.wim" : "winpe.iso";

	fprintf(f, "\n");
	put_heading(f, "4. Speed: the payload over HTTP, not TFTP", '-');
	if (s->http)
		fprintf(f, "This tree sends %s over HTTP; keep it that way.\n", what);
	else
		fprintf(f, "This tree sends %s over TFTP. Rebuild it with http = "
			"\"http://SERVER/PATH\"\nin outputs.pxe and serve this folder "
			"there (peforge serve does both).\n", what);
	fprintf(f, "TFTP sends one block and waits for its acknowledgement, so a "
		"client gets a\nfew MB/s however fast the network is. Measured in "
		"peforge's network lab\n(bench/net.sh, docs/performance.md: "
		"one loaded 2-core machine):\n"
		"  HTTP (nginx)              200 MB: 0.6 s for one client; 32 clients at "
		"once\n                            24 s each (205 MB/s in all)\n"
		"  TFTP, 1432-byte blocks    4 MB/s for one client (200 MB: 50 s); 32 "
		"clients\n  (iPXE, most firmware)     share 9 MB/s (200 MB: 12 minutes "
		"each)\n"
		"  TFTP, 512-byte blocks     0.75 MB/s for one client (200 MB: 4.5 "
		"minutes)\n"
		"Over TFTP, every client that boots at once slows the others down; "
		"over\nHTTP a web server with sendfile hands the same file from memory "
		"to all.\n");
}

/* README.txt: what the tree holds and how to serve it, paths filled in. */
int gen_readme(const struct pxe_state *s, struct plan *p)
{
	const struct pf_host *h = s->host;
	int ipxe = s->loader == LOADER_IPXE;
	char *title = NULL;
	struct text t;
	size_t i, n = p->n;
	int ret;

	if (asprintf(&title, "%s %s", README_MARK, h->version) < 0)
		return -PF_ENOMEM;
	ret = text_begin(&t);
	if (ret) {
		free(title);
		return ret;
	}
	put_heading(t.f, title, '=');
	free(title);
	fprintf(t.f, "\nFolder:  %s\n", p->final);
	if (ipxe)
		fprintf(t.f, "Loader:  iPXE + wimboot (BIOS and UEFI machines)\n");
	else
		fprintf(t.f, "Loader:  PXELINUX + MEMDISK booting winpe.iso (BIOS machines "
			"only)\n");
	if (s->http)
		fprintf(t.f, "HTTP:    %s/ must serve this folder\n", s->http);
	fprintf(t.f, "\nFiles:\n");
	for (i = 0; i < n; i++)
		fprintf(t.f, "  %s\n", p->v[i].rel);
	fprintf(t.f, "  README.txt\n");
	if (ipxe && count_injected(p))
		fprintf(t.f, "\nwimboot puts the files of inject/ in X:\\Windows\\System32 "
			"of the booted\nWinPE (e.g. X:\\Windows\\System32\\autounattend.xml)."
			"\n");

	fprintf(t.f, "\n");
	put_heading(t.f, "1. DHCP and TFTP with dnsmasq (one command, as root)", '-');
	fprintf(t.f, "    dnsmasq --keep-in-foreground --conf-file=");
	put_shell_path(t.f, p->final, "/dnsmasq.conf");
	fprintf(t.f, "\n\n");
	if (s->full)
		fprintf(t.f, "dnsmasq.conf is a full DHCP server: it hands out %s to %s.\n"
			"Use it only on an install network without another DHCP server.\n",
			s->range_start, s->range_end);
	else
		fprintf(t.f, "dnsmasq.conf is a proxy DHCP server: the network's own DHCP "
			"server keeps\nhanding out addresses; dnsmasq only tells PXE clients "
			"what to boot.\n");
	if (p->placeholder)
		fprintf(t.f, "EDIT dnsmasq.conf FIRST: its dhcp-range holds the placeholder "
			"%s;\nput an address of the clients' network there.\n",
			PLACEHOLDER_NET);
	fprintf(t.f, "Files must stay readable by all: dnsmasq drops root privileges "
		"before serving\nthem.\n");

	fprintf(t.f, "\n");
	put_heading(t.f, "2. Or with the TFTP and DHCP servers you already run", '-');
	fprintf(t.f, "TFTP (tftpd-hpa):\n    in.tftpd --listen --secure --address "
		"0.0.0.0:69 ");
	put_shell_path(t.f, p->final, "");
	fprintf(t.f, "\nDHCP: next-server (option 66) = this server's address");
	if (s->server)
		fprintf(t.f, " (%s)", s->server);
	if (ipxe)
		fprintf(t.f, ";\n  boot file (option 67) = undionly.kpxe for BIOS, "
			"ipxe.efi for UEFI (client\n  architecture 7 or 9), and for iPXE "
			"itself (it sends option 175, user class\n  \"iPXE\"): %s%s\n",
			s->http ? s->http : "boot.ipxe", s->http ? "/boot.ipxe" : "");
	else
		fprintf(t.f, ";\n  boot file (option 67) = %s.\n",
			s->http ? "lpxelinux.0" : "pxelinux.0");
	if (s->http) {
		fprintf(t.f, "\nHTTP: serve this folder at %s/ with any web server, "
			"e.g.\n    python3 -m http.server 80 --directory ", s->http);
		put_shell_path(t.f, p->final, "");
		fprintf(t.f, "\n(the URL path must map to this folder).\n");
		if (ipxe)
			fprintf(t.f, "iPXE then fetches boot.ipxe, wimboot and boot.wim over "
				"HTTP; only iPXE itself\ncomes over TFTP.\n");
		else
			fprintf(t.f, "lpxelinux.0 then fetches winpe.iso over HTTP (TFTP is "
				"slow for 100+ MB).\n");
	}

	fprintf(t.f, "\n");
	put_heading(t.f, "3. Firewall", '-');
	fprintf(t.f, "Open these ports to the clients:\n");
	fprintf(t.f, "  UDP 67    DHCP\n");
	fprintf(t.f, "  UDP 69    TFTP (transfers go on over high UDP ports: load the "
		"TFTP\n            connection-tracking helper, or allow those from the "
		"clients)\n");
	if (!s->full)
		fprintf(t.f, "  UDP 4011  proxy DHCP (PXE boot-server requests)\n");
	if (s->http)
		fprintf(t.f, "  TCP 80    HTTP\n");
	fprintf(t.f, "For example:\n");
	fprintf(t.f, "  ufw allow 67/udp; ufw allow 69/udp%s%s\n",
		s->full ? "" : "; ufw allow 4011/udp", s->http ? "; ufw allow 80/tcp" : "");
	fprintf(t.f, "  firewall-cmd --add-service=dhcp --add-service=tftp%s%s\n",
		s->full ? "" : " --add-port=4011/udp", s->http ? " --add-service=http" : "");
	put_speed(t.f, s);
	ret = text_end(&t);
	if (!ret)
		ret = plan_text(p, "README.txt", t.buf, t.len);
	return ret;
}
