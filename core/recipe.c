/* core/recipe.c - the recipe table turned into a plan of C structs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "fleet_facts.h"
#include "log.h"
#include "recipe.h"
#include "recipe_check.h"
#include "util.h"

/* Type sets a key accepts. */
enum { T_STR = 1, T_NUM = 2, T_BOOL = 4, T_TAB = 8 };

/* The recipe keys (contract: see docs/recipes.md). */
static const struct {
	const char *key;
	int types;
	const char *expect; /* for messages */
} schema[] = {
	{ "name", T_STR, "string" },
	{ "description", T_STR, "string" },
	{ "source", T_STR, "string (a path)" },
	{ "source_type", T_STR, "string (a source plugin name)" },
	{ "boot_files", T_STR, "string (a folder)" },
	{ "arch", T_STR, "string" },
	{ "image", T_STR | T_NUM, "string or number" },
	{ "start", T_STR | T_TAB, "string or table with a 'text' field" },
	{ "overlay", T_STR, "string (a folder)" },
	{ "files", T_TAB, "table" },
	{ "drivers", T_STR | T_TAB, "string or table of folders" },
	{ "unattend", T_STR | T_TAB, "string or table with a 'text' field" },
	{ "machines", T_TAB, "table" },
	{ "media", T_TAB, "table" },
	{ "outputs", T_TAB, "table" },
	{ "keep_setup", T_BOOL, "boolean" },
	{ "inplace", T_BOOL, "boolean" },
};

int pf_recipe_known_key(const char *key)
{
	return pf_recipe_key_types(key) != 0;
}

int pf_recipe_key_is_bool(const char *key)
{
	return pf_recipe_key_types(key) == T_BOOL;
}

/* The type bits (T_*) recipe KEY accepts; 0 for an unknown key. */
int pf_recipe_key_types(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (!strcmp(schema[i].key, key))
			return schema[i].types;
	return 0;
}

/* The type-set bit of the Lua value at IDX. */
static int type_bit(lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TSTRING: return T_STR;
	case LUA_TNUMBER: return T_NUM;
	case LUA_TBOOLEAN: return T_BOOL;
	case LUA_TTABLE: return T_TAB;
	default: return 0;
	}
}

/*
 * Push field KEY of the table at IDX, read raw: the plan reader never calls
 * a metamethod, so a table's own fields are what counts.  Returns its type.
 */
static int rawfield(lua_State *L, int idx, const char *key)
{
	idx = lua_absindex(L, idx);
	lua_pushstring(L, key);
	return lua_rawget(L, idx);
}

void pf_plan_free(struct pf_plan *p)
{
	size_t i;

	if (!p)
		return;
	free(p->recipe);
	free(p->recipe_dir);
	free(p->source);
	free(p->source_type);
	free(p->boot_files);
	free(p->arch);
	free(p->image);
	free(p->start);
	free(p->start_name);
	free(p->overlay);
	for (i = 0; i < p->nfiles; i++) {
		free(p->files[i].dest);
		free(p->files[i].data);
		free(p->files[i].src);
	}
	free(p->files);
	for (i = 0; i < p->nmedia; i++) {
		free(p->media[i].dest);
		free(p->media[i].data);
		free(p->media[i].src);
	}
	free(p->media);
	for (i = 0; i < p->ndrivers; i++)
		free(p->drivers[i]);
	free(p->drivers);
	free(p->drivers_dest);
	free(p->unattend);
	free(p->fleet);
	for (i = 0; i < p->noutputs; i++) {
		free(p->outputs[i].name);
		pf_args_free(p->outputs[i].args);
	}
	free(p->outputs);
	free(p);
}

/* A resolved host path: PATH relative to the recipe's folder. */
static char *resolve(const char *dir, const char *path)
{
	char *joined = pf_path_join(dir, path);
	char *abs = joined ? pf_abspath(joined) : NULL;

	free(joined);
	return abs;
}

/*
 * The text of a value that may be a string or a table with a string field
 * `text` (what pe.* library functions return).  Pushes nothing; returns
 * NULL and logs when it is neither.
 */
static const char *text_of(lua_State *L, int idx, const char *recipe,
			   const char *key, size_t *len)
{
	const char *s;

	if (lua_type(L, idx) == LUA_TSTRING)
		return lua_tolstring(L, idx, len);
	rawfield(L, idx, "text");
	if (lua_type(L, -1) != LUA_TSTRING) {
		pf_err("%s: recipe key '%s': expected a string or a table with a "
		       "string field 'text', got a table whose 'text' is %s",
		       recipe, key, luaL_typename(L, -1));
		lua_pop(L, 1);
		return NULL;
	}
	s = lua_tolstring(L, -1, len);
	lua_pop(L, 1); /* the string stays alive: the table holds it */
	return s;
}

