/* plugins/drivers-inf/startcmd.c - the drvload lines in the start
 * script (start.cmd). */
#include "drivers.h"

/* 1 when staged image path P is start.cmd at the image's root. */
static int is_start_cmd(const char *p)
{
	while (*p == '/')
		p++;
	return !strcasecmp(p, "start.cmd");
}

/*
 * The start script the injector will write, from the staging: the last
 * image edit that sets start.cmd (ADD_DATA, ADD_FILE, or an overlay folder
 * merged at the root holding one; a DELETE removes it).  *TEXT is
 * malloc'd (the caller frees) or NULL when there is no start script.
 * Returns 0, -PF_EIO (logged) or -PF_ENOMEM.
 */
static int current_start(struct run_ctx *c, char **text, size_t *len)
{
	const struct pf_host *h = c->s->host;
	size_t n = h->edit_count(c->job), i;
	const struct pf_edit *last = NULL;
	char *from = NULL, *found = NULL;
	int ret = 0;

	for (i = 0; i < n; i++) {
		const struct pf_edit *e = h->edit_get(c->job, i);

		if (!e || e->target != PF_TARGET_IMAGE || !e->path)
			continue;
		if (e->op == PF_EDIT_ADD_TREE && !e->path[strspn(e->path, "/")] && e->src) {
			if (resolve_ci(e->src, "start.cmd", &found) == 0) {
				free(from);
				from = fsu_join(e->src, found);
				free(found);
				if (!from)
					return -PF_ENOMEM;
				last = e;
			}
		} else if (is_start_cmd(e->path)) {
			if (e->op == PF_EDIT_ADD_DATA || e->op == PF_EDIT_ADD_FILE ||
			    e->op == PF_EDIT_DELETE || e->op == PF_EDIT_RENAME)
				last = e;
		}
	}
	*text = NULL;
	*len = 0;
	if (!last || last->op == PF_EDIT_DELETE || last->op == PF_EDIT_RENAME)
		goto out;
	if (last->op == PF_EDIT_ADD_DATA) {
		*text = malloc(last->len + 1);
		if (!*text) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (last->len)
			memcpy(*text, last->data, last->len);
		(*text)[last->len] = '\0';
		*len = last->len;
		goto out;
	}
	if (last->op == PF_EDIT_ADD_FILE)
		ret = read_file(last->src, text, len);
	else
		ret = read_file(from, text, len);
	if (ret == -PF_EIO || ret == -PF_EINVAL) {
		h->log(PF_LOG_ERROR, NAME, "drivers: %s: cannot read the start script: %s",
		       last->op == PF_EDIT_ADD_FILE ? last->src : from,
		       ret == -PF_EIO ? strerror(errno) : "too large");
		ret = -PF_EIO;
	}
out:
	free(from);
	return ret;
}

/* 1 when line L (N bytes, blanks and CR trimmed) is one that may stay
 * before the drvload lines: empty, @echo off, setlocal..., rem ..., ::... */
static int is_preamble(const char *l, size_t n)
{
	if (!n || (n >= 2 && l[0] == ':' && l[1] == ':'))
		return 1;
	if (l[0] == '@') {
		l++;
		n--;
	}
	if (n == 8 && !strncasecmp(l, "echo off", 8))
		return 1;
	if (n >= 8 && !strncasecmp(l, "setlocal", 8) && (n == 8 || l[8] == ' ' || l[8] == '\t'))
		return 1;
	return n >= 3 && !strncasecmp(l, "rem", 3) && (n == 3 || l[3] == ' ' || l[3] == '\t');
}

/*
 * The offset of script TEXT (LEN bytes) where the drvload lines go: right
 * after the first line `rem peforge:drivers`, else after the leading
 * preamble lines (is_preamble).
 */
static size_t insert_at(const char *text, size_t len)
{
	size_t start, end, next, pos = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (start = 0; start < len; start = next) {
			const char *nl = memchr(text + start, '\n', len - start);
			const char *b = text + start, *e;

			end = nl ? (size_t)(nl - text) : len;
			next = nl ? end + 1 : len;
			e = text + end;
			while (b < e && (*b == ' ' || *b == '\t'))
				b++;
			while (e > b && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (pass == 0) {
				if ((size_t)(e - b) == 19 && !strncasecmp(b, "rem peforge:drivers", 19))
					return next;
			} else if (is_preamble(b, (size_t)(e - b))) {
				pos = next;
			} else {
				break;
			}
		}
	}
	return pos;
}

/* Stage a new start.cmd with the drvload lines in it (or a new start
 * script and winpeshl.ini when the recipe has none). */
int update_start(struct run_ctx *c)
{
	static const char winpeshl[] = "[LaunchApps]\r\n%SYSTEMDRIVE%\\start.cmd\r\n";
	const struct pf_host *h = c->s->host;
	struct pf_edit e = {
		.op = PF_EDIT_ADD_DATA, .target = PF_TARGET_IMAGE, .path = "start.cmd",
		.origin = ORIGIN,
	};
	char *text = NULL, *out = NULL;
	size_t len = 0, pos, total = 0, n = 0, i;
	int ret, fresh;

	ret = current_start(c, &text, &len);
	if (ret)
		return ret;
	fresh = !text;
	for (i = 0; i < c->drvload.n; i++)
		total += strlen(c->drvload.v[i]);
	out = malloc(len + total + 64);
	if (!out) {
		ret = -PF_ENOMEM;
		goto out;
	}
	if (fresh) {
		n = (size_t)sprintf(out, "@echo off\r\n");
		pos = 0;
	} else {
		pos = insert_at(text, len);
		memcpy(out, text, pos);
		n = pos;
		if (pos && text[pos - 1] != '\n')
			n += (size_t)sprintf(out + n, "\r\n");
	}
	for (i = 0; i < c->drvload.n; i++) {
		size_t l = strlen(c->drvload.v[i]);

		memcpy(out + n, c->drvload.v[i], l);
		n += l;
	}
	if (fresh) {
		n += (size_t)sprintf(out + n, "wpeinit\r\ncmd /k\r\n");
	} else {
		memcpy(out + n, text + pos, len - pos);
		n += len - pos;
	}
	e.data = out;
	e.len = n;
	ret = h->edit_add(c->job, &e);
	if (ret || !fresh)
		goto out;
	e.path = "Windows/System32/winpeshl.ini";
	e.data = winpeshl;
	e.len = sizeof(winpeshl) - 1;
	ret = h->edit_add(c->job, &e);
	if (!ret)
		h->log(PF_LOG_INFO, NAME, "drivers: the recipe has no start script: added "
		       "start.cmd (drvload lines, wpeinit, cmd /k) and the winpeshl.ini "
		       "that launches it");
out:
	free(out);
	free(text);
	return ret;
}
