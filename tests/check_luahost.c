/* tests/check_luahost.c - the Lua host: errors with file and line, the
 * traceback, the sandboxed package paths, -D definitions, and the one
 * protected entry: recipes that used to crash are one error line, chunks
 * load as text only, and an unprotected error exits 1. */
#include "config.h"

#include <lauxlib.h>

#include "check_common.h"
#include "job.h"
#include "luahost.h"
#include "lualimit.h"
#include "recipe.h"
#include "util.h"

static char *dir;          /* the recipe folder of each test */
static struct pf_lua *lua;

static void setup(void)
{
	char *scripts = pf_path_join(test_env("PF_SRCDIR"), "scripts");

	dir = test_tmpdir();
	ck_assert_int_eq(pf_lua_new(scripts, &lua), 0);
	free(scripts);
}

static void teardown(void)
{
	pf_lua_free(lua);
	pf_rm_rf(dir);
	free(dir);
}

/* Run recipe TEXT written as NAME; return the code, *ERR what went to stderr. */
static int run(const char *name, const char *text, char **err)
{
	struct capture c;
	char *file = test_write(dir, name, text);
	int ret;

	capture_begin(&c);
	ret = pf_lua_run_recipe(lua, file);
	*err = capture_end(&c);
	free(file);
	return ret;
}

/* A syntax error is reported as FILE:LINE: on one line. */
START_TEST(test_lua_syntax_error_line)
{
	char *err, *want = pf_asprintf("%s/bad.lua:3:", dir);
	int ret = run("bad.lua", "local x = 1\nreturn {\n  source = = 2,\n}\n", &err);

	ck_assert_int_eq(ret, -PF_ESCRIPT);
	ck_assert_msg(strstr(err, want), "stderr: %s", err);
	ck_assert_ptr_nonnull(strstr(err, "error: "));
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1); /* one line */
	free(want);
	free(err);
}
END_TEST

/* A runtime error shows the message with its line and a Lua traceback
 * naming the function that failed. */
START_TEST(test_lua_runtime_error_traceback)
{
	char *err;
	int ret = run("rt.lua",
		      "local function explode()\n  error('boom here')\nend\n"
		      "local function caller() explode() end\ncaller()\nreturn {}\n", &err);

	ck_assert_int_eq(ret, -PF_ESCRIPT);
	ck_assert_msg(strstr(err, "rt.lua:2: boom here"), "stderr: %s", err);
	ck_assert_ptr_nonnull(strstr(err, "stack traceback:"));
	ck_assert_ptr_nonnull(strstr(err, "explode"));
	ck_assert_ptr_nonnull(strstr(err, "caller"));
	free(err);
}
END_TEST

/* A recipe that does not return a table is an error naming what it returned. */
START_TEST(test_lua_recipe_must_return_table)
{
	char *err;

	ck_assert_int_eq(run("nt.lua", "return 42\n", &err), -PF_ERECIPE);
	ck_assert_ptr_nonnull(strstr(err, "must return a table (it returned number)"));
	free(err);
}
END_TEST

/* A missing recipe file is -PF_ENOENT with the name. */
START_TEST(test_lua_missing_recipe)
{
	struct capture c;
	char *err;

	capture_begin(&c);
	ck_assert_int_eq(pf_lua_run_recipe(lua, "/nonexistent/r.lua"), -PF_ENOENT);
	err = capture_end(&c);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/r.lua: recipe not found"));
	free(err);
}
END_TEST

/* `require` finds modules in the recipe's folder and the project's scripts;
 * the peforge library loads and reports the version. */
START_TEST(test_lua_require_recipe_folder_and_library)
{
	lua_State *L = pf_lua_state(lua);
	char *err;

	free(test_write(dir, "helper.lua", "return { answer = 42 }\n"));
	ck_assert_int_eq(run("ok.lua",
			     "local pe = require 'peforge'\n"
			     "local h = require 'helper'\n"
			     "return { answer = h.answer, version = pe.version,\n"
			     "  crlf = pe.crlf('a\\nb\\r\\nc\\n') }\n", &err), 0);
	ck_assert_str_eq(err, "");
	lua_getfield(L, -1, "answer");
	ck_assert_int_eq(lua_tointeger(L, -1), 42);
	lua_getfield(L, -2, "version");
	ck_assert_str_eq(lua_tostring(L, -1), PACKAGE_VERSION);
	lua_getfield(L, -3, "crlf");
	ck_assert_str_eq(lua_tostring(L, -1), "a\r\nb\r\nc\r\n");
	free(err);
}
END_TEST

