/* plugins/output-iso/tree.c - the ISO tree, its boot records, the
 * writing and the run. */
#include "iso.h"

/* ---- the tree ----------------------------------------------------------- */

/* The child of DIR named NAME, compared case-insensitively, or NULL. */
static IsoNode *child_ci(IsoDir *dir, const char *name)
{
	IsoDirIter *it = NULL;
	IsoNode *n = NULL, *found = NULL;

	if (iso_dir_get_children(dir, &it) < 0)
		return NULL;
	while (iso_dir_iter_next(it, &n) == 1) {
		if (!strcasecmp(iso_node_get_name(n), name)) {
			found = n;
			break;
		}
	}
	iso_dir_iter_free(it);
	return found;
}

/* Log a libisofs failure of WHAT for medium path PATH; returns -PF_EIO. */
static int isofs_error(const struct pf_host *h, const char *path, const char *what,
		       int code)
{
	h->log(PF_LOG_ERROR, NAME, "%s: %s: %s", path, what, iso_error_to_msg(code));
	return code == (int)ISO_OUT_OF_MEM ? -PF_ENOMEM : -PF_EIO;
}

/* List host file PATH (SIZE bytes) among RUN's kernel-copied files and
 * make its placeholder stream (*OUT).  0 or -PF_ENOMEM. */
static int add_host(struct iso_run *run, const char *path, uint64_t size,
		    IsoStream **out)
{
	struct iso_host *grown = realloc(run->hosts, (run->nhosts + 1) * sizeof(*grown));
	int ret;

	if (!grown)
		return -PF_ENOMEM;
	run->hosts = grown;
	ret = host_stream_new(run, run->nhosts, out);
	if (ret)
		return ret;
	grown[run->nhosts].path = path;
	grown[run->nhosts].size = size;
	grown[run->nhosts].at = 0;
	grown[run->nhosts].seen = 0;
	run->nhosts++;
	return 0;
}

/*
 * Add medium file F to IMAGE under its folders (made as needed; an existing
 * folder is matched case-insensitively).  *NODE (on success) is the new
 * file node, owned by the image.  Returns 0 or an error (logged).
 */
static int add_file(const struct pf_host *h, struct iso_run *run, IsoImage *image,
		    const struct outlib_file *f, IsoNode **node)
{
	IsoDir *dir = iso_image_get_root(image);
	IsoStream *stream = NULL;
	IsoNode *n = NULL;
	IsoFile *file = NULL;
	char *copy = strdup(f->path), *name, *slash;
	int ret = 0, r;

	if (!copy)
		return -PF_ENOMEM;
	name = copy;
	while ((slash = strchr(name, '/'))) {
		*slash = '\0';
		if (*name) {
			IsoNode *sub = child_ci(dir, name);

			if (sub && !ISO_NODE_IS_DIR(sub)) {
				h->log(PF_LOG_ERROR, NAME, "%s: '%s' is both a file and a "
				       "folder on the medium", f->path, name);
				ret = -PF_EINVAL;
				goto out;
			}
			if (!sub) {
				IsoDir *made = NULL;

				r = iso_image_add_new_dir(image, dir, name, &made);
				if (r < 0) {
					ret = isofs_error(h, f->path, "cannot add folder", r);
					goto out;
				}
				sub = (IsoNode *)made;
			}
			dir = (IsoDir *)sub;
		}
		name = slash + 1;
	}
	if (!*name || child_ci(dir, name)) {
		h->log(PF_LOG_ERROR, NAME, "%s: %s", f->path, *name ? "a file or "
		       "folder of that name is already on the medium" : "not a file name");
		ret = -PF_EINVAL;
		goto out;
	}
	if (f->host) {
		struct stat st;

		/* libisofs would fill an unreadable file with zeros: say it now */
		if (access(f->host, R_OK) != 0 || stat(f->host, &st) != 0) {
			h->log(PF_LOG_ERROR, NAME, "%s: cannot read %s: %s", f->path, f->host,
			       strerror(errno));
			ret = -PF_EIO;
			goto out;
		}
		if (S_ISREG(st.st_mode) && (uint64_t)st.st_size >= HOST_COPY_MIN) {
			ret = add_host(run, f->host, (uint64_t)st.st_size, &stream);
			goto add;
		}
		r = iso_tree_add_new_node(image, dir, name, f->host, &n);
		if (r < 0) {
			ret = isofs_error(h, f->path, f->host, r);
			goto out;
		}
		*node = n;
		goto out;
	}
	if (f->media) {
		ret = media_stream_new(run, f->media, f->size, &stream);
	} else {
		/* libisofs frees the copy with the stream */
		unsigned char *bytes = malloc(f->size ? (size_t)f->size : 1);

		if (!bytes) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (f->size)
			memcpy(bytes, f->data, (size_t)f->size);
		r = iso_memory_stream_new(bytes, (size_t)f->size, &stream);
		if (r < 0) {
			free(bytes);
			ret = isofs_error(h, f->path, "cannot add", r);
			goto out;
		}
	}
add:
	if (ret)
		goto out;
	r = iso_image_add_new_file(image, dir, name, stream, &file);
	if (r < 0) {
		ret = isofs_error(h, f->path, "cannot add", r);
		goto out;
	}
	stream = NULL; /* the node holds it now */
	*node = (IsoNode *)file;
out:
	if (stream)
		iso_stream_unref(stream);
	free(copy);
	return ret;
}

