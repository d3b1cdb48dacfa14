/*
 * plugins/output-samba.c - output plugin "samba": what the Samba server of
 * a network install needs, in one folder written whole or not at all:
 *
 *   DIR/smb.conf.fragment  the share, to add to an existing smb.conf
 *   DIR/smb.conf           a whole smb.conf for a dedicated server
 *   DIR/README.txt         where each thing goes; the smbpasswd line
 *   DIR/deploy-password    (default mode: the deployment account) the
 *                          generated password, mode 0600, read back by the
 *                          next build into the same output folder
 *   DIR/create-account.sh  (same) creates that account on a Samba server
 *                          with that password, mode 0700
 *   DIR/share/             the files for the share's root: the files staged
 *                          on the boot medium that are not boot files (the
 *                          answer file autounattend.xml, the recipe's
 *                          `media` files) and, with copy_media = true, the
 *                          whole media tree, read through the source plugin
 *                          (an ISO is read in place, never mounted)
 *
 * The configuration text is NOT made here: it comes from the Lua library
 * (pe.smbconf), through the arguments `text` (the fragment) and
 * `standalone` (the whole file).  The recipe gives either
 * outputs.samba = { dir = "samba", share = "REMINST", path = "/srv/winimg" }
 * or outputs.samba = "/srv/winimg" (= { path = ... }), which peforge's
 * finalizer renders with pe.smbconf, or a table with `text`.
 * Other arguments: dir (default "samba", relative to the output folder),
 * share, path, mode ("guest"/"user"), smbpasswd (the command creating the
 * user), copy_media (boolean), error (a message from the finalizer).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outlib.h"

#define NAME "samba"

struct out_state {
	const struct pf_host *host;
	const char *dir;        /* the folder to write, as given */
	const char *text;       /* smb.conf fragment */
	const char *standalone; /* whole smb.conf, or NULL */
	const char *share;      /* share name, or NULL */
	const char *path;       /* the share's folder on the server, or NULL */
	const char *mode;       /* "guest", "user" or NULL */
	const char *smbpasswd;  /* "smbpasswd -a USER", or NULL */
	const char *user;       /* the deployment account, or NULL */
	const char *password;   /* its password (letters and digits), or NULL */
	int copy_media;
};

/* 1 when S is not empty and holds only ASCII letters, digits and EXTRA. */
static int plain_word(const char *s, const char *extra)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return 0;
	return 1;
}

/*
 * Read the arguments.  Fails with one error line when the finalizer
 * reported a mistake (`error`), or when there is no configuration text.
 * *STATE is malloc'd; freed by out_close.
 */
static int out_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	struct out_state *s;
	const char *err = host->arg_string(args, "error");
	const char *text = host->arg_string(args, "text");
	int copy;

	if (err) {
		host->log(PF_LOG_ERROR, NAME, "%s", err);
		return -PF_ERECIPE;
	}
	if (!text) {
		host->log(PF_LOG_ERROR, NAME, "outputs.samba: no smb.conf text: give the share "
			  "as a table (outputs.samba = { dir = \"samba\", share = \"REMINST\", "
			  "path = \"/srv/winimg\" }) or text = pe.smbconf{...}.text");
		return -PF_ERECIPE;
	}
	copy = host->arg_bool(args, "copy_media", 0);
	if (copy < 0)
		return copy;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	s->dir = host->arg_string(args, "dir");
	if (!s->dir || !*s->dir)
		s->dir = "samba";
	s->text = text;
	s->standalone = host->arg_string(args, "standalone");
	s->share = host->arg_string(args, "share");
	s->path = host->arg_string(args, "path");
	s->mode = host->arg_string(args, "mode");
	s->smbpasswd = host->arg_string(args, "smbpasswd");
	s->user = host->arg_string(args, "user");
	s->password = host->arg_string(args, "password");
	if (s->password && (!s->user || !plain_word(s->user, "._-") || !plain_word(s->password, ""))) {
		/* never the password in the message */
		host->log(PF_LOG_ERROR, NAME, "outputs.samba: the deployment account's user "
			  "name or password is not letters and digits");
		free(s);
		return -PF_ERECIPE;
	}
	s->copy_media = copy;
	if (outlib_claim(host, args, s->dir, 1)) { /* checked before any work */
		free(s);
		return -PF_ERECIPE;
	}
	*state = s;
	return 0;
}