/* Modules in the working directory are not found (only scripts/ and the
 * recipe folder are searched), C modules are never loaded, and
 * package.loadlib is gone. */
START_TEST(test_lua_sandboxed_paths)
{
	lua_State *L = pf_lua_state(lua);
	char *cwd_dir = test_tmpdir(), *err;
	char *old = getcwd(NULL, 0);

	free(test_write(cwd_dir, "cwdmod.lua", "return 1\n"));
	free(test_write(dir, "cmod.so", "not really a library\n"));
	ck_assert_int_eq(chdir(cwd_dir), 0);
	ck_assert_int_eq(run("sb.lua",
			     "local ok1 = pcall(require, 'cwdmod')\n"
			     "local ok2 = pcall(require, 'cmod')\n"
			     "return { ok1 = ok1, ok2 = ok2, cpath = package.cpath,\n"
			     "  loadlib = package.loadlib == nil, path = package.path }\n",
			     &err), 0);
	ck_assert_int_eq(chdir(old), 0);
	lua_getfield(L, -1, "ok1");
	ck_assert(!lua_toboolean(L, -1));
	lua_getfield(L, -2, "ok2");
	ck_assert(!lua_toboolean(L, -1));
	lua_getfield(L, -3, "cpath");
	ck_assert_str_eq(lua_tostring(L, -1), "");
	lua_getfield(L, -4, "loadlib");
	ck_assert(lua_toboolean(L, -1));
	lua_getfield(L, -5, "path");
	ck_assert_ptr_null(strstr(lua_tostring(L, -1), "./?"));
	ck_assert_ptr_nonnull(strstr(lua_tostring(L, -1), dir));
	free(err);
	free(old);
	pf_rm_rf(cwd_dir);
	free(cwd_dir);
}
END_TEST

/* -D definitions replace recipe keys (dotted into tables, created when
 * missing), convert to the type they replace, apply in command-line order,
 * and are all visible as pe.defines; a key that is neither a recipe key nor
 * in the table is only a variable for the recipe. */
START_TEST(test_lua_defines_applied)
{
	lua_State *L = pf_lua_state(lua);
	char *err, *err2;

	pf_lua_define(lua, "source", "/other/media");
	pf_lua_define(lua, "outputs.wim", "x.wim");
	pf_lua_define(lua, "keep_setup", "true");
	pf_lua_define(lua, "image", "pe");
	pf_lua_define(lua, "new.deep", "v");
	pf_lua_define(lua, "media.a", "y");      /* replaced by the next one */
	pf_lua_define(lua, "media", "x");
	ck_assert_int_eq(run("d.lua",
			     "local pe = require 'peforge'\n"
			     "return { source = 'media', keep_setup = false, image = 2,\n"
			     "  outputs = { wim = 'boot.wim' }, seen = pe.defines.source,\n"
			     "  var = pe.defines['new.deep'] }\n",
			     &err), 0);
	ck_assert_str_eq(err, "");
	lua_getfield(L, -1, "source");
	ck_assert_str_eq(lua_tostring(L, -1), "/other/media");
	lua_getfield(L, -2, "seen");
	ck_assert_str_eq(lua_tostring(L, -1), "/other/media");
	lua_getfield(L, -3, "keep_setup");
	ck_assert_int_eq(lua_type(L, -1), LUA_TBOOLEAN);
	ck_assert(lua_toboolean(L, -1));
	lua_getfield(L, -4, "image");      /* a number replaced by a string */
	ck_assert_str_eq(lua_tostring(L, -1), "pe");
	lua_getfield(L, -5, "outputs");
	lua_getfield(L, -1, "wim");
	ck_assert_str_eq(lua_tostring(L, -1), "x.wim");
	lua_getfield(L, -7, "new");
	ck_assert(lua_isnil(L, -1));
	lua_getfield(L, -8, "var");
	ck_assert_str_eq(lua_tostring(L, -1), "v");
	lua_getfield(L, -9, "media");
	ck_assert_str_eq(lua_tostring(L, -1), "x");
	lua_settop(L, 0);
	pf_lua_free(lua);
	lua = NULL;
	ck_assert_int_eq(pf_lua_new("/nonexistent", &lua), 0);
	pf_lua_define(lua, "image", "3");
	pf_lua_define(lua, "inplace", "yes");
	pf_lua_define(lua, "outputs.iso.noprompt", "true");
	ck_assert_int_eq(run("n.lua", "return { image = 2, outputs = { iso = 'w.iso' } }\n",
			     &err2), 0);
	/* a string output became { path = ..., noprompt = ... } */
	lua_getfield(pf_lua_state(lua), -1, "outputs");
	lua_getfield(pf_lua_state(lua), -1, "iso");
	lua_getfield(pf_lua_state(lua), -1, "path");
	ck_assert_str_eq(lua_tostring(pf_lua_state(lua), -1), "w.iso");
	lua_getfield(pf_lua_state(lua), -2, "noprompt");
	ck_assert_str_eq(lua_tostring(pf_lua_state(lua), -1), "true");
	lua_pop(pf_lua_state(lua), 4);
	lua_getfield(pf_lua_state(lua), -1, "image");  /* a numeral stays a number */
	ck_assert_int_eq(lua_type(pf_lua_state(lua), -1), LUA_TNUMBER);
	/* a boolean key the recipe leaves unset takes a boolean */
	lua_getfield(pf_lua_state(lua), -2, "inplace");
	ck_assert_int_eq(lua_type(pf_lua_state(lua), -1), LUA_TBOOLEAN);
	ck_assert(lua_toboolean(pf_lua_state(lua), -1));
	free(err2);
	free(err);
}
END_TEST

