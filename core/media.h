/* core/media.h - facts about the source media, read through the media tree
 * every source plugin hands to the core. */
#ifndef PEFORGE_CORE_MEDIA_H
#define PEFORGE_CORE_MEDIA_H

#include <stdint.h>
#include <stdio.h>
#include "peforge/plugin.h"

/* A boot file the outputs may need. */
struct pf_bootfile {
	const char *path;      /* normalized media path ("boot/bcd") */
	const char *platform;  /* "bios", "uefi" or "both" */
	int required;          /* needed to boot that platform */
	int found;
	uint64_t size;
};

/* One image of a WIM, from its XML (read with wimlib). */
struct pf_wim_image {
	int index;
	char *name;
	char *arch;            /* "x86", "amd64", "arm64", ... or NULL */
	char *edition_id;      /* WINDOWS/EDITIONID or NULL */
	char *version;         /* "10.0.26100" or NULL */
	char *language;        /* WINDOWS/LANGUAGES/DEFAULT ("en-US") or NULL */
	int bootable;          /* the WIM's boot index */
};

/* A WIM of the media (boot.wim, install.wim/.esd/.swm). */
struct pf_wiminfo {
	char *path;            /* media path; NULL when absent */
	uint64_t size;         /* bytes (all parts of a split WIM) */
	char *kind;            /* "wim", "esd", "swm" */
	char *compression;     /* "LZX", "XPRESS", "LZMS", "none" */
	int parts;             /* > 1 for a split WIM */
	int boot_index;        /* 0 = none */
	struct pf_wim_image *images;
	size_t nimages;
};

struct pf_media_facts {
	char *layout;          /* from the source plugin: dir, iso-udf, adk, wim... */
	char *arch;            /* the architecture of the media, or NULL */
	const char *arch_from; /* the WIM it was read from */
	struct pf_bootfile *boot;
	size_t nboot;
	struct pf_wiminfo boot_wim;
	struct pf_wiminfo install;
	int default_image;     /* boot.wim image the pipeline customizes */
	char **missing_bios;   /* required files absent, per platform */
	size_t nmissing_bios;
	char **missing_uefi;
	size_t nmissing_uefi;
};

/*
 * Read the facts of the job's media: each boot file found or not, boot.wim's
 * images and install.wim/.esd/.swm's editions (with wimlib; for a source
 * without host files only the WIM header, blob table and XML are copied out,
 * into a sparse file), the default image, and what is missing to boot BIOS
 * or UEFI.  Fails with one error line for media without boot.wim, a corrupt
 * boot.wim or mixed architectures.  Free with pf_media_facts_free.
 */
int pf_media_facts_read(struct pf_job *job, int flags, struct pf_media_facts **out);

/* pf_media_facts_read flags: a broken install image is only a warning (a
 * build does not use it; inspect reports it). */
#define PF_FACTS_INSTALL_OPTIONAL 1
void pf_media_facts_free(struct pf_media_facts *f);

/* Record the facts plugins use as job facts: arch, boot_wim,
 * default_image, install_wim. */
int pf_media_facts_export(struct pf_job *job, const struct pf_media_facts *f);

/* Print the facts as a readable summary, or as the JSON documented in
 * docs/inspect.md.  SOURCE and PLUGIN name where they came from. */
void pf_media_facts_print(FILE *out, const struct pf_media_facts *f,
			  const char *source, const char *plugin, int json);

/* The architecture name for wimlib's WINDOWS/ARCH number, or NULL. */
const char *pf_arch_from_wim(const char *num);

/* The Windows language ID of language tag TAG ("de-DE" -> 0x0407,
 * case-insensitive), or 0 when peforge does not know it. */
unsigned pf_langid_of(const char *tag);

#endif
