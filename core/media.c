/* core/media.c - facts about the source media, read through the media tree. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <wimlib.h>

#include "job.h"
#include "log.h"
#include "media.h"
#include "util.h"

/* Level of the messages about a WIM that cannot be read: errors, but
 * warnings while reading an install image the run does not need. */
static int wim_msg_level = PF_LOG_ERROR;
#define wim_msg(...) pf_log(wim_msg_level, NULL, __VA_ARGS__)

/* The boot files looked for, in report order. */
static const struct {
	const char *path;
	const char *platform;
	int required;
} boot_files[] = {
	{ "bootmgr", "bios", 1 },
	{ "boot/bcd", "bios", 1 },
	{ "boot/boot.sdi", "both", 1 },
	{ "boot/etfsboot.com", "bios", 1 },
	{ "bootmgr.efi", "uefi", 0 },
	{ "efi/boot/bootx64.efi", "uefi", 1 },
	{ "efi/boot/bootia32.efi", "uefi", 1 },
	{ "efi/boot/bootaa64.efi", "uefi", 1 },
	{ "efi/microsoft/boot/bcd", "uefi", 1 },
	{ "efi/microsoft/boot/efisys.bin", "uefi", 1 },
	{ "efi/microsoft/boot/efisys_noprompt.bin", "uefi", 0 },
};

/* The UEFI loader file name of an architecture. */
static const char *efi_loader_of(const char *arch)
{
	if (!arch)
		return NULL;
	if (!strcmp(arch, "amd64"))
		return "efi/boot/bootx64.efi";
	if (!strcmp(arch, "x86"))
		return "efi/boot/bootia32.efi";
	if (!strcmp(arch, "arm64"))
		return "efi/boot/bootaa64.efi";
	return NULL;
}

const char *pf_arch_from_wim(const char *num)
{
	if (!num || !*num)
		return NULL;
	switch (atoi(num)) {
	case 0: return "x86";
	case 5: return "arm";
	case 6: return "ia64";
	case 9: return "amd64";
	case 12: return "arm64";
	default: return NULL;
	}
}

static void wiminfo_clear(struct pf_wiminfo *w)
{
	size_t i;

	for (i = 0; i < w->nimages; i++) {
		free(w->images[i].name);
		free(w->images[i].arch);
		free(w->images[i].edition_id);
		free(w->images[i].language);
		free(w->images[i].version);
	}
	free(w->images);
	free(w->path);
	free(w->kind);
	free(w->compression);
	memset(w, 0, sizeof(*w));
}

void pf_media_facts_free(struct pf_media_facts *f)
{
	size_t i;

	if (!f)
		return;
	free(f->layout);
	free(f->arch);
	free(f->boot);
	wiminfo_clear(&f->boot_wim);
	wiminfo_clear(&f->install);
	for (i = 0; i < f->nmissing_bios; i++)
		free(f->missing_bios[i]);
	free(f->missing_bios);
	for (i = 0; i < f->nmissing_uefi; i++)
		free(f->missing_uefi[i]);
	free(f->missing_uefi);
	free(f);
}

/* Little-endian integers of a WIM header. */
static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Copy RANGE [off, off+len) of media file PATH to FD at the same offset. */
static int copy_range(struct pf_job *job, const char *path, int fd, uint64_t off,
		      uint64_t len)
{
	char buf[65536];

	while (len) {
		size_t want = len > sizeof(buf) ? sizeof(buf) : (size_t)len, got = 0;
		int ret = pf_host_table.media_read(job, path, off, buf, want, &got);

		if (ret)
			return ret;
		if (got != want) {
			wim_msg("%s: the WIM is truncated (a resource at offset %llu ends "
			       "past the end of the file)", path, (unsigned long long)off);
			return -PF_EMEDIA;
		}
		if (pwrite(fd, buf, got, (off_t)off) != (ssize_t)got) {
			pf_err("cannot write a temporary file: %s", strerror(errno));
			return -PF_EIO;
		}
		off += got;
		len -= got;
	}
	return 0;
}

/*
 * Copy the header of each solid resource (install.esd) named by the blob
 * table, which is at [OFF, OFF+LEN) in FD already: wimlib reads them when it
 * opens the WIM.  Blob table entries are 50 bytes: a 24-byte resource header
 * (7-byte size, flags, offset, original size), part, refcount, hash.
 */
