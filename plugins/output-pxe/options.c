/* plugins/output-pxe/options.c - the pxe output's options (open, close)
 * and its descriptor. */
#include "pxe.h"

static const char *const known_words[] = { "install", "menu", NULL };

/* ------------------------------------------------------------------ */
/* arguments */

/* 1 when S is a dotted-quad IPv4 address. */
static int is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

/* Copy of S without leading and trailing blanks (malloc'd), or NULL. */
static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

/*
 * Check the `http` URL and keep a copy without trailing slashes in S->http.
 * It goes into pxelinux.cfg, boot.ipxe and dnsmasq.conf unquoted, so only
 * plain URL characters are allowed.  Returns 0 or -PF_ERECIPE (logged).
 */
static int parse_http(struct pxe_state *s, const char *url)
{
	const struct pf_host *h = s->host;
	size_t n = strlen(url), i;

	if (strncmp(url, "http://", 7) != 0 || n == 7 || url[7] == '/') {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: http = \"%s\": give a URL "
		       "http://host/path (PXELINUX and iPXE fetch it over plain HTTP)",
		       url);
		return -PF_ERECIPE;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"'\\,#${}<>`", c)) {
			h->log(PF_LOG_ERROR, NAME, "outputs.pxe: http = \"%s\": the URL "
			       "may not hold blanks, quotes, commas, '#', '$' or braces",
			       url);
			return -PF_ERECIPE;
		}
	}
	while (n > 8 && url[n - 1] == '/')
		n--;
	s->http = strndup(url, n);
	return s->http ? 0 : -PF_ENOMEM;
}

/*
 * Check `range` against the DHCP mode: proxy takes one address of the
 * clients' subnet ("A"; of "A,B" the first is used), full takes the pool
 * "START,END".  Returns 0 or -PF_ERECIPE (logged).
 */
static int parse_range(struct pxe_state *s, const char *range)
{
	const struct pf_host *h = s->host;
	const char *comma = range ? strchr(range, ',') : NULL;

	if (!range) {
		if (s->full) {
			h->log(PF_LOG_ERROR, NAME, "outputs.pxe: dhcp = \"full\" hands out "
			       "addresses: give the pool as range = \"START,END\" (e.g. "
			       "\"192.168.1.100,192.168.1.200\")");
			return -PF_ERECIPE;
		}
		return 0;
	}
	s->range_start = trimmed(range, comma ? (size_t)(comma - range) : strlen(range));
	if (comma)
		s->range_end = trimmed(comma + 1, strlen(comma + 1));
	if (!s->range_start || (comma && !s->range_end))
		return -PF_ENOMEM;
	if (!is_ipv4(s->range_start) || (comma && !is_ipv4(s->range_end))) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: range = \"%s\": expected an IPv4 "
		       "address (\"192.168.1.0\") or a pool (\"192.168.1.100,"
		       "192.168.1.200\")", range);
		return -PF_ERECIPE;
	}
	if (s->full && !comma) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: dhcp = \"full\" hands out "
		       "addresses: range = \"%s\" must be a pool \"START,END\"", range);
		return -PF_ERECIPE;
	}
	return 0;
}

/* The little-endian 16- and 32-bit numbers at B. */
static unsigned le16(const unsigned char *b)
{
	return b[0] | (unsigned)b[1] << 8;
}

static uint32_t le32(const unsigned char *b)
{
	return le16(b) | (uint32_t)le16(b + 2) << 16;
}

/*
 * 1 when the first LEN bytes B of a file look like a wimboot binary, in
 * one of the forms wimboot is built as: an EFI PE/COFF image ("MZ", then
 * "PE\0\0" at the offset at 0x3c, an i386, x86-64 or ARM64 machine and a
 * PE32 or PE32+ optional header), or a BIOS image with the Linux boot
 * header (0xAA55 at 0x1fe and "HdrS" at 0x202) by which iPXE, GRUB and
 * syslinux load it.  The release binary is both.
 */
static int is_wimboot(const unsigned char *b, size_t len)
{
	if (len >= 0x40 && b[0] == 'M' && b[1] == 'Z') {
		uint32_t pe = le32(b + 0x3c);

		if (pe >= 0x40 && pe <= len - 26 && !memcmp(b + pe, "PE\0\0", 4)) {
			unsigned machine = le16(b + pe + 4), magic = le16(b + pe + 24);

			if ((machine == 0x14c || machine == 0x8664 || machine == 0xaa64) &&
			    (magic == 0x10b || magic == 0x20b))
				return 1;
		}
	}
	return len >= 0x206 && le16(b + 0x1fe) == 0xaa55 && !memcmp(b + 0x202, "HdrS", 4);
}

