/*
 * fuzz/recipe.c - libFuzzer target: recipe values, through the Lua host's
 * one protected entry (core/luahost.c pf_lua_load_plan: run the recipe,
 * apply -D definitions, finalize, read the table into a plan with
 * core/recipe.c), in this process, as tests/recipe-fuzz.c does.
 *
 * The input is the text of a recipe.  Its first lines of the form
 * `--D KEY=VALUE` (Lua comments) are also given as -D definitions.  Each
 * input must end in a plan or in a refusal with exactly one error line,
 * and leave the Lua stack as it was; anything else traps.
 *
 * The fuzzer writes random programs, so this target (not peforge) fences
 * them in: os and io keep only harmless functions (io.open reads only),
 * debug is gone, a count hook stops a recipe after FUZZ_STEPS VM steps and
 * the state's allocator refuses more than FUZZ_MEM bytes.  Built by
 * `make fuzz`; `make check` replays fuzz/regress/recipe/ through
 * tests/fuzz-replay-recipe.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "log.h"
#include "luahost.h"
#include "recipe.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_STEPS 2000000L             /* VM instructions per recipe */
#define FUZZ_MEM (64u << 20)            /* bytes of Lua memory per recipe */
#define MAX_DEFINES 8

static char *scripts;                   /* the project's scripts/ */
static char *recipe;                    /* DIR/r.lua, rewritten per input */
static long steps;
static char tmpdir[] = "/tmp/pf-fuzz-recipe.XXXXXX";

/* Remove the recipe and its folder at exit. */
static void cleanup(void)
{
	if (recipe)
		unlink(recipe);
	rmdir(tmpdir);
}

/* The allocator of each state: Lua's own, with a ceiling. */
struct limit {
	lua_Alloc f;
	void *ud;
	size_t used;
};

/* lua_Alloc: refuse to grow past FUZZ_MEM (Lua raises "not enough memory"). */
static void *limit_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct limit *l = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize > old && l->used + (nsize - old) > FUZZ_MEM)
		return NULL;
	p = l->f(l->ud, ptr, osize, nsize);
	if (nsize == 0 || p) {
		l->used = l->used >= old ? l->used - old : 0;
		l->used += nsize;
	}
	return p;
}

/* Count hook: stop a recipe that runs too long. */
static void step_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	steps += 1000;
	if (steps > FUZZ_STEPS)
		luaL_error(L, "fuzz: instruction limit reached");
}

/* Leave os and io with harmless functions only, and no debug library. */
static const char fence[] =
	"local open, os0, io0 = io.open, os, io\n"
	"os = { clock = os0.clock, time = os0.time, date = os0.date,\n"
	"       difftime = os0.difftime, getenv = os0.getenv }\n"
	"io = { stderr = io0.stderr, open = function(p, m)\n"
	"  if m ~= nil and m ~= 'r' and m ~= 'rb' then error('fuzz: read-only io') end\n"
	"  return open(p, m) end }\n"
	"debug = nil\n"
	"package.loaded.os, package.loaded.io, package.loaded.debug = os, io, nil\n";

/* Where the recipe is written, and where the scripts are. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("PF_SRCDIR");

	(void)argc;
	(void)argv;
	if (!mkdtemp(tmpdir)) {
		perror("fuzz-recipe: mkdtemp");
		exit(2);
	}
	scripts = pf_path_join(src && *src ? src : PF_ABS_SRCDIR, "scripts");
	recipe = pf_path_join(tmpdir, "r.lua");
	if (!scripts || !recipe)
		exit(2);
	atexit(cleanup);
	pf_log_set_level(PF_LOG_ERROR);                /* as peforge -q */
	return 0;
}

/* Give the leading `--D KEY=VALUE` lines of TEXT to H as definitions. */
static void defines(struct pf_lua *h, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int n = 0;

	while (n < MAX_DEFINES && end - p > 3 && !memcmp(p, "--D ", 4)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p) - 4;
		char *line = strndup(p + 4, l), *eq;

		if (!line)
			return;
		eq = strchr(line, '=');
		if (eq) {
			*eq = '\0';
			pf_lua_define(h, line, eq + 1);
		}
		free(line);
		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct limit lim;
	struct pf_lua *h = NULL;
	struct pf_plan *plan = NULL;
	lua_State *L;
	unsigned before;
	int ret;

	if (pf_write_file_atomic(recipe, data, size) != 0 || pf_lua_new(scripts, &h) != 0)
		exit(2);
	L = pf_lua_state(h);
	if (luaL_dostring(L, fence) != LUA_OK) {
		fprintf(stderr, "fuzz-recipe: %s\n", lua_tostring(L, -1));
		exit(2);
	}
	lim.f = lua_getallocf(L, &lim.ud);
	lim.used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
	lua_setallocf(L, limit_alloc, &lim);
	steps = 0;
	lua_sethook(L, step_hook, LUA_MASKCOUNT, 1000);
	defines(h, (const char *)data, size);
	before = pf_log_error_count();
	ret = pf_lua_load_plan(h, recipe, &plan);
	if (lua_gettop(L) != 0)
		__builtin_trap();              /* the stack was not left as it was */
	if (ret && pf_log_error_count() != before + 1)
		__builtin_trap();              /* a refusal without one error line */
	if (!ret && (!plan || pf_log_error_count() != before))
		__builtin_trap();              /* a plan, but an error was logged */
	pf_plan_free(plan);
	pf_lua_free(h);
	return 0;
}