/* A -D value that does not convert to the replaced type, or that dots into
 * a non-table, is one error naming the key and the type expected. */
START_TEST(test_lua_defines_type_errors)
{
	char *err;

	pf_lua_define(lua, "keep_setup", "maybe");
	ck_assert_int_eq(run("e1.lua", "return { keep_setup = false }\n", &err),
			 -PF_ERECIPE);
	ck_assert_msg(strstr(err, "-D keep_setup=maybe: recipe key 'keep_setup' "
			     "expects a boolean"), "stderr: %s", err);
	free(err);
	teardown();
	setup();
	pf_lua_define(lua, "source.x", "1");
	ck_assert_int_eq(run("e2.lua", "return { source = 'media' }\n", &err),
			 -PF_ERECIPE);
	ck_assert_msg(strstr(err, "recipe key 'source' is a string, not a table"),
		      "stderr: %s", err);
	free(err);
}
END_TEST

/* Run recipe TEXT written as NAME through the whole entry (run, -D,
 * finalize, plan); return the code, *ERR what went to stderr. */
static int run_plan(const char *name, const char *text, char **err)
{
	struct pf_plan *plan = NULL;
	struct capture c;
	char *file = test_write(dir, name, text);
	int top = lua_gettop(pf_lua_state(lua)), ret;

	capture_begin(&c);
	ret = pf_lua_load_plan(lua, file, &plan);
	*err = capture_end(&c);
	ck_assert_int_eq(lua_gettop(pf_lua_state(lua)), top);
	ck_assert(ret ? plan == NULL : plan != NULL);
	pf_plan_free(plan);
	free(file);
	return ret;
}

/* A raising __index on the recipe's tables. */
#define BOOM "local boom = { __index = function(t, k) error('boom ' .. k) end }\n"
/* A 10,000-part -D key. */
static char long_key[10 * 1000 * 2 + 16];

/* Recipes (and -D definitions) that used to crash the program: each is
 * one error line naming the recipe and, for -D, the key. */
