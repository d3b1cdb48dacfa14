/*
 * plugins/inject-wim.c - injector plugin "wim": build the run's ONE
 * customized boot.wim with the wimlib C API.
 *
 * The chosen image of the source boot.wim is exported into a new WIM (one
 * image, boot index 1, the source's compression and chunk size, so wimlib
 * copies the compressed resources raw), the staged image edits are applied
 * with wimlib_update_image, and the WIM is written once into the job's
 * temporary folder.  The source boot.wim is opened read-only and never
 * written.  When wimboot serves the WIM (job fact PF_FACT_WIMBOOT), it is
 * written LZX or XPRESS with 32 KiB chunks, the only chunks wimboot reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <wimlib.h>

#include "peforge/plugin.h"
#include "inject-wim.h"
#include "inject-wim-append.h"
#include "inject-wim-verify.h"
#include "inject-wim-hash.h"

#define NAME "wim"

struct inj_state {
	const struct pf_host *host;
	const char *image;   /* from args; owned by the core */
	int keep_setup;
	int inplace;         /* update the source WIM itself (a bare boot.wim) */
	int verify;          /* check the source's data against its SHA-1 first */
	unsigned spills;     /* apply_edits calls (names of spilled edits) */
};

static int inj_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	struct inj_state *s;
	int keep = host->arg_bool(args, "keep_setup", 0);
	int inplace = host->arg_bool(args, "inplace", 0);
	int verify = host->arg_bool(args, "verify", 1);

	if (keep < 0 || inplace < 0 || verify < 0)
		return -PF_ERECIPE;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	s->image = host->arg_string(args, "image");
	s->keep_setup = keep;
	s->inplace = inplace;
	s->verify = verify;
	*state = s;
	/* Windows paths are case-insensitive; later calls keep the first flags. */
	wimlib_global_init(WIMLIB_INIT_FLAG_DEFAULT_CASE_INSENSITIVE);
	return 0;
}

static void inj_close(void *state)
{
	free(state);
}

enum wimlib_progress_status pf_wim_progress(enum wimlib_progress_msg msg,
					    union wimlib_progress_info *info, void *ctx)
{
	struct pf_wim_prog *pc = ctx;
	const char *what;
	uint64_t done, total;

	if (msg == WIMLIB_PROGRESS_MSG_WRITE_STREAMS) {
		what = "writing boot.wim";
		done = info->write_streams.completed_bytes;
		total = info->write_streams.total_bytes;
	} else if (msg == WIMLIB_PROGRESS_MSG_VERIFY_STREAMS) {
		what = "verifying boot.wim";
		done = info->verify_streams.completed_bytes;
		total = info->verify_streams.total_bytes;
	} else {
		return WIMLIB_PROGRESS_STATUS_CONTINUE;
	}
	return pc->host->progress(pc->job, what, done, total) ? WIMLIB_PROGRESS_STATUS_ABORT
							      : WIMLIB_PROGRESS_STATUS_CONTINUE;
}

/* 1 when wimboot will serve the run's boot.wim (a pxe output, loader ipxe). */
static int for_wimboot(const struct pf_host *h, struct pf_job *job)
{
	const char *v = h->job_fact(job, PF_FACT_WIMBOOT);

	return v && !strcmp(v, "true");
}

/* The name of compression type CTYPE, for messages. */
static const char *ctype_name(int ctype)
{
	switch (ctype) {
	case WIMLIB_COMPRESSION_TYPE_NONE: return "uncompressed";
	case WIMLIB_COMPRESSION_TYPE_XPRESS: return "XPRESS";
	case WIMLIB_COMPRESSION_TYPE_LZX: return "LZX";
	case WIMLIB_COMPRESSION_TYPE_LZMS: return "LZMS";
	default: return "unknown compression";
	}
}

/* 1 when a WIM of INFO is one wimboot reads as it is: LZX or XPRESS
 * resources in 32 KiB chunks. */
static int wimboot_reads(const struct wimlib_wim_info *info)
{
	return (info->compression_type == WIMLIB_COMPRESSION_TYPE_LZX ||
		info->compression_type == WIMLIB_COMPRESSION_TYPE_XPRESS) &&
	       info->chunk_size == PF_WIMBOOT_CHUNK_SIZE;
}

