/*
 * plugins/inf.h - a parser for Windows INF files as found in real driver
 * packages, and the driver-package facts built on it.
 *
 * Independent of peforge's core: it uses only libc and takes the error
 * codes (-PF_E*) of peforge/plugin.h.  The input is the bytes of a file:
 * UTF-16LE or UTF-16BE with a byte order mark, UTF-8 with a BOM, or else
 * "ANSI" (bytes passed through unchanged, so ASCII and UTF-8 without a BOM
 * read as such).  Everything the API returns is UTF-8.
 *
 * Syntax handled: `;` comments (not inside double quotes), a trailing `\`
 * continuing a line, `[Section]` headers (looked up case-insensitively;
 * sections of the same name are merged in file order), `key = value` and
 * value-only lines, comma-separated fields with double quotes (`"a,b"` is
 * one field, `""` inside quotes is a quote), whitespace trimmed around
 * fields, and `%strkey%` tokens replaced by their value.  The value comes
 * from [Strings.LLLL] for the image's language LLLL (a LANGID in 4 hex
 * digits: 0409 by default), then [Strings.00PP] for its primary language
 * (0009), then [Strings], then any other [Strings.*]: SetupAPI's order
 * (Windows reads one of these sections; a key missing there is looked up in
 * the next one here, where Windows would leave the token as written).
 * `%%` is one `%`, a token whose string is not defined is left as it is,
 * and so is a `%` never closed (`8@100-ffff%fff8(3ff::)`).  A field that
 * substitutions make longer than 4,095 characters is cut there, as
 * SetupAPI cuts it (MAX_INF_STRING_LENGTH), and the substitutions of one
 * INF may add at most 32 MiB in all.  The lines of the [Strings*] sections
 * themselves are kept as written.  Text before the first section is
 * ignored; a NUL byte of an ANSI or UTF-8 INF is a space.  Parsing takes
 * time and memory linear in the size of the INF.
 */
#ifndef PEFORGE_PLUGINS_INF_H
#define PEFORGE_PLUGINS_INF_H

#include <stddef.h>

#include "peforge/plugin.h"

/* The encoding an INF was read in. */
enum inf_encoding {
	INF_ANSI = 0,     /* no BOM: bytes passed through */
	INF_UTF8 = 1,     /* EF BB BF */
	INF_UTF16LE = 2,  /* FF FE */
	INF_UTF16BE = 3,  /* FE FF */
};

/* One logical line of a section (continuation lines joined). */
struct inf_line {
	unsigned lineno;   /* the line it starts on, 1-based */
	char *key;         /* text left of '=', or NULL for a value-only line */
	char **fields;     /* the comma-separated values, at least one */
	size_t nfields;
};

/* A section: every line of every [Name] of that name, in file order. */
struct inf_section {
	char *name;        /* as first written, without the brackets */
	struct inf_line *lines;
	size_t nlines;
	size_t *keyidx_;   /* private (inf.c): a hash index of the keys */
	size_t keycap_;
};

/* A parsed INF (opaque). */
struct inf;

/*
 * Parse the LEN bytes at DATA.  On success *OUT is a new INF the caller
 * frees with inf_free.  On malformed input returns -PF_EINVAL and writes a
 * message with the line number into ERR (ERRLEN bytes, may be 0), e.g.
 * "line 3: unterminated section name".  -PF_ENOMEM when out of memory.
 */
int inf_parse(const void *data, size_t len, struct inf **out, char *err,
	      size_t errlen);

/* The default image language: en-US. */
#define INF_LANG_DEFAULT 0x0409

/* inf_parse for an image of language LANGID (a Windows LANGID: 0x0407 for
 * de-DE); inf_parse is this with INF_LANG_DEFAULT. */
int inf_parse_lang(const void *data, size_t len, unsigned langid, struct inf **out,
		   char *err, size_t errlen);

/* The LANGID of TEXT: 4 hex digits ("0407", "0x0407") or 0 when it is not
 * one. */
unsigned inf_langid(const char *text);

/* Free INF and everything it holds (NULL is fine). */
void inf_free(struct inf *inf);

/* The encoding INF was read in. */
enum inf_encoding inf_get_encoding(const struct inf *inf);

/* The number of sections, and section I of them (NULL when out of range),
 * in the order they first appear. */
size_t inf_section_count(const struct inf *inf);
const struct inf_section *inf_section_at(const struct inf *inf, size_t i);

/* The section NAME (case-insensitive), or NULL. */
const struct inf_section *inf_section(const struct inf *inf, const char *name);

/* The first line of SEC (may be NULL) whose key is KEY (case-insensitive),
 * or NULL.  Constant time for a section of an INF from inf_parse. */
const struct inf_line *inf_line_find(const struct inf_section *sec,
				     const char *key);

/* Field I of LINE (0 = the first value), or NULL when out of range. */
const char *inf_line_field(const struct inf_line *line, size_t i);

/* Field I of the first line KEY of section SECTION, or NULL.  Borrowed
 * from INF. */
const char *inf_value(const struct inf *inf, const char *section,
		      const char *key, size_t i);