static const struct {
	const char *text;
	const char *key, *value; /* a -D definition, or NULL */
	int ret;
	const char *want;
} entry_cases[] = {
	/* the library's finalize reads outputs.samba: the __index raises */
	{ BOOM "return { source = 'm', outputs = setmetatable({ wim = 'b.wim' }, boom) }",
	  NULL, NULL, -PF_ESCRIPT, "e.lua:1: boom samba" },
	{ BOOM "return setmetatable({ source = 'm', outputs = { wim = 'b.wim' } }, boom)",
	  NULL, NULL, -PF_ESCRIPT, "e.lua:1: boom start" },
	/* -D walks with metamethods: the error names the -D key */
	{ BOOM "return { source = 'm', outputs = setmetatable({}, boom) }",
	  "outputs.wim.x", "1", -PF_ESCRIPT, "e.lua: -D outputs.wim.x: /" },
	{ "return setmetatable({ source = 'm' }, { __newindex = function() error('nw') end })",
	  "keep_setup", "true", -PF_ESCRIPT, "e.lua: -D keep_setup: " },
	{ "return { source = 'm', outputs = { wim = 'b.wim' } }",
	  long_key, "1", -PF_ERECIPE, ".a.a....: key nested too deep (10002 parts, limit 32)" },
	/* looping metamethods end in a Lua error, not a hang or a crash */
	{ "return { source = 'm', outputs = setmetatable({}, { __index = "
	  "function(t, k) return t[k] end }) }", NULL, NULL, -PF_ESCRIPT, "stack overflow" },
	{ "local a, b = {}, {} setmetatable(a, { __index = b }) setmetatable(b, { __index = a })\n"
	  "return { source = 'm', outputs = a }", NULL, NULL, -PF_ESCRIPT, "'__index' chain too long" },
	/* odd error objects */
	{ "return { source = 'm', outputs = setmetatable({}, { __index = "
	  "function() error({}) end }) }", NULL, NULL, -PF_ESCRIPT,
	  "e.lua: (error object is a table value)" },
	{ "return { source = 'm', outputs = setmetatable({}, { __index = "
	  "function() error('two\\nlines') end }) }", NULL, NULL, -PF_ESCRIPT, "two lines" },
	/* the plan reader's walks, through the whole entry */
	{ "local t = 'x' for i = 1, 60 do t = { a = t } end\n"
	  "return { source = 'm', outputs = { wim = { path = 'b.wim', a = t } } }",
	  NULL, NULL, -PF_ERECIPE, "table nested too deep (limit 32 keys in a path)" },
	{ "local t = {} for i = 1, 10000 do t = { t } end\n"
	  "return { source = 'm', outputs = { wim = t } }",
	  NULL, NULL, -PF_ERECIPE, "table nested too deep (limit 32 keys in a path)" },
	{ "local s = { path = 'b.wim' } s.wim = s\n"
	  "return { source = 'm', outputs = { wim = s } }",
	  NULL, NULL, -PF_ERECIPE, "recipe key 'outputs.wim.wim': the table contains itself" },
	{ "return { source = 'm', outputs = { wim = { path = 'b.wim', [true] = 1 } } }",
	  NULL, NULL, -PF_ERECIPE, "recipe key 'outputs.wim': a key is a boolean" },
	{ "return { source = 'm', outputs = { wim = { path = 'b.wim', [print] = 1 } } }",
	  NULL, NULL, -PF_ERECIPE, "recipe key 'outputs.wim': a key is a function" },
};

/* Every case: its code, one error line (and nothing else on stderr). */
START_TEST(test_lua_entry_one_line)
{
	char *err;
	int i;

	strcpy(long_key, "outputs.wim");
	for (i = 0; i < 10000; i++)
		strcat(long_key + 11 + 2 * i, ".a");
	if (entry_cases[_i].key)
		pf_lua_define(lua, entry_cases[_i].key, entry_cases[_i].value);
	ck_assert_int_eq(run_plan("e.lua", entry_cases[_i].text, &err), entry_cases[_i].ret);
	ck_assert_msg(strstr(err, entry_cases[_i].want), "case %d: stderr: %s", _i, err);
	ck_assert_msg(!strncmp(err, "peforge: error: ", 16), "stderr: %s", err);
	ck_assert_msg(strstr(err, "/e.lua: "), "the recipe is not named: %s", err);
	if (entry_cases[_i].key)
		ck_assert_msg(strstr(err, "/e.lua: -D outputs.wim") ||
			      strstr(err, "/e.lua: -D keep_setup: "), "no key: %s", err);
	ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
	free(err);
}
END_TEST

/* A recipe that changes pe.defines (a table or nil for a value, a
 * raising __index) does not crash the -D step: only text is applied. */
START_TEST(test_lua_defines_changed_by_recipe)
{
	lua_State *L = pf_lua_state(lua);
	char *err;

	pf_lua_define(lua, "outputs.wim", "x.wim");
	pf_lua_define(lua, "keep_setup", "yes");
	pf_lua_define(lua, "image", "pe");
	ck_assert_int_eq(run("dc.lua",
			     "local pe = require 'peforge'\n"
			     "pe.defines['outputs.wim'] = {}\n"
			     "pe.defines.keep_setup = nil\n"
			     "setmetatable(pe.defines, { __index = function() error('x') end })\n"
			     "return { source = 'm', outputs = { wim = 'b.wim' } }\n", &err), 0);
	ck_assert_str_eq(err, "");
	lua_getfield(L, -1, "outputs");
	lua_getfield(L, -1, "wim");
	ck_assert_str_eq(lua_tostring(L, -1), "b.wim");
	lua_getfield(L, -3, "keep_setup");
	ck_assert(lua_isnil(L, -1));
	lua_getfield(L, -4, "image");
	ck_assert_str_eq(lua_tostring(L, -1), "pe");
	free(err);
}
END_TEST

