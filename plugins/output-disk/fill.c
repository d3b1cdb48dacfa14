/* plugins/output-disk/fill.c - sizing the image, filling its partition
 * and the run. */
#include "disk.h"

/* ---- planning ----------------------------------------------------------- */

/* 1 when PATH ends in ".wim" (any case). */
static int is_wim(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcasecmp(path + n - 4, ".wim");
}

static uint64_t round_up(uint64_t v, uint64_t unit)
{
	return (v + unit - 1) / unit * unit;
}

/*
 * Check the files against FAT32's file size limit and work out the
 * partition's size in sectors (*PART_SECTORS) and the bytes to copy
 * (*TOTAL).  Returns 0, or an error with one line (a file too large, or
 * size_mb too small).
 */
static int plan_size(const struct disk_state *s, const struct outlib_files *files,
		     uint32_t *part_sectors, uint64_t *total)
{
	const struct pf_host *h = s->host;
	uint64_t content = 0, bytes = 0, need, sectors;
	size_t i, ndirs = 0;
	struct stat st;

	for (i = 0; i < files->n; i++) {
		const struct outlib_file *f = &files->v[i];
		const char *p;

		if (f->size > s->split_bytes) {
			if (!is_wim(f->path)) {
				h->log(PF_LOG_ERROR, NAME, "outputs.disk: %s is %.1f GiB: "
				       "FAT32 cannot hold a file of %s, and only a .wim "
				       "file can be split (into .swm parts)", f->path,
				       (double)f->size / (1024.0 * MIB),
				       s->split_bytes == FAT32_MAX_FILE ? "4 GiB or more" :
				       "more than split_mb");
				return -PF_EUNSUPPORTED;
			}
			/* the parts, each with its own header, tables and XML */
			content += f->size + (f->size / s->part_bytes + 2) * MIB;
		} else {
			content += round_up(f->size, 4096);
		}
		bytes += f->size;
		for (p = f->path; (p = strchr(p, '/')); p++)
			ndirs++; /* an upper bound: folders are shared */
		content += 160; /* its directory entries, long name included */
	}
	content += ndirs * 4096;
	/* syslinux: ldlinux.sys, ldlinux.c32, the modules, syslinux.cfg */
	content += 512 * 1024;
	for (i = 0; i < NMODULES; i++)
		if (stat(s->modules[i], &st) == 0)
			content += round_up((uint64_t)st.st_size, 4096);
	/* two FATs of 4 bytes per 512-byte cluster at worst, + 10% + 4 MiB */
	need = content + content / 64 + content / 10 + 4 * (uint64_t)MIB;
	sectors = round_up(need, SECTOR) / SECTOR;
	if (sectors < FAT32_MIN_SECTORS)
		sectors = FAT32_MIN_SECTORS;
	sectors = round_up(sectors, MIB / SECTOR);
	if (s->size_mb) {
		uint64_t given = s->size_mb * (MIB / SECTOR);

		if (given < sectors + PART_LBA) {
			h->log(PF_LOG_ERROR, NAME, "outputs.disk.size_mb = %" PRIu64 " is too "
			       "small: the files need an image of at least %" PRIu64 " MiB",
			       s->size_mb, (sectors + PART_LBA) / (MIB / SECTOR));
			return -PF_ERECIPE;
		}
		sectors = given - PART_LBA;
	}
	if (sectors + PART_LBA > UINT32_MAX) {
		h->log(PF_LOG_ERROR, NAME, "outputs.disk: an image of %" PRIu64 " MiB is "
		       "beyond an MBR's 2 TiB", (sectors + PART_LBA) / (MIB / SECTOR));
		return -PF_EUNSUPPORTED;
	}
	*part_sectors = (uint32_t)sectors;
	*total = bytes;
	return 0;
}

/* The largest cluster (sectors: 8, 4, 2 or 1) that still gives FAT32 its
 * 65525 clusters, with a margin for the FATs. */
static unsigned cluster_sectors(uint32_t part_sectors)
{
	unsigned c = 8;

	while (c > 1 && part_sectors / c < 72000)
		c /= 2;
	return c;
}