static int copy_solid_headers(struct pf_job *job, const char *path, int fd,
			      uint64_t off, uint64_t len, uint64_t size)
{
	unsigned char e[50];
	uint64_t pos;
	int ret = 0;

	for (pos = 0; !ret && pos + sizeof(e) <= len; pos += sizeof(e)) {
		uint64_t roff;

		if (pread(fd, e, sizeof(e), (off_t)(off + pos)) != (ssize_t)sizeof(e))
			return -PF_EIO;
		if (!(e[7] & 0x10)) /* WIM_RESHDR_FLAG_SOLID */
			continue;
		roff = le64(e + 8);
		if (roff < size)
			ret = copy_range(job, path, fd, roff,
					 size - roff < 16 ? size - roff : 16);
	}
	return ret;
}

/*
 * A host file wimlib can open for media WIM PATH (SIZE bytes).  With host
 * files (a folder) it is the file itself.  Otherwise a sparse file of the
 * same size holding only what wimlib reads to list images: the header, the
 * blob table, the solid resource headers and the XML data; so inspecting a
 * 5 GB install.wim inside an ISO copies a few megabytes.  *OUT is malloc'd.
 */
static int wim_file_for(struct pf_job *job, const char *path, uint64_t size,
			char **out)
{
	unsigned char hdr[208];
	char *tmp = NULL, *flat, *p;
	size_t got = 0;
	int fd = -1, ret, i;

	if (job->media_ops->local_path)
		return job->media_ops->local_path(job->media, path, out);
	ret = pf_host_table.media_read(job, path, 0, hdr, sizeof(hdr), &got);
	if (ret)
		return ret;
	if (got < sizeof(hdr) || memcmp(hdr, "MSWIM\0\0\0", 8) != 0) {
		wim_msg("%s: not a WIM file (no WIM header)", path);
		return -PF_EMEDIA;
	}
	flat = strdup(path);
	if (!flat)
		return -PF_ENOMEM;
	for (p = flat; *p; p++)
		if (*p == '/')
			*p = '_';
	tmp = pf_asprintf("%s/sparse-%s", job->tmpdir, flat);
	free(flat);
	if (!tmp)
		return -PF_ENOMEM;
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		pf_err("%s: cannot create: %s", tmp, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	ret = copy_range(job, path, fd, 0, sizeof(hdr));
	/* reshdrs: blob table at 0x30, XML data at 0x48 (24 bytes each). */
	for (i = 0; !ret && i < 2; i++) {
		const unsigned char *r = hdr + (i ? 0x48 : 0x30);
		uint64_t rsize = le64(r) & 0x00ffffffffffffffULL;
		uint64_t roff = le64(r + 8);

		if (roff > size || rsize > size - roff) {
			wim_msg("%s: the WIM is truncated or corrupt (%s at %llu+%llu, file "
			       "has %llu bytes)", path, i ? "XML data" : "blob table",
			       (unsigned long long)roff, (unsigned long long)rsize,
			       (unsigned long long)size);
			ret = -PF_EMEDIA;
			break;
		}
		ret = copy_range(job, path, fd, roff, rsize);
		if (!ret && i == 0)
			ret = copy_solid_headers(job, path, fd, roff, rsize, size);
	}
	if (ret)
		goto out;
	*out = tmp;
	tmp = NULL;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	return ret;
}

/* The name of a wimlib compression type. */
static const char *compression_name(int ctype)
{
	switch (ctype) {
	case WIMLIB_COMPRESSION_TYPE_NONE: return "none";
	case WIMLIB_COMPRESSION_TYPE_XPRESS: return "XPRESS";
	case WIMLIB_COMPRESSION_TYPE_LZX: return "LZX";
	case WIMLIB_COMPRESSION_TYPE_LZMS: return "LZMS";
	default: return "unknown";
	}
}

/* A malloc'd copy of image property NAME, or NULL. */
static char *prop(WIMStruct *wim, int image, const char *name)
{
	const char *v = wimlib_get_image_property(wim, image, name);

	return v && *v ? strdup(v) : NULL;
}

/*
 * Read the images of media WIM PATH (SIZE bytes) into W with wimlib.
 * Errors name the file and wimlib's reason.
 */
static int read_wim(struct pf_job *job, const char *path, uint64_t size,
		    struct pf_wiminfo *w)
{
	WIMStruct *wim = NULL;
	struct wimlib_wim_info info;
	char *file = NULL;
	int ret, code, i;

	ret = wim_file_for(job, path, size, &file);
	if (ret)
		return ret;
	code = wimlib_open_wim(file, 0, &wim);
	if (code) {
		wim_msg("%s: not a usable WIM: %s", path,
		       wimlib_get_error_string((enum wimlib_error_code)code));
		ret = -PF_EMEDIA;
		goto out;
	}
	wimlib_get_wim_info(wim, &info);
	w->compression = strdup(compression_name((int)info.compression_type));
	w->parts = info.total_parts;
	w->boot_index = (int)info.boot_index;
	w->images = calloc(info.image_count ? info.image_count : 1, sizeof(*w->images));
	if (!w->compression || !w->images) {
		ret = -PF_ENOMEM;
		goto out;
	}
	for (i = 1; i <= (int)info.image_count; i++) {
		struct pf_wim_image *im = &w->images[w->nimages++];
		const char *name = wimlib_get_image_name(wim, i);
		const char *maj = wimlib_get_image_property(wim, i, "WINDOWS/VERSION/MAJOR");
		const char *min = wimlib_get_image_property(wim, i, "WINDOWS/VERSION/MINOR");
		const char *bld = wimlib_get_image_property(wim, i, "WINDOWS/VERSION/BUILD");
		const char *arch = pf_arch_from_wim(
			wimlib_get_image_property(wim, i, "WINDOWS/ARCH"));

		im->index = i;
		im->name = strdup(name ? name : "");
		im->arch = arch ? strdup(arch) : NULL;
		im->edition_id = prop(wim, i, "WINDOWS/EDITIONID");
		im->language = prop(wim, i, "WINDOWS/LANGUAGES/DEFAULT");
		if (maj && bld)
			im->version = pf_asprintf("%s.%s.%s", maj, min ? min : "0", bld);
		im->bootable = (int)info.boot_index == i;
		if (!im->name) {
			ret = -PF_ENOMEM;
			goto out;
		}
	}
	ret = 0;
out:
	wimlib_free(wim);
	if (file && !job->media_ops->local_path)
		unlink(file);
	free(file);
	return ret;
}

/* Append a copy of S to the list *V of *N strings. */
static int push_str(char ***v, size_t *n, const char *s)
{
	char **grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (!grown)
		return -PF_ENOMEM;
	*v = grown;
	grown[*n] = strdup(s);
	if (!grown[*n])
		return -PF_ENOMEM;
	(*n)++;
	return 0;
}

/* Find the install image: install.wim, install.esd or install.swm (+ parts). */
static int read_install_image(struct pf_job *job, struct pf_media_facts *f)
{
	static const char *const kinds[] = { "wim", "esd", "swm" };
	struct pf_stat st;
	size_t k;
	int ret;

	for (k = 0; k < 3; k++) {
		char path[64];

		snprintf(path, sizeof(path), "sources/install.%s", kinds[k]);
		if (pf_host_table.media_stat(job, path, &st) != 0 || st.is_dir)
			continue;
		f->install.path = strdup(path);
		f->install.kind = strdup(kinds[k]);
		if (!f->install.path || !f->install.kind)
			return -PF_ENOMEM;
		f->install.size = st.size;
		ret = read_wim(job, path, st.size, &f->install);
		if (ret)
			return ret;
		if (k == 2) { /* add the other parts' sizes: install2.swm ... */
			int part;

			for (part = 2; part <= f->install.parts; part++) {
				snprintf(path, sizeof(path), "sources/install%d.swm", part);
				if (pf_host_table.media_stat(job, path, &st) != 0) {
					pf_err("sources/install.swm: part %d of %d (%s) is missing",
					       part, f->install.parts, path);
					return -PF_EMEDIA;
				}
				f->install.size += st.size;
			}
		}
		return 0;
	}
	return 0;
}

/*
 * Read the install image; when OPTIONAL, a broken one is a warning and is
 * left out of the facts instead of failing the run.
 */
static int read_install(struct pf_job *job, struct pf_media_facts *f, int optional)
{
	int ret;

	wim_msg_level = optional ? PF_LOG_WARN : PF_LOG_ERROR;
	ret = read_install_image(job, f);
	wim_msg_level = PF_LOG_ERROR;
	if (ret && optional && ret != -PF_ENOMEM) {
		pf_warn("%s: left aside: this run does not use the install image",
			f->install.path ? f->install.path : "sources/install.*");
		wiminfo_clear(&f->install);
		ret = 0;
	}
	return ret;
}

/*
 * Check that everything on the media is for one architecture: the boot.wim
 * images, the install editions and the UEFI loader.  The media's arch is
 * boot.wim's.  One error line names the two that differ.
 */
static int check_arch(struct pf_media_facts *f)
{
	const char *arch = NULL, *where = NULL;
	int first = 0;
	size_t i;

	for (i = 0; i < f->boot_wim.nimages; i++) {
		const char *a = f->boot_wim.images[i].arch;

		if (!a)
			continue;
		if (!arch) {
			arch = a;
			where = f->boot_wim.path;
			first = f->boot_wim.images[i].index;
		} else if (strcmp(a, arch)) {
			pf_err("mixed architectures: %s image %d is %s but image %d is %s",
			       f->boot_wim.path, f->boot_wim.images[i].index, a, first, arch);
			return -PF_EMEDIA;
		}
	}
	for (i = 0; i < f->install.nimages; i++) {
		const char *a = f->install.images[i].arch;

		if (!a)
			continue;
		if (!arch) {
			arch = a;
			where = f->install.path;
		} else if (strcmp(a, arch)) {
			pf_err("mixed architectures: %s image %d is %s but %s is %s",
			       f->install.path, f->install.images[i].index, a, where, arch);
			return -PF_EMEDIA;
		}
	}
	if (arch) {
		f->arch = strdup(arch);
		if (!f->arch)
			return -PF_ENOMEM;
		f->arch_from = where;
	}
	return 0;
}

/* Fill the boot-file table and what each platform misses. */
static int check_boot_files(struct pf_job *job, struct pf_media_facts *f)
{
	const char *loader = efi_loader_of(f->arch);
	size_t i, n = sizeof(boot_files) / sizeof(boot_files[0]);
	const char *other_loader = NULL;
	int any_loader = 0, own_loader = 0, ret;

	f->boot = calloc(n, sizeof(*f->boot));
	if (!f->boot)
		return -PF_ENOMEM;
	for (i = 0; i < n; i++) {
		struct pf_bootfile *b = &f->boot[f->nboot];
		struct pf_stat st;
		int is_loader = !strncmp(boot_files[i].path, "efi/boot/boot", 13);

		b->path = boot_files[i].path;
		b->platform = boot_files[i].platform;
		b->required = boot_files[i].required;
		if (pf_host_table.media_stat(job, b->path, &st) == 0 && !st.is_dir) {
			b->found = 1;
			b->size = st.size;
		}
		/* List only the UEFI loader of the media's architecture, or the
		 * ones present when the architecture is unknown. */
		if (is_loader) {
			any_loader |= b->found;
			if (b->found && loader && !strcmp(b->path, loader))
				own_loader = 1;
			else if (b->found)
				other_loader = b->path;
			if (loader ? strcmp(b->path, loader) != 0 : !b->found)
				continue;
		}
		f->nboot++;
	}
	if (loader && !own_loader && other_loader) {
		pf_err("mixed architectures: %s is %s but the UEFI loader is %s",
		       f->arch_from, f->arch, other_loader);
		return -PF_EMEDIA;
	}
	for (i = 0; i < f->nboot; i++) {
		const struct pf_bootfile *b = &f->boot[i];

		if (b->found || !b->required)
			continue;
		if (strcmp(b->platform, "uefi") &&
		    (ret = push_str(&f->missing_bios, &f->nmissing_bios, b->path)))
			return ret;
		if (strcmp(b->platform, "bios") &&
		    (ret = push_str(&f->missing_uefi, &f->nmissing_uefi, b->path)))
			return ret;
	}
	if (!loader && !any_loader &&
	    (ret = push_str(&f->missing_uefi, &f->nmissing_uefi, "efi/boot/bootx64.efi")))
		return ret;
	return 0;
}

int pf_media_facts_read(struct pf_job *job, int flags, struct pf_media_facts **out)
{
	struct pf_media_facts *f = calloc(1, sizeof(*f));
	const char *layout = pf_host_table.job_fact(job, PF_FACT_LAYOUT);
	struct pf_stat st;
	int ret = -PF_ENOMEM;

	if (!f)
		return -PF_ENOMEM;
	f->layout = strdup(layout ? layout : "unknown");
	if (!f->layout)
		goto out;
	if (pf_host_table.media_stat(job, "sources/boot.wim", &st) != 0 || st.is_dir) {
		pf_err("%s media: no sources/boot.wim: not Windows installation media "
		       "(or not a layout peforge knows)", f->layout);
		ret = -PF_EMEDIA;
		goto out;
	}
	f->boot_wim.path = strdup("sources/boot.wim");
	f->boot_wim.kind = strdup("wim");
	if (!f->boot_wim.path || !f->boot_wim.kind)
		goto out;
	f->boot_wim.size = st.size;
	ret = read_wim(job, f->boot_wim.path, st.size, &f->boot_wim);
	if (ret)
		goto out;
	if (f->boot_wim.nimages == 0) {
		pf_err("sources/boot.wim: holds no image");
		ret = -PF_EMEDIA;
		goto out;
	}
	f->default_image = f->boot_wim.nimages >= 2 ? 2 : 1;
	ret = read_install(job, f, flags & PF_FACTS_INSTALL_OPTIONAL);
	if (!ret)
		ret = check_arch(f);
	if (!ret)
		ret = check_boot_files(job, f);
	if (ret)
		goto out;
	*out = f;
	f = NULL;
out:
	pf_media_facts_free(f);
	return ret;
}

int pf_media_facts_export(struct pf_job *job, const struct pf_media_facts *f)
{
	char num[16];
	int ret;

	snprintf(num, sizeof(num), "%d", f->default_image);
	ret = pf_host_table.job_set_fact(job, PF_FACT_BOOT_WIM, f->boot_wim.path);
	if (!ret)
		ret = pf_host_table.job_set_fact(job, PF_FACT_DEFAULT_IMAGE, num);
	if (!ret && f->arch)
		ret = pf_host_table.job_set_fact(job, PF_FACT_ARCH, f->arch);
	if (!ret && f->install.path)
		ret = pf_host_table.job_set_fact(job, PF_FACT_INSTALL_WIM, f->install.path);
	if (!ret && f->default_image >= 1 && (size_t)f->default_image <= f->boot_wim.nimages) {
		unsigned id = pf_langid_of(f->boot_wim.images[f->default_image - 1].language);

		snprintf(num, sizeof(num), "%04X", id);
		if (id)
			ret = pf_host_table.job_set_fact(job, PF_FACT_LANGID, num);
	}
	return ret;
}

/* JSON: a string or null. */
static void json_str_or_null(FILE *o, const char *s)
{
	if (s)
		pf_json_string(o, s);
	else
		fputs("null", o);
}

/* JSON form of one WIM (or null when absent). */
static void json_wim(FILE *o, const struct pf_wiminfo *w, int editions)
{
	size_t i;

	if (!w->path) {
		fputs("null", o);
		return;
	}
	fputs("{\"path\":", o);
	pf_json_string(o, w->path);
	fprintf(o, ",\"kind\":\"%s\",\"size\":%llu,\"compression\":\"%s\",\"parts\":%d,"
		"\"boot_index\":%d,\"%s\":[", w->kind, (unsigned long long)w->size,
		w->compression, w->parts, w->boot_index, editions ? "editions" : "images");
	for (i = 0; i < w->nimages; i++) {
		const struct pf_wim_image *im = &w->images[i];

		fprintf(o, "%s{\"index\":%d,\"name\":", i ? "," : "", im->index);
		pf_json_string(o, im->name);
		fputs(",\"arch\":", o);
		json_str_or_null(o, im->arch);
		fputs(",\"edition_id\":", o);
		json_str_or_null(o, im->edition_id);
		fputs(",\"version\":", o);
		json_str_or_null(o, im->version);
		fprintf(o, ",\"bootable\":%s}", im->bootable ? "true" : "false");
	}
	fputs("]}", o);
}

/* JSON array of strings. */
static void json_list(FILE *o, char **v, size_t n)
{
	size_t i;

	fputc('[', o);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', o);
		pf_json_string(o, v[i]);
	}
	fputc(']', o);
}