/* The whole entry gives the plan and leaves the stack as it was. */
START_TEST(test_lua_load_plan)
{
	struct pf_plan *plan = NULL;
	char *file, *err;
	struct capture c;

	pf_lua_define(lua, "outputs.wim", "x.wim");
	file = test_write(dir, "p.lua", "return { source = 'm', outputs = { wim = 'b.wim' } }\n");
	capture_begin(&c);
	ck_assert_int_eq(pf_lua_load_plan(lua, file, &plan), 0);
	err = capture_end(&c);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(lua_gettop(pf_lua_state(lua)), 0);
	ck_assert_uint_eq(plan->noutputs, 1);
	ck_assert_str_eq(pf_args_get(plan->outputs[0].args, "path"), "x.wim");
	ck_assert_str_eq(plan->recipe_dir, dir);
	ck_assert_str_eq(plan->recipe, file);
	pf_plan_free(plan);
	free(file);
	free(err);
}
END_TEST

/* load, loadfile, dofile and require take text only: a binary chunk (or
 * mode "b") is refused the way Lua refuses a chunk, never run; text
 * chunks load as before (with a reader function and an env too). */
START_TEST(test_lua_text_only_chunks)
{
	lua_State *L = pf_lua_state(lua);
	char *err, *text = pf_asprintf(
		"local dir = '%s'\n"
		"local s = string.dump(function() return 1 end)\n"
		"local fh = assert(io.open(dir .. '/binmod.lua', 'wb'))\n"
		"fh:write(string.dump(function() return { x = 1 } end)) fh:close()\n"
		"local r = {}\n"
		"r.f1, r.e1 = load(s)\n"
		"r.f2, r.e2 = load('return 1', 'x', 'b')\n"
		"r.f3, r.e3 = load(s, 'x', 'bt')\n"
		"r.n4 = load('return 7', 'x', 'bt')()\n"
		"local once = s\n"
		"r.f5, r.e5 = load(function() local d = once once = nil return d end)\n"
		"local src = 'return 8'\n"
		"r.n6 = load(function() local d = src src = nil return d end)()\n"
		"r.n7 = load('return v', 'x', 't', { v = 9 })()\n"
		"r.f8, r.e8 = loadfile(dir .. '/binmod.lua')\n"
		"r.ok9, r.e9 = pcall(dofile, dir .. '/binmod.lua')\n"
		"r.ok10, r.e10 = pcall(require, 'binmod')\n"
		"r.up = debug.getupvalue(load, 1)\n"
		"return r\n", dir);
	static const char *const refused[] = { "e1", "e3", "e5", "e8", "e9", "e10" };
	size_t i;

	ck_assert_int_eq(run("tx.lua", text, &err), 0);
	ck_assert_str_eq(err, "");
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		lua_getfield(L, -1, refused[i]);
		ck_assert_msg(lua_isstring(L, -1) && strstr(lua_tostring(L, -1),
			      "attempt to load a binary chunk (mode is 't')"), "%s", refused[i]);
		lua_pop(L, 1);
	}
	lua_getfield(L, -1, "e2");
	ck_assert_ptr_nonnull(strstr(lua_tostring(L, -1), "binary chunks are not allowed"));
	lua_getfield(L, -2, "e10");
	ck_assert_ptr_nonnull(strstr(lua_tostring(L, -1), "error loading module 'binmod'"));
	lua_pop(L, 2);
	for (i = 0; i < 3; i++) {
		static const char *const f[] = { "f1", "ok9", "ok10" };

		lua_getfield(L, -1, f[i]);
		ck_assert_msg(!lua_toboolean(L, -1), "%s", f[i]);
		lua_pop(L, 1);
	}
	lua_getfield(L, -1, "n4");
	ck_assert_int_eq(lua_tointeger(L, -1), 7);
	lua_getfield(L, -2, "n6");
	ck_assert_int_eq(lua_tointeger(L, -1), 8);
	lua_getfield(L, -3, "n7");
	ck_assert_int_eq(lua_tointeger(L, -1), 9);
	lua_getfield(L, -4, "up");        /* the standard load is out of reach */
	ck_assert(lua_isnil(L, -1));
	free(err);
	free(text);
}
END_TEST

