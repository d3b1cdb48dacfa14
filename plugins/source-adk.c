/*
 * plugins/source-adk.c - source plugin "adk": Windows PE kits.
 *
 * - the output of the ADK's `copype amd64 DIR`: media/ (bootmgr, Boot/BCD,
 *   EFI/..., sources/boot.wim) and fwfiles/ (etfsboot.com, efisys.bin);
 *   presented as one media tree where fwfiles' files take their places on
 *   Windows media (boot/etfsboot.com, efi/microsoft/boot/efisys.bin);
 * - a WAIK supplement tree: ARCH/winpe.wim, ARCH/bootmgr, ARCH/boot/...;
 *   presented with winpe.wim as sources/boot.wim.  The architecture is the
 *   recipe's `arch`, else the only one present.
 * The WAIK installer kits (wAIK*.msi and WinPE.cab cabinets) are not read:
 * extract them first (cabextract) or use the supplement.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hostfs.h"
#include "srcbase.h"

#define NAME "adk"

struct adk_state {
	struct src_base b;  /* the host and the kit's folder */
	const char *arch; /* recipe's arch or NULL */
};

static const char *const waik_arches[] = { "amd64", "x86", "arm64", NULL };

/* 1 for a copype folder: media/sources/boot.wim beside fwfiles/. */
static int is_copype(const char *root)
{
	return hostfs_has_file(root, "media/sources/boot.wim") &&
	       hostfs_has_dir(root, "fwfiles");
}

/* 1 for a WAIK supplement: ARCH/winpe.wim for some ARCH. */
static int is_waik(const char *root)
{
	int i;

	for (i = 0; waik_arches[i]; i++) {
		char p[32];

		snprintf(p, sizeof(p), "%s/winpe.wim", waik_arches[i]);
		if (hostfs_has_file(root, p))
			return 1;
	}
	return 0;
}

/* 1 for a WAIK installer kit this plugin does not read. */
static int is_waik_kit(const char *root)
{
	return hostfs_has_file(root, "waikamd64.msi") ||
	       hostfs_has_file(root, "waikx86.msi") || hostfs_has_file(root, "winpe.cab");
}

static int adk_probe(const struct pf_host *host, const char *path)
{
	struct stat st;

	(void)host;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (is_copype(path) || is_waik(path))
		return 70;
	return is_waik_kit(path) ? 40 : 0;
}

static int adk_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	int ret = src_base_open(host, args, NAME, sizeof(struct adk_state), state);

	if (!ret)
		((struct adk_state *)*state)->arch = host->arg_string(args, "arch");
	return ret;
}

/* Map a copype folder: fwfiles' boot images first, then media/. */
static int map_copype(struct adk_state *s, struct hostfs *fs)
{
	static const char *const fw[][2] = {
		{ "boot/etfsboot.com", "fwfiles/etfsboot.com" },
		{ "efi/microsoft/boot/efisys.bin", "fwfiles/efisys.bin" },
		{ "efi/microsoft/boot/efisys_noprompt.bin", "fwfiles/efisys_noprompt.bin" },
	};
	char *host = NULL;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < sizeof(fw) / sizeof(fw[0]); i++) {
		if (hostfs_resolve(s->b.path, fw[i][1], &host) == 0)
			ret = hostfs_map(fs, fw[i][0], host);
		free(host);
		host = NULL;
	}
	if (!ret && (ret = hostfs_resolve(s->b.path, "media", &host)) == 0)
		ret = hostfs_map(fs, "", host);
	free(host);
	return ret;
}

/* Map a WAIK supplement for the recipe's arch or the only one present. */
static int map_waik(struct adk_state *s, struct hostfs *fs, const char **arch)
{
	const char *pick = NULL;
	char *dir = NULL, *wim = NULL, p[32];
	int i, n = 0, ret;

	for (i = 0; waik_arches[i]; i++) {
		snprintf(p, sizeof(p), "%s/winpe.wim", waik_arches[i]);
		if (!hostfs_has_file(s->b.path, p))
			continue;
		n++;
		if (!pick || (s->arch && !strcmp(s->arch, waik_arches[i])))
			pick = waik_arches[i];
	}
	if (s->arch && strcmp(s->arch, pick)) {
		s->b.host->log(PF_LOG_ERROR, NAME, "%s: the WAIK supplement has no %s/winpe.wim",
			     s->b.path, s->arch);
		return -PF_EMEDIA;
	}
	if (n > 1 && !s->arch)
		s->b.host->log(PF_LOG_INFO, NAME, "%s: several architectures; using %s "
			     "(set arch in the recipe to choose)", s->b.path, pick);
	snprintf(p, sizeof(p), "%s/winpe.wim", pick);
	ret = hostfs_resolve(s->b.path, p, &wim);
	if (!ret)
		ret = hostfs_resolve(s->b.path, pick, &dir);
	if (!ret)
		ret = hostfs_map(fs, "sources/boot.wim", wim);
	if (!ret)
		ret = hostfs_map(fs, "", dir);
	free(wim);
	free(dir);
	*arch = pick;
	return ret;
}

/* Present the kit as a Windows media tree and record its layout. */
static int adk_run(void *state, struct pf_job *job)
{
	struct adk_state *s = state;
	const struct pf_host *h = s->b.host;
	const char *layout, *arch = NULL;
	struct hostfs *fs;
	int ret;

	if (is_copype(s->b.path)) {
		layout = "adk";
	} else if (is_waik(s->b.path)) {
		layout = "waik";
	} else {
		if (is_waik_kit(s->b.path))
			h->log(PF_LOG_ERROR, NAME, "%s: WAIK installer kits (.msi/.cab "
			       "cabinets) are not supported: extract winpe.wim and the boot "
			       "files with cabextract, or use the WAIK supplement", s->b.path);
		else
			h->log(PF_LOG_ERROR, NAME, "%s: neither a copype folder (media/ and "
			       "fwfiles/) nor a WAIK supplement (ARCH/winpe.wim)", s->b.path);
		return -PF_EMEDIA;
	}
	fs = hostfs_new(h, NAME);
	if (!fs)
		return -PF_ENOMEM;
	ret = !strcmp(layout, "adk") ? map_copype(s, fs) : map_waik(s, fs, &arch);
	if (!ret)
		ret = h->job_set_media(job, &hostfs_ops, fs);
	if (ret) {
		hostfs_ops.free(fs);
		return ret;
	}
	ret = h->job_set_fact(job, PF_FACT_LAYOUT, layout);
	if (!ret && arch)
		ret = h->job_set_fact(job, PF_FACT_KIT_ARCH, arch);
	return ret;
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_PATH,
	  .help = "the copype or WAIK folder (the recipe's source)" },
	{ .name = "arch", .type = PF_OPT_STRING,
	  .help = "which architecture of a WAIK supplement (the recipe's arch)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_SOURCE,
	.name = NAME,
	.summary = "an ADK copype folder (media/ + fwfiles/) or a WAIK supplement (ARCH/winpe.wim)",
	.open = adk_open,
	.run = adk_run,
	.close = src_base_close,
	.probe = adk_probe,
	.options = options,
};
