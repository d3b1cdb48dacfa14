/* plugins/source-iso/nodes.c - the UDF block input, and the names
 * and nodes of the directory tree. */
#include "iso.h"

/* ---- the UDF block input ---------------------------------------------- */

/*
 * Read up to LEN bytes at OFF of FD, retrying partial reads and EINTR.
 * Returns the number of bytes read (less than LEN at end of file or on an
 * error, then with errno set and *ERR = errno when ERR is not NULL).
 */
size_t pread_full(int fd, void *buf, size_t len, uint64_t off, int *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (err)
				*err = errno;
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return done;
}


/* libudfread's close: nothing, the descriptor belongs to the media state. */
int blk_close(struct udfread_block_input *in)
{
	(void)in;
	return 0;
}

/* libudfread's size: the whole blocks of the file. */
uint32_t blk_size(struct udfread_block_input *in)
{
	struct blk *b = (struct blk *)in;
	uint64_t n = b->file_size / BLOCK;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/*
 * libudfread's read: NBLOCKS blocks at LBA into BUF.  Returns how many
 * whole blocks were read; fewer than asked sets b->short_read (a truncated
 * or failing file), which the callers turn into an error message.
 */
int blk_read(struct udfread_block_input *in, uint32_t lba, void *buf,
	     uint32_t nblocks, int flags)
{
	struct blk *b = (struct blk *)in;
	uint64_t off = (uint64_t)lba * BLOCK;
	size_t got;

	(void)flags;
	if (nblocks == 0)
		return 0;
	if (nblocks > INT32_MAX / BLOCK)
		nblocks = INT32_MAX / BLOCK;
	if (b->win_n && lba >= b->win_lba && (uint64_t)lba + nblocks <=
	    (uint64_t)b->win_lba + b->win_n) {
		memcpy(buf, b->win + (size_t)(lba - b->win_lba) * BLOCK,
		       (size_t)nblocks * BLOCK);
		return (int)nblocks;
	}
	if (nblocks >= WINDOW_BLOCKS) {
		got = pread_full(b->fd, buf, (size_t)nblocks * BLOCK, off, &b->err) / BLOCK;
	} else {
		b->win_n = 0;
		got = pread_full(b->fd, b->win, (size_t)WINDOW_BLOCKS * BLOCK, off,
				 &b->err) / BLOCK;
		b->win_lba = lba;
		b->win_n = (uint32_t)got;
		if (got > nblocks)
			got = nblocks;
		memcpy(buf, b->win, got * BLOCK);
	}
	if (got < nblocks)
		b->short_read = 1;
	return (int)got;
}

/* ---- names and nodes ---------------------------------------------------- */

/* Free the listing below N (not N itself), closing UDF directory handles. */
void node_clear(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		node_clear(&n->kids[i]);
		free(n->kids[i].name);
		free(n->kids[i].raw);
	}
	free(n->kids);
	n->kids = NULL;
	n->nkids = 0;
	if (n->udir)
		udfread_closedir(n->udir);
	n->udir = NULL;
	n->loaded = 0;
}

/* Append a zeroed child to the array *KIDS of *N entries (capacity *CAP).
 * Returns the new child or NULL when out of memory. */
static struct node *kid_push(struct node **kids, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct node *grown = realloc(*kids, ncap * sizeof(*grown));

		if (!grown)
			return NULL;
		*kids = grown;
		*cap = ncap;
	}
	memset(&(*kids)[*n], 0, sizeof(**kids));
	return &(*kids)[(*n)++];
}

/*
 * The listed name of ISO 9660 record name RAW (malloc'd, caller frees):
 * the ";1" version and a trailing '.' dropped, the case kept as recorded.
 * libiso9660 lower-cases plain names only when told there is no Joliet,
 * so it is always told there is.
 */
static char *iso_display_name(const char *raw)
{
	size_t len = strlen(raw);
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	iso9660_name_translate_ext(raw, out, 1);
	len = strlen(out);
	if (len > 1 && out[len - 1] == '.')
		out[len - 1] = '\0';
	return out;
}

/*
 * The names from the root down to N joined by '/' (malloc'd; NULL when out
 * of memory).  RAW: the raw ISO 9660 names after a leading '/', the
 * libiso9660 path of a directory ("/" for the root).  Else the display
 * names: the media path for messages ("sources/boot.wim", "" for the root).
 */