/* Record image IDX named NAME as the one customized (for build --json). */
static int set_image_facts(const struct pf_host *h, struct pf_job *job, int idx,
			   const char *name)
{
	char num[16];
	int ret;

	snprintf(num, sizeof(num), "%d", idx);
	ret = h->job_set_fact(job, PF_FACT_IMAGE_INDEX, num);
	return ret ? ret : h->job_set_fact(job, PF_FACT_IMAGE_NAME, name ? name : "");
}

/*
 * Log wimlib error CODE about WHAT, in one line, and return -PF_EWIM;
 * -PF_ECANCELED (not logged) when the host's progress canceled the write.
 * ERR is errno as wimlib left it: for a failed open, read or write it is
 * the cause (No space left on device), which wimlib's code does not say.
 */
static int wim_fail_errno(const struct pf_host *h, const char *where, const char *what,
			  int code, int err)
{
	int io = code == WIMLIB_ERR_WRITE || code == WIMLIB_ERR_READ ||
		 code == WIMLIB_ERR_OPEN || code == WIMLIB_ERR_RENAME;

	if (code == WIMLIB_ERR_ABORTED_BY_PROGRESS)
		return -PF_ECANCELED; /* pf_wim_progress stopped it: the run was canceled */
	h->log(PF_LOG_ERROR, NAME, "%s: %s: %s%s%s", where, what,
	       wimlib_get_error_string((enum wimlib_error_code)code),
	       io && err ? ": " : "", io && err ? strerror(err) : "");
	return -PF_EWIM;
}

/* wim_fail_errno without a cause (the call does no I/O of its own). */
static int wim_fail(const struct pf_host *h, const char *where, const char *what,
		    int code)
{
	return wim_fail_errno(h, where, what, code, 0);
}

/* -PF_EWIM (logged, naming WHERE) when the blob table of WIM (the file
 * PATH) holds sizes no WIM can have (pf_wim_hash_sizes), else 0: checked
 * before anything reads a resource, with or without --no-verify. */
static int check_sizes(const struct pf_host *h, const char *where, const char *path,
		       WIMStruct *wim)
{
	if (!pf_wim_hash_sizes(path, wim))
		return 0;
	h->log(PF_LOG_ERROR, NAME, "%s: %s: a resource's sizes do not fit in the file "
	       "(corrupt source)", where,
	       wimlib_get_error_string(WIMLIB_ERR_INVALID_LOOKUP_TABLE_ENTRY));
	return -PF_EWIM;
}

/*
 * The image index to customize: "setup" = 2, "pe" = 1, "boot" = the WIM's
 * boot image (BOOT_INDEX, or 1 when it has none), a number; by default the
 * Setup image (2) when there are two or more, else the only one.
 */
static int pick_image(const struct inj_state *s, const char *where, int count,
		      int boot_index, int *out)
{
	const char *img = s->image;
	long idx;
	char *end;

	if (!img || !*img)
		idx = count >= 2 ? 2 : 1;
	else if (!strcasecmp(img, "setup"))
		idx = 2;
	else if (!strcasecmp(img, "pe"))
		idx = 1;
	else if (!strcasecmp(img, "boot"))
		idx = boot_index ? boot_index : 1;
	else {
		errno = 0;
		idx = strtol(img, &end, 10);
		if (errno || *end || end == img) {
			s->host->log(PF_LOG_ERROR, NAME, "image '%s': expected \"setup\", "
				     "\"pe\", \"boot\" or an image number", img);
			return -PF_ERECIPE;
		}
	}
	if (idx < 1 || idx > count) {
		s->host->log(PF_LOG_ERROR, NAME, "%s: image %ld does not exist (the WIM "
			     "has %d image%s)", where, idx, count, count == 1 ? "" : "s");
		return -PF_ERECIPE;
	}
	*out = (int)idx;
	return 0;
}

static int exists_cb(const struct wimlib_dir_entry *d, void *ctx)
{
	(void)d;
	(void)ctx;
	return 0;
}

/* 1 when PATH exists in image IMAGE of WIM. */
static int wim_has(WIMStruct *wim, int image, const char *path)
{
	return wimlib_iterate_dir_tree(wim, image, path, 0, exists_cb, NULL) == 0;
}

/* "/" + PATH, for wimlib's target paths. */
static char *wim_path(const char *path)
{
	size_t n = strlen(path);
	char *p = malloc(n + 2);

	if (p) {
		p[0] = '/';
		memcpy(p + 1, path, n + 1);
	}
	return p;
}