/* Copy LEN bytes of S into a new NUL-terminated buffer. */
static char *memdup0(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/*
 * Check a destination path of `files` or `media`: relative, no "..", no
 * empty name, no backslash-only tricks.  Backslashes are taken as
 * separators.  Returns the normalized '/'-separated copy, or NULL (logged).
 */
static char *clean_dest(const char *recipe, const char *key, const char *dest)
{
	char *d = strdup(dest), *p, *seg, *save = NULL, *out = NULL;
	size_t n = 0;

	if (!d)
		return NULL;
	for (p = d; *p; p++)
		if (*p == '\\')
			*p = '/';
	if (d[0] == '/' || (d[0] && d[1] == ':')) {
		pf_err("%s: recipe key '%s': '%s' must be a relative path", recipe,
		       key, dest);
		goto out;
	}
	out = calloc(1, strlen(d) + 1);
	if (!out)
		goto out;
	for (seg = strtok_r(d, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			pf_err("%s: recipe key '%s': '%s' leaves its root with '..'",
			       recipe, key, dest);
			free(out);
			out = NULL;
			goto out;
		}
		if (n)
			out[n++] = '/';
		memcpy(out + n, seg, strlen(seg));
		n += strlen(seg);
	}
	if (!n) {
		pf_err("%s: recipe key '%s': empty file name", recipe, key);
		free(out);
		out = NULL;
	}
out:
	free(d);
	return out;
}

/* Stable order: insertion sort of V[N] by destination (tables are small). */
static void sort_files(struct pf_plan_file *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct pf_plan_file t = v[i];

		for (j = i; j > 0 && strcmp(v[j - 1].dest, t.dest) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/*
 * Read a `files` or `media` table: DEST = "text" | { path = "host file" } |
 * { text = "..." }.  Entries are sorted by destination.
 */
static int read_file_table(lua_State *L, int idx, const char *recipe,
			   const char *dir, const char *key,
			   struct pf_plan_file **out, size_t *count)
{
	struct pf_plan_file *v = NULL;
	size_t n = 0, i;
	int ret = -PF_ERECIPE;

	lua_pushnil(L);
	while (lua_next(L, idx)) {                     /* k v */
		struct pf_plan_file f = { 0 };
		struct pf_plan_file *grown;
		int vt = lua_type(L, -1);

		if (lua_type(L, -2) != LUA_TSTRING) {
			pf_err("%s: recipe key '%s': keys must be path strings, got %s",
			       recipe, key, luaL_typename(L, -2));
			lua_pop(L, 2);
			goto out;
		}
		f.dest = clean_dest(recipe, key, lua_tostring(L, -2));
		if (!f.dest) {
			lua_pop(L, 2);
			goto out;
		}
		if (vt == LUA_TSTRING) {
			size_t len;
			const char *s = lua_tolstring(L, -1, &len);

			f.data = memdup0(s, len);
			f.len = len;
		} else if (vt == LUA_TTABLE) {
			rawfield(L, -1, "path");       /* k v path */
			if (lua_type(L, -1) == LUA_TSTRING) {
				f.src = resolve(dir, lua_tostring(L, -1));
				lua_pop(L, 1);
			} else {
				const char *s;
				size_t len;

				lua_pop(L, 1);
				rawfield(L, -1, "text");
				if (lua_type(L, -1) != LUA_TSTRING) {
					pf_err("%s: recipe key '%s[\"%s\"]': a table entry needs "
					       "path = \"host file\" or text = \"...\"", recipe,
					       key, f.dest);
					lua_pop(L, 1);
					free(f.dest);
					lua_pop(L, 2);
					goto out;
				}
				lua_pop(L, 1);
				s = text_of(L, lua_gettop(L), recipe, key, &len);
				if (!s) {
					free(f.dest);
					lua_pop(L, 2);
					goto out;
				}
				f.data = memdup0(s, len);
				f.len = len;
			}
		} else {
			pf_err("%s: recipe key '%s[\"%s\"]': expected a string or a table "
			       "{ path = ... }, got %s", recipe, key, f.dest,
			       luaL_typename(L, -1));
			free(f.dest);
			lua_pop(L, 2);
			goto out;
		}
		lua_pop(L, 1);                         /* k */
		grown = realloc(v, (n + 1) * sizeof(*v));
		if (!grown || (!f.data && !f.src)) {
			free(f.dest);
			free(f.data);
			free(f.src);
			lua_pop(L, 1);
			ret = -PF_ENOMEM;
			goto out;
		}
		v = grown;
		v[n++] = f;
	}
	sort_files(v, n);
	*out = v;
	*count = n;
	return 0;
out:
	for (i = 0; i < n; i++) {
		free(v[i].dest);
		free(v[i].data);
		free(v[i].src);
	}
	free(v);
	return ret;
}

/* One walk over the table of outputs.NAME (see flatten). */
struct walk {
	const char *recipe;
	const char *name;       /* NAME of outputs.NAME */
	struct pf_args *args;
	int seen;               /* stack index: the set of tables on the path */
};

/* Longest key path shown in a message; a longer one ends with "...". */
#define SHOWN_PATH 120

/* Log WHAT about the key PREFIX (NULL: the table itself) of outputs.NAME,
 * as "RECIPE: recipe key 'outputs.NAME.PREFIX': WHAT". */
static void walk_err(const struct walk *w, const char *prefix, const char *what)
{
	size_t n = prefix ? strlen(prefix) : 0;

	pf_err("%s: recipe key 'outputs.%s%s%.*s%s': %s", w->recipe, w->name,
	       prefix ? "." : "", n > SHOWN_PATH ? SHOWN_PATH : (int)n,
	       prefix ? prefix : "", n > SHOWN_PATH ? "..." : "", what);
}

/*
 * Flatten the table at (absolute) index IDX into W->args: scalar values as
 * text, nested tables with dotted keys ("netuse.server"), array items as
 * "key.1"; other values (functions, ...) are skipped.  PREFIX is the dotted
 * key of this table (NULL at the top), DEPTH the number of keys in its path
 * from the recipe (outputs.NAME is 2).  Reads raw (no metamethod runs) and
 * checks the Lua stack, so that no table crashes it: a key that is neither a
 * string nor a number, a path longer than PF_RECIPE_MAX_DEPTH keys, and a
 * table that contains itself are errors (logged).  Leaves the stack as it
 * was.  Runs inside a protected call: only a memory error may raise.
 */
static int flatten(lua_State *L, int idx, const char *prefix, int depth, struct walk *w)
{
	int top = lua_gettop(L), ret = 0;

	if (depth > PF_RECIPE_MAX_DEPTH || !lua_checkstack(L, 8)) {
		walk_err(w, prefix, "table nested too deep (limit "
			 PF_STR(PF_RECIPE_MAX_DEPTH) " keys in a path)");
		return -PF_ERECIPE;
	}
	lua_pushvalue(L, idx);
	if (lua_rawget(L, w->seen) != LUA_TNIL) {
		walk_err(w, prefix, "the table contains itself (a cycle)");
		lua_settop(L, top);
		return -PF_ERECIPE;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, idx);                         /* on the path now */
	lua_pushboolean(L, 1);
	lua_rawset(L, w->seen);
	lua_pushnil(L);
	while (!ret && lua_next(L, idx)) {             /* k v: at top+1, top+2 */
		const char *key, *val = NULL;
		int kt = lua_type(L, top + 1);

		if (kt != LUA_TSTRING && kt != LUA_TNUMBER) {
			walk_err(w, prefix, lua_pushfstring(L, "a key is a %s (keys must "
				 "be strings or numbers)", luaL_typename(L, top + 1)));
			ret = -PF_ERECIPE;
			break;
		}
		lua_pushvalue(L, top + 1);             /* k v kcopy: next() needs k as is */
		key = lua_tostring(L, -1);
		if (prefix)
			key = lua_pushfstring(L, "%s.%s", prefix, key); /* k v kcopy key */
		switch (lua_type(L, top + 2)) {
		case LUA_TBOOLEAN:
			val = lua_toboolean(L, top + 2) ? "true" : "false";
			break;
		case LUA_TSTRING:
		case LUA_TNUMBER:
			val = lua_tostring(L, top + 2); /* converts the stack slot only */
			break;
		case LUA_TTABLE:
			ret = flatten(L, top + 2, key, depth + 1, w);
			break;
		default:
			break;
		}
		if (val)
			ret = pf_args_set(w->args, key, val);
		lua_settop(L, top + 1);                /* k */
	}
	lua_settop(L, top);
	lua_pushvalue(L, idx);                         /* off the path */
	lua_pushnil(L);
	lua_rawset(L, w->seen);
	return ret;
}

/* Read `outputs`: NAME = "path" | { ... }, sorted by NAME. */
static int read_outputs(lua_State *L, int idx, const char *recipe,
			struct pf_plan *p)
{
	int top = lua_gettop(L), ret = 0;
	size_t i, j;

	lua_newtable(L);                               /* seen */
	lua_pushnil(L);
	while (!ret && lua_next(L, idx)) {             /* seen k v */
		struct pf_plan_output *grown = NULL, o = { 0 };
		struct walk w = { recipe, NULL, NULL, top + 1 };
		char *owner;

		if (lua_type(L, -2) != LUA_TSTRING) {
			pf_err("%s: recipe key 'outputs': keys must be output names, got %s",
			       recipe, luaL_typename(L, -2));
			ret = -PF_ERECIPE;
			break;
		}
		if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TTABLE) {
			pf_err("%s: recipe key 'outputs.%s': expected string (a path) or "
			       "table, got %s", recipe, lua_tostring(L, -2),
			       luaL_typename(L, -1));
			ret = -PF_ERECIPE;
			break;
		}
		w.name = lua_tostring(L, -2);
		o.name = pf_strdup(w.name);
		owner = pf_asprintf("%s: outputs.%s", recipe, w.name);
		o.args = w.args = pf_args_new(owner);
		free(owner);
		if (!o.name || !o.args)
			ret = -PF_ENOMEM;
		else if (lua_type(L, -1) == LUA_TSTRING)
			ret = pf_args_set(o.args, "path", lua_tostring(L, -1));
		else
			ret = flatten(L, lua_gettop(L), NULL, 2, &w);
		/* so an output resolves its own host paths like the recipe's */
		if (!ret)
			ret = pf_args_set(o.args, "recipe_dir", p->recipe_dir);
		if (!ret) {
			grown = realloc(p->outputs, (p->noutputs + 1) * sizeof(*grown));
			if (!grown)
				ret = -PF_ENOMEM;
		}
		if (ret) {
			free(o.name);
			pf_args_free(o.args);
			break;
		}
		p->outputs = grown;
		p->outputs[p->noutputs++] = o;
		lua_pop(L, 1);                         /* seen k */
	}
	lua_settop(L, top);
	if (ret)
		return ret;
	for (i = 1; i < p->noutputs; i++) {
		struct pf_plan_output t = p->outputs[i];

		for (j = i; j > 0 && strcmp(p->outputs[j - 1].name, t.name) > 0; j--)
			p->outputs[j] = p->outputs[j - 1];
		p->outputs[j] = t;
	}
	return 0;
}

/* Read `drivers`: one folder or a list of folders. */
static int read_drivers(lua_State *L, int idx, const char *recipe,
			const char *dir, struct pf_plan *p)
{
	lua_Integer i, n;

	if (lua_type(L, idx) == LUA_TSTRING) {
		p->drivers = calloc(1, sizeof(char *));
		if (!p->drivers || !(p->drivers[0] = resolve(dir, lua_tostring(L, idx))))
			return -PF_ENOMEM;
		p->ndrivers = 1;
		return 0;
	}
	rawfield(L, idx, "dest");
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING) {
			pf_err("%s: recipe key 'drivers.dest': expected string (a folder in "
			       "the image), got %s", recipe, luaL_typename(L, -1));
			lua_pop(L, 1);
			return -PF_ERECIPE;
		}
		p->drivers_dest = clean_dest(recipe, "drivers.dest", lua_tostring(L, -1));
		if (!p->drivers_dest) {
			lua_pop(L, 1);
			return -PF_ERECIPE;
		}
	}
	lua_pop(L, 1);
	n = (lua_Integer)lua_rawlen(L, idx);
	if (n == 0) {
		pf_err("%s: recipe key 'drivers': no folder given (drivers = { \"folder\", "
		       "... })", recipe);
		return -PF_ERECIPE;
	}
	p->drivers = calloc((size_t)n + 1, sizeof(char *));
	if (!p->drivers)
		return -PF_ENOMEM;
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		if (lua_type(L, -1) != LUA_TSTRING) {
			pf_err("%s: recipe key 'drivers[%lld]': expected string (a folder), "
			       "got %s", recipe, (long long)i, luaL_typename(L, -1));
			lua_pop(L, 1);
			return -PF_ERECIPE;
		}
		p->drivers[p->ndrivers] = resolve(dir, lua_tostring(L, -1));
		lua_pop(L, 1);
		if (!p->drivers[p->ndrivers])
			return -PF_ENOMEM;
		p->ndrivers++;
	}
	return 0;
}