/* Check that host file PATH is a wimboot binary; 0 or -PF_ERECIPE (logged). */
static int check_wimboot(const struct pf_host *h, const char *path)
{
	unsigned char b[4096];
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, b, sizeof(b));
		close(fd);
	}
	if (n < 0) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: wimboot = \"%s\": cannot read: %s",
		       path, strerror(errno));
		return -PF_ERECIPE;
	}
	if (!is_wimboot(b, (size_t)n)) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: wimboot = \"%s\": not a wimboot "
		       "binary (neither an EFI PE image nor a BIOS image with the \"HdrS\" "
		       "boot header): get wimboot from "
		       "https://github.com/ipxe/wimboot/releases", path);
		return -PF_ERECIPE;
	}
	return 0;
}

static void pxe_close(void *state)
{
	struct pxe_state *s = state;

	if (!s)
		return;
	free(s->http);
	free(s->wimboot_abs);
	free(s->range_start);
	free(s->range_end);
	fleet_free(s);
	free(s);
}

/* 1 when folder DIR is "." in other words ("./", "./."): the output folder,
 * which resolve_tree refuses with its own line. */
static int dot_only(const char *dir)
{
	const char *c;

	if (*dir == '/')
		return 0;
	for (c = dir; *c; c++)
		if (*c != '.' && *c != '/')
			return 0;
	return !strstr(dir, "..");
}

/*
 * Read and check every argument, so a wrong recipe fails before any work
 * is done.  *STATE is a struct pxe_state, freed by pxe_close.
 */
static int pxe_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	struct pxe_state *s = calloc(1, sizeof(*s));
	const char *loader = host->arg_string(args, "loader");
	const char *http = host->arg_string(args, "http");
	const char *dhcp = host->arg_string(args, "dhcp");
	struct stat st;
	uint64_t timeout;
	int ret = -PF_ERECIPE;

	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	s->dir = host->arg_string(args, "dir");
	if (!s->dir)
		s->dir = host->arg_string(args, "path"); /* outputs = { pxe = "tftp" } */
	if (!s->dir)
		s->dir = "tftpboot";
	if (!*s->dir) {
		host->log(PF_LOG_ERROR, NAME, "outputs.pxe: dir is empty: give a folder "
			  "name (dir = \"tftpboot\")");
		goto out;
	}
	if (outlib_claim(host, args, s->dir, 1)) /* checked before any work */
		goto out;
	if (!loader || !strcmp(loader, "pxelinux")) {
		s->loader = LOADER_PXELINUX;
	} else if (!strcmp(loader, "ipxe")) {
		s->loader = LOADER_IPXE;
	} else {
		host->log(PF_LOG_ERROR, NAME, "outputs.pxe: unknown loader \"%s\": use "
			  "\"pxelinux\" (BIOS, boots the ISO) or \"ipxe\" (BIOS and UEFI, "
			  "wimboot)", loader);
		goto out;
	}
	if (http && (ret = parse_http(s, http)) != 0)
		goto out;
	ret = host->arg_uint(args, "timeout", TIMEOUT_DEFAULT, 0, TIMEOUT_MAX, &timeout);
	if (ret)
		goto out;
	s->timeout = (unsigned)timeout;
	ret = -PF_ERECIPE;
	if (!dhcp || !strcmp(dhcp, "proxy")) {
		s->full = 0;
	} else if (!strcmp(dhcp, "full")) {
		s->full = 1;
	} else {
		host->log(PF_LOG_ERROR, NAME, "outputs.pxe: dhcp = \"%s\": use \"proxy\" "
			  "(beside the network's DHCP server) or \"full\" (dnsmasq hands "
			  "out the addresses)", dhcp);
		goto out;
	}
	s->server = host->arg_string(args, "server");
	if (s->server && !is_ipv4(s->server)) {
		host->log(PF_LOG_ERROR, NAME, "outputs.pxe: server = \"%s\": give this "
			  "server's IPv4 address (\"192.168.1.10\")", s->server);
		goto out;
	}
	if ((ret = parse_range(s, host->arg_string(args, "range"))) != 0)
		goto out;
	/* the policies: unknown's default depends on the answer file (run) */
	s->unknown = -1;
	if (host->arg_string(args, "unknown") &&
	    (ret = host->arg_enum(args, "unknown", policy_words, 0, &s->unknown)) != 0)
		goto out;
	ret = host->arg_enum(args, "known", known_words, 0, &s->known);
	if (ret)
		goto out;
	s->known = s->known ? POLICY_MENU : POLICY_INSTALL;
	ret = host->arg_bool(args, "allow_unknown_wipe", 0);
	if (ret < 0)
		goto out;
	s->allow_unknown_wipe = ret;
	if (s->allow_unknown_wipe && s->unknown != POLICY_INSTALL)
		host->log(PF_LOG_WARN, NAME, "outputs.pxe: allow_unknown_wipe is used with "
			  "unknown = \"install\" only; ignored");
	ret = host->arg_bool(args, "gui", 0);
	if (ret < 0)
		goto out;
	s->gui = ret;
	ret = -PF_ERECIPE;
	/* relative to the recipe's folder, like every recipe path */
	ret = host->arg_path(args, "wimboot", &s->wimboot_abs);
	if (ret)
		goto out;
	ret = -PF_ERECIPE;
	s->wimboot = s->wimboot_abs;
	if (s->loader == LOADER_IPXE) {
		if (!s->wimboot || !*s->wimboot) {
			host->log(PF_LOG_ERROR, NAME, "outputs.pxe: loader ipxe needs wimboot "
				  "= \"/path/to/wimboot\" (peforge does not ship it: get it "
				  "from https://github.com/ipxe/wimboot/releases)");
			goto out;
		}
		if (stat(s->wimboot, &st) != 0) {
			host->log(PF_LOG_ERROR, NAME, "outputs.pxe: wimboot = \"%s\": %s",
				  s->wimboot, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			host->log(PF_LOG_ERROR, NAME, "outputs.pxe: wimboot = \"%s\": not "
				  "a file", s->wimboot);
			goto out;
		}
		if (check_wimboot(host, s->wimboot))
			goto out;
		/* the media names it injects, before any work (issue 12);
		 * dir = "." first, which the run refuses (resolve_tree) */
		if (!dot_only(s->dir) &&
		    plan_check_media_names(host, host->arg_string(args, "recipe_media")))
			goto out;
	} else {
		if (s->wimboot)
			host->log(PF_LOG_WARN, NAME, "outputs.pxe: wimboot is used by "
				  "loader ipxe only; ignored");
		if (s->gui)
			host->log(PF_LOG_WARN, NAME, "outputs.pxe: gui is used by loader "
				  "ipxe only; ignored");
	}
	*state = s;
	return 0;
out:
	pxe_close(s);
	return ret;
}