/* Write an ADD_DATA edit's bytes to a new file in the job's tmpdir (GEN:
 * which apply_edits call, for a name of its own). */
static int spill(const struct pf_host *h, struct pf_job *job, unsigned gen, size_t i,
		 const struct pf_edit *e, char **out)
{
	char *name = NULL;
	FILE *f;
	int n;

	n = asprintf(&name, "%s/inject-%u-%zu", h->job_tmpdir(job), gen, i);
	if (n < 0)
		return -PF_ENOMEM;
	f = fopen(name, "wbx");
	if (!f || (e->len && fwrite(e->data, 1, e->len, f) != e->len) || fclose(f) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot write: %s", name, strerror(errno));
		free(name);
		return -PF_EIO;
	}
	*out = name;
	return 0;
}

/*
 * Apply the image edits of the staging to image IMAGE of WIM, in memory
 * only: one update command per edit (in order, so a later edit wins), plus
 * the renames that keep Setup from starting by itself on the Setup image.
 */
static int apply_edits(struct inj_state *s, struct pf_job *job, WIMStruct *wim,
		       int image, int is_setup)
{
	const struct pf_host *h = s->host;
	size_t n = h->edit_count(job), i, nc = 0, nfree = 0;
	struct wimlib_update_command *cmds;
	char **owned;
	static const char *const setup_files[] = { "/setup.exe", "/sources/setup.exe" };
	int ret = 0, w;

	s->spills++;
	cmds = calloc(n + 2, sizeof(*cmds));
	owned = calloc(3 * (n + 2), sizeof(*owned));
	if (!cmds || !owned) {
		ret = -PF_ENOMEM;
		goto out;
	}
	if (is_setup && !s->keep_setup) {
		for (i = 0; i < 2; i++) {
			if (!wim_has(wim, image, setup_files[i]))
				continue;
			owned[nfree] = malloc(strlen(setup_files[i]) + 6);
			if (!owned[nfree]) {
				ret = -PF_ENOMEM;
				goto out;
			}
			sprintf(owned[nfree], "%s.orig", setup_files[i]);
			cmds[nc].op = WIMLIB_UPDATE_OP_RENAME;
			cmds[nc].rename.wim_source_path = (char *)setup_files[i];
			cmds[nc].rename.wim_target_path = owned[nfree++];
			cmds[nc].rename.rename_flags = 0;
			nc++;
		}
	}
	for (i = 0; i < n; i++) {
		const struct pf_edit *e = h->edit_get(job, i);
		char *target, *src = NULL;

		if (e->target != PF_TARGET_IMAGE)
			continue;
		target = wim_path(e->path);
		if (!target) {
			ret = -PF_ENOMEM;
			goto out;
		}
		owned[nfree++] = target;
		switch (e->op) {
		case PF_EDIT_ADD_DATA:
			ret = spill(h, job, s->spills, i, e, &src);
			if (ret)
				goto out;
			owned[nfree++] = src;
			/* fall through */
		case PF_EDIT_ADD_FILE:
		case PF_EDIT_ADD_TREE:
			cmds[nc].op = WIMLIB_UPDATE_OP_ADD;
			cmds[nc].add.fs_source_path = src ? src : (char *)e->src;
			cmds[nc].add.wim_target_path = target;
			cmds[nc].add.config_file = NULL;
			cmds[nc].add.add_flags = 0;
			nc++;
			break;
		case PF_EDIT_DELETE:
			cmds[nc].op = WIMLIB_UPDATE_OP_DELETE;
			cmds[nc].delete_.wim_path = target;
			cmds[nc].delete_.delete_flags = WIMLIB_DELETE_FLAG_FORCE |
							WIMLIB_DELETE_FLAG_RECURSIVE;
			nc++;
			break;
		case PF_EDIT_RENAME:
			if (!e->dest || !wim_has(wim, image, target))
				break;
			src = wim_path(e->dest);
			if (!src) {
				ret = -PF_ENOMEM;
				goto out;
			}
			owned[nfree++] = src;
			cmds[nc].op = WIMLIB_UPDATE_OP_RENAME;
			cmds[nc].rename.wim_source_path = target;
			cmds[nc].rename.wim_target_path = src;
			nc++;
			break;
		}
	}
	if (nc) {
		w = wimlib_update_image(wim, image, cmds, nc, 0);
		if (w) {
			ret = wim_fail(h, "boot.wim", "cannot apply the staged edits", w);
			goto out;
		}
	}
	h->log(PF_LOG_DEBUG, NAME, "applied %zu edit(s) to the image", nc);
out:
	if (owned)
		for (i = 0; i < nfree; i++)
			free(owned[i]);
	free(owned);
	free(cmds);
	return ret;
}

