/* core/claims.c - the outputs a run will write, checked before any work. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "claims.h"
#include "error.h"
#include "log.h"
#include "util.h"

static struct pf_claim *claims;
static size_t nclaims;

int pf_claim_output(const struct pf_args *args, const char *name, int folder)
{
	struct pf_claim *grown;
	char *copy;

	if (!name || !*name)
		return 0;
	copy = pf_strdup(name);
	grown = copy ? realloc(claims, (nclaims + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(copy);
		return -PF_ENOMEM;
	}
	claims = grown;
	claims[nclaims].args = args;
	claims[nclaims].name = copy;
	claims[nclaims].folder = folder;
	nclaims++;
	return 0;
}

void pf_claims_reset(void)
{
	size_t i;

	for (i = 0; i < nclaims; i++)
		free(claims[i].name);
	free(claims);
	claims = NULL;
	nclaims = 0;
}

const struct pf_claim *pf_claims(size_t *n)
{
	*n = nclaims;
	return claims;
}

/*
 * PATH (absolute, maybe not existing) with symlinks resolved as far as it
 * exists: the real path of its deepest existing folder, and the rest.
 */
static char *real_as_far(const char *path)
{
	char *head = pf_strdup(path), *real = NULL, *out = NULL;
	size_t n;

	while (head && !(real = realpath(head, NULL))) {
		char *slash = strrchr(head, '/');

		if (!slash || slash == head) {
			real = pf_strdup("/");
			break;
		}
		*slash = '\0';
	}
	if (head && real) {
		n = strlen(head);
		out = pf_asprintf("%s%s", strcmp(real, "/") ? real : "",
				  path[n] ? path + n : "");
		if (out && !*out) {
			free(out);
			out = pf_strdup("/");
		}
	}
	free(head);
	free(real);
	return out;
}

/* 1 when PATH is DIR or inside it (both real, absolute). */
static int inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return 1;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* -PF_ERECIPE (logged) when folder SRC (media) holds WHAT (real path). */
static int not_in_media(const char *src, const char *what, const char *label)
{
	char *real = src ? realpath(src, NULL) : NULL;
	struct stat st;
	int ret = 0;

	if (real && stat(real, &st) == 0 && S_ISDIR(st.st_mode) && inside(what, real)) {
		pf_err("%s %s is inside the source media %s: write the outputs "
		       "elsewhere", label, what, real);
		ret = -PF_ERECIPE;
	}
	free(real);
	return ret;
}

/* The output a claim is for, "outputs.wim", from its arguments' owner
 * ("RECIPE: outputs.wim"). */
static const char *claim_who(const struct pf_claim *c)
{
	const char *o = c->args ? c->args->owner : NULL;
	const char *p = o ? strstr(o, "outputs.") : NULL;

	return p ? p : o ? o : "an output";
}

int pf_claims_check(const char *outdir, const char *source, const char *boot_files)
{
	char **paths = calloc(nclaims + 1, sizeof(*paths));
	char *absdir = pf_abspath(outdir), *out = absdir ? real_as_far(absdir) : NULL;
	size_t i, j;
	int ret = -PF_ENOMEM;

	free(absdir);
	if (!paths || !out)
		goto out;
	ret = not_in_media(source, out, "the output folder");
	if (!ret)
		ret = not_in_media(boot_files, out, "the output folder");
	for (i = 0; !ret && i < nclaims; i++) {
		char *joined = pf_path_join(out, claims[i].name);
		char *abs = joined ? pf_abspath(joined) : NULL;
		const char *who = claim_who(&claims[i]);
		struct stat st;

		free(joined);
		paths[i] = abs ? real_as_far(abs) : NULL;
		free(abs);
		if (!paths[i]) {
			ret = -PF_ENOMEM;
			break;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(paths[i], paths[j]))
				continue;
			pf_err("%s: %s and %s both write this path: give them "
			       "different names", paths[i], claim_who(&claims[j]), who);
			ret = -PF_ERECIPE;
			break;
		}
		if (!ret)
			ret = not_in_media(source, paths[i], "output");
		if (!ret)
			ret = not_in_media(boot_files, paths[i], "output");
		if (!ret && stat(paths[i], &st) == 0 &&
		    (S_ISDIR(st.st_mode) ? 1 : 0) != claims[i].folder) {
			pf_err(claims[i].folder ? "%s: %s writes a folder here, but this "
			       "is a file" : "%s: %s writes a file here, but this is a "
			       "folder", paths[i], who);
			ret = -PF_EEXIST;
		}
	}
out:
	for (i = 0; paths && i < nclaims; i++)
		free(paths[i]);
	free(paths);
	free(out);
	return ret;
}