/* The recipe: crafted bytecode through load(..., "b") is not run;
 * calling what load refused is the recipe's runtime error (one error line,
 * then the traceback), not a crash. */
START_TEST(test_lua_binary_chunk_not_run)
{
	char *err, *nl;

	ck_assert_int_eq(run("cb.lua",
			     "local s = string.dump(function() local x = 'abc' return x end, true)\n"
			     "local b = { s:byte(1, -1) }\n"
			     "for i = 40, #b - 4, 4 do b[i] = 0xff end  -- garbage operands\n"
			     "s = string.char(table.unpack(b))\n"
			     "local f = load(s, 'x', 'b')\n"
			     "f()\n"
			     "return {}\n", &err), -PF_ESCRIPT);
	ck_assert_msg(!strncmp(err, "peforge: error: ", 16) &&
		      strstr(err, "/cb.lua:6: attempt to call a nil value"), "stderr: %s", err);
	for (nl = strchr(err, '\n'); nl && nl[1]; nl = strchr(nl + 1, '\n'))
		ck_assert_msg(strncmp(nl + 1, "peforge:", 8) != 0, "two lines: %s", err);
	free(err);
}
END_TEST

/* An error outside any protected call ends the program with exit 1 (one
 * error line from the panic handler), never an abort. */
START_TEST(test_lua_panic_exits_1)
{
	struct pf_lua *h = NULL;
	lua_State *L;

	ck_assert_int_eq(pf_lua_new("/nonexistent", &h), 0);
	L = pf_lua_state(h);
	lua_pushliteral(L, "unprotected");
	lua_error(L);
}
END_TEST

/* ---- limits: the instruction budget and the memory limit ------------- */

#define TEST_MAX_INSTR 20000000ULL
#define TEST_MAX_MB 48ULL

/* A state made with lowered limits, so that each test takes a second. */
static void setup_limits(void)
{
	ck_assert_int_eq(pf_lua_set_limits(TEST_MAX_INSTR, TEST_MAX_MB), 0);
	setup();
}

static void teardown_limits(void)
{
	teardown();
	pf_cancel_requested = 0;
	ck_assert_int_eq(pf_lua_set_limits(PF_LUA_DEFAULT_MAX_INSTRUCTIONS,
					   PF_LUA_DEFAULT_MAX_MEMORY_MB), 0);
}

/* ERR is one line holding WANT. */
static void one_line_with(const char *err, const char *want)
{
	ck_assert_msg(strstr(err, want), "stderr: %s", err);
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
}

static const char too_long[] = "the recipe ran too long (over 20000000 instructions; "
			       "raise with --lua-max-instructions)";
static const char too_much[] = "the recipe used too much memory (over 48 MiB; "
			       "raise with --lua-max-memory)";

/* Endless recipes, also ones that catch errors with pcall, stop with the
 * instruction message. */
static const char *const endless[] = {
	"while true do end\n",
	"while true do pcall(function() while true do end end) end\n",
	"local function f() return f() end\nf()\n",
	"while true do xpcall(function() while true do end end, function() while true do end end) end\n",
	/* in the library's finalize */
	"local pe = require 'peforge'\n"
	"table.insert(pe.finalizers, function(r) while true do end end)\nreturn {}\n",
};

START_TEST(test_lua_endless_recipe_stops)
{
	char *err;
	int ret = run("spin.lua", endless[_i], &err);

	ck_assert_int_eq(ret, -PF_ESCRIPT);
	one_line_with(err, too_long);
	free(err);
}
END_TEST

/* Memory-hungry recipes, also ones that catch the memory error, stop with
 * the memory message. */
static const char *const hungry[] = {
	"local t = {} while true do t[#t+1] = string.rep('x', 1e6) end\n",
	"local t = {} while true do pcall(function() t[#t+1] = string.rep('x', 1e6) end) end\n",
	"local s = 'x' while true do s = s .. s end\n",
	"local t = {} for i = 1, 1e9 do t[i] = i end\n",
};