/*
 * In-place mode: apply the edits to image IDX of the source WIM itself and
 * append them with wimlib_overwrite, so the cost follows the size of the
 * change, not of the WIM.  Only a bare boot.wim named as the recipe's
 * source (layout "wim") is ever written, and only when it is writable.
 *
 * What is read: the header, the blob table, the XML data and the chosen
 * image's metadata; no old resource is read, copied or hashed, so there is
 * nothing for pf_wim_verify_source() to check: the old resources stay where
 * they are, byte for byte, and the new ones are compressed from the staged
 * files with their SHA-1 computed as they are written.  The append is safe
 * to interrupt: wimlib flags the header "write in progress", writes the new
 * data after the old end, and rewrites the header last, so until then the
 * header still points to the old, valid tables (an error truncates the file
 * back); FSYNC makes the update durable before the run reports success.
 */
static int run_inplace(struct inj_state *s, struct pf_job *job, const char *path,
		       struct pf_wim_prog *pc)
{
	const struct pf_host *h = s->host;
	const char *layout = h->job_fact(job, PF_FACT_LAYOUT);
	struct wimlib_wim_info info;
	WIMStruct *wim = NULL;
	const char *name;
	int idx = 0, ret, w;

	if (!layout || strcmp(layout, "wim")) {
		h->log(PF_LOG_ERROR, NAME, "inplace = true updates the source WIM itself, "
		       "so the source must be a bare boot.wim (it is %s media)",
		       layout ? layout : "unknown");
		return -PF_ERECIPE;
	}
	if (access(path, W_OK) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: inplace = true needs a writable WIM: %s",
		       path, strerror(errno));
		return -PF_EIO;
	}
	w = wimlib_open_wim(path, WIMLIB_OPEN_FLAG_WRITE_ACCESS, &wim);
	if (w)
		return wim_fail(h, path, "cannot open boot.wim for writing", w);
	wimlib_get_wim_info(wim, &info);
	ret = check_sizes(h, path, path, wim);
	if (!ret)
		ret = pick_image(s, path, info.image_count, (int)info.boot_index, &idx);
	if (ret)
		goto out;
	if (for_wimboot(h, job) && !wimboot_reads(&info)) {
		h->log(PF_LOG_ERROR, NAME, "%s: inplace = true keeps the WIM %s with %u-byte "
		       "chunks, which wimboot (outputs.pxe, loader ipxe) cannot read: it needs "
		       "LZX or XPRESS in 32 KiB chunks; build without inplace",
		       path, ctype_name(info.compression_type), (unsigned)info.chunk_size);
		ret = -PF_ERECIPE;
		goto out;
	}
	if (info.compression_type == WIMLIB_COMPRESSION_TYPE_LZMS)
		h->log(PF_LOG_WARN, NAME, "%s: LZMS compression, which wimboot cannot read, "
		       "is kept in place: build without inplace to get an LZX boot.wim", path);
	name = wimlib_get_image_name(wim, idx);
	h->log(PF_LOG_INFO, NAME, "updating image %d \"%s\" of %s in place", idx,
	       name ? name : "", path);
	ret = set_image_facts(h, job, idx, name);
	if (ret)
		goto out;
	ret = apply_edits(s, job, wim, idx,
			  (name && strcasestr(name, "setup")) ||
			  wim_has(wim, idx, "/sources/setup.exe"));
	if (ret)
		goto out;
	memset(&info, 0, sizeof(info));
	info.boot_index = (uint32_t)idx;
	errno = 0; /* what the overwrite leaves is its cause */
	w = wimlib_set_wim_info(wim, &info, WIMLIB_CHANGE_BOOT_INDEX);
	if (!w) {
		wimlib_register_progress_function(wim, pf_wim_progress, pc);
		w = pf_wim_overwrite_fast(wim, WIMLIB_WRITE_FLAG_FSYNC);
	}
	if (w) {
		ret = wim_fail_errno(h, path, "cannot update boot.wim in place", w, errno);
		goto out;
	}
	ret = h->job_set_wim(job, path);