/* Read `machines`, the table pe.machines{...} returns: its `files` join the
 * medium's files, like `media` (the ISO root, the Samba share); its list of
 * machines becomes the fleet (core/fleet_facts.c). */
static int read_machines(lua_State *L, int idx, const char *recipe, const char *dir,
			 struct pf_plan *p)
{
	struct pf_plan_file *more = NULL, *grown;
	size_t n = 0, i;
	int ret;

	rawfield(L, idx, "files");
	if (!lua_istable(L, -1)) {
		pf_err("%s: recipe key 'machines': expected the table pe.machines{...} "
		       "returns (with a 'files' table), got a table whose 'files' is %s",
		       recipe, luaL_typename(L, -1));
		lua_pop(L, 1);
		return -PF_ERECIPE;
	}
	ret = read_file_table(L, lua_gettop(L), recipe, dir, "machines.files", &more, &n);
	lua_pop(L, 1);
	if (ret)
		return ret;
	grown = realloc(p->media, (p->nmedia + n + 1) * sizeof(*grown));
	if (!grown) {
		for (i = 0; i < n; i++) {
			free(more[i].dest);
			free(more[i].data);
			free(more[i].src);
		}
		free(more);
		return -PF_ENOMEM;
	}
	p->media = grown;
	memcpy(p->media + p->nmedia, more, n * sizeof(*more));
	p->nmedia += n;
	free(more);
	sort_files(p->media, p->nmedia);
	p->nmachine_files = n;
	return pf_fleet_facts_read(L, idx, recipe, p);
}

