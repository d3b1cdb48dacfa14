/*
 * plugins/lib/outlib.h - helpers shared by the output plugins (in the
 * convenience library libpfplug; no core symbol): streaming media files,
 * whole-or-absent files and folders, writing one file of a tree, the boot medium's file list, and finding files of installed
 * Debian packages (syslinux, pxelinux).
 */
#ifndef PEFORGE_PLUGINS_OUTLIB_H
#define PEFORGE_PLUGINS_OUTLIB_H

#include <stdint.h>
#include "peforge/plugin.h"
#include "fsutil.h"

/* Copy media file PATH to the open descriptor FD (at its current offset).
 * Errors are logged with WHO. */
int outlib_media_to_fd(const struct pf_host *h, struct pf_job *job, const char *who,
		       const char *path, int fd);

/* The source's own host file of media file MEDIA (*OUT malloc'd), when the
 * source has one (a folder) and the core can say it (host member
 * media_host_path); else -PF_EUNSUPPORTED, not logged: read it through
 * media_read. */
int outlib_media_host(const struct pf_host *h, struct pf_job *job, const char *media,
		      char **out);

/* Copy host file SRC to FD.  Errors are logged with WHO. */
int outlib_file_to_fd(const struct pf_host *h, const char *who, const char *src, int fd);

/* Write LEN bytes of DATA to FD.  Errors are logged with WHO and WHAT. */
int outlib_write_all(const struct pf_host *h, const char *who, const char *what,
		     int fd, const void *data, size_t len);

/* Write the file FINAL (absolute) whole or not at all, with DATA.  It is
 * listed among the run's outputs. */
int outlib_write_output(const struct pf_host *h, struct pf_job *job, const char *who,
			const char *final, const void *data, size_t len);

/*
 * Whole-or-absent folders: outlib_dir_begin makes an empty temporary folder
 * beside FINAL (*TMP, malloc'd) to fill; outlib_dir_commit puts it in place
 * of FINAL (an existing FINAL is moved aside first and removed after);
 * outlib_dir_abort removes it.  Errors are logged with WHO.
 */
int outlib_dir_begin(const struct pf_host *h, const char *who, const char *final,
		     char **tmp);
int outlib_dir_commit(const struct pf_host *h, const char *who, const char *tmp,
		      const char *final);
void outlib_dir_abort(const char *tmp);

/*
 * The same in the run's transaction (host output_dir_begin and
 * output_dir_commit, when the core has them): the folder is made under a
 * name the core journals, and "commit" only stages it: the core replaces
 * FINAL whole at the end of a successful run, with every other output,
 * and lists it among the outputs.  With an older core, as above.
 */
int outlib_dir_begin_job(const struct pf_host *h, struct pf_job *job, const char *who,
			 const char *final, char **tmp);
int outlib_dir_commit_job(const struct pf_host *h, struct pf_job *job, const char *who,
			  const char *tmp, const char *final);

/*
 * The file an output writes: ARGS' "path" for output WHO ("iso"), claimed
 * (outlib_claim) so that the core checks it before any work.  Absent or
 * empty: one error line showing EXAMPLE (`outputs = { iso = "winpe.iso" }`)
 * and -PF_ERECIPE.  *PATH is the args' string.
 */
int outlib_file_arg(const struct pf_host *h, const struct pf_args *args, const char *who,
		    const char *example, const char **path);

/* host->output_claim when the core has it (call from open), else 0. */
int outlib_claim(const struct pf_host *h, const struct pf_args *args, const char *name,
		 int folder);

/* 1 when folder DIR may be replaced whole: it is empty, or the first line
 * of its README.txt starts with MARK (a folder the same plugin wrote). */
int outlib_dir_replaceable(const char *dir, const char *mark);

/* Create the folders of PATH's parent under ROOT (mkdir -p). */
int outlib_mkparents(const struct pf_host *h, const char *who, const char *root,
		     const char *path);

/* One file of the boot medium: from the media, from a host file, or bytes. */
struct outlib_file {
	const char *path;     /* on the medium, '/'-separated, as it should be named */
	const char *media;    /* media path to read, or NULL */
	const char *host;     /* host file to read, or NULL */
	const void *data;     /* bytes, or NULL */
	uint64_t size;
};

/*
 * The files of the boot medium, in a stable order: the media's boot files
 * (bootmgr, bootmgr.efi, boot/, efi/ — the whole folders as found on the
 * media, with lower-case names), sources/boot.wim = the run's WIM (as a host
 * file), then the medium edits of the staging (recipe `media`, the answer
 * file), a later one replacing an earlier one with the same path.  Strings
 * and data point into the job or into *OUT's own storage: free with
 * outlib_files_free.  Returns 0 or an error (logged).
 */
struct outlib_files {
	struct outlib_file *v;
	size_t n;
	char **owned;
	size_t nowned;
};
int outlib_medium_files(const struct pf_host *h, struct pf_job *job, const char *who,
			struct outlib_files *out);

#ifndef PF_MEDIA_MAX_DEPTH
/* Folders nested deeper are refused (Windows media nest about 10 deep):
 * the depth limit of every tree walk over media (docs/plugins.md). */
#define PF_MEDIA_MAX_DEPTH 64
#endif

/*
 * Before listing media folder DIR in a recursive walk: 0, or -PF_EIO with
 * one error line (WHO) when DIR is PF_MEDIA_MAX_DEPTH or more names deep,
 * so a tree that loops back (and a source that does not say so) ends.
 */
int outlib_walk_depth(const struct pf_host *h, const char *who, const char *dir);
void outlib_files_free(struct outlib_files *f);

/*
 * Write medium file F as ROOT/F->path (its folders made): from the media, a
 * host file (with FSU_LINK in FLAGS, a hard link when possible) or bytes.
 * A media file the source holds as a host file (a folder source) is copied
 * by the kernel (fsu_copy_fd: clone or copy_file_range), never linked.
 * FLAGS: FSU_EXCL, FSU_OPEN_MODES, FSU_LINK.  Errors are logged with WHO.
 */
int outlib_put(const struct pf_host *h, struct pf_job *job, const char *who,
	       const char *root, const struct outlib_file *f, unsigned flags);

/* The first of the NULL-terminated CANDIDATES that is a regular file, or
 * NULL; when none is, one error line names WHAT and the Debian PACKAGE. */
const char *outlib_find_system_file(const struct pf_host *h, const char *who,
				    const char *what, const char *package,
				    const char *const *candidates);

#endif
