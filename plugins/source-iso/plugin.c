/* plugins/source-iso/plugin.c - the plugin: probe, options (open,
 * close) and its descriptor. */
#include "iso.h"

/* ---- the plugin ----------------------------------------------------------- */

/* A regular file with an ISO 9660 signature is ours.  Never logs. */
static int iso_probe(const struct pf_host *host, const char *path)
{
	char sig[5];
	struct stat st;
	int fd, score = 0;

	(void)host;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    pread_full(fd, sig, sizeof(sig), SIG_OFFSET, NULL) == sizeof(sig) &&
	    !memcmp(sig, "CD001", 5))
		score = 60;
	close(fd);
	return score;
}

/* Keep HOST and the "path" argument.  Returns 0, -PF_EINVAL (logged) or
 * -PF_ENOMEM; *STATE is freed by iso_close. */
static int iso_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	return src_base_open(host, args, NAME, sizeof(struct iso_state), state);
}

/*
 * Open the ISO, hand its tree to the core and set fact "layout" to
 * "iso-udf", "iso-joliet" or "iso9660".  Returns 0 or a negative code with
 * one error line logged.  The core owns the media once they are set.
 */
static int iso_run(void *state, struct pf_job *job)
{
	struct iso_state *s = state;
	const struct pf_host *h = s->b.host;
	struct iso_media *m = NULL;
	const char *layout;
	int ret;

	ret = media_open(h, s->b.path, &m);
	if (ret)
		return ret;
	layout = m->udf ? "iso-udf" : m->joliet ? "iso-joliet" : "iso9660";
	ret = h->job_set_media(job, &iso_ops, m);
	if (ret) {
		m_free(m);
		return ret;
	}
	return h->job_set_fact(job, PF_FACT_LAYOUT, layout);
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_PATH, .help = "the ISO file (the recipe's source)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_SOURCE,
	.name = NAME,
	.summary = "a Windows installation ISO read in place (UDF, Joliet or ISO 9660)",
	.open = iso_open,
	.run = iso_run,
	.close = src_base_close,
	.probe = iso_probe,
	.options = options,
};