/* 1 when medium file PATH exists: on the media or as a medium edit. */
static int have_boot_file(const struct pf_host *h, struct pf_job *job, const char *path)
{
	struct pf_stat st;
	size_t i, n = h->edit_count(job);

	if (h->media_stat(job, path, &st) == 0 && !st.is_dir)
		return 1;
	for (i = 0; i < n; i++) {
		const struct pf_edit *e = h->edit_get(job, i);

		if (e->target == PF_TARGET_MEDIUM && !strcasecmp(e->path, path) &&
		    (e->op == PF_EDIT_ADD_DATA || e->op == PF_EDIT_ADD_FILE))
			return 1;
	}
	return 0;
}

/*
 * Check that the boot file of every requested platform is there.
 * Returns 0, or -PF_EMEDIA with one error line naming file and platform.
 */
static int check_boot_files(const struct iso_state *s, struct pf_job *job)
{
	const struct pf_host *h = s->host;
	const char *uefi = s->noprompt ? UEFI_FILE_NOPROMPT : UEFI_FILE;

	if (s->bios && !have_boot_file(h, job, BIOS_FILE)) {
		h->log(PF_LOG_ERROR, NAME, "outputs.iso: BIOS boot needs %s, which the "
		       "media do not have (set bios = false to make a UEFI-only ISO)",
		       BIOS_FILE);
		return -PF_EMEDIA;
	}
	if (s->uefi && !have_boot_file(h, job, uefi)) {
		h->log(PF_LOG_ERROR, NAME, "outputs.iso: UEFI boot needs %s, which the "
		       "media do not have (%sset uefi = false to make a BIOS-only ISO)",
		       uefi, s->noprompt ? "set noprompt = false to use efisys.bin, or " : "");
		return -PF_EMEDIA;
	}
	return 0;
}

/* The volume label: the recipe's, or PEFORGE_<ARCH> (d-characters only).
 * OUT has LABEL_MAX + 1 bytes. */
static void volume_label(const struct iso_state *s, struct pf_job *job, char *out)
{
	const char *arch = s->host->job_fact(job, PF_FACT_ARCH);
	size_t n;

	if (s->label[0]) {
		strcpy(out, s->label);
		return;
	}
	snprintf(out, LABEL_MAX + 1, "PEFORGE%s%s", arch && *arch ? "_" : "",
		 arch ? arch : "");
	for (n = 0; out[n]; n++) {
		char c = out[n];

		if (c >= 'a' && c <= 'z')
			out[n] = (char)(c - 'a' + 'A');
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			out[n] = '_';
	}
}