static void out_close(void *state)
{
	free(state);
}

/* The first line of README.txt: how a folder this plugin wrote is known. */
#define README_MARK "Samba share files for network installs - written by peforge"


/*
 * The absolute path of the folder DIR (relative to the output folder, or
 * absolute) in *OUT (malloc'd), checked: its parent exists; it is not the
 * output folder or one holding it; when it exists it is a folder, empty or
 * written by this plugin (it is replaced whole, so never someone's
 * /srv/winimg).
 */
static int folder_path(const struct pf_host *h, struct pf_job *job, const char *dir,
		       char **out)
{
	const char *outdir = h->job_outdir(job);
	char *p = NULL, *copy = NULL;
	size_t n;
	struct stat st;
	int ret = 0;

	if (PF_HOST_HAS(h, output_dir_path)) {
		ret = h->output_dir_path(job, dir, &p);
		if (ret)
			return ret;
	} else {
		if (dir[0] == '/')
			p = strdup(dir);
		else if (asprintf(&p, "%s/%s", outdir, dir) < 0)
			p = NULL;
		if (!p)
			return -PF_ENOMEM;
		n = strlen(p);
		while (n > 1 && p[n - 1] == '/')
			p[--n] = '\0';
		copy = strdup(p);
		if (!copy) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (stat(dirname(copy), &st) != 0 || !S_ISDIR(st.st_mode)) {
			h->log(PF_LOG_ERROR, NAME, "%s: output folder %s does not exist", dir, copy);
			ret = -PF_ENOENT;
			goto out;
		}
	}
	n = strlen(p);
	if (!strcmp(p, "/") || (!strncmp(outdir, p, n) && (outdir[n] == '\0' || outdir[n] == '/'))) {
		h->log(PF_LOG_ERROR, NAME, "outputs.samba: dir = \"%s\" is the output folder or "
		       "holds it, and the samba folder replaces its folder whole: give a "
		       "sub-folder such as \"samba\"", dir);
		ret = -PF_ERECIPE;
		goto out;
	}
	if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
		h->log(PF_LOG_ERROR, NAME, "outputs.samba: %s exists and is not a folder", p);
		ret = -PF_EEXIST;
		goto out;
	}
	if (lstat(p, &st) == 0 && !outlib_dir_replaceable(p, README_MARK)) {
		h->log(PF_LOG_ERROR, NAME, "outputs.samba: %s exists and was not written by "
		       "peforge's samba output (no README.txt of ours), and the folder is "
		       "replaced whole: remove it or choose another dir", p);
		ret = -PF_EEXIST;
		goto out;
	}
	*out = p;
	p = NULL;
out:
	free(copy);
	free(p);
	return ret;
}

/*
 * Copy one file to ROOT/REL (its folders made): from the media (MEDIA
 * path), a host file (HOST) or bytes (DATA, LEN).
 */
static int copy_file(const struct pf_host *h, struct pf_job *job, const char *root,
		     const char *rel, const char *media, const char *host,
		     const void *data, size_t len)
{
	struct outlib_file f = { .path = rel, .media = media, .host = host, .data = data,
				 .size = len };

	return outlib_put(h, job, NAME, root, &f, 0);
}

/* A list of media files (paths malloc'd) and their total size. */
struct media_tree {
	char **paths;
	size_t n;
	uint64_t bytes;
};

static void tree_free(struct media_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->paths[i]);
	free(t->paths);
	memset(t, 0, sizeof(*t));
}

struct walk_ctx {
	const struct pf_host *h;
	struct pf_job *job;
	struct media_tree *tree;
	const char *dir; /* the media folder being listed ("" = root) */
};

static int walk(const struct pf_host *h, struct pf_job *job, struct media_tree *t,
		const char *dir);

/* pf_list_cb: remember a file, or walk a folder. */
static int walk_cb(void *ctx, const char *name, const struct pf_stat *st)
{
	struct walk_ctx *w = ctx;
	char *path = NULL, **grown;
	int ret;

	if (*w->dir ? asprintf(&path, "%s/%s", w->dir, name) < 0
		    : !(path = strdup(name)))
		return -PF_ENOMEM;
	if (st->is_dir) {
		ret = walk(w->h, w->job, w->tree, path);
		free(path);
		return ret;
	}
	grown = realloc(w->tree->paths, (w->tree->n + 1) * sizeof(*grown));
	if (!grown) {
		free(path);
		return -PF_ENOMEM;
	}
	w->tree->paths = grown;
	grown[w->tree->n++] = path;
	w->tree->bytes += st->size;
	return 0;
}