out:
	wimlib_free(wim);
	return ret;
}

/*
 * The fast way (inject-wim-append.c): copy SRC_PATH to OUT_PATH by the
 * kernel, keep image IDX only, apply the edits there and append them.
 */
static int run_append(struct inj_state *s, struct pf_job *job, const char *src_path,
		      const char *out_path, int idx, int is_setup, uint64_t slack)
{
	const struct pf_host *h = s->host;
	const char *tmp = h->job_tmpdir(job);
	size_t n = strlen(tmp);
	struct pf_wim_append a = { h, job, src_path, out_path, idx, 0, 0 };
	WIMStruct *wim = NULL;
	int ret, code, err;

	a.src_owned = !strncmp(src_path, tmp, n) && src_path[n] == '/';

	h->log(PF_LOG_DEBUG, NAME, "the source's bytes are copied by the kernel and the "
	       "edits appended (%llu KiB left unused)", (unsigned long long)(slack >> 10));
	ret = pf_wim_append_copy(&a, &wim);
	if (!ret)
		ret = apply_edits(s, job, wim, 1, is_setup);
	if (!ret) {
		ret = pf_wim_append_commit(&a, wim, &code, &err);
		if (ret == -PF_EWIM)
			ret = wim_fail_errno(h, out_path, "cannot write boot.wim", code, err);
	}
	wimlib_free(wim);
	return ret;
}

