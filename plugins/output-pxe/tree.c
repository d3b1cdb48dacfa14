/* plugins/output-pxe/tree.c - writing the tree whole or not at all, and
 * the run. */
#include "pxe.h"

/* ------------------------------------------------------------------ */
/* writing the tree */

/*
 * Put item X into TREE: a hard link when allowed and possible, else a
 * copy from the host file, the media or the bytes.  Folders are 0755 and
 * files 0644 whatever the umask: servers that drop root privileges must
 * read them.  Returns 0 or an error (logged).
 */
static int put_item(const struct pf_host *h, struct pf_job *job, const char *tree,
		    const struct item *x)
{
	struct outlib_file f = { .path = x->rel, .size = x->len, .data = x->data };

	if (x->kind == SRC_HOST)
		f.host = x->src;
	else if (x->kind == SRC_MEDIA)
		f.media = x->src;
	return outlib_put(h, job, NAME, tree, &f, FSU_EXCL | FSU_OPEN_MODES |
			  (x->link ? FSU_LINK : 0));
}


/*
 * Resolve the tree's folder to an absolute path (malloc'd) in P->final and
 * check it can be replaced whole: not the output folder or one holding it,
 * not a file, not holding the ISO this tree boots, and empty or an earlier
 * tree of this plugin (never someone's /srv/tftp).
 */
static int resolve_tree(const struct pxe_state *s, struct pf_job *job, struct plan *p)
{
	const struct pf_host *h = s->host;
	const char *outdir = h->job_outdir(job);
	const char *iso = h->job_fact(job, PF_FACT_ISO_PATH);
	char *abs = NULL;
	struct stat st;
	size_t n;
	int ret;

	if (!PF_HOST_HAS(h, output_dir_path)) {
		h->log(PF_LOG_ERROR, NAME, "this peforge is too old for the pxe output "
		       "(no output_dir_path in its host table)");
		return -PF_EPLUGIN;
	}
	ret = h->output_dir_path(job, s->dir, &abs);
	if (ret)
		return ret;
	ret = -PF_ERECIPE;
	n = strlen(abs);
	if (!strcmp(abs, "/") || (!strncmp(outdir, abs, n) &&
				  (outdir[n] == '\0' || outdir[n] == '/'))) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: dir = \"%s\" is the output folder "
		       "or holds it, and the tree replaces its folder whole: give a "
		       "sub-folder such as \"tftpboot\"", s->dir);
		goto out;
	}
	if (iso && !strncmp(iso, abs, n) && iso[n] == '/') {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: dir = \"%s\" holds the iso output "
		       "%s, and the tree replaces its folder whole: put them apart",
		       s->dir, iso);
		goto out;
	}
	if (strpbrk(abs, "\n\r\t")) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: dir: %s: control characters do "
		       "not fit in dnsmasq.conf", abs);
		goto out;
	}
	if (lstat(abs, &st) == 0 && !S_ISDIR(st.st_mode)) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: %s exists and is not a folder",
		       abs);
		ret = -PF_EEXIST;
		goto out;
	}
	if (lstat(abs, &st) == 0 && !outlib_dir_replaceable(abs, README_MARK)) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: %s exists and is not a PXE tree "
		       "written by peforge (no README.txt of ours), and the tree replaces "
		       "its folder whole: remove it or choose another dir", abs);
		ret = -PF_EEXIST;
		goto out;
	}
	p->final = abs;
	abs = NULL;
	ret = 0;
out:
	free(abs);
	return ret;
}

/* Warn when a folder above the tree FINAL cannot be entered by other users:
 * dnsmasq, in.tftpd and web servers drop root privileges and could not
 * serve the files. */
static void warn_unreachable(const struct pf_host *h, const char *final)
{
	char *d = strdup(final), *slash;
	struct stat st;

	while (d && (slash = strrchr(d, '/')) && slash != d) {
		*slash = '\0';
		if (stat(d, &st) == 0 && !(st.st_mode & S_IXOTH)) {
			h->log(PF_LOG_WARN, NAME, "%s: other users cannot enter this folder, "
			       "so TFTP and HTTP servers (they drop root privileges) cannot "
			       "serve %s: chmod o+x it, or put the tree elsewhere", d, final);
			break;
		}
	}
	free(d);
}

/* Build the plan, then the tree in a temporary folder renamed into place. */
int pxe_run(void *state, struct pf_job *job)
{
	struct pxe_state *s = state;
	const struct pf_host *h = s->host;
	struct plan p;
	char *tmp = NULL;
	size_t i;
	int ret;

	memset(&p, 0, sizeof(p));
	ret = fleet_read(s, job); /* the policies first: a refusal does no work */
	if (!ret)
		ret = resolve_tree(s, job, &p);
	if (ret)
		goto out;
	if (!s->full) {
		p.range = s->range_start ? s->range_start : s->server;
		if (!p.range) {
			p.range = PLACEHOLDER_NET;
			p.placeholder = 1;
			h->log(PF_LOG_WARN, NAME, "outputs.pxe: no range or server given: "
			       "dnsmasq.conf proxies DHCP for the placeholder network %s; "
			       "edit it or set range", PLACEHOLDER_NET);
		}
	}
	if (s->loader == LOADER_PXELINUX)
		ret = plan_pxelinux(s, job, &p);
	else
		ret = plan_ipxe(s, job, &p);
	if (!ret)
		ret = gen_fleet(s, job, &p);
	if (!ret)
		ret = s->loader == LOADER_PXELINUX ? gen_pxelinux_cfg(s, &p)
						   : gen_boot_ipxe(s, &p);
	if (!ret)
		ret = gen_dnsmasq(s, &p);
	if (!ret)
		ret = gen_readme(s, &p);
	if (ret)
		goto out;

	ret = outlib_dir_begin_job(h, job, NAME, p.final, &tmp);
	if (ret)
		goto out;
	for (i = 0; !ret && i < p.n; i++) {
		ret = h->progress(job, "writing pxe tree", i, p.n); /* canceled? */
		if (!ret)
			ret = put_item(h, job, tmp, &p.v[i]);
	}
	if (!ret)
		ret = outlib_dir_commit_job(h, job, NAME, tmp, p.final);
	if (ret) {
		outlib_dir_abort(tmp);
		goto out;
	}
	/* the tree is staged: a cancel now stops the run before its next step */
	(void)h->progress(job, "writing pxe tree", p.n, p.n);
	if (PF_HOST_HAS(h, output_add) && (ret = h->output_add(job, p.final)))
		goto out;
	warn_unreachable(h, p.final);
	h->log(PF_LOG_INFO, NAME, "%s: %s tree ready (%zu files); see README.txt there",
	       p.final, s->loader == LOADER_IPXE ? "iPXE" : "PXELINUX", p.n);
out:
	free(tmp);
	plan_free(&p);
	return ret;
}