/* ---- filling the partition -------------------------------------------- */

/* "::/PATH" for mtools (malloc'd), or NULL. */
static char *target(const char *path)
{
	char *t = NULL;

	return asprintf(&t, "::/%s", path) < 0 ? NULL : t;
}

/*
 * Make every folder of FILES on the partition with one mmd, parents first;
 * a folder is made once whatever the case of its name.  Returns 0 or an
 * error (logged).
 */
static int make_folders(struct disk_run *r, const struct outlib_files *files)
{
	char **argv = NULL, **made = NULL;
	size_t nargs = 3, nmade = 0, cap = 0, i, k;
	const char *p;
	int ret = -PF_ENOMEM;

	for (i = 0; i < files->n; i++)
		for (p = files->v[i].path; (p = strchr(p, '/')); p++)
			cap++;
	argv = calloc(cap + 4, sizeof(*argv));
	made = calloc(cap + 1, sizeof(*made));
	if (!argv || !made)
		goto out;
	argv[0] = r->s->mmd;
	argv[1] = (char *)"-i";
	argv[2] = r->drive;
	for (i = 0; i < files->n; i++) {
		const char *slash;

		p = files->v[i].path;
		for (slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
			char *dir = strndup(p, (size_t)(slash - p));
			int seen = 0;

			if (!dir)
				goto out;
			for (k = 0; k < nmade && !seen; k++)
				seen = !strcasecmp(made[k], dir);
			if (seen) {
				free(dir);
				continue;
			}
			made[nmade++] = dir;
			if (!(argv[nargs++] = target(dir)))
				goto out;
		}
	}
	ret = nargs > 3 ? run_tool(r, "making the folders", argv) : 0;
out:
	for (i = 3; argv && i < nargs; i++)
		free(argv[i]);
	for (i = 0; i < nmade; i++)
		free(made[i]);
	free(argv);
	free(made);
	return ret;
}

/* Write DATA (LEN bytes) to the new file R->work/NAME.  Returns 0 or an
 * error (logged). */
static int write_tmp(const struct disk_run *r, const char *name, const void *data,
		     size_t len)
{
	struct outlib_file f = { .path = name, .data = data, .size = len };

	return outlib_put(r->h, r->job, NAME, r->work, &f, 0);
}

/*
 * Install syslinux in /syslinux and put its configuration and modules
 * beside it.  Returns 0 or an error (logged).
 */
static int install_syslinux(struct disk_run *r)
{
	static const char cfg[] =
		"DEFAULT winpe\r\n"
		"LABEL winpe\r\n"
		"  COM32 chain.c32\r\n"
		"  APPEND ntldr=/bootmgr\r\n";
	const struct disk_state *s = r->s;
	char offset[32], *cfgpath = NULL;
	char *mmd[] = { s->mmd, (char *)"-i", r->drive, (char *)"::/syslinux", NULL };
	char *inst[] = { s->syslinux, (char *)"--install", (char *)"--offset", offset,
			 (char *)"--directory", (char *)"/syslinux", (char *)r->img, NULL };
	char *cp[NMODULES + 8];
	size_t i, n = 0;
	int ret;

	snprintf(offset, sizeof(offset), "%" PRIu64, PART_OFFSET);
	if ((ret = run_tool(r, "making /syslinux", mmd)) ||
	    (ret = run_tool(r, "installing syslinux", inst)))
		return ret;
	if (asprintf(&cfgpath, "%s/syslinux.cfg", r->work) < 0)
		return -PF_ENOMEM;
	ret = write_tmp(r, "syslinux.cfg", cfg, sizeof(cfg) - 1);
	if (ret)
		goto out;
	cp[n++] = s->mcopy;
	cp[n++] = (char *)"-i";
	cp[n++] = r->drive;
	cp[n++] = (char *)"-D";
	cp[n++] = (char *)"o";
	cp[n++] = cfgpath;
	for (i = 0; i < NMODULES; i++)
		cp[n++] = s->modules[i];
	cp[n++] = (char *)"::/syslinux/";
	cp[n] = NULL;
	ret = run_tool(r, "copying the syslinux files", cp);
out:
	if (cfgpath)
		unlink(cfgpath);
	free(cfgpath);
	return ret;
}