static char *join_up(const struct node *n, int raw)
{
	const struct node *p;
	size_t len = 0;
	char *out;

	for (p = n; p->parent; p = p->parent)
		len += strlen(raw ? p->raw : p->name) + 1; /* the name and a '/' */
	if (raw && !len)
		len = 1;
	else if (!raw && len)
		len--; /* no '/' before the first name */
	out = malloc(len + 1);
	if (!out)
		return NULL;
	out[0] = '/';
	out[len] = '\0';
	for (p = n; p->parent; p = p->parent) {
		const char *name = raw ? p->raw : p->name;
		size_t l = strlen(name);

		len -= l;
		memcpy(out + len, name, l);
		if (len)
			out[--len] = '/';
	}
	return out;
}

/* Log one error about media file N: "ISO: FILE: WHAT". */
void log_node(struct iso_media *m, const struct node *n, const char *what)
{
	char *p = join_up(n, 0);

	m->host->log(PF_LOG_ERROR, NAME, "%s: %s: %s", m->path,
		     !p ? "?" : *p ? p : "/", what);
	free(p);
}

/* Why the block input failed, for messages. */
const char *blk_why(const struct blk *b)
{
	if (b->err)
		return strerror(b->err);
	if (b->short_read)
		return "the file ends early (truncated ISO)";
	return "unreadable UDF data";
}

/* qsort order of node pointers by name, exactly. */
static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct node *const *)a)->name,
		      (*(const struct node *const *)b)->name);
}

/*
 * Check that every one of the NKIDS KIDS of directory N has a name a path
 * can hold (not empty, ".", ".." or holding a '/': a raw "..;1" or "/"
 * would make a path name another entry, or the folder itself), and that
 * no two have the same name (a damaged image: "SOURCES.;1" beside a folder
 * SOURCES).  A name would then stand for two things, and what a path finds
 * would depend on the order of the entries.  Returns 0, -PF_EIO (logged)
 * or -PF_ENOMEM.
 */
static int check_names(struct iso_media *m, const struct node *n,
		       const struct node *kids, size_t nkids)
{
	const struct node **v;
	size_t i;
	int ret = 0;

	for (i = 0; i < nkids; i++) {
		const char *k = kids[i].name;

		if (!*k || !strcmp(k, ".") || !strcmp(k, "..") || strchr(k, '/')) {
			char why[400];

			snprintf(why, sizeof(why), "an entry named '%.300s', which no path "
				 "can name (damaged ISO)", k);
			log_node(m, n, why);
			return -PF_EIO;
		}
	}
	if (nkids < 2)
		return 0;
	v = malloc(nkids * sizeof(*v));
	if (!v)
		return -PF_ENOMEM;
	for (i = 0; i < nkids; i++)
		v[i] = &kids[i];
	qsort(v, nkids, sizeof(*v), by_name);
	for (i = 1; i < nkids && !ret; i++)
		if (!strcmp(v[i - 1]->name, v[i]->name)) {
			char why[400];

			snprintf(why, sizeof(why), "two entries named '%.300s' (damaged ISO)",
				 v[i]->name);
			log_node(m, n, why);
			ret = -PF_EIO;
		}
	free(v);
	return ret;
}

/*
 * End the loading of directory N's listing: on success (RET 0) the NKIDS
 * KIDS become its children, cached, when no two have the same name; on
 * failure they are freed.  Returns RET or check_names's error.
 */
static int adopt_kids(struct iso_media *m, struct node *n, struct node *kids, size_t nkids,
		      int ret)
{
	size_t i;

	if (!ret)
		ret = check_names(m, n, kids, nkids);
	if (ret) {
		struct node tmp = { .kids = kids, .nkids = nkids };

		node_clear(&tmp);
		return ret;
	}
	for (i = 0; i < nkids; i++)
		kids[i].parent = n;
	n->kids = kids;
	n->nkids = nkids;
	n->loaded = 1;
	return 0;
}

/*
 * Read the UDF listing of directory N into its kids (sizes from each file's
 * entry).  Returns 0, -PF_EIO (logged) or -PF_ENOMEM.
 */