/*
 * Add one El Torito entry for NODE: the first creates the catalog (hidden
 * from every tree), later ones are added after it.  BIOS entries load
 * 8 sectors; UEFI entries (platform 0xEF) load the whole file.
 * Returns 0 or an error (logged).
 */
static int add_boot_entry(const struct pf_host *h, IsoImage *image, IsoNode *node,
			  int uefi, int first)
{
	ElToritoBootImage *boot = NULL;
	char *path = iso_tree_get_node_path(node);
	int r;

	if (!path)
		return -PF_ENOMEM;
	if (first)
		r = iso_image_set_boot_image(image, path, ELTORITO_NO_EMUL, CATALOG, &boot);
	else
		r = iso_image_add_boot_image(image, path, ELTORITO_NO_EMUL, 0, &boot);
	if (r < 0) {
		r = isofs_error(h, path, "cannot make an El Torito boot entry", r);
		free(path);
		return r;
	}
	free(path);
	if (uefi) {
		el_torito_set_boot_platform_id(boot, 0xEF);
		el_torito_set_full_load(boot, 1);
	} else {
		el_torito_set_boot_platform_id(boot, 0);
		el_torito_set_load_size(boot, 8);
	}
	if (first)
		iso_image_set_boot_catalog_hidden(image, LIBISO_HIDE_ON_RR |
						  LIBISO_HIDE_ON_JOLIET | LIBISO_HIDE_ON_1999 |
						  LIBISO_HIDE_ON_HFSPLUS | LIBISO_HIDE_ON_FAT);
	return 0;
}

/*
 * Build the libisofs image of FILES with its boot entries.  *OUT (on
 * success) is released by the caller with iso_image_unref.
 */
static int build_image(const struct iso_state *s, struct pf_job *job,
		       struct iso_run *run, const struct outlib_files *files,
		       IsoImage **out)
{
	const struct pf_host *h = s->host;
	const char *uefi_file = s->noprompt ? UEFI_FILE_NOPROMPT : UEFI_FILE;
	char label[LABEL_MAX + 1];
	IsoImage *image = NULL;
	IsoNode *bios_node = NULL, *uefi_node = NULL;
	size_t i;
	int ret, r;

	volume_label(s, job, label);
	r = iso_image_new(label, &image);
	if (r < 0)
		return isofs_error(h, s->path, "cannot create the image", r);
	iso_tree_set_follow_symlinks(image, 1);
	for (i = 0; i < files->n; i++) {
		const struct outlib_file *f = &files->v[i];
		IsoNode *node = NULL;

		ret = add_file(h, run, image, f, &node);
		if (ret)
			goto out;
		if (!strcasecmp(f->path, BIOS_FILE))
			bios_node = node;
		if (!strcasecmp(f->path, uefi_file))
			uefi_node = node;
	}
	if ((s->bios && !bios_node) || (s->uefi && !uefi_node)) {
		h->log(PF_LOG_ERROR, NAME, "%s is not among the boot medium's files",
		       s->bios && !bios_node ? BIOS_FILE : uefi_file);
		ret = -PF_EINTERNAL;
		goto out;
	}
	if (s->bios && (ret = add_boot_entry(h, image, bios_node, 0, 1)))
		goto out;
	if (s->uefi && (ret = add_boot_entry(h, image, uefi_node, 1, !s->bios)))
		goto out;
	h->log(PF_LOG_DEBUG, NAME, "volume label %s, %zu files", label, files->n);
	*out = image;
	image = NULL;
	ret = 0;
out:
	if (image)
		iso_image_unref(image);
	return ret;
}