/* Add every file under media folder DIR to T. */
static int walk(const struct pf_host *h, struct pf_job *job, struct media_tree *t,
		const char *dir)
{
	struct walk_ctx w = { h, job, t, dir };
	int ret = outlib_walk_depth(h, NAME, dir); /* a tree that loops back ends */

	return ret ? ret : h->media_list(job, dir, walk_cb, &w);
}

/* 1 when the staged medium files F hold PATH (case-insensitively). */
static int staged(const struct outlib_files *f, const char *path)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].path && !strcasecmp(f->v[i].path, path))
			return 1;
	return 0;
}

/*
 * Fill ROOT (the share/ folder): with copy_media the media tree (except
 * the files the recipe stages under the same name), then the staged
 * non-boot medium files.  *NFILES is the number of files written.
 */
static int fill_share(struct out_state *s, struct pf_job *job, const char *root,
		      size_t *nfiles)
{
	const struct pf_host *h = s->host;
	const char *wim = h->job_wim(job);
	struct outlib_files all = { 0 }, mine = { 0 };
	struct media_tree tree = { 0 };
	uint64_t done = 0;
	size_t i;
	int ret;

	ret = outlib_medium_files(h, job, NAME, &all);
	if (ret)
		return ret;
	/* The staged files: neither media boot files nor the run's boot.wim. */
	mine.v = calloc(all.n ? all.n : 1, sizeof(*mine.v));
	if (!mine.v) {
		ret = -PF_ENOMEM;
		goto out;
	}
	for (i = 0; i < all.n; i++) {
		const struct outlib_file *x = &all.v[i];

		if (x->media || (x->host && wim && !strcmp(x->host, wim)))
			continue;
		mine.v[mine.n++] = *x;
	}
	if (s->copy_media) {
		ret = walk(h, job, &tree, "");
		if (ret) {
			if (ret != -PF_EIO) /* said by the source or the walk */
				h->log(PF_LOG_ERROR, NAME, "cannot list the media: %s",
				       h->strerror(ret));
			goto out;
		}
		for (i = 0; i < tree.n; i++) {
			struct pf_stat st = { 0 };

			if (staged(&mine, tree.paths[i]))
				continue;
			ret = copy_file(h, job, root, tree.paths[i], tree.paths[i], NULL, NULL, 0);
			if (ret)
				goto out;
			if (h->media_stat(job, tree.paths[i], &st) == 0)
				done += st.size;
			ret = h->progress(job, "copying the media to the share", done, tree.bytes);
			if (ret)
				goto out;
			(*nfiles)++;
		}
	}
	for (i = 0; i < mine.n; i++) {
		const struct outlib_file *x = &mine.v[i];

		ret = copy_file(h, job, root, x->path, NULL, x->host, x->data, (size_t)x->size);
		if (ret)
			goto out;
		(*nfiles)++;
	}
out:
	tree_free(&tree);
	free(mine.v);
	outlib_files_free(&all);
	return ret;
}

/*
 * Write TEXT to DIR/NAME, created with MODE (0600 or 0700: it holds the
 * password) whatever the umask.
 */
static int write_secret(const struct pf_host *h, const char *dir, const char *name,
			const char *text, mode_t mode)
{
	char *path = NULL;
	size_t len = strlen(text), done = 0;
	int fd, ret = 0;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -PF_ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 || fchmod(fd, mode) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot create: %s", path, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			h->log(PF_LOG_ERROR, NAME, "%s: cannot write: %s", path, strerror(errno));
			ret = -PF_EIO;
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot write: %s", path, strerror(errno));
		ret = -PF_EIO;
	}
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

/*
 * The deployment account's files in DIR: deploy-password (0600) and
 * create-account.sh (0700), which creates the system user (no login, no
 * home) and its Samba password without anyone typing it.
 */