static int load_udf(struct iso_media *m, struct node *n)
{
	struct udfread_dirent ent;
	struct node *kids = NULL;
	size_t nkids = 0, cap = 0;
	int ret = 0;

	m->blk.short_read = 0;
	m->blk.err = 0;
	if (!n->parent)
		n->udir = udfread_opendir(m->udf, "/");
	else
		n->udir = udfread_opendir_at(n->parent->udir, n->name);
	if (!n->udir) {
		char why[160];

		snprintf(why, sizeof(why), "cannot open UDF directory: %s", blk_why(&m->blk));
		log_node(m, n, why);
		ret = -PF_EIO;
		goto out;
	}
	while (udfread_readdir(n->udir, &ent)) {
		struct node *k;

		if (!ent.d_name || !*ent.d_name || !strcmp(ent.d_name, ".") ||
		    !strcmp(ent.d_name, ".."))
			continue;
		k = kid_push(&kids, &nkids, &cap);
		if (!k || !(k->name = strdup(ent.d_name))) {
			ret = -PF_ENOMEM;
			goto out;
		}
		k->is_dir = ent.d_type == UDF_DT_DIR;
		if (!k->is_dir) {
			UDFFILE *f = udfread_file_openat(n->udir, ent.d_name);
			int64_t sz = f ? udfread_file_size(f) : -1;

			if (f)
				udfread_file_close(f);
			if (sz < 0) {
				char *p = join_up(n, 0);

				m->host->log(PF_LOG_ERROR, NAME, "%s: %s%s%s: cannot read UDF "
					     "file entry: %s", m->path, p ? p : "",
					     p && *p ? "/" : "", ent.d_name, blk_why(&m->blk));
				free(p);
				ret = -PF_EIO;
				goto out;
			}
			k->size = (uint64_t)sz;
		}
	}
	if (m->blk.short_read || m->blk.err) {
		log_node(m, n, blk_why(&m->blk));
		ret = -PF_EIO;
		goto out;
	}
out:
	if (ret && n->udir)
		udfread_closedir(n->udir);
	if (ret)
		n->udir = NULL;
	return adopt_kids(m, n, kids, nkids, ret);
}

/*
 * Refuse directory K, listed in N, when its extent is that of N or of one
 * of N's ancestors: the tree would loop back on itself, and every walk
 * over it would run forever.  Returns 0 or -PF_EIO (logged).
 */
static int check_loop(struct iso_media *m, const struct node *n, const struct node *k)
{
	const struct node *a;
	char why[400], *p;

	for (a = n; a; a = a->parent) {
		if (a->lsn != k->lsn)
			continue;
		p = join_up(a, 0);
		snprintf(why, sizeof(why), "directory '%s' loops back to '%s' (damaged ISO)",
			 k->name, !p ? "?" : *p ? p : "/");
		free(p);
		log_node(m, n, why);
		return -PF_EIO;
	}
	return 0;
}

/* The largest ISO 9660 directory read: 16 MiB, some 100,000 entries. */
#define ISO_DIR_MAX (16u << 20)

/*
 * Check the raw directory records of directory N (SIZE bytes at sector
 * LSN) before libiso9660 parses them: each record within its sector, at
 * least 33 bytes, its name within the record.  libiso9660 trusts these
 * lengths (a Joliet name longer than its record overflows its buffer: found
 * by the iso fuzzer).  Returns 0, -PF_EIO (logged) or -PF_ENOMEM.
 */
static int check_records(struct iso_media *m, const struct node *n, uint32_t lsn,
			 uint32_t size)
{
	long blocks = (long)((size + ISO_BLOCKSIZE - 1) / ISO_BLOCKSIZE);
	unsigned char *buf;
	long b;
	int ret = 0;

	if (!blocks)
		return 0;
	buf = malloc((size_t)blocks * ISO_BLOCKSIZE);
	if (!buf)
		return -PF_ENOMEM;
	if (iso9660_iso_seek_read(m->iso, buf, lsn, blocks) != blocks * ISO_BLOCKSIZE) {
		log_node(m, n, "cannot read ISO 9660 directory (damaged or truncated ISO)");
		ret = -PF_EIO;
		goto out;
	}
	for (b = 0; b < blocks && !ret; b++) {
		const unsigned char *sec = buf + (size_t)b * ISO_BLOCKSIZE;
		unsigned o = 0;

		while (o < ISO_BLOCKSIZE && sec[o]) {
			unsigned len = sec[o];

			if (len < 33 || o + len > ISO_BLOCKSIZE || 33u + sec[o + 32] > len) {
				log_node(m, n, "a directory record overruns its sector or holds "
					 "a name longer than itself (damaged ISO)");
				ret = -PF_EIO;
				break;
			}
			o += len;
		}
	}
out:
	free(buf);
	return ret;
}

/*
 * Read the ISO 9660 (or Joliet) listing of directory N into its kids.
 * Returns 0, -PF_EIO (logged) or -PF_ENOMEM.
 */
