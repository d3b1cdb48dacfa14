/* tests/check_lua_unattend.c - the Lua binding of the answer-file library
 * (core/lua_unattend.c, core/lua_unattend_model.c,
 * core/lua_unattend_async.c): the model path in each
 * error, the stack left as it was, tables read raw, and the module's
 * functions as Lua sees them.  PF_SRCDIR locates the XSD. */
#include "config.h"

#include <lauxlib.h>
#include <lualib.h>

#include "check_common.h"
#include "error.h"
#include "lua_unattend.h"
#include "unattend.h"

/* Turn the model returned by CHUNK into a C model: the error message
 * (malloc'd), or NULL when it built (the model is freed). */
static char *model_error(const char *chunk)
{
	lua_State *L = luaL_newstate();
	struct pf_ua_model *m = NULL;
	char *err = NULL;
	int ret;

	luaL_openlibs(L);
	lua_pushinteger(L, 7);                         /* below the model */
	ck_assert_msg(luaL_dostring(L, chunk) == LUA_OK, "%s", lua_tostring(L, -1));
	ret = pf_lua_unattend_model(L, -1, &m, &err);
	ck_assert_int_eq(lua_gettop(L), 2);            /* left as it was */
	ck_assert_int_eq(lua_tointeger(L, 1), 7);
	if (ret == 0) {
		ck_assert_ptr_nonnull(m);
		ck_assert_ptr_null(err);
		pf_ua_model_free(m);
	} else {
		ck_assert_int_eq(ret, -PF_EINVAL);
		ck_assert_ptr_nonnull(err);
	}
	lua_close(L);
	return err;
}

/* Each mistake is reported with the full path of the value at fault. */
static const struct {
	const char *chunk, *want;
} paths[] = {
	{ "return { arch = 5 }", "model.arch: expected \"amd64\", \"x86\" or \"arm64\"" },
	{ "return { settings = 1 }", "model.settings: expected a table of passes, got number" },
	{ "return { settings = { specialize = 1 } }",
	  "model.settings.specialize: expected a table of components, got number" },
	{ "return { settings = { specialize = { [''] = {} } } }",
	  "model.settings.specialize[\"\"]: a component name must be non-empty ASCII" },
	{ "return { settings = { specialize = { ['Microsoft-Windows-X'] = { A = { ['@x:y'] = 1 } } } } }",
	  "model.settings.specialize[\"Microsoft-Windows-X\"].A[\"@x:y\"]: '@x:y' is not an "
	  "attribute name (use \"@name\" or \"@wcm:name\")" },
	{ "return { settings = { specialize = { C = { L = { { X = 1 } } } } } }",
	  "model.settings.specialize.C.L: <L> has list items but no item name: set "
	  "\"@item\" = \"ElementName\"" },
	{ "return { settings = { specialize = { C = { RunSynchronous = { {}, 'cmd' } } } } }",
	  "model.settings.specialize.C.RunSynchronous[2]: a <RunSynchronousCommand> item "
	  "must be a table, got string" },
	{ "return { settings = { specialize = { C = { L = { ['@item'] = 'I', I = 1, 2 } } } } }",
	  "model.settings.specialize.C.L: <L>: both a key 'I' and list items: use one" },
	{ "return { settings = { specialize = { C = { L = { ['@item'] = 5 } } } } }",
	  "model.settings.specialize.C.L: \"@item\": expected a string (the list item "
	  "element name), got number" },
	{ "return { settings = { specialize = { C = { L = { ['@item'] = 'a b', 1 } } } } }",
	  "model.settings.specialize.C.L: 'a b' is not an XML element name" },
	{ "return { settings = { specialize = { C = { A = { B = { C = 0/0 } } } } } }",
	  "model.settings.specialize.C.A.B.C: expected a finite number" },
	{ "return { settings = { specialize = { C = { A = { ['@n'] = {} } } } } }",
	  "model.settings.specialize.C.A[\"@n\"]: attribute @n: expected a string, number "
	  "or boolean, got table" },
	{ "return { settings = { specialize = { C = { [true] = 1 } } } }",
	  "model.settings.specialize.C: <component>: keys must be element names" },
	{ "return { settings = { specialize = { C = { D = { [1.5] = 1 } } } } }",
	  "model.settings.specialize.C.D: <D>: keys must be element names" },
	{ "return { settings = { specialize = { C = { ['#text'] = 'a\\1' } } } }",
	  "model.settings.specialize.C: text is not valid UTF-8 or holds control characters" },
	{ "return { settings = { specialize = { [1] = {} } } }",
	  "model.settings.specialize: component keys must be component names (strings)" },
	{ "return 'x'", "model.: expected a table, got string" },
};

