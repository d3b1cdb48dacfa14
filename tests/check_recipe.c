/* tests/check_recipe.c - the recipe table turned into a plan: types are
 * checked with messages naming the key and the type expected, paths are
 * resolved against the recipe's folder, outputs are flattened; deep,
 * cyclic and oddly keyed tables are one error line, never a crash, and
 * the reader runs no metamethod. */
#include "config.h"

#include <lauxlib.h>
#include <lualib.h>

#include "check_common.h"
#include "recipe.h"
#include "util.h"

/* Evaluate CHUNK (which returns the recipe table) and read it into a plan
 * as if it came from /recipes/r.lua.  *ERR gets stderr. */
static int plan_of(const char *chunk, struct pf_plan **plan, char **err)
{
	lua_State *L = luaL_newstate();
	struct capture c;
	int ret;

	luaL_openlibs(L);
	ck_assert_int_eq(luaL_dostring(L, chunk), LUA_OK);
	capture_begin(&c);
	ret = pf_plan_from_lua(L, -1, "r.lua", "/recipes", plan);
	*err = capture_end(&c);
	ck_assert_int_eq(lua_gettop(L), 1); /* the stack is left as it was */
	lua_close(L);
	return ret;
}

/* Table of wrong types: each is refused with the key, the type expected and
 * the type found in the message. */
static const struct {
	const char *chunk;
	const char *want;
} type_cases[] = {
	{ "return { source = 42 }",
	  "recipe key 'source': expected string (a path), got number" },
	{ "return { source = 'm', outputs = 'boot.wim' }",
	  "recipe key 'outputs': expected table, got string" },
	{ "return { source = 'm', keep_setup = 'yes' }",
	  "recipe key 'keep_setup': expected boolean, got string" },
	{ "return { source = 'm', image = true }",
	  "recipe key 'image': expected string or number, got boolean" },
	{ "return { source = 'm', files = { ['a.txt'] = 5 } }",
	  "recipe key 'files[\"a.txt\"]': expected a string or a table { path = ... }, got number" },
	{ "return { source = 'm', start = { txt = 'x' } }",
	  "recipe key 'start': expected a string or a table with a string field 'text'" },
	{ "return { source = 'm', outputs = { wim = 3 } }",
	  "recipe key 'outputs.wim': expected string (a path) or table, got number" },
	{ "return { source = 'm', drivers = { 'a', 7 } }",
	  "recipe key 'drivers[2]': expected string (a folder), got number" },
	{ "return { outputs = {} }",
	  "recipe key 'source' is missing" },
	{ "return { source = 'm', files = { ['../etc/passwd'] = 'x' } }",
	  "'../etc/passwd' leaves its root with '..'" },
	{ "return { source = 'm', drivers = { dest = 'x' } }",
	  "recipe key 'drivers': no folder given" },
	{ "return { source = 'm', arch = 'amd65' }",
	  "recipe key 'arch': 'amd65' is not an architecture (amd64, x86 or arm64)" },
	{ "return { source = 'm', drivers = { 'd', dest = 7 } }",
	  "recipe key 'drivers.dest': expected string (a folder in the image), got number" },
	{ "return { source = 'm', media = { ['/abs'] = 'x' } }",
	  "recipe key 'media': '/abs' must be a relative path" },
};

/* Each wrong type is one error line naming the key and both types. */
START_TEST(test_recipe_type_errors)
{
	struct pf_plan *plan = NULL;
	char *err;

	ck_assert_int_eq(plan_of(type_cases[_i].chunk, &plan, &err), -PF_ERECIPE);
	ck_assert_ptr_null(plan);
	ck_assert_msg(strstr(err, type_cases[_i].want), "case %d: stderr: %s", _i, err);
	ck_assert_ptr_nonnull(strstr(err, "r.lua: "));
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
	free(err);
}
END_TEST

/* A good recipe gives a plan: paths resolved against the recipe folder,
 * files sorted, backslashes made separators, outputs sorted and flattened. */
