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

/* An empty tree; `who` names the plugin in messages.  NULL on no memory. */
struct hostfs *hostfs_new(const struct pf_host *host, const char *who);

/* Map media path VPATH ("" = root) to host path HOST (copied). */
int hostfs_map(struct hostfs *fs, const char *vpath, const char *host);

/* The media operations over a hostfs; the media state is the hostfs and
 * ops->free frees it. */
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
