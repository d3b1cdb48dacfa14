/*
 * core/stage.c - step 7 of a run: the plan's start script, overlay, files,
 * media and answer files become the job's staging edits (struct pf_edit),
 * which the drivers plugin, the injector and the outputs then apply.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job.h"
#include "log.h"
#include "pipeline.h"
#include "recipe.h"
#include "stage.h"
#include "util.h"

/* Add one edit to the job's staging. */
static int stage(struct pf_job *job, enum pf_edit_op op, enum pf_edit_target target,
		 const char *path, const char *src, const void *data, size_t len,
		 const char *origin)
{
	struct pf_edit e = {
		.op = op, .target = target, .path = path, .src = src,
		.data = data, .len = len, .origin = origin,
	};

	return pf_host_table.edit_add(job, &e);
}

/* Stage the files of `files` (TARGET image) or `media` (TARGET medium). */
static int stage_files(struct pf_job *job, const struct pf_plan *plan,
		       const struct pf_plan_file *files, size_t n,
		       enum pf_edit_target target, const char *origin)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		if (files[i].src) {
			if (!pf_is_file(files[i].src)) {
				pf_err("%s: %s[\"%s\"]: %s: no such file", plan->recipe,
				       origin, files[i].dest, files[i].src);
				return -PF_ENOENT;
			}
			ret = stage(job, PF_EDIT_ADD_FILE, target, files[i].dest,
				    files[i].src, NULL, 0, origin);
		} else {
			ret = stage(job, PF_EDIT_ADD_DATA, target, files[i].dest, NULL,
				    files[i].data, files[i].len, origin);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* Folders nested deeper in the overlay are refused (the depth limit of
 * every walk over a host folder, docs/recipes.md). */
#define OVERLAY_MAX_DEPTH 64

/* A folder on the way down the overlay: DIR itself, then its parents. */
struct overlay_up {
	dev_t dev;
	ino_t ino;
	int depth;                    /* 0 for the overlay itself */
	const struct overlay_up *next;
};

/*
 * Check that no symlink under DIR (the overlay, whose real path is ROOT)
 * points outside ROOT: the image must not pick up files from elsewhere on
 * the host.  UP holds DIR and the folders above it, so a folder that is one
 * of them (a bind mount looping back) or one deeper than OVERLAY_MAX_DEPTH
 * is refused too.  Returns 0, or -PF_ERECIPE with one error line naming the
 * link or folder.
 */
static int check_overlay_links(const char *recipe, const char *root, const char *dir,
			       const struct overlay_up *up)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		pf_err("%s: overlay: %s: cannot read folder: %s", recipe, dir, strerror(errno));
		return -PF_EIO;
	}
	while (!ret && (de = readdir(d))) {
		char *sub, *real;
		struct stat st;
		size_t n = strlen(root);

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = pf_path_join(dir, de->d_name);
		if (!sub) {
			ret = -PF_ENOMEM;
			break;
		}
		if (lstat(sub, &st) == 0 && S_ISLNK(st.st_mode)) {
			real = realpath(sub, NULL);
			if (!real || strncmp(real, root, n) || (real[n] && real[n] != '/')) {
				pf_err("%s: overlay: %s is a symlink pointing outside the overlay "
				       "(%s)", recipe, sub, real ? real : "a missing target");
				ret = -PF_ERECIPE;
			}
			free(real);
		} else if (S_ISDIR(st.st_mode)) {
			struct overlay_up here = { st.st_dev, st.st_ino, up->depth + 1, up };
			const struct overlay_up *a;

			for (a = up; a; a = a->next)
				if (a->dev == st.st_dev && a->ino == st.st_ino)
					break;
			if (a) {
				pf_err("%s: overlay: %s: this folder loops back to one above it "
				       "(a bind mount): the tree would never end", recipe, sub);
				ret = -PF_ERECIPE;
			} else if (here.depth > OVERLAY_MAX_DEPTH) {
				pf_err("%s: overlay: %s: folder tree deeper than %d levels",
				       recipe, sub, OVERLAY_MAX_DEPTH);
				ret = -PF_ERECIPE;
			} else {
				ret = check_overlay_links(recipe, root, sub, &here);
			}
		}
		free(sub);
	}
	closedir(d);
	return ret;
}

/*
 * Turn the plan into staging edits: the start script as X:\start.cmd with
 * CRLF ends and a winpeshl.ini that launches it (as mkwinpeimg does), the
 * overlay, `files`, `media` and the answer file at the medium's root.
 */
int pf_stage_plan(struct pf_job *job, const struct pf_plan *plan)
{
	const char *name = plan->start_name ? plan->start_name : "start.cmd";
	int ret;

	if (plan->start) {
		size_t n;
		char *crlf = pf_text_crlf(plan->start, plan->start_len, &n);
		char *winpeshl = pf_asprintf("[LaunchApps]\r\n%%SYSTEMDRIVE%%\\%s\r\n", name);

		ret = -PF_ENOMEM;
		if (crlf && winpeshl)
			ret = stage(job, PF_EDIT_ADD_DATA, PF_TARGET_IMAGE, name, NULL,
				    crlf, n, "start");
		if (!ret)
			ret = stage(job, PF_EDIT_ADD_DATA, PF_TARGET_IMAGE,
				    "Windows/System32/winpeshl.ini", NULL, winpeshl,
				    strlen(winpeshl), "start");
		free(crlf);
		free(winpeshl);
		if (ret)
			return ret;
	}
	if (plan->overlay) {
		struct overlay_up up = { 0, 0, 0, NULL };
		struct stat top;
		char *root;

		if (!pf_is_dir(plan->overlay)) {
			pf_err("%s: overlay: %s: no such folder", plan->recipe, plan->overlay);
			return -PF_ENOENT;
		}
		root = realpath(plan->overlay, NULL);
		if (!root)
			return -PF_ENOMEM;
		if (stat(root, &top) != 0) {
			pf_err("%s: overlay: %s: %s", plan->recipe, plan->overlay,
			       strerror(errno));
			free(root);
			return -PF_EIO;
		}
		up.dev = top.st_dev;
		up.ino = top.st_ino;
		ret = check_overlay_links(plan->recipe, root, plan->overlay, &up);
		free(root);
		if (ret)
			return ret;
		ret = stage(job, PF_EDIT_ADD_TREE, PF_TARGET_IMAGE, "", plan->overlay,
			    NULL, 0, "overlay");
		if (ret)
			return ret;
	}
	ret = stage_files(job, plan, plan->files, plan->nfiles, PF_TARGET_IMAGE, "files");
	if (!ret)
		ret = stage_files(job, plan, plan->media, plan->nmedia, PF_TARGET_MEDIUM,
				  "media");
	if (!ret && plan->unattend)
		ret = stage(job, PF_EDIT_ADD_DATA, PF_TARGET_MEDIUM, "autounattend.xml",
			    NULL, plan->unattend, plan->unattend_len, "unattend");
	return ret;
}