/* Check every key of the recipe table at IDX against the schema. */
static int check_types(lua_State *L, int idx, const char *recipe)
{
	int ret = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {                     /* k v */
		size_t i;
		const char *key;

		if (lua_type(L, -2) != LUA_TSTRING) {
			lua_pop(L, 1);
			continue;
		}
		key = lua_tostring(L, -2);
		for (i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
			if (!strcmp(schema[i].key, key))
				break;
		if (i == sizeof(schema) / sizeof(schema[0])) {
			pf_warn("%s: unknown recipe key '%s' ignored", recipe, key);
		} else if (!(type_bit(L, -1) & schema[i].types)) {
			pf_err("%s: recipe key '%s': expected %s, got %s", recipe, key,
			       schema[i].expect, luaL_typename(L, -1));
			ret = -PF_ERECIPE;
			lua_pop(L, 2);
			break;
		}
		lua_pop(L, 1);                         /* k */
	}
	return ret;
}

/* Copy the string field KEY of table IDX (already type-checked) or NULL. */
static int opt_string(lua_State *L, int idx, const char *key, char **out)
{
	*out = NULL;
	rawfield(L, idx, key);
	if (!lua_isnil(L, -1)) {
		*out = pf_strdup(lua_tostring(L, -1));
		if (!*out) {
			lua_pop(L, 1);
			return -PF_ENOMEM;
		}
	}
	lua_pop(L, 1);
	return 0;
}

int pf_plan_read(lua_State *L, int idx, struct pf_plan *p)
{
	const char *recipe = p->recipe, *recipe_dir = p->recipe_dir;
	int top = lua_gettop(L);
	char *s = NULL;
	int ret;

	idx = lua_absindex(L, idx);
	if (!lua_checkstack(L, 20))
		return -PF_ENOMEM;
	/* keys declared in Lua (peforge/recipe.lua); C types for a bare state */
	if ((ret = pf_recipe_check_lua(L, idx, recipe)) < 0 ||
	    (ret = check_types(L, idx, recipe)))
		goto out;

	if ((ret = opt_string(L, idx, "source", &s)))
		goto out;
	if (!s) {
		pf_err("%s: recipe key 'source' is missing: give the Windows media "
		       "(an ISO file, a folder or a boot.wim)", recipe);
		ret = -PF_ERECIPE;
		goto out;
	}
	p->source = resolve(recipe_dir, s);
	free(s);
	s = NULL;
	if ((ret = opt_string(L, idx, "source_type", &p->source_type)) ||
	    (ret = opt_string(L, idx, "arch", &p->arch)) ||
	    (ret = opt_string(L, idx, "image", &p->image)) ||
	    (ret = opt_string(L, idx, "overlay", &s)))
		goto out;
	if (p->arch && strcmp(p->arch, "amd64") && strcmp(p->arch, "x86") &&
	    strcmp(p->arch, "arm64")) {
		pf_err("%s: recipe key 'arch': '%s' is not an architecture (amd64, x86 "
		       "or arm64)", recipe, p->arch);
		ret = -PF_ERECIPE;
		goto out;
	}
	if (s) {
		p->overlay = resolve(recipe_dir, s);
		free(s);
		s = NULL;
	}
	if ((ret = opt_string(L, idx, "boot_files", &s)))
		goto out;
	if (s) {
		p->boot_files = resolve(recipe_dir, s);
		free(s);
		s = NULL;
	}

	ret = -PF_ERECIPE;
	if (rawfield(L, idx, "start") != LUA_TNIL) {
		size_t len;
		const char *t = text_of(L, lua_gettop(L), recipe, "start", &len);

		if (!t)
			goto out;
		p->start = memdup0(t, len);
		p->start_len = len;
	}
	lua_pop(L, 1);
	if (rawfield(L, idx, "unattend") != LUA_TNIL) {
		size_t len;
		const char *t = text_of(L, lua_gettop(L), recipe, "unattend", &len);

		if (!t)
			goto out;
		p->unattend = memdup0(t, len);
		p->unattend_len = len;
	}
	lua_pop(L, 1);

	ret = 0;
	if (rawfield(L, idx, "files") != LUA_TNIL &&
	    (ret = read_file_table(L, lua_gettop(L), recipe, recipe_dir, "files",
				   &p->files, &p->nfiles)))
		goto out;
	lua_pop(L, 1);
	if (rawfield(L, idx, "media") != LUA_TNIL &&
	    (ret = read_file_table(L, lua_gettop(L), recipe, recipe_dir, "media",
				   &p->media, &p->nmedia)))
		goto out;
	lua_pop(L, 1);
	if (rawfield(L, idx, "drivers") != LUA_TNIL &&
	    (ret = read_drivers(L, lua_gettop(L), recipe, recipe_dir, p)))
		goto out;
	lua_pop(L, 1);
	if (rawfield(L, idx, "outputs") != LUA_TNIL &&
	    (ret = read_outputs(L, lua_gettop(L), recipe, p)))
		goto out;
	lua_pop(L, 1);
	if (rawfield(L, idx, "machines") != LUA_TNIL &&
	    (ret = read_machines(L, lua_gettop(L), recipe, recipe_dir, p)))
		goto out;
	lua_pop(L, 1);
	rawfield(L, idx, "keep_setup");
	p->keep_setup = lua_toboolean(L, -1);
	lua_pop(L, 1);
	rawfield(L, idx, "inplace");
	p->inplace = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (!p->source)
		ret = -PF_ENOMEM;
out:
	lua_settop(L, top);
	free(s);
	return ret;
}

struct pf_plan *pf_plan_new(const char *recipe, const char *recipe_dir)
{
	struct pf_plan *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->recipe = pf_strdup(recipe);
	p->recipe_dir = pf_strdup(recipe_dir);
	if (!p->recipe || !p->recipe_dir) {
		pf_plan_free(p);
		return NULL;
	}
	return p;
}

/* lua_pcall'd by pf_plan_from_lua: (plan, table) -> pf_plan_read's code. */
static int plan_call(lua_State *L)
{
	lua_pushinteger(L, pf_plan_read(L, 2, lua_touserdata(L, 1)));
	return 1;
}

int pf_plan_from_lua(lua_State *L, int idx, const char *recipe,
		     const char *recipe_dir, struct pf_plan **out)
{
	struct pf_plan *p = pf_plan_new(recipe, recipe_dir);
	int ret = -PF_ENOMEM;

	idx = lua_absindex(L, idx);
	if (p && lua_checkstack(L, 3)) {
		lua_pushcfunction(L, plan_call);
		lua_pushlightuserdata(L, p);
		lua_pushvalue(L, idx);
		if (lua_pcall(L, 2, 1, 0) == LUA_OK) {
			ret = (int)lua_tointeger(L, -1);
		} else {
			pf_err("%s: %s", recipe, lua_type(L, -1) == LUA_TSTRING ?
			       lua_tostring(L, -1) : "Lua error");
			ret = -PF_ESCRIPT;
		}
		lua_pop(L, 1);
	}
	if (ret) {
		pf_plan_free(p);
		return ret;
	}
	*out = p;
	return 0;
}