START_TEST(test_lua_hungry_recipe_stops)
{
	char *err;
	int ret = run("hungry.lua", hungry[_i], &err);

	ck_assert_int_eq(ret, -PF_ESCRIPT);
	one_line_with(err, too_much);
	free(err);
}
END_TEST

/* A -D definition applied through a looping metamethod is stopped too. */
START_TEST(test_lua_limit_in_define)
{
	char *err;
	int ret;

	ck_assert_int_eq(pf_lua_define(lua, "source", "x"), 0);
	ret = run("meta.lua", "return setmetatable({}, { __index = function() "
		  "while true do end end })\n", &err);
	ck_assert_int_eq(ret, -PF_ESCRIPT);
	one_line_with(err, too_long);
	free(err);
}
END_TEST

/* Garbage is not a limit: a recipe that makes much more than the limit in
 * total, but keeps little, runs; so does the library. */
START_TEST(test_lua_limits_leave_real_recipes)
{
	char *err;
	int ret = run("ok.lua", "local pe = require 'peforge'\n"
		      "for i = 1, 200 do local s = string.rep('y', 1e6) end\n"
		      "return { source = 'x', outputs = { wim = 'boot.wim' } }\n", &err);

	ck_assert_msg(ret == 0, "stderr: %s", err);
	free(err);
}
END_TEST

/* A signal's cancel stops a running recipe. */
START_TEST(test_lua_cancel_stops_recipe)
{
	char *err;
	int ret;

	pf_cancel_requested = 1;
	ret = run("spin.lua", "while true do end\n", &err);
	ck_assert_int_eq(ret, -PF_ECANCELED);
	one_line_with(err, "canceled while the recipe ran");
	free(err);
}
END_TEST

/* The limits read back as set; an impossible memory limit is refused. */
START_TEST(test_lua_limits_set)
{
	unsigned long long i, m;

	pf_lua_get_limits(&i, &m);
	ck_assert_uint_eq(i, TEST_MAX_INSTR);
	ck_assert_uint_eq(m, TEST_MAX_MB);
	ck_assert_int_eq(pf_lua_set_limits(0, 0), 0);
	pf_lua_get_limits(&i, &m);
	ck_assert_uint_eq(i, TEST_MAX_INSTR);
	ck_assert_int_eq(pf_lua_set_limits(0, ~0ULL), -1);
}
END_TEST

static Suite *suite_luahost(void)
{
	Suite *s = suite_create("luahost");
	TCase *tc = tcase_create("recipes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lua_syntax_error_line);
	tcase_add_test(tc, test_lua_runtime_error_traceback);
	tcase_add_test(tc, test_lua_recipe_must_return_table);
	tcase_add_test(tc, test_lua_missing_recipe);
	tcase_add_test(tc, test_lua_require_recipe_folder_and_library);
	tcase_add_test(tc, test_lua_sandboxed_paths);
	tcase_add_test(tc, test_lua_defines_applied);
	tcase_add_test(tc, test_lua_defines_type_errors);
	tcase_add_loop_test(tc, test_lua_entry_one_line, 0,
			    (int)(sizeof(entry_cases) / sizeof(entry_cases[0])));
	tcase_add_test(tc, test_lua_load_plan);
	tcase_add_test(tc, test_lua_defines_changed_by_recipe);
	tcase_add_test(tc, test_lua_text_only_chunks);
	tcase_add_test(tc, test_lua_binary_chunk_not_run);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup_limits, teardown_limits);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_lua_endless_recipe_stops, 0,
			    (int)(sizeof(endless) / sizeof(endless[0])));
	tcase_add_loop_test(tc, test_lua_hungry_recipe_stops, 0,
			    (int)(sizeof(hungry) / sizeof(hungry[0])));
	tcase_add_test(tc, test_lua_limit_in_define);
	tcase_add_test(tc, test_lua_limits_leave_real_recipes);
	tcase_add_test(tc, test_lua_cancel_stops_recipe);
	tcase_add_test(tc, test_lua_limits_set);
	suite_add_tcase(s, tc);
	/* the panic ends the process: only in a forked test (not under
	 * make check-valgrind, which runs the suites with CK_FORK=no) */
	if (!getenv("CK_FORK") || strcmp(getenv("CK_FORK"), "no") != 0) {
		tc = tcase_create("panic");
		tcase_add_exit_test(tc, test_lua_panic_exits_1, 1);
		suite_add_tcase(s, tc);
	}
	return s;
}

PF_CHECK_MAIN(suite_luahost)