static int write_account(const struct out_state *s, const char *dir)
{
	char *pw = NULL, *sh = NULL;
	int ret;

	if (asprintf(&pw, "%s\n", s->password) < 0)
		return -PF_ENOMEM;
	ret = write_secret(s->host, dir, "deploy-password", pw, 0600);
	if (ret)
		goto out;
	if (asprintf(&sh,
		     "#!/bin/sh\n"
		     "# create-account.sh - written by peforge %s (outputs.samba)\n"
		     "# Creates the Samba account %s of the share [%s] with the password\n"
		     "# the WinPE start script presents (kept in deploy-password). Run it\n"
		     "# once as root on the Samba server; options go to smbpasswd (e.g.\n"
		     "# -c /etc/samba/smb.conf). It holds the password: keep it mode 0700.\n"
		     "set -e\n"
		     "# an unprivileged system user: no login, no home\n"
		     "if ! id -u %s >/dev/null 2>&1; then\n"
		     "\tuseradd --system --no-create-home --shell /usr/sbin/nologin %s\n"
		     "fi\n"
		     "printf '%%s\\n%%s\\n' '%s' '%s' | smbpasswd \"$@\" -s -a %s >/dev/null\n"
		     "echo \"create-account.sh: Samba account %s ready\"\n",
		     s->host->version, s->user, s->share ? s->share : "REMINST", s->user,
		     s->user, s->password, s->password, s->user, s->user) < 0) {
		sh = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	ret = write_secret(s->host, dir, "create-account.sh", sh, 0700);
out:
	if (pw)
		memset(pw, 0, strlen(pw));
	if (sh)
		memset(sh, 0, strlen(sh));
	free(pw);
	free(sh);
	return ret;
}

/* README.txt: where each file goes (malloc'd text). */
static char *readme(const struct out_state *s, size_t nfiles)
{
	const char *share = s->share ? s->share : "the share";
	const char *path = s->path ? s->path : "the share's folder";
	int user = s->mode && !strcmp(s->mode, "user");
	char *t = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s %s\n", README_MARK, s->host->version);
	fprintf(f, "The Samba side of a network install of Windows (outputs.samba).\n\n");
	fprintf(f, "Share [%s], serving %s on this server%s.\n\n", share, path,
		user ? ", for Samba users only" : s->mode ? ", open to guests" : "");
	fprintf(f, "1. Put the files on the share (as root):\n");
	fprintf(f, "     mkdir -p %s\n", path);
	fprintf(f, "     cp -r share/. %s/\n", path);
	if (s->copy_media)
		fprintf(f, "   share/ holds the Windows media's files and the answer file(s) "
			"(%zu files).\n", nfiles);
	else
		fprintf(f, "   share/ holds the answer file(s) and the recipe's media files "
			"(%zu files). The\n   Windows media's files (setup.exe, sources/, ...) go "
			"there too: copy the ISO's\n   contents (e.g. bsdtar -xf Windows.iso -C %s), "
			"or build with\n   outputs.samba.copy_media = true.\n", nfiles, path);
	fprintf(f, "2. Configure Samba, either for a dedicated server:\n");
	if (s->standalone)
		fprintf(f, "     cp smb.conf /etc/samba/smb.conf\n");
	fprintf(f, "   or by adding smb.conf.fragment at the end of /etc/samba/smb.conf\n"
		   "   (or saving it beside it and adding an `include = FILE` line at the end).\n"
		   "   Check the result with: testparm -s\n");
	if (s->password)
		fprintf(f, "3. Create the deployment account %s (a system user without login,\n"
			   "   and its Samba password, which start.cmd presents), as root:\n"
			   "     sh create-account.sh\n"
			   "   deploy-password (mode 0600) keeps the password; the next build into\n"
			   "   the same output folder reuses it. Both files hold the password.\n",
			s->user);
	else if (s->smbpasswd)
		fprintf(f, "3. Create the Samba user (it must also be a Unix user):\n"
			   "     %s\n", s->smbpasswd);
	else if (user)
		fprintf(f, "3. Create the Samba users of 'valid users' with smbpasswd -a USER.\n");
	else
		fprintf(f, "3. Guest access: WinPE maps the share with made-up credentials, which\n"
			   "   'map to guest = Bad User' turns into the guest account.\n");
	fprintf(f, "4. Restart or reload Samba: systemctl restart smbd "
		   "(or smbcontrol smbd reload-config)\n");
	fprintf(f, "5. Check from any Linux machine:\n     smbclient //SERVER/%s -U %s -c ls\n",
		s->share ? s->share : "SHARE",
		s->user ? s->user : user ? "USER" : "guest%guest");
	if (fclose(f) != 0) {
		free(t);
		return NULL;
	}
	return t;
}

/*
 * Write the folder: build it beside its final place, then rename it there
 * (an existing folder of that name is replaced only when all went well).
 */
static int out_run(void *state, struct pf_job *job)
{
	struct out_state *s = state;
	const struct pf_host *h = s->host;
	char *final = NULL, *tmp = NULL, *root = NULL, *text = NULL;
	size_t nfiles = 0;
	int ret;

	ret = folder_path(h, job, s->dir, &final);
	if (ret)
		return ret;
	ret = outlib_dir_begin_job(h, job, NAME, final, &tmp);
	if (ret)
		goto out;
	ret = copy_file(h, job, tmp, "smb.conf.fragment", NULL, NULL, s->text, strlen(s->text));
	if (!ret && s->standalone)
		ret = copy_file(h, job, tmp, "smb.conf", NULL, NULL, s->standalone,
				 strlen(s->standalone));
	if (ret)
		goto out;
	if (asprintf(&root, "%s/share", tmp) < 0) {
		root = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	if (mkdir(root, 0755) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot create: %s", root, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	ret = fill_share(s, job, root, &nfiles);
	if (!ret && s->password)
		ret = write_account(s, tmp);
	if (ret)
		goto out;
	text = readme(s, nfiles);
	if (!text) {
		ret = -PF_ENOMEM;
		goto out;
	}
	ret = copy_file(h, job, tmp, "README.txt", NULL, NULL, text, strlen(text));
	if (ret)
		goto out;
	ret = outlib_dir_commit_job(h, job, NAME, tmp, final);
	if (ret)
		goto out;
	free(tmp);
	tmp = NULL;
	h->log(PF_LOG_INFO, NAME, "wrote %s: smb.conf.fragment%s, README.txt%s, share/ "
	       "(%zu files%s)", final, s->standalone ? ", smb.conf" : "",
	       s->password ? ", deploy-password, create-account.sh" : "", nfiles,
	       s->copy_media ? ", with the media" : "");
	if (PF_HOST_HAS(h, output_add))
		ret = h->output_add(job, final);
out:
	if (ret && tmp)
		outlib_dir_abort(tmp);
	free(text);
	free(root);
	free(tmp);
	free(final);
	return ret;
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "dir", .type = PF_OPT_STRING, .dflt = "samba",
	  .help = "the folder written, relative to the output folder" },
	{ .name = "copy_media", .type = PF_OPT_BOOL, .dflt = "false",
	  .help = "copy the media tree into the folder" },
	{ .name = "path", .type = PF_OPT_STRING, .dflt = "required",
	  .help = "the folder the share serves, on the server (from pe.smbconf)" },
	{ .name = "share", .type = PF_OPT_STRING, .dflt = "REMINST",
	  .help = "the share name (from pe.smbconf)" },
	{ .name = "text", .type = PF_OPT_STRING,
	  .help = "the smb.conf fragment (pe.smbconf{...}.text; the recipe's pe.smbconf "
		  "options, listed by `peforge help smbconf`, are turned into it)" },
	{ .name = "standalone", .type = PF_OPT_STRING,
	  .help = "a whole smb.conf (pe.smbconf{...}.standalone)" },
	{ .name = "mode", .type = PF_OPT_STRING, .help = "set by pe.smbconf: guest or user" },
	{ .name = "smbpasswd", .type = PF_OPT_STRING,
	  .help = "set by pe.smbconf: the command that creates the user" },
	{ .name = "user", .type = PF_OPT_STRING,
	  .help = "set by pe.smbconf: the deployment account (default mode)" },
	{ .name = "password", .type = PF_OPT_STRING,
	  .help = "set by peforge: the deployment account's generated password" },
	{ .name = "error", .type = PF_OPT_STRING,
	  .help = "set by pe.smbconf: a mistake in the options, reported by the plugin" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_OUTPUT,
	.name = NAME,
	.summary = "the Samba share for network installs: smb.conf (from pe.smbconf), "
		   "the answer files and optionally the media tree",
	.open = out_open,
	.run = out_run,
	.close = out_close,
	.probe = NULL,
	.rank = 50,
	.options = options,
};