/* The options this plugin reads (peforge help outputs prints them). */
static const char *const loader_words[] = { "pxelinux", "ipxe", NULL };
const char *const policy_words[] = { "local", "menu", "install", NULL };
static const char *const dhcp_words[] = { "proxy", "full", NULL };
static const struct pf_option options[] = {
	{ .name = "dir", .type = PF_OPT_STRING, .dflt = "tftpboot",
	  .help = "the tree's folder, relative to the output folder" },
	{ .name = "path", .type = PF_OPT_STRING, .help = "the same as dir (pxe = \"tftp\")" },
	{ .name = "loader", .type = PF_OPT_ENUM, .dflt = "pxelinux", .words = loader_words,
	  .help = "pxelinux (BIOS, boots the ISO) or ipxe (BIOS and UEFI, wimboot)" },
	{ .name = "http", .type = PF_OPT_STRING,
	  .help = "http://host/path at which this tree is served" },
	{ .name = "wimboot", .type = PF_OPT_PATH, .help = "ipxe: the wimboot file (required)" },
	{ .name = "gui", .type = PF_OPT_BOOL, .dflt = "false",
	  .help = "ipxe: kernel wimboot gui" },
	{ .name = "timeout", .type = PF_OPT_UINT, .dflt = "50", .min = 0, .max = TIMEOUT_MAX,
	  .help = "tenths of a second the menu waits; 0 waits for a choice" },
	{ .name = "unknown", .type = PF_OPT_ENUM, .words = policy_words,
	  .help = "machines not in pe.machines: local, menu or install (default: local "
		  "when their answer file wipes a disk, else menu)" },
	{ .name = "known", .type = PF_OPT_ENUM, .dflt = "install", .words = known_words,
	  .help = "machines of pe.machines, until their install starts: install or menu" },
	{ .name = "allow_unknown_wipe", .type = PF_OPT_BOOL, .dflt = "false",
	  .help = "let unknown = \"install\" boot an answer file that wipes a disk" },
	{ .name = "dhcp", .type = PF_OPT_ENUM, .dflt = "proxy", .words = dhcp_words,
	  .help = "dnsmasq.conf: proxy (beside a DHCP server) or full" },
	{ .name = "server", .type = PF_OPT_STRING, .help = "this server's IPv4 address" },
	{ .name = "range", .type = PF_OPT_STRING,
	  .help = "\"START,END\": the pool (full), or the clients' subnet (proxy)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_OUTPUT,
	.name = NAME,
	.summary = "a network-boot tree: PXELINUX+MEMDISK or iPXE+wimboot, "
		   "dnsmasq.conf, README.txt",
	.open = pxe_open,
	.run = pxe_run,
	.close = pxe_close,
	.probe = NULL,
	.rank = 40,
	.options = options,
};