static int load_iso(struct iso_media *m, struct node *n)
{
	CdioISO9660FileList_t *list = NULL;
	CdioListNode_t *ln;
	struct node *kids = NULL;
	size_t nkids = 0, cap = 0;
	char *dpath = join_up(n, 1);
	int ret = 0;

	if (!dpath) {
		ret = -PF_ENOMEM;
		goto out;
	}
	/* libiso9660 allocates the directory's whole recorded size at once:
	 * a damaged record saying gigabytes must not get that far */
	{
		iso9660_stat_t *dst = iso9660_ifs_stat_translate(m->iso, dpath);
		uint32_t dsize = dst ? dst->size : 0;
		uint32_t dlsn = dst ? (uint32_t)dst->lsn : 0;

		if (dst)
			iso9660_stat_free(dst);
		if (dsize <= ISO_DIR_MAX && dst && (ret = check_records(m, n, dlsn, dsize)))
			goto out;
		if (dsize > ISO_DIR_MAX) {
			char why[160];

			snprintf(why, sizeof(why), "directory of %u bytes, more than %u (damaged "
				 "ISO: a Windows media folder takes a few KB)", (unsigned)dsize,
				 (unsigned)ISO_DIR_MAX);
			log_node(m, n, why);
			ret = -PF_EIO;
			goto out;
		}
	}
	list = iso9660_ifs_readdir(m->iso, dpath);
	if (!list) {
		log_node(m, n, "cannot read ISO 9660 directory (damaged or truncated ISO)");
		ret = -PF_EIO;
		goto out;
	}
	_CDIO_LIST_FOREACH(ln, list) {
		iso9660_stat_t *st = _cdio_list_node_data(ln);
		struct node *k;

		if (st && !n->parent && !strcmp(st->filename, "."))
			n->lsn = (uint32_t)st->lsn; /* the root's own extent */
		if (!st || !st->filename[0] || !strcmp(st->filename, ".") ||
		    !strcmp(st->filename, ".."))
			continue;
		k = kid_push(&kids, &nkids, &cap);
		if (!k || !(k->raw = strdup(st->filename)) ||
		    !(k->name = iso_display_name(st->filename))) {
			ret = -PF_ENOMEM;
			goto out;
		}
		k->is_dir = st->type == _STAT_DIR;
		k->size = k->is_dir ? 0 : st->size;
		k->lsn = (uint32_t)st->lsn;
		if (k->is_dir && (ret = check_loop(m, n, k)))
			goto out;
	}
out:
	if (list)
		iso9660_filelist_free(list);
	free(dpath);
	return adopt_kids(m, n, kids, nkids, ret);
}

/* Make sure directory N's listing is cached.  Returns 0 or a -PF_E* code. */
int load_dir(struct iso_media *m, struct node *n)
{
	const struct node *p;
	int depth = 0;

	if (n->loaded)
		return 0;
	for (p = n; p->parent; p = p->parent)
		depth++;
	if (depth >= PF_MEDIA_MAX_DEPTH) {
		char why[120];

		snprintf(why, sizeof(why), "folder tree deeper than %d levels (damaged "
			 "ISO, or a directory that loops back)", PF_MEDIA_MAX_DEPTH);
		log_node(m, n, why);
		return -PF_EIO;
	}
	return m->udf ? load_udf(m, n) : load_iso(m, n);
}

/* The child of loaded directory DIR named NAME: exact match first, then
 * case-insensitive.  NULL when absent. */
static struct node *find_kid(struct node *dir, const char *name)
{
	size_t i;

	for (i = 0; i < dir->nkids; i++)
		if (!strcmp(dir->kids[i].name, name))
			return &dir->kids[i];
	for (i = 0; i < dir->nkids; i++)
		if (!strcasecmp(dir->kids[i].name, name))
			return &dir->kids[i];
	return NULL;
}

/*
 * Resolve media path PATH ('/' or '\\' separated, "" = root) to its node,
 * reading and caching the directories on the way.  Returns 0 with *OUT
 * set, -PF_ENOENT, -PF_EINVAL (a ".." name), -PF_EIO (logged) or
 * -PF_ENOMEM.  The node belongs to M.
 */
int resolve(struct iso_media *m, const char *path, struct node **out)
{
	struct node *cur = &m->root;
	char *copy = strdup(path ? path : ""), *seg, *save = NULL;
	int ret = 0;

	if (!copy)
		return -PF_ENOMEM;
	for (seg = strtok_r(copy, "/\\", &save); seg; seg = strtok_r(NULL, "/\\", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			ret = -PF_EINVAL;
			goto out;
		}
		if (!cur->is_dir) {
			ret = -PF_ENOENT;
			goto out;
		}
		ret = load_dir(m, cur);
		if (ret)
			goto out;
		cur = find_kid(cur, seg);
		if (!cur) {
			ret = -PF_ENOENT;
			goto out;
		}
	}
	*out = cur;
out:
	free(copy);
	return ret;
}