START_TEST(test_error_paths)
{
	char *err = model_error(paths[_i].chunk);

	ck_assert_msg(err && !strncmp(err, paths[_i].want, strlen(paths[_i].want)),
		      "case %d: %s", _i, err);
	free(err);
}
END_TEST

/* Tables are read raw: metamethods of the model's tables are not run, so
 * one that raises does not escape the walk. */
START_TEST(test_raw_reads)
{
	char *err = model_error(
		"local mt = { __index = function() error('boom') end,\n"
		"  __pairs = function() error('boom') end }\n"
		"return setmetatable({ settings = setmetatable({ specialize = setmetatable(\n"
		"  { C = setmetatable({ A = 'x' }, mt) }, mt) }, mt) }, mt)");

	ck_assert_msg(err == NULL, "%s", err);
}
END_TEST

/* A Lua state with the standard libraries, the module as the global
 * `core` and the XSD's path as `xsd`. */
static lua_State *state_with_module(void)
{
	lua_State *L = luaL_newstate();
	char xsd[4096];

	snprintf(xsd, sizeof(xsd), "%s/unattend/peforge-unattend.xsd", test_env("PF_SRCDIR"));
	luaL_openlibs(L);
	luaL_requiref(L, "core", luaopen_peforge_unattend_core, 1);
	lua_pop(L, 1);
	lua_pushstring(L, xsd);
	lua_setglobal(L, "xsd");
	return L;
}

/* The module: build's results and errors, check's name prefix, the
 * catalog's lists as the library has them. */
START_TEST(test_module)
{
	lua_State *L = state_with_module();
	const struct pf_ua_list *l;
	int nlists = 0;

	for (l = pf_ua_lists; l->container; l++)
		nlists++;
	lua_pushinteger(L, nlists);
	lua_setglobal(L, "nlists");
	ck_assert_msg(luaL_dostring(L,
		"local m = { settings = { specialize = { ['Microsoft-Windows-Shell-Setup'] =\n"
		"  { ComputerName = 'PC-1' } } } }\n"
		"local t, f = core.build(m, xsd)\n"
		"assert(t:find('<ComputerName>PC%-1</ComputerName>\\r\\n') and #f == 0)\n"
		"local t2 = core.build(m, xsd)\n"          /* the cached schema */
		"assert(t2 == t and core.build(m) == t)\n"
		"assert(not pcall(core.build, 'x'))\n"
		"local ok, e = pcall(core.build, { settings = { specialize = { C = { A = print } } } })\n"
		"assert(not ok and e:find('^model%.settings%.specialize%.C%.A: expected a string'), e)\n"
		"local n, msg = core.check('<a', xsd, 'f.xml')\n"
		"assert(n == nil and msg:find('^f%.xml: line 1: '), msg)\n"
		"local f2 = core.check(t:gsub('PC%-1', 'PC 1'), xsd)\n"
		"assert(#f2 == 1 and f2[1].xpath:find('/ComputerName$') and\n"
		"  f2[1].message:find('forbidden character'))\n"
		"local q, qm = core.query('<a', '/')\n"
		"assert(q == nil and qm:find('^line 1: '))\n"
		"local v, vm = core.encode_password('\\xff', 'Password')\n"
		"assert(v == nil and vm == 'the password is not valid UTF-8')\n"
		"assert(core.decode_password('x', 'Password') == nil)\n"
		"local c, k = core.catalog(), 0\n"
		"for _ in pairs(c.lists) do k = k + 1 end\n"
		"assert(k == nlists and c.lists.DriverPaths == 'PathAndCredentials')\n"
		"assert(core.namespace == 'urn:schemas-microsoft-com:unattend')\n") == LUA_OK,
		"%s", lua_tostring(L, -1));
	lua_close(L);
}
END_TEST