/* Readable list: "a, b" or "nothing". */
static void text_list(FILE *o, char **v, size_t n)
{
	size_t i;

	if (!n)
		fputs("nothing", o);
	for (i = 0; i < n; i++)
		fprintf(o, "%s%s", i ? ", " : "", v[i]);
	fputc('\n', o);
}

void pf_media_facts_print(FILE *o, const struct pf_media_facts *f,
			  const char *source, const char *plugin, int json)
{
	size_t i;

	if (json) {
		fputs("{\"format\":1,\"source\":", o);
		pf_json_string(o, source);
		fputs(",\"plugin\":", o);
		pf_json_string(o, plugin);
		fputs(",\"layout\":", o);
		pf_json_string(o, f->layout);
		fputs(",\"arch\":", o);
		json_str_or_null(o, f->arch);
		fputs(",\"boot_files\":[", o);
		for (i = 0; i < f->nboot; i++) {
			const struct pf_bootfile *b = &f->boot[i];

			fprintf(o, "%s{\"path\":", i ? "," : "");
			pf_json_string(o, b->path);
			fprintf(o, ",\"platform\":\"%s\",\"required\":%s,\"found\":%s,"
				"\"size\":", b->platform, b->required ? "true" : "false",
				b->found ? "true" : "false");
			if (b->found)
				fprintf(o, "%llu}", (unsigned long long)b->size);
			else
				fputs("null}", o);
		}
		fputs("],\"missing\":{\"bios\":", o);
		json_list(o, f->missing_bios, f->nmissing_bios);
		fputs(",\"uefi\":", o);
		json_list(o, f->missing_uefi, f->nmissing_uefi);
		fputs("},\"boot_wim\":", o);
		json_wim(o, &f->boot_wim, 0);
		fprintf(o, ",\"default_image\":%d,\"install\":", f->default_image);
		json_wim(o, &f->install, 1);
		fputs("}\n", o);
		return;
	}
	fprintf(o, "Source:        %s\n", source);
	fprintf(o, "Read by:       %s plugin\n", plugin);
	fprintf(o, "Layout:        %s\n", f->layout);
	fprintf(o, "Architecture:  %s\n", f->arch ? f->arch : "unknown");
	fprintf(o, "\nBoot files:\n");
	for (i = 0; i < f->nboot; i++) {
		const struct pf_bootfile *b = &f->boot[i];

		if (b->found)
			fprintf(o, "  %-40s %-5s %12llu bytes\n", b->path, b->platform,
				(unsigned long long)b->size);
		else
			fprintf(o, "  %-40s %-5s %12s\n", b->path, b->platform,
				b->required ? "MISSING" : "absent");
	}
	fprintf(o, "Missing for BIOS boot: ");
	text_list(o, f->missing_bios, f->nmissing_bios);
	fprintf(o, "Missing for UEFI boot: ");
	text_list(o, f->missing_uefi, f->nmissing_uefi);
	fprintf(o, "\nboot.wim:      %s, %llu bytes, %s, boot index %d\n", f->boot_wim.path,
		(unsigned long long)f->boot_wim.size, f->boot_wim.compression,
		f->boot_wim.boot_index);
	for (i = 0; i < f->boot_wim.nimages; i++) {
		const struct pf_wim_image *im = &f->boot_wim.images[i];

		fprintf(o, "  %c %d  %-40s %s\n", im->index == f->default_image ? '*' : ' ',
			im->index, im->name, im->arch ? im->arch : "?");
	}
	fprintf(o, "  (* = the image peforge customizes by default)\n");
	if (!f->install.path) {
		fprintf(o, "\nInstall image: none\n");
		return;
	}
	fprintf(o, "\nInstall image: %s (%s, %d part%s), %llu bytes, %s\n", f->install.path,
		f->install.kind, f->install.parts, f->install.parts == 1 ? "" : "s",
		(unsigned long long)f->install.size, f->install.compression);
	for (i = 0; i < f->install.nimages; i++) {
		const struct pf_wim_image *im = &f->install.images[i];

		fprintf(o, "  %d  %-32s %-16s %-12s %s\n", im->index, im->name,
			im->edition_id ? im->edition_id : "-",
			im->version ? im->version : "-", im->arch ? im->arch : "?");
	}
}
