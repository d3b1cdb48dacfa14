/* tests/check_luahost.c - the Lua host: errors with file and line, the
 * traceback, the sandboxed package paths, and -D definitions. */
#include "config.h"

#include <lauxlib.h>

#include "check_common.h"
#include "luahost.h"
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
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_luahost)