/* The value of string STRKEY (without the percent signs) from [Strings],
 * [Strings.0409] or another [Strings.*], or NULL.  Borrowed from INF. */
const char *inf_string(const struct inf *inf, const char *strkey);

/* ---- driver packages ------------------------------------------------ */

/* Architectures, as bits: peforge's names "x86", "amd64", "arm64". */
enum inf_arch {
	INF_ARCH_X86 = 1,
	INF_ARCH_AMD64 = 2,
	INF_ARCH_ARM64 = 4,
};

/* The bit of peforge arch name ARCH ("amd64"...), or 0 when unknown. */
unsigned inf_arch_bit(const char *arch);

/* Write the names of the archs in mask ARCHS ("x86, amd64") into BUF, or
 * "none" when there is none; truncated to LEN bytes. */
void inf_arch_names(unsigned archs, char *buf, size_t len);

/* One line of [Manufacturer]: `%Mfg% = Models, NTamd64, NTx86.6.1`. */
struct inf_models {
	const char *manufacturer;  /* the key (substituted) */
	const char *section;       /* the models section's base name */
	const char **decorations;  /* the target decorations, without empty
				    * ones (malloc'd array of borrowed strings) */
	size_t ndecorations;
	unsigned archs;            /* the INF_ARCH_* bits they allow */
};

/*
 * What a driver package says about itself.  Every string is borrowed from
 * the INF it was read from (valid until inf_free); NULL when absent.
 */
struct inf_driver {
	const char *class_name;    /* [Version] Class */
	const char *class_guid;    /* [Version] ClassGuid */
	const char *provider;      /* [Version] Provider */
	const char *catalog;       /* [Version] CatalogFile */
	const char *catalog_nt;    /* CatalogFile.NT */
	const char *catalog_x86;   /* CatalogFile.NTx86 */
	const char *catalog_amd64; /* CatalogFile.NTamd64 */
	const char *catalog_arm64; /* CatalogFile.NTarm64 */
	struct inf_models *models; /* [Manufacturer] lines (malloc'd array) */
	size_t nmodels;
	unsigned archs;            /* INF_ARCH_* bits the package supports */
};

/* One file a package names in [SourceDisksFiles]. */
struct inf_file {
	char *name;  /* the file name as written in the INF */
	char *path;  /* relative to the INF's folder, '/'-separated */
};

/*
 * Read the driver-package facts of INF into *OUT.  Decorations follow
 * Windows: NT<arch>[.version...] allows that arch; a [Manufacturer] line
 * without decorations, or with only NT[.version], allows x86 only.
 * Returns 0 or -PF_ENOMEM; free with inf_driver_clear.
 */
int inf_driver_info(const struct inf *inf, struct inf_driver *out);

/* Free what inf_driver_info allocated and zero DRV. */
void inf_driver_clear(struct inf_driver *drv);

/* 1 when DRV supports peforge arch ARCH ("amd64", "x86", "arm64"). */
int inf_driver_supports(const struct inf_driver *drv, const char *arch);

/* What Windows' INF rules decide for a package and an image arch. */
enum inf_verdict {
	INF_KEEP = 0,
	INF_SKIP_SIGNATURE,  /* no [Version] Signature "$Windows NT$", "$Chicago$"
			      * or "$Windows 95$": not a Windows 2000+ INF */
	INF_SKIP_NO_MODELS,  /* no [Manufacturer] line: no device to install */
	INF_SKIP_ARCH,       /* no models section for the image's arch */
};

/*
 * Decide whether the package INF (its facts DRV) installs on an image of
 * arch ARCH, in Windows' order: the signature, the manufacturers, the
 * arch.  When it does not, WHY (LEN bytes, may be 0) gets the reason as
 * one phrase ("for x86 only, the image is amd64").
 */
enum inf_verdict inf_driver_check(const struct inf *inf, const struct inf_driver *drv,
				  const char *arch, char *why, size_t len);

/* The short name of verdict V: "add", "skip:bad-signature",
 * "skip:no-manufacturer", "skip:arch". */
const char *inf_verdict_name(enum inf_verdict v);

/* The catalog for ARCH: CatalogFile.NT<arch>, else CatalogFile.NT, else
 * CatalogFile; NULL when none.  Borrowed. */
const char *inf_driver_catalog(const struct inf_driver *drv, const char *arch);

/*
 * The files INF names for ARCH: [SourceDisksFiles] and
 * [SourceDisksFiles.<arch>] (the latter wins for a name in both), each
 * `file = diskid[,subdir[,size]]`, placed in the folder of disk DISKID of
 * [SourceDisksNames.<arch>] or [SourceDisksNames] (its 4th field) joined
 * with SUBDIR.  Backslashes become '/', empty and "." components are
 * dropped (".." is kept, for the caller to refuse).  On success *OUT is a
 * malloc'd array of *N files (NULL when 0) freed with inf_files_free.
 * Returns 0, -PF_EINVAL (ARCH unknown) or -PF_ENOMEM.
 */
int inf_driver_files(const struct inf *inf, const char *arch,
		     struct inf_file **out, size_t *n);

/* Free FILES, an array of N from inf_driver_files. */
void inf_files_free(struct inf_file *files, size_t n);

#endif
