/*
 * plugins/hostfs.h - a read-only, case-insensitive media tree over host
 * files, shared by the source plugins that read folders (dir, adk, wim).
 *
 * A tree is a list of mappings from a media path to a host path, tried in
 * order: { "", "/srv/win" } maps the whole tree onto a folder;
 * { "sources/boot.wim", "/x/winpe.wim" } puts one host file (or folder) at a
 * media path.  Every media name is matched case-insensitively, as on the
 * Windows media themselves.  Compiled into each plugin (no core symbol).
 */
#ifndef PEFORGE_PLUGINS_HOSTFS_H
#define PEFORGE_PLUGINS_HOSTFS_H

#include "peforge/plugin.h"

struct hostfs;

#ifndef PF_MEDIA_MAX_DEPTH
/* Folders nested deeper are refused (Windows media nest about 10 deep):
 * the depth limit of every tree walk over media (docs/plugins.md). */
#define PF_MEDIA_MAX_DEPTH 64
#endif

/* An empty tree; `who` names the plugin in messages.  NULL on no memory. */
struct hostfs *hostfs_new(const struct pf_host *host, const char *who);

/* Map media path VPATH ("" = root) to host path HOST (copied). */
int hostfs_map(struct hostfs *fs, const char *vpath, const char *host);

/* The media operations over a hostfs; the media state is the hostfs and
 * ops->free frees it.  Listing a folder deeper than PF_MEDIA_MAX_DEPTH, or
 * one holding a folder that is itself or one above it (a symbolic link or
 * a bind mount looping back: same st_dev and st_ino), fails with -PF_EIO
 * and one error line naming the host path, so no walk runs forever. */
extern const struct pf_media_ops hostfs_ops;

/*
 * Resolve media path PATH under host folder ROOT, matching each name
 * case-insensitively (an exact match wins).  *OUT is malloc'd.  Returns 0,
 * -PF_ENOENT, -PF_EINVAL (a ".." name) or -PF_ENOMEM.
 */
int hostfs_resolve(const char *root, const char *path, char **out);

/* 1 when host file ROOT/PATH (case-insensitive) is a regular file. */
int hostfs_has_file(const char *root, const char *path);

/* 1 when host ROOT/PATH (case-insensitive) is a folder. */
int hostfs_has_dir(const char *root, const char *path);

#endif