/*
 * Copy the partition's boot sector, as syslinux patched it, over FAT32's
 * backup boot sector (BPB offset 0x32), which syslinux leaves as mformat
 * wrote it: fsck.fat then finds them equal.  Returns 0 or an error (logged).
 */
static int sync_backup_boot(struct disk_run *r)
{
	unsigned char bs[SECTOR];
	unsigned backup;

	if (pread(r->fd, bs, SECTOR, (off_t)PART_OFFSET) != (ssize_t)SECTOR) {
		r->h->log(PF_LOG_ERROR, NAME, "%s: cannot read the boot sector: %s", r->img,
			  strerror(errno));
		return -PF_EIO;
	}
	backup = bs[0x32] | (unsigned)bs[0x33] << 8;
	if (!backup || backup >= (bs[0x0E] | (unsigned)bs[0x0F] << 8))
		return 0; /* no backup inside the reserved sectors */
	if (pwrite(r->fd, bs, SECTOR, (off_t)(PART_OFFSET + (uint64_t)backup * SECTOR)) !=
	    (ssize_t)SECTOR) {
		r->h->log(PF_LOG_ERROR, NAME, "%s: cannot write the backup boot sector: %s",
			  r->img, strerror(errno));
		return -PF_EIO;
	}
	return 0;
}

/* wimlib's split progress, as the job's progress. */
static enum wimlib_progress_status split_progress(enum wimlib_progress_msg msg,
						  union wimlib_progress_info *info,
						  void *ctx)
{
	struct disk_run *r = ctx;

	if (msg == WIMLIB_PROGRESS_MSG_SPLIT_END_PART &&
	    r->h->progress(r->job, "splitting a WIM", info->split.completed_bytes,
			   info->split.total_bytes) != 0)
		return WIMLIB_PROGRESS_STATUS_ABORT; /* canceled */
	return WIMLIB_PROGRESS_STATUS_CONTINUE;
}

/*
 * Split the WIM F into .swm parts of the part size and copy them to F's
 * folder: DIR/NAME.wim becomes DIR/NAME.swm, DIR/NAME2.swm, ...  The parts
 * are made in the private folder and removed one by one.  Returns 0 or an
 * error (logged).
 */
static int copy_split(struct disk_run *r, const struct outlib_file *f)
{
	const struct pf_host *h = r->h;
	WIMStruct *wim = NULL;
	const char *src, *slash;
	char *local = NULL, *swm = NULL, *base = NULL;
	unsigned part;
	int w, ret = 0;

	if (f->host) {
		src = f->host;
	} else if (f->media) {
		ret = h->media_local_path(r->job, f->media, &local);
		if (ret) {
			h->log(PF_LOG_ERROR, NAME, "%s: cannot read from the media: %s",
			       f->media, h->strerror(ret));
			goto out;
		}
		src = local;
	} else {
		h->log(PF_LOG_ERROR, NAME, "%s: a WIM given as text cannot be split", f->path);
		ret = -PF_EUNSUPPORTED;
		goto out;
	}
	slash = strrchr(f->path, '/');
	base = strndup(slash ? slash + 1 : f->path, strlen(slash ? slash + 1 : f->path) - 4);
	if (!base || asprintf(&swm, "%s/%s.swm", r->work, base) < 0) {
		free(swm);
		swm = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	w = wimlib_open_wim(src, 0, &wim);
	if (!w) {
		wimlib_register_progress_function(wim, split_progress, r);
		w = wimlib_split(wim, swm, r->s->part_bytes, 0);
	}
	if (w == WIMLIB_ERR_ABORTED_BY_PROGRESS) {
		ret = -PF_ECANCELED;
		goto out;
	}
	if (w) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot split into .swm parts: %s", f->path,
		       wimlib_get_error_string((enum wimlib_error_code)w));
		ret = -PF_EWIM;
		goto out;
	}
	for (part = 1; !ret; part++) {
		char *name = NULL, *dest = NULL;
		struct stat st;
		int n;

		if (part == 1)
			n = asprintf(&name, "%s/%s.swm", r->work, base);
		else
			n = asprintf(&name, "%s/%s%u.swm", r->work, base, part);
		if (n < 0) {
			ret = -PF_ENOMEM;
			break;
		}
		if (stat(name, &st) != 0) {
			free(name);
			break; /* no more parts */
		}
		if ((uint64_t)st.st_size > FAT32_MAX_FILE) {
			h->log(PF_LOG_ERROR, NAME, "%s: part %u is still 4 GiB or more (one "
			       "resource of the WIM is that large)", f->path, part);
			ret = -PF_EUNSUPPORTED;
		} else if (part == 1) {
			n = asprintf(&dest, "::/%.*s%s.swm", (int)(slash ? slash + 1 - f->path : 0),
				     f->path, base);
		} else {
			n = asprintf(&dest, "::/%.*s%s%u.swm",
				     (int)(slash ? slash + 1 - f->path : 0), f->path, base, part);
		}
		if (!ret && n < 0)
			ret = -PF_ENOMEM;
		if (!ret)
			ret = mcopy_file(r, f->path, name, dest);
		unlink(name);
		free(name);
		free(dest);
	}
	/* remove parts left by a failure */
	for (; ret && part < 1000; part++) {
		char *name = NULL;

		if (asprintf(&name, "%s/%s%u.swm", r->work, base, part) < 0)
			break;
		if (unlink(name) != 0) {
			free(name);
			break;
		}
		free(name);
	}