/* Build the customized boot.wim and record it as the run's WIM. */
static int inj_run(void *state, struct pf_job *job)
{
	struct inj_state *s = state;
	const struct pf_host *h = s->host;
	const char *rel = h->job_fact(job, PF_FACT_BOOT_WIM);
	char *src_path = NULL, *out_path = NULL;
	WIMStruct *src = NULL, *dst = NULL;
	struct pf_wim_table *table = NULL;
	struct wimlib_wim_info info;
	uint64_t slack = 0;
	struct pf_wim_prog pc = { h, job };
	enum wimlib_compression_type ctype;
	uint32_t chunk;
	const char *name;
	int idx = 0, is_setup, raw, ret, w;

	if (!rel) {
		h->log(PF_LOG_ERROR, NAME, "the source found no boot.wim");
		return -PF_EMEDIA;
	}
	ret = h->media_local_path(job, rel, &src_path);
	if (ret)
		goto out;
	if (s->inplace) {
		ret = run_inplace(s, job, src_path, &pc);
		goto out;
	}
	w = wimlib_open_wim(src_path, WIMLIB_OPEN_FLAG_CHECK_INTEGRITY, &src);
	if (w) {
		ret = wim_fail(h, src_path, "cannot open boot.wim", w);
		goto out;
	}
	wimlib_get_wim_info(src, &info);
	ret = check_sizes(h, rel, src_path, src);
	if (!ret)
		ret = pick_image(s, src_path, info.image_count, (int)info.boot_index, &idx);
	if (ret)
		goto out;
	/* Keep the source's compression so resources are copied raw, except
	 * LZMS (solid ESD-style), which wimboot cannot read: that becomes LZX. */
	ctype = (enum wimlib_compression_type)info.compression_type;
	chunk = info.chunk_size;
	if (ctype == WIMLIB_COMPRESSION_TYPE_LZMS) {
		h->log(PF_LOG_INFO, NAME, "%s: LZMS compression, which wimboot cannot "
		       "read: the new boot.wim is recompressed with LZX", rel);
		ctype = WIMLIB_COMPRESSION_TYPE_LZX;
		chunk = 0;
	}
	/* wimboot reads LZX or XPRESS in 32 KiB chunks only: anything else is
	 * recompressed (wimlib copies raw only what matches the output) */
	if (for_wimboot(h, job) && !wimboot_reads(&info)) {
		if (ctype == WIMLIB_COMPRESSION_TYPE_NONE)
			ctype = WIMLIB_COMPRESSION_TYPE_LZX;
		h->log(PF_LOG_INFO, NAME, "%s: %s with %u-byte chunks: recompressed as %s "
		       "with 32 KiB chunks, which wimboot reads", rel,
		       ctype_name(info.compression_type), (unsigned)info.chunk_size,
		       ctype_name(ctype));
		chunk = PF_WIMBOOT_CHUNK_SIZE;
	}
	raw = ctype == (enum wimlib_compression_type)info.compression_type &&
	      chunk == info.chunk_size;
	/* The source's data checked against its SHA-1: while the run goes on
	 * when it is copied raw (nothing here reads it), else first (the
	 * recompression reads it). */
	if (s->verify) {
		ret = pf_wim_verify_source(h, job, src, src_path, rel, idx, raw);
		if (ret)
			goto out;
	}
	/* The source's blob table as it is on disk, before the edits, when the
	 * WIM can be copied as it is (the same compression and chunks). */
	if (raw) {
		ret = pf_wim_append_table(src, &info, &table);
		if (ret)
			goto out;
		if (!table)
			h->log(PF_LOG_DEBUG, NAME, "%s is split, pipable, read-only, solid or has "
			       "an integrity table: a new WIM is written", rel);
	}
	/* The edits go into the source WIMStruct in memory (never written back:
	 * the file was opened read-only and wimlib_overwrite is never called),
	 * then the edited image is exported into the new WIM: an exported image
	 * shares its metadata and cannot be updated afterwards. */
	name = wimlib_get_image_name(src, idx);
	is_setup = (name && strcasestr(name, "setup")) ||
		   wim_has(src, idx, "/sources/setup.exe");
	h->log(PF_LOG_INFO, NAME, "customizing image %d \"%s\" of %s", idx,
	       name ? name : "", rel);
	ret = apply_edits(s, job, src, idx, is_setup);
	if (ret)
		goto out;
	if (asprintf(&out_path, "%s/boot.wim", h->job_tmpdir(job)) < 0) {
		out_path = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	/* What a copy of the source would carry unused decides the way. */
	if (table) {
		ret = pf_wim_append_slack(table, src, idx, &slack);
		if (ret == -PF_ENOMEM)
			goto out;
		if (!ret && slack <= PF_APPEND_SLACK(info.total_bytes)) {
			ret = run_append(s, job, src_path, out_path, idx, is_setup, slack);
			goto written;
		}
		h->log(PF_LOG_DEBUG, NAME, "a copy of the source would carry %llu KiB "
		       "unused: a new WIM is written", (unsigned long long)(slack >> 10));
	}
	w = wimlib_create_new_wim(ctype, &dst);
	if (!w && chunk && ctype != WIMLIB_COMPRESSION_TYPE_NONE)
		w = wimlib_set_output_chunk_size(dst, chunk);
	if (!w)
		w = wimlib_export_image(src, idx, dst, NULL, NULL, WIMLIB_EXPORT_FLAG_BOOT);
	if (w) {
		ret = wim_fail(h, src_path, "cannot export the image", w);
		goto out;
	}
	wimlib_register_progress_function(dst, pf_wim_progress, &pc);
	errno = 0;
	w = wimlib_write(dst, out_path, WIMLIB_ALL_IMAGES, 0, 0);
	if (w)
		ret = wim_fail_errno(h, out_path, "cannot write boot.wim", w, errno);
written:
	if (ret)
		goto out;
	ret = h->job_set_wim(job, out_path);
	/* the file is the run's own: outputs may hard-link it */
	if (!ret)
		ret = h->job_set_fact(job, PF_FACT_WIM_LINKABLE, "true");
	if (!ret)
		ret = set_image_facts(h, job, idx, name);
out:
	pf_wim_append_table_free(table);
	wimlib_free(dst);
	wimlib_free(src);
	free(src_path);
	free(out_path);
	return ret;
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "image", .type = PF_OPT_STRING, .dflt = "setup (2), or 1",
	  .help = "which image of boot.wim: setup, pe, boot or a number (the recipe's image)" },
	{ .name = "keep_setup", .type = PF_OPT_BOOL, .dflt = "false",
	  .help = "keep Windows Setup's start in the image (the recipe's keep_setup)" },
	{ .name = "inplace", .type = PF_OPT_BOOL, .dflt = "false",
	  .help = "append to the source boot.wim instead of a copy (the recipe's inplace)" },
	{ .name = "verify", .type = PF_OPT_BOOL, .dflt = "true",
	  .help = "check the source's data against its SHA-1 before the raw copy "
		  "(false: build --no-verify)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_INJECTOR,
	.name = NAME,
	.summary = "builds the one customized boot.wim (wimlib: export, update, write)",
	.open = inj_open,
	.run = inj_run,
	.close = inj_close,
	.probe = NULL,
	.options = options,
};