/* The write options: level 3, Joliet, Rock Ridge, mkwinpeimg's names. */
static int make_opts(const struct pf_host *h, IsoWriteOpts **out)
{
	IsoWriteOpts *opts = NULL;
	int r;

	r = iso_write_opts_new(&opts, 2); /* "distribution": RR + Joliet */
	if (r < 0)
		return isofs_error(h, "outputs.iso", "cannot set write options", r);
	/* level 3: files of 4 GiB or more are written as multi-extent files */
	iso_write_opts_set_iso_level(opts, 3);
	iso_write_opts_set_joliet(opts, 1);
	iso_write_opts_set_rockridge(opts, 1);
	iso_write_opts_set_omit_version_numbers(opts, 1);
	iso_write_opts_set_no_force_dots(opts, 3); /* ECMA-119 and Joliet */
	*out = opts;
	return 0;
}

/*
 * Drain libisofs' message queue: log each message at debug level (H may be
 * NULL: then they are dropped) and copy the first of severity MISHAP or
 * worse to ERR (N bytes; ERR may be NULL; left alone when there is none).
 */
void drain_messages(const struct pf_host *h, char *err, size_t n)
{
	static const char *const bad[] = { "MISHAP", "FAILURE", "FATAL", "ABORT", NULL };
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, imgid, i;

	while (iso_obtain_msgs("ALL", &code, &imgid, text, sev) > 0) {
		if (h)
			h->log(PF_LOG_DEBUG, NAME, "libisofs: %s: %s", sev, text);
		for (i = 0; err && bad[i]; i++)
			if (!strcmp(sev, bad[i]) && !err[0])
				snprintf(err, n, "%s", text);
	}
}

/* Write the ISO at outputs.iso.path, whole or not at all, and set the job
 * fact iso_path. */
int iso_run(void *state, struct pf_job *job)
{
	struct iso_state *s = state;
	const struct pf_host *h = s->host;
	struct iso_run run = { h, job, "", { 0 }, NULL, 0 };
	struct outlib_files files = { 0 };
	struct burn_source *bs = NULL;
	IsoImage *image = NULL;
	IsoWriteOpts *opts = NULL;
	char *final = NULL, *tmp = NULL;
	int fd = -1, ret, r;

	ret = h->output_path(job, s->path, &final);
	if (ret)
		goto out;
	ret = check_boot_files(s, job);
	if (ret)
		goto out;
	ret = outlib_medium_files(h, job, NAME, &files);
	if (ret)
		goto out;
	if (getrandom(run.nonce, sizeof(run.nonce), 0) != (ssize_t)sizeof(run.nonce)) {
		h->log(PF_LOG_ERROR, NAME, "%s: no random bytes for the image's markers: %s",
		       final, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	ret = build_image(s, job, &run, &files, &image);
	if (ret)
		goto out;
	ret = make_opts(h, &opts);
	if (ret)
		goto out;
	r = iso_image_create_burn_source(image, opts, &bs);
	if (r < 0) {
		char err[ISO_MSGS_MESSAGE_LEN] = "";

		drain_messages(h, err, sizeof(err));
		h->log(PF_LOG_ERROR, NAME, "%s: cannot lay out the image: %s", final,
		       err[0] ? err : iso_error_to_msg(r));
		ret = -PF_EIO;
		goto out;
	}
	ret = h->output_begin(job, final, &tmp, &fd);
	if (ret) {
		bs->cancel(bs);
		bs->free_data(bs);
		free(bs);
		goto out;
	}
	ret = iso_pump(h, job, &run, bs, fd, final);
	if (ret) {
		h->output_abort(job, fd, tmp);
		goto out;
	}
	ret = h->output_commit(job, fd, tmp, final);
	if (ret)
		goto out;
	ret = h->job_set_fact(job, PF_FACT_ISO_PATH, final);
out:
	if (opts)
		iso_write_opts_free(opts);
	if (image)
		iso_image_unref(image);
	outlib_files_free(&files);
	free(run.hosts);
	free(tmp);
	free(final);
	return ret;
}