START_TEST(test_recipe_plan_contents)
{
	struct pf_plan *p = NULL;
	char *err;

	ck_assert_int_eq(plan_of(
		"return { source = 'media/../win', image = 2, overlay = 'ov',\n"
		"  start = { text = 'wpeinit\\n' }, keep_setup = true,\n"
		"  files = { ['b.txt'] = 'B', ['Windows\\\\a.txt'] = { path = 'x/a' } },\n"
		"  drivers = 'drv', unattend = '<xml/>',\n"
		"  outputs = { wim = 'boot.wim', pxe = { dir = 't', opts = { n = 3, ok = true } } } }",
		&p, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(p->source, "/recipes/win");
	ck_assert_str_eq(p->overlay, "/recipes/ov");
	ck_assert_str_eq(p->image, "2");
	ck_assert_str_eq(p->start, "wpeinit\n");
	ck_assert(p->keep_setup);
	ck_assert_uint_eq(p->nfiles, 2);
	ck_assert_str_eq(p->files[0].dest, "Windows/a.txt");
	ck_assert_str_eq(p->files[0].src, "/recipes/x/a");
	ck_assert_str_eq(p->files[1].dest, "b.txt");
	ck_assert_str_eq(p->files[1].data, "B");
	ck_assert_uint_eq(p->ndrivers, 1);
	ck_assert_str_eq(p->drivers[0], "/recipes/drv");
	ck_assert_str_eq(p->unattend, "<xml/>");
	ck_assert_uint_eq(p->noutputs, 2);
	ck_assert_str_eq(p->outputs[0].name, "pxe");
	ck_assert_str_eq(pf_args_get(p->outputs[0].args, "dir"), "t");
	ck_assert_str_eq(pf_args_get(p->outputs[0].args, "opts.n"), "3");
	ck_assert_str_eq(pf_args_get(p->outputs[0].args, "opts.ok"), "true");
	ck_assert_str_eq(p->outputs[1].name, "wim");
	ck_assert_str_eq(pf_args_get(p->outputs[1].args, "path"), "boot.wim");
	free(err);
	pf_plan_free(p);
}
END_TEST

/* An unknown key is a warning, not an error: the plan is still made. */
START_TEST(test_recipe_unknown_key_warns)
{
	struct pf_plan *p = NULL;
	char *err;

	ck_assert_int_eq(plan_of("return { source = 'm', outptus = {} }", &p, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "warning: r.lua: unknown recipe key 'outptus'"));
	ck_assert_uint_eq(p->noutputs, 0);
	free(err);
	pf_plan_free(p);
}
END_TEST

/* Tables that used to crash the reader (abort, segfault): each is now one
 * error line naming the key.  DEEP(N) nests N tables under outputs.wim. */
#define DEEP(n) "local t = 'x' for i = 1, " #n " do t = { a = t } end\n" \
	"return { source = 'm', outputs = { wim = { path = 'b.wim', a = t } } }"
#define TOO_DEEP "': table nested too deep (limit 32 keys in a path)"
static const struct {
	const char *chunk;
	const char *want;
} walk_cases[] = {
	{ DEEP(40), "r.lua: recipe key 'outputs.wim.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a"
	  ".a.a.a.a.a.a.a.a.a.a.a.a" TOO_DEEP },
	{ DEEP(60), "r.lua: recipe key 'outputs.wim.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a"
	  ".a.a.a.a.a.a.a.a.a.a.a.a" TOO_DEEP },
	{ "local t = {} for i = 1, 10000 do t = { t } end\n"
	  "return { source = 'm', outputs = { wim = t } }",
	  "r.lua: recipe key 'outputs.wim.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1"
	  ".1.1.1.1.1.1.1.1" TOO_DEEP },
	{ "local t = {} for i = 1, 10000 do t = { [string.rep('k', 50)] = t } end\n"
	  "return { source = 'm', outputs = { wim = t } }",
	  "...': table nested too deep" },
	{ "local s = { path = 'share' } s.samba = s\n"
	  "return { source = 'm', outputs = { samba = s } }",
	  "r.lua: recipe key 'outputs.samba.samba': the table contains itself (a cycle)" },
	{ "local s = { path = 'share', x = {} } s.x.y = { s }\n"
	  "return { source = 'm', outputs = { samba = s } }",
	  "r.lua: recipe key 'outputs.samba.x.y.1': the table contains itself (a cycle)" },
	{ "return { source = 'm', outputs = { wim = { path = 'b.wim', [true] = 1 } } }",
	  "r.lua: recipe key 'outputs.wim': a key is a boolean (keys must be strings or numbers)" },
	{ "return { source = 'm', outputs = { wim = { path = 'b.wim', [print] = 1 } } }",
	  "r.lua: recipe key 'outputs.wim': a key is a function (keys must be strings or numbers)" },
	{ "return { source = 'm', outputs = { pxe = { o = { n = { [{}] = 1 } } } } }",
	  "r.lua: recipe key 'outputs.pxe.o.n': a key is a table (keys must be strings or numbers)" },
	{ "return { source = 'm', outputs = { [io.stdout] = 'x' } }",
	  "r.lua: recipe key 'outputs': keys must be output names, got userdata" },
	{ "return { source = 'm', files = { [false] = 'x' } }",
	  "r.lua: recipe key 'files': keys must be path strings, got boolean" },
};

/* No table crashes the reader: one error line, the stack as it was. */
START_TEST(test_recipe_walk_errors)
{
	struct pf_plan *plan = NULL;
	char *err;

	ck_assert_int_eq(plan_of(walk_cases[_i].chunk, &plan, &err), -PF_ERECIPE);
	ck_assert_ptr_null(plan);
	ck_assert_msg(strstr(err, walk_cases[_i].want), "case %d: stderr: %s", _i, err);
	ck_assert_msg(!strncmp(err, "peforge: error: r.lua: ", 23), "stderr: %s", err);
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
	free(err);
}
END_TEST

/* The reader reads raw: no metamethod runs (a raising __index, __pairs or
 * __len changes nothing), and an __index table does not supply keys.  A
 * table reached twice without a cycle is fine, and 32 keys in a path is
 * the limit, not an error. */
START_TEST(test_recipe_raw_access)
{
	struct pf_plan *p = NULL;
	char *err;

	ck_assert_int_eq(plan_of(
		"local boom = { __index = function(t, k) error('boom ' .. k) end,\n"
		"  __pairs = function() error('pairs') end, __len = function() error('len') end,\n"
		"  __newindex = function() error('newindex') end }\n"
		"local shared = setmetatable({ n = 1 }, boom)\n"
		"local deep = 'leaf' for i = 1, 29 do deep = { d = deep } end\n"
		"return setmetatable({ source = 'm', drivers = setmetatable({ 'd' }, boom),\n"
		"  start = setmetatable({ text = 'x' }, boom), files = setmetatable({}, boom),\n"
		"  outputs = setmetatable({ wim = setmetatable({ path = 'b.wim' }, boom),\n"
		"    pxe = { a = shared, b = { shared }, deep = deep } }, boom) }, boom)",
		&p, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(p->ndrivers, 1);
	ck_assert_str_eq(p->start, "x");
	ck_assert_uint_eq(p->noutputs, 2);
	ck_assert_str_eq(pf_args_get(p->outputs[0].args, "a.n"), "1");
	ck_assert_str_eq(pf_args_get(p->outputs[0].args, "b.1.n"), "1");
	ck_assert_ptr_nonnull(pf_args_get(p->outputs[0].args, "deep.d.d.d.d.d.d.d.d.d.d.d.d."
					  "d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d.d"));
	ck_assert_str_eq(pf_args_get(p->outputs[1].args, "path"), "b.wim");
	free(err);
	pf_plan_free(p);
	p = NULL;
	ck_assert_int_eq(plan_of("return setmetatable({ outputs = {} }, "
				 "{ __index = { source = 'm' } })", &p, &err), -PF_ERECIPE);
	ck_assert_ptr_nonnull(strstr(err, "recipe key 'source' is missing"));
	free(err);
}
END_TEST

/* Argument booleans: true/false/yes/no/1/0, a default, and an error for
 * anything else naming the owner and key. */
START_TEST(test_recipe_args_bool)
{
	struct pf_args *a = pf_args_new("outputs.iso");
	struct capture c;
	char *err;

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(pf_args_bool(a, "x", 1), 1);
	pf_args_set(a, "x", "no");
	ck_assert_int_eq(pf_args_bool(a, "x", 1), 0);
	pf_args_set(a, "x", "true");
	ck_assert_int_eq(pf_args_bool(a, "x", 0), 1);
	pf_args_set(a, "x", "perhaps");
	capture_begin(&c);
	ck_assert_int_eq(pf_args_bool(a, "x", 0), -PF_ERECIPE);
	err = capture_end(&c);
	ck_assert_ptr_nonnull(strstr(err, "outputs.iso.x: expected a boolean"));
	free(err);
	pf_args_free(a);
}
END_TEST

static Suite *suite_recipe(void)
{
	Suite *s = suite_create("recipe");
	TCase *tc = tcase_create("plan");

	tcase_add_loop_test(tc, test_recipe_type_errors, 0,
			    (int)(sizeof(type_cases) / sizeof(type_cases[0])));
	tcase_add_test(tc, test_recipe_plan_contents);
	tcase_add_test(tc, test_recipe_unknown_key_warns);
	tcase_add_loop_test(tc, test_recipe_walk_errors, 0,
			    (int)(sizeof(walk_cases) / sizeof(walk_cases[0])));
	tcase_add_test(tc, test_recipe_raw_access);
	tcase_add_test(tc, test_recipe_args_bool);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_recipe)
