/*
 * tests/recipe-fuzz.c - random recipes through the Lua host's protected
 * entry (run, -D, finalize, plan), in this process, thousands a second:
 *
 *   recipe-fuzz DIR SEED COUNT SECONDS
 *
 * DIR holds fuzzgen.lua (tests/recipes/); recipe SEED+i is DIR/r.lua,
 * `return require("fuzzgen")(SEED+i)`, read with random -D definitions
 * (some thousands of keys long).  Runs COUNT recipes or for SECONDS,
 * whichever ends first.  Each recipe must either give a plan and print
 * nothing, or fail with exactly one error line, and leave the Lua stack as
 * it was.  A crash is a signal (the shell test reports it); a failed check
 * prints the seed and exits 1, leaving the recipe in DIR/r.lua.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lua.h>

#include "log.h"
#include "luahost.h"
#include "recipe.h"
#include "util.h"

/* xorshift64: the -D definitions of one seed. */
static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Pick one of the N words W. */
#define PICK(s, w) ((w)[rnd(s) % (sizeof(w) / sizeof((w)[0]))])

/* Add 0 to 3 random -D definitions to H, and write them to DEFS. */
static void random_defines(struct pf_lua *h, unsigned long long seed, FILE *defs)
{
	static const char *const first[] = { "outputs", "source", "keep_setup", "start",
					     "image", "files", "machines", "x" };
	static const char *const part[] = { "wim", "samba", "pxe", "a", "path", "1",
					    "text", "netuse", "server", "share" };
	static const char *const value[] = { "true", "no", "1", "x", "", "3", "b.wim" };
	unsigned long long s = seed * 2654435761ULL + 1;
	int n = (int)(rnd(&s) % 4), i, j, parts;

	for (i = 0; i < n; i++) {
		const char *v = PICK(&s, value);
		char *key, *end;

		parts = rnd(&s) % 10 == 0 ? 10000 : (int)(rnd(&s) % 6);
		key = malloc(16 + (size_t)parts * 8);  /* no word is over 7 bytes */
		if (!key) {
			fprintf(defs, "out of memory\n");
			exit(1);
		}
		end = stpcpy(key, PICK(&s, first));
		for (j = 0; j < parts; j++)
			end = stpcpy(stpcpy(end, "."), PICK(&s, part));
		pf_lua_define(h, key, v);
		fprintf(defs, "-D %.200s%s=%s\n", key, strlen(key) > 200 ? "..." : "", v);
		free(key);
	}
}

/* What went to the log (fd 2) since it was emptied (malloc'd). */
static char *read_log(int fd)
{
	off_t n = lseek(fd, 0, SEEK_END);
	char *buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);

	if (!buf || (n > 0 && pread(fd, buf, (size_t)n, 0) != n)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Seconds since an arbitrary start. */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("PF_SRCDIR");
	unsigned long long seed, i, count, failed = 0;
	char *scripts, *recipe, *logname, *defsname;
	double end;
	int out, fd;

	if (argc != 5 || !srcdir) {
		fprintf(stderr, "usage: PF_SRCDIR=... recipe-fuzz DIR SEED COUNT SECONDS\n");
		return 2;
	}
	seed = strtoull(argv[2], NULL, 10);
	count = strtoull(argv[3], NULL, 10);
	end = now() + atof(argv[4]);
	scripts = pf_path_join(srcdir, "scripts");
	recipe = pf_path_join(argv[1], "r.lua");
	logname = pf_path_join(argv[1], "log");
	defsname = pf_path_join(argv[1], "defines");
	out = dup(STDERR_FILENO);
	fd = open(logname, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (!scripts || !recipe || !logname || !defsname || out < 0 || fd < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		perror("recipe-fuzz");
		return 2;
	}
	pf_log_set_level(PF_LOG_ERROR);                /* as peforge -q */
	for (i = 0; i < count && now() < end; i++) {
		struct pf_lua *h = NULL;
		struct pf_plan *plan = NULL;
		char text[64], *log, *bad = NULL;
		unsigned before;
		FILE *defs = fopen(defsname, "w");
		int ret;

		snprintf(text, sizeof(text), "return require('fuzzgen')(%llu)\n", seed + i);
		if (!defs || pf_write_file_atomic(recipe, text, strlen(text)) ||
		    pf_lua_new(scripts, &h)) {
			dprintf(out, "recipe-fuzz: cannot set up seed %llu\n", seed + i);
			return 2;
		}
		random_defines(h, seed + i, defs);
		fclose(defs);
		if (ftruncate(STDERR_FILENO, 0) != 0)
			return 2;
		before = pf_log_error_count();
		ret = pf_lua_load_plan(h, recipe, &plan);
		fflush(stderr);
		log = read_log(STDERR_FILENO);
		if (!log)
			return 2;
		if (lua_gettop(pf_lua_state(h)) != 0)
			bad = "the Lua stack was not left as it was";
		else if (!ret && (pf_log_error_count() != before || *log))
			bad = "a plan, but something was printed";
		else if (ret && pf_log_error_count() != before + 1)
			bad = "a failure without exactly one error line";
		else if (ret && (strncmp(log, "peforge: ", 9) || !strstr(log, "error: ") ||
				 strchr(log, '\n') != log + strlen(log) - 1))
			bad = "a failure whose message is not one line";
		if (bad) {
			dprintf(out, "recipe-fuzz: seed %llu: %s (code %d); stderr:\n%s"
				"(the recipe and its -D definitions: %s, %s)\n", seed + i, bad,
				ret, log, recipe, defsname);
			return 1;
		}
		failed += ret != 0;
		free(log);
		pf_plan_free(plan);
		pf_lua_free(h);
	}
	printf("recipe-fuzz: %llu recipes, seeds %llu to %llu: %llu refused with one "
	       "error line, %llu made a plan\n", i, seed, seed + i - 1, failed, i - failed);
	free(scripts);
	free(recipe);
	free(logname);
	free(defsname);
	return 0;
}