/* The number of threads of this process (/proc/self/status). */
static int threads_now(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* core.build_async: the same texts, findings and errors as core.build for
 * hundreds of files taken in any order, results taken once, handles
 * dropped without their result (collected while their files are written,
 * and at lua_close), ready() that ends when polled alone; the pool's
 * threads run while the state lives and are gone after lua_close. */
START_TEST(test_async)
{
	int before = threads_now();
	lua_State *L = state_with_module();

	ck_assert_msg(luaL_dostring(L,
		"local function model(i)\n"
		"  local name = i % 7 == 0 and ('PC ' .. i) or ('PC-' .. i)\n" /* a finding */
		"  return { settings = { specialize = { ['Microsoft-Windows-Shell-Setup'] =\n"
		"    { ComputerName = name, RegisteredOwner = string.rep('o', i % 50) } } } }\n"
		"end\n"
		"local p, n = {}, 600\n"
		"for i = 1, n do p[i] = core.build_async(model(i), i % 3 == 0 and xsd or nil) end\n"
		"for i = n, 1, -1 do\n"                      /* the last first */
		"  if i % 5 ~= 0 then\n"                     /* every 5th is dropped */
		"    local t, f = p[i]:result()\n"
		"    local t2, f2 = core.build(model(i), i % 3 == 0 and xsd or nil)\n"
		"    assert(t == t2, 'text ' .. i)\n"
		"    assert(#f == #f2 and #f == (i % 7 == 0 and 1 or 0), 'findings ' .. i)\n"
		"    for k = 1, #f do assert(f[k].xpath == f2[k].xpath and f[k].message == f2[k].message) end\n"
		"    assert(p[i]:ready())\n"
		"    local ok, e = pcall(p[i].result, p[i])\n"
		"    assert(not ok and e:find('already taken'), e)\n"
		"  end\n"
		"end\n"
		"p = nil; collectgarbage(); collectgarbage()\n"
		"local q = core.build_async(model(1), xsd)\n"
		"while not q:ready() do end\n"               /* one file, polled: ends */
		"assert(q:result():find('PC%-1'))\n"
		"local ok, e = pcall(core.build_async, { settings = { specialize = { C = { A = print } } } })\n"
		"assert(not ok and e:find('^model%.settings%.specialize%.C%.A: expected a string'), e)\n"
		"local n1, m1 = core.build_async(model(1), '/nonexistent.xsd')\n"
		"local n2, m2 = core.build(model(1), '/nonexistent.xsd')\n"
		"assert(n1 == nil and n2 == nil and m1 == m2, m1)\n"
		"assert(not pcall(core.build_async, 'x'))\n"
		"keep = {}\n"                                /* left for lua_close */
		"for i = 1, 40 do keep[i] = core.build_async(model(i), xsd) end\n") == LUA_OK,
		"%s", lua_tostring(L, -1));
	ck_assert_int_gt(threads_now(), before);
	lua_close(L);
	ck_assert_int_eq(threads_now(), before);
}
END_TEST

static Suite *suite_lua_unattend(void)
{
	Suite *s = suite_create("lua_unattend");
	TCase *tc = tcase_create("binding");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_error_paths, 0, sizeof(paths) / sizeof(paths[0]));
	tcase_add_test(tc, test_raw_reads);
	tcase_add_test(tc, test_module);
	tcase_add_test(tc, test_async);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_lua_unattend)
