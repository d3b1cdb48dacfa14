/* plugins/output-iso/options.c - the iso output's options (open,
 * close) and its descriptor. */
#include "iso.h"

/* ---- arguments ---------------------------------------------------------- */

/*
 * Copy the volume label TEXT upper-cased into OUT (LABEL_MAX + 1 bytes).
 * Returns 0, or -PF_ERECIPE (logged) when it is empty, longer than 32 or
 * holds a character other than A-Z, 0-9 and '_' (ISO 9660 d-characters).
 */
static int parse_label(const struct pf_host *h, const char *text, char *out)
{
	size_t i, n = strlen(text);

	if (!n || n > LABEL_MAX) {
		h->log(PF_LOG_ERROR, NAME, "outputs.iso.label '%s': must be 1 to %d "
		       "characters", text, LABEL_MAX);
		return -PF_ERECIPE;
	}
	for (i = 0; i < n; i++) {
		char c = text[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
			h->log(PF_LOG_ERROR, NAME, "outputs.iso.label '%s': only letters, "
			       "digits and '_' are allowed in an ISO 9660 volume label",
			       text);
			return -PF_ERECIPE;
		}
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

/*
 * Parse outputs.iso and initialize libisofs.  *STATE (on success) is freed
 * by iso_close.
 */
static int iso_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	struct iso_state *s = NULL;
	const char *path = NULL;
	const char *label = host->arg_string(args, "label");
	int ret;

	ret = outlib_file_arg(host, args, NAME, "winpe.iso", &path);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	s->path = path;
	s->noprompt = host->arg_bool(args, "noprompt", 0);
	s->bios = host->arg_bool(args, "bios", 1);
	s->uefi = host->arg_bool(args, "uefi", 1);
	ret = s->noprompt < 0 ? s->noprompt : s->bios < 0 ? s->bios : s->uefi;
	if (ret < 0)
		goto out;
	if (!s->bios && !s->uefi) {
		host->log(PF_LOG_ERROR, NAME, "outputs.iso: bios = false and uefi = false: "
			  "the ISO would not boot at all");
		ret = -PF_ERECIPE;
		goto out;
	}
	if (label && (ret = parse_label(host, label, s->label)))
		goto out;
	ret = iso_init_with_flag(1);
	if (ret < 0) {
		host->log(PF_LOG_ERROR, NAME, "cannot initialize libisofs: %s",
			  iso_error_to_msg(ret));
		ret = -PF_EPLUGIN;
		goto out;
	}
	s->iso_ready = 1;
	iso_set_local_charset("UTF-8", 0);
	/* Keep libisofs off stderr: its messages are queued and the worst
	 * one becomes our error line.  A file that cannot be read (MISHAP)
	 * ends the write instead of being filled with zeros. */
	iso_set_msgs_severities("WARNING", "NEVER", "libisofs: ");
	iso_set_abort_severity("MISHAP");
	*state = s;
	ret = 0;
out:
	if (ret) {
		if (s && s->iso_ready)
			iso_finish();
		free(s);
	}
	return ret;
}

/* Free the state; drop libisofs' pending messages and finish it. */
static void iso_close(void *state)
{
	struct iso_state *s = state;

	if (!s)
		return;
	if (s->iso_ready) {
		drain_messages(NULL, NULL, 0);
		iso_finish();
	}
	free(s);
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_STRING, .dflt = "required",
	  .help = "the ISO file, relative to the output folder" },
	{ .name = "noprompt", .type = PF_OPT_BOOL, .dflt = "false",
	  .help = "UEFI boots efisys_noprompt.bin: no \"Press any key\" prompt" },
	{ .name = "label", .type = PF_OPT_STRING, .dflt = "PEFORGE_<ARCH>",
	  .help = "the volume label: 1-32 of A-Z 0-9 _, upper-cased" },
	{ .name = "bios", .type = PF_OPT_BOOL, .dflt = "true",
	  .help = "write the BIOS El Torito entry" },
	{ .name = "uefi", .type = PF_OPT_BOOL, .dflt = "true",
	  .help = "write the UEFI El Torito entry" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_OUTPUT,
	.name = NAME,
	.summary = "a BIOS + UEFI bootable ISO image (El Torito, Joliet), built with libisofs",
	.open = iso_open,
	.run = iso_run,
	.close = iso_close,
	.probe = NULL,
	.rank = 20,
	.options = options,
};