out:
	if (wim)
		wimlib_free(wim);
	free(local);
	free(swm);
	free(base);
	return ret;
}

/*
 * Copy medium file F onto the partition: a host file or a folder source's
 * own file directly, bytes and other media files through a temporary file in the private folder (removed at
 * once), a .wim too large for FAT32 split.  Returns 0 or an error (logged).
 */
static int copy_file(struct disk_run *r, const struct outlib_file *f)
{
	const struct pf_host *h = r->h;
	struct outlib_file tf = { .path = "file", .data = f->data, .size = f->size };
	char *tmp = NULL, *dest = NULL;
	int ret;

	if (f->size > r->s->split_bytes)
		return copy_split(r, f);
	dest = target(f->path);
	if (!dest)
		return -PF_ENOMEM;
	if (f->host) {
		ret = mcopy_file(r, f->path, f->host, dest);
		goto out;
	}
	/* a folder source's own file: mcopy reads it there, no copy first */
	if (f->media && !outlib_media_host(h, r->job, f->media, &tmp)) {
		ret = mcopy_file(r, f->path, tmp, dest);
		goto out;
	}
	if (asprintf(&tmp, "%s/file", r->work) < 0) {
		tmp = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	tf.media = f->media;
	ret = outlib_put(h, r->job, NAME, r->work, &tf, 0);
	if (!ret)
		ret = mcopy_file(r, f->path, tmp, dest);
	unlink(tmp);
out:
	free(tmp);
	free(dest);
	return ret;
}

/* Warn when the image cannot boot on a platform. */
static void warn_boot(const struct pf_host *h, const struct outlib_files *files)
{
	int bootmgr = 0, efi = 0;
	size_t i;

	for (i = 0; i < files->n; i++) {
		const char *p = files->v[i].path;

		if (!strcasecmp(p, "bootmgr"))
			bootmgr = 1;
		if (!strncasecmp(p, "efi/boot/boot", 13) && strlen(p) > 17 &&
		    !strcasecmp(p + strlen(p) - 4, ".efi") && !strchr(p + 9, '/'))
			efi = 1;
	}
	if (!bootmgr)
		h->log(PF_LOG_WARN, NAME, "the media have no bootmgr: the disk image will "
		       "not boot on BIOS");
	if (!efi)
		h->log(PF_LOG_WARN, NAME, "the media have no efi/boot/boot*.efi: the disk "
		       "image will not boot on UEFI");
}

/*
 * Format the partition of the image R->img (already sized, MBR written)
 * and fill it.  Returns 0 or an error (logged).
 */
static int fill_image(struct disk_run *r, const struct outlib_files *files,
		      uint32_t part_sectors)
{
	char total[32], cluster[16], hidden[16];
	char *mformat[] = { r->s->mformat, (char *)"-i", r->drive, (char *)"-F",
			    (char *)"-c", cluster, (char *)"-T", total, (char *)"-h",
			    (char *)"255", (char *)"-s", (char *)"63", (char *)"-H", hidden,
			    (char *)"-v", (char *)FAT_LABEL, (char *)"::", NULL };
	size_t i;
	int ret;

	snprintf(total, sizeof(total), "%" PRIu32, part_sectors);
	snprintf(cluster, sizeof(cluster), "%u", cluster_sectors(part_sectors));
	snprintf(hidden, sizeof(hidden), "%u", PART_LBA);
	if ((ret = run_tool(r, "formatting the FAT32 partition", mformat)) ||
	    (ret = install_syslinux(r)) ||
	    (ret = sync_backup_boot(r)) ||
	    (ret = make_folders(r, files)))
		return ret;
	ret = r->h->progress(r->job, "writing disk image", 0, r->total);
	for (i = 0; !ret && i < files->n; i++) {
		ret = copy_file(r, &files->v[i]);
		if (ret)
			return ret;
		r->done += files->v[i].size;
		ret = r->h->progress(r->job, "writing disk image", r->done, r->total);
	}
	return ret; /* -PF_ECANCELED when the run was canceled */
}

/* Write the disk image at outputs.disk.path, whole or not at all. */
int disk_run(void *state, struct pf_job *job)
{
	struct disk_state *s = state;
	const struct pf_host *h = s->host;
	struct disk_run r = { 0 };
	struct outlib_files files = { 0 };
	char *final = NULL, *tmp = NULL;
	uint32_t part_sectors = 0;
	uint64_t total = 0;
	int fd = -1, ret;

	r.s = s;
	r.h = h;
	r.job = job;
	ret = h->output_path(job, s->path, &final);
	if (ret)
		goto out;
	if (strstr(final, "@@")) {
		h->log(PF_LOG_ERROR, NAME, "%s: the name must not contain '@@' (mtools "
		       "reads it as an offset)", final);
		ret = -PF_ERECIPE;
		goto out;
	}
	ret = outlib_medium_files(h, job, NAME, &files);
	if (ret)
		goto out;
	ret = plan_size(s, &files, &part_sectors, &total);
	if (ret)
		goto out;
	warn_boot(h, &files);
	r.total = total;
	r.envp = tool_env();
	if (!r.envp || asprintf(&r.work, "%s/disk-XXXXXX", h->job_tmpdir(job)) < 0) {
		r.work = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	if (!mkdtemp(r.work)) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot create: %s", r.work, strerror(errno));
		free(r.work);
		r.work = NULL;
		ret = -PF_EIO;
		goto out;
	}
	ret = h->output_begin(job, final, &tmp, &fd);
	if (ret)
		goto out;
	r.img = tmp;
	r.fd = fd;
	if (asprintf(&r.drive, "%s@@%" PRIu64, tmp, PART_OFFSET) < 0) {
		r.drive = NULL;
		ret = -PF_ENOMEM;
	} else if (ftruncate(fd, (off_t)((uint64_t)(part_sectors + PART_LBA) * SECTOR)) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot size the image: %s", final,
		       strerror(errno));
		ret = -PF_EIO;
	} else {
		h->log(PF_LOG_DEBUG, NAME, "%s: %" PRIu32 " MiB, FAT32 from sector %u, "
		       "%u-sector clusters", final, (part_sectors + PART_LBA) / (MIB / SECTOR),
		       PART_LBA, cluster_sectors(part_sectors));
		ret = write_mbr(s, fd, final, part_sectors);
	}
	if (!ret)
		ret = fill_image(&r, &files, part_sectors);
	if (ret) {
		h->output_abort(job, fd, tmp);
		goto out;
	}
	ret = h->output_commit(job, fd, tmp, final);
out:
	if (r.work)
		rmdir(r.work);
	free(r.work);
	free(r.drive);
	free(r.envp);
	outlib_files_free(&files);
	free(tmp);
	free(final);
	return ret;
}
