/*
 * unattend/engine.c - the answer-file engine: a Lua table model becomes a
 * libxml2 tree (namespaces, passes in Microsoft's order, the five component
 * attributes, numbered list items, empty elements dropped), which becomes
 * the bytes Windows Setup reads (ASCII only, CRLF).  Also the Lua module
 * "peforge.unattend_core" and `peforge unattend --check`.
 *
 * The model (docs/unattend.md has the long form):
 *
 *   { arch = "amd64",
 *     settings = { specialize = { ["Microsoft-Windows-Shell-Setup"] = {
 *         ComputerName = "PC1",
 *         FirstLogonCommands = { { CommandLine = "cmd /c ver" } } } } } }
 *
 * A string/number/boolean is a text element; a table is an element whose
 * string keys are children (written in alphabetical order, Order first)
 * and whose array part holds list items, named from the catalog
 * (RunSynchronous -> RunSynchronousCommand) or by an "@item" key; keys
 * "@name"/"@wcm:name" are attributes and "#text" is text content.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lauxlib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "log.h"
#include "ua.h"
#include "unattend.h"
#include "util.h"

/* ---- building the tree from the model ----------------------------------- */

/* State of one build: the document, its namespaces, the model path of the
 * value being read (for messages) and the first error. */
struct build {
	lua_State *L;
	xmlDoc *doc;
	xmlNs *ns, *wcm;
	char path[1024];
	size_t plen;
	char *err;
	int nomem;
	int depth; /* of fill(): a table that contains itself must not recurse forever */
};

/* Record the first error, prefixed with the current model path. */
static void PF_PRINTF(2, 3) fail(struct build *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (b->err || b->nomem)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->err = pf_asprintf("model.%s: %s", b->path, msg);
	if (!b->err)
		b->nomem = 1;
}

/* Append a path segment (".name", "[n]" or "['odd name']"); returns the
 * length to restore with path_pop. */
static size_t path_push(struct build *b, const char *name, long idx)
{
	size_t old = b->plen, room = sizeof(b->path) - b->plen;
	int n;

	if (name && xmlValidateNCName((const xmlChar *)name, 0) == 0 &&
	    !strchr(name, '-') && !strchr(name, '.'))
		n = snprintf(b->path + b->plen, room, "%s%s", b->plen ? "." : "", name);
	else if (name)
		n = snprintf(b->path + b->plen, room, "[\"%s\"]", name);
	else
		n = snprintf(b->path + b->plen, room, "[%ld]", idx);
	if (n > 0)
		b->plen = (size_t)n < room ? b->plen + (size_t)n : sizeof(b->path) - 1;
	return old;
}

static void path_pop(struct build *b, size_t len)
{
	b->plen = len;
	b->path[len] = '\0';
}

/* 1 when S (LEN bytes) is UTF-8 text XML can hold (no NUL or C0 controls
 * other than tab, LF, CR). */
static int text_ok(const char *s, size_t len)
{
	size_t i;

	if (strlen(s) != len || !xmlCheckUTF8((const xmlChar *)s))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
	}
	return 1;
}

/* Whether S is plain ASCII (attribute values must be). */
static int ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/*
 * The text of the scalar at stack index IDX into BUF (static for numbers),
 * or NULL after fail() when it is not a string, number or boolean or not
 * acceptable text.
 */
static const char *scalar_text(struct build *b, int idx, char *buf, size_t size)
{
	lua_State *L = b->L;
	size_t len;
	const char *s;

	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		return lua_toboolean(L, idx) ? "true" : "false";
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			snprintf(buf, size, "%lld", (long long)lua_tointeger(L, idx));
		} else {
			double d = lua_tonumber(L, idx);

			if (!isfinite(d)) {
				fail(b, "expected a finite number");
				return NULL;
			}
			if (d == floor(d) && fabs(d) < 9e15)
				snprintf(buf, size, "%.0f", d);
			else
				snprintf(buf, size, "%.14g", d);
		}
		return buf;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		if (!text_ok(s, len)) {
			fail(b, "text is not valid UTF-8 or holds control characters");
			return NULL;
		}
		return s;
	default:
		fail(b, "expected a string, number, boolean or table, got %s",
		     luaL_typename(L, idx));
		return NULL;
	}
}

/* Whether element E holds nothing: no element child and no non-empty text. */
static int is_empty(const xmlNode *e)
{
	const xmlNode *c;

	for (c = e->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return 0;
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content && c->content[0])
			return 0;
	}
	return 1;
}

/* Sort order of child names: "Order" first, then case-insensitive
 * alphabetical (byte order breaks ties). */
static int name_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int c;

	if (strcmp(a, b) && (!strcmp(a, "Order") || !strcmp(b, "Order")))
		return !strcmp(a, "Order") ? -1 : 1;
	c = strcasecmp(a, b);
	return c ? c : strcmp(a, b);
}

static int fill(struct build *b, xmlNode *e, int idx, int *user_attrs);

/* qsort comparison of C strings, byte order. */
static int str_cmp_plain(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/*
 * Add the value at stack index IDX as a child element NAME of PARENT (text
 * or subtree); dropped when empty.  Returns 0, or -1 after fail().
 */
static int add_child(struct build *b, xmlNode *parent, const char *name, int idx)
{
	char num[64];
	xmlNode *e;
	int attrs = 0;

	if (xmlValidateNCName((const xmlChar *)name, 0) != 0) {
		fail(b, "'%s' is not an XML element name", name);
		return -1;
	}
	if (lua_type(b->L, idx) == LUA_TTABLE) {
		e = xmlNewDocNode(b->doc, b->ns, (const xmlChar *)name, NULL);
		if (!e) {
			b->nomem = 1;
			return -1;
		}
		if (fill(b, e, idx, &attrs) != 0) {
			xmlFreeNode(e);
			return -1;
		}
		if (is_empty(e) && !attrs) {
			xmlFreeNode(e);
			return 0;
		}
	} else {
		const char *t = scalar_text(b, idx, num, sizeof(num));

		if (!t)
			return -1;
		if (!*t)
			return 0;
		e = xmlNewDocNode(b->doc, b->ns, (const xmlChar *)name, NULL);
		if (!e) {
			b->nomem = 1;
			return -1;
		}
		xmlNodeAddContent(e, (const xmlChar *)t);
	}
	if (!xmlAddChild(parent, e)) {
		xmlFreeNode(e);
		b->nomem = 1;
		return -1;
	}
	return 0;
}

/* Set attribute KEY ("@name" or "@wcm:name") of E to the scalar at IDX. */
static int set_attr(struct build *b, xmlNode *e, const char *key, int idx)
{
	char num[64];
	const char *name = key + 1, *v;
	xmlNs *ns = NULL;

	if (!strncmp(name, "wcm:", 4)) {
		ns = b->wcm;
		name += 4;
	}
	if (xmlValidateNCName((const xmlChar *)name, 0) != 0) {
		fail(b, "'%s' is not an attribute name (use \"@name\" or \"@wcm:name\")",
		     key);
		return -1;
	}
	if (lua_type(b->L, idx) == LUA_TTABLE) {
		fail(b, "attribute %s: expected a string, number or boolean, got table",
		     key);
		return -1;
	}
	v = scalar_text(b, idx, num, sizeof(num));
	if (!v)
		return -1;
	if (!ascii_only(v)) {
		fail(b, "attribute %s: only ASCII text is allowed in attributes", key);
		return -1;
	}
	if (!(ns ? xmlSetNsProp(e, ns, (const xmlChar *)name, (const xmlChar *)v)
		 : xmlSetProp(e, (const xmlChar *)name, (const xmlChar *)v))) {
		b->nomem = 1;
		return -1;
	}
	return 0;
}

/* The first element child of E called NAME, or NULL. */
static xmlNode *child_named(const xmlNode *e, const char *name)
{
	xmlNode *c;

	for (c = e->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

/* Number the list item IT (the COUNT-th kept): wcm:action="add" unless the
 * model set an action, and an <Order> first child or a wcm:keyValue. */
static int number_item(struct build *b, xmlNode *it, enum pf_ua_key key, long count)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", count);
	if (!xmlHasNsProp(it, (const xmlChar *)"action", (const xmlChar *)PF_UA_WCM_NS) &&
	    !xmlSetNsProp(it, b->wcm, (const xmlChar *)"action", (const xmlChar *)"add"))
		return -1;
	if (key == PF_UA_KEY_VALUE &&
	    !xmlHasNsProp(it, (const xmlChar *)"keyValue", (const xmlChar *)PF_UA_WCM_NS) &&
	    !xmlSetNsProp(it, b->wcm, (const xmlChar *)"keyValue", (const xmlChar *)num))
		return -1;
	if (key == PF_UA_KEY_ORDER && !child_named(it, "Order")) {
		xmlNode *o = xmlNewDocNode(b->doc, b->ns, (const xmlChar *)"Order",
					   (const xmlChar *)num);

		if (!o)
			return -1;
		if (it->children)
			xmlAddPrevSibling(it->children, o);
		else
			xmlAddChild(it, o);
	}
	return 0;
}

/*
 * Add the array part of the table at IDX as list items named ITEM under E,
 * keyed as KEY says, numbering only the items kept: those with content or
 * with attributes of the model's own (a wcm:action="remove" item).  Items
 * of a keyed (Order) list must be tables; others may be scalars (text).
 */
static int add_items(struct build *b, xmlNode *e, int idx, const char *item,
		     enum pf_ua_key key)
{
	lua_State *L = b->L;
	lua_Integer i, n = (lua_Integer)lua_rawlen(L, idx);
	long count = 0;
	int ret = 0;

	for (i = 1; i <= n && !ret; i++) {
		size_t saved = path_push(b, NULL, (long)i);
		xmlNode *it = NULL;
		int attrs = 0;
		char num[64];

		lua_rawgeti(L, idx, i);
		if (lua_type(L, -1) != LUA_TTABLE && key == PF_UA_KEY_ORDER) {
			fail(b, "a <%s> item must be a table, got %s", item,
			     luaL_typename(L, -1));
			ret = -1;
		} else if (!(it = xmlNewDocNode(b->doc, b->ns, (const xmlChar *)item, NULL))) {
			b->nomem = 1;
			ret = -1;
		} else if (lua_type(L, -1) == LUA_TTABLE) {
			ret = fill(b, it, lua_gettop(L), &attrs);
		} else {
			const char *t = scalar_text(b, -1, num, sizeof(num));

			if (!t)
				ret = -1;
			else if (*t)
				xmlNodeAddContent(it, (const xmlChar *)t);
		}
		if (!ret && it && (!is_empty(it) || attrs)) {
			if (number_item(b, it, key, ++count) != 0) {
				b->nomem = 1;
				ret = -1;
			} else {
				xmlAddChild(e, it);
				it = NULL;
			}
		}
		xmlFreeNode(it);
		lua_pop(L, 1);
		path_pop(b, saved);
	}
	return ret;
}

/*
 * Fill element E from the table at stack index IDX: attributes ("@..."),
 * text ("#text"), children (string keys, sorted) and list items (array
 * part).  *USER_ATTRS counts the attributes the model set.  Returns 0, or
 * -1 after fail() or on memory exhaustion (b->nomem).
 */
static int fill(struct build *b, xmlNode *e, int idx, int *user_attrs)
{
	lua_State *L = b->L;
	const char **names = NULL, *item = NULL, *attrs[16];
	size_t n = 0, cap = 0, i, nattr = 0;
	lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
	const struct pf_ua_list *list = pf_ua_list_find((const char *)e->name);
	enum pf_ua_key key = list ? list->key : PF_UA_KEY_NONE;
	int ret = -1;

	if (b->depth >= 64 || !lua_checkstack(L, 8)) {
		fail(b, "model nested too deeply (a table that contains itself?)");
		return -1;
	}
	b->depth++;
	lua_pushnil(L);
	while (lua_next(L, idx)) {                     /* k v */
		if (lua_type(L, -2) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -2);

			if (k[0] == '@' && strcmp(k, "@item") != 0) {
				if (nattr == sizeof(attrs) / sizeof(attrs[0])) {
					fail(b, "<%s>: more than %zu attributes",
					     (const char *)e->name, nattr);
					lua_pop(L, 2);
					goto out;
				}
				attrs[nattr++] = k;
			} else if (!strcmp(k, "#text")) {
				char num[64];
				const char *t = scalar_text(b, -1, num, sizeof(num));

				if (!t) {
					lua_pop(L, 2);
					goto out;
				}
				xmlNodeAddContent(e, (const xmlChar *)t);
			} else if (!strcmp(k, "@item")) {
				if (lua_type(L, -1) != LUA_TSTRING) {
					fail(b, "\"@item\": expected a string (the list item "
					     "element name), got %s", luaL_typename(L, -1));
					lua_pop(L, 2);
					goto out;
				}
				item = lua_tostring(L, -1);
			} else {
				if (n == cap) {
					const char **g = realloc(names, (cap = cap ? 2 * cap : 16) *
								 sizeof(*g));
					if (!g) {
						b->nomem = 1;
						lua_pop(L, 2);
						goto out;
					}
					names = g;
				}
				names[n++] = k;
			}
		} else if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
			   lua_tointeger(L, -2) > len) {
			fail(b, "<%s>: keys must be element names (strings) or list "
			     "positions 1..n without holes", (const char *)e->name);
			lua_pop(L, 2);
			goto out;
		}
		lua_pop(L, 1);                         /* k */
	}
	/* Attributes in name order, so the bytes do not depend on Lua's
	 * table order. */
	if (nattr > 1)
		qsort(attrs, nattr, sizeof(*attrs), str_cmp_plain);
	for (i = 0; i < nattr; i++) {
		size_t saved = path_push(b, attrs[i], 0);

		lua_getfield(L, idx, attrs[i]);
		if (set_attr(b, e, attrs[i], lua_gettop(L)) != 0) {
			lua_pop(L, 1);
			goto out;
		}
		lua_pop(L, 1);
		path_pop(b, saved);
		(*user_attrs)++;
	}
	if (len > 0) {
		if (!item && list)
			item = list->item;
		if (!item) {
			fail(b, "<%s> has list items but no item name: set \"@item\" = "
			     "\"ElementName\"", (const char *)e->name);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], item)) {
				fail(b, "<%s>: both a key '%s' and list items: use one",
				     (const char *)e->name, item);
				goto out;
			}
		if (n == cap) {
			const char **g = realloc(names, (cap + 1) * sizeof(*g));

			if (!g) {
				b->nomem = 1;
				goto out;
			}
			names = g;
		}
		names[n++] = item;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (len > 0 && names[i] == item) {
			if (add_items(b, e, idx, item, key) != 0)
				goto out;
			continue;
		}
		{
			size_t saved = path_push(b, names[i], 0);

			lua_getfield(L, idx, names[i]);
			if (add_child(b, e, names[i], lua_gettop(L)) != 0) {
				lua_pop(L, 1);
				goto out;
			}
			lua_pop(L, 1);
			path_pop(b, saved);
		}
	}
	ret = 0;
out:
	b->depth--;
	free(names);
	return ret;
}

/* Sort helper for component names (case-insensitive, then bytes). */
static int str_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int c = strcasecmp(a, b);

	return c ? c : strcmp(a, b);
}

/*
 * Add <settings pass=PASS> with one <component> per key of the table at
 * IDX (sorted by name), each carrying the five attributes Windows expects;
 * components and passes left empty are dropped.
 */
static int add_pass(struct build *b, xmlNode *root, int pass, int idx, const char *arch)
{
	lua_State *L = b->L;
	const char **names = NULL;
	size_t n = 0, cap = 0, i;
	xmlNode *settings;
	int ret = -1;

	settings = xmlNewDocNode(b->doc, b->ns, (const xmlChar *)"settings", NULL);
	if (!settings || !xmlSetProp(settings, (const xmlChar *)"pass",
				     (const xmlChar *)pf_ua_pass_name(pass))) {
		b->nomem = 1;
		goto out;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) != LUA_TSTRING) {
			fail(b, "component keys must be component names (strings)");
			lua_pop(L, 2);
			goto out;
		}
		if (lua_type(L, -1) != LUA_TTABLE) {
			size_t saved = path_push(b, lua_tostring(L, -2), 0);

			fail(b, "expected a table (the component's settings), got %s",
			     luaL_typename(L, -1));
			path_pop(b, saved);
			lua_pop(L, 2);
			goto out;
		}
		if (n == cap) {
			const char **g = realloc(names, (cap = cap ? 2 * cap : 8) * sizeof(*g));

			if (!g) {
				b->nomem = 1;
				lua_pop(L, 2);
				goto out;
			}
			names = g;
		}
		names[n++] = lua_tostring(L, -2);
		lua_pop(L, 1);
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), str_cmp);
	for (i = 0; i < n; i++) {
		size_t saved = path_push(b, names[i], 0);
		xmlNode *c;
		int attrs = 0;

		if (!ascii_only(names[i]) || !*names[i]) {
			fail(b, "a component name must be non-empty ASCII");
			goto out;
		}
		c = xmlNewDocNode(b->doc, b->ns, (const xmlChar *)"component", NULL);
		if (!c || !xmlSetProp(c, (const xmlChar *)"name", (const xmlChar *)names[i]) ||
		    !xmlSetProp(c, (const xmlChar *)"processorArchitecture", (const xmlChar *)arch) ||
		    !xmlSetProp(c, (const xmlChar *)"publicKeyToken",
				(const xmlChar *)"31bf3856ad364e35") ||
		    !xmlSetProp(c, (const xmlChar *)"language", (const xmlChar *)"neutral") ||
		    !xmlSetProp(c, (const xmlChar *)"versionScope", (const xmlChar *)"nonSxS")) {
			xmlFreeNode(c);
			b->nomem = 1;
			goto out;
		}
		lua_getfield(L, idx, names[i]);
		if (fill(b, c, lua_gettop(L), &attrs) != 0) {
			lua_pop(L, 1);
			xmlFreeNode(c);
			goto out;
		}
		lua_pop(L, 1);
		path_pop(b, saved);
		if (is_empty(c))
			xmlFreeNode(c);
		else
			xmlAddChild(settings, c);
	}
	if (settings->children) {
		xmlAddChild(root, settings);
		settings = NULL;
	}
	ret = 0;
out:
	xmlFreeNode(settings);
	free(names);
	return ret;
}

int pf_ua_build(lua_State *L, int idx, xmlDoc **out, char **err)
{
	struct build b;
	xmlNode *root;
	const char *arch = "amd64";
	int p, ret = -PF_EINVAL, top = lua_gettop(L);

	memset(&b, 0, sizeof(b));
	b.L = L;
	idx = lua_absindex(L, idx);
	*err = NULL;
	if (lua_type(L, idx) != LUA_TTABLE) {
		fail(&b, "expected a table, got %s", luaL_typename(L, idx));
		goto out;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;

		if (!k || (strcmp(k, "arch") && strcmp(k, "settings"))) {
			fail(&b, "unknown key '%s' (a model has 'arch' and 'settings')",
			     k ? k : luaL_typename(L, -2));
			lua_pop(L, 2);
			goto out;
		}
		lua_pop(L, 1);
	}
	lua_getfield(L, idx, "arch");
	if (!lua_isnil(L, -1)) {
		arch = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		if (!arch || !pf_ua_arch_valid(arch) || !strcmp(arch, "wow64") ||
		    !strcmp(arch, "msil")) {
			path_push(&b, "arch", 0);
			fail(&b, "expected \"amd64\", \"x86\" or \"arm64\"");
			goto out;
		}
	}
	b.doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!b.doc)
		goto nomem;
	b.doc->encoding = xmlStrdup((const xmlChar *)"utf-8");
	root = xmlNewDocNode(b.doc, NULL, (const xmlChar *)"unattend", NULL);
	if (!root || !b.doc->encoding)
		goto nomem;
	xmlDocSetRootElement(b.doc, root);
	b.ns = xmlNewNs(root, (const xmlChar *)PF_UA_NS, NULL);
	b.wcm = xmlNewNs(root, (const xmlChar *)PF_UA_WCM_NS, (const xmlChar *)"wcm");
	if (!b.ns || !b.wcm)
		goto nomem;
	xmlSetNs(root, b.ns);
	lua_getfield(L, idx, "settings");              /* arch settings */
	if (lua_isnil(L, -1))
		goto done;
	path_push(&b, "settings", 0);
	if (lua_type(L, -1) != LUA_TTABLE) {
		fail(&b, "expected a table of passes, got %s", luaL_typename(L, -1));
		goto out;
	}
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";

		if (pf_ua_pass_index(k) < 0) {
			fail(&b, "unknown pass '%s' (passes: %s)", k,
			     pf_ua_pass_list((1u << PF_UA_NPASSES) - 1));
			goto out;
		}
		if (lua_type(L, -1) != LUA_TTABLE) {
			path_push(&b, k, 0);
			fail(&b, "expected a table of components, got %s", luaL_typename(L, -1));
			goto out;
		}
		lua_pop(L, 1);
	}
	for (p = 0; p < PF_UA_NPASSES; p++) {
		size_t saved;

		lua_getfield(L, -1, pf_ua_pass_name(p));
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		saved = path_push(&b, pf_ua_pass_name(p), 0);
		if (add_pass(&b, root, p, lua_gettop(L), arch) != 0)
			goto out;
		path_pop(&b, saved);
		lua_pop(L, 1);
	}
done:
	*out = b.doc;
	b.doc = NULL;
	ret = 0;
	goto out;
nomem:
	b.nomem = 1;
out:
	if (b.nomem) {
		free(b.err);
		b.err = NULL;
		ret = -PF_ENOMEM;
	} else if (ret) {
		*err = b.err;
		b.err = NULL;
	}
	free(b.err);
	xmlFreeDoc(b.doc);
	lua_settop(L, top);
	return ret;
}

/* ---- serializing ---------------------------------------------------------- */

/*
 * Decode one UTF-8 sequence at S (AVAIL bytes); *CP gets the code point.
 * Returns its length, or 0 for an invalid or truncated sequence.
 */
static int utf8_next(const unsigned char *s, int avail, unsigned *cp)
{
	int n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		*cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		*cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		*cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff) ||
	    (n == 2 && *cp < 0x80) || (n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000))
		return 0;
	return n;
}

/*
 * libxml2 escaping callback for text content: &, <, > and CR as entities
 * or references, every non-ASCII character as &#xHEX;, so the file is pure
 * ASCII whatever the text holds.  Consumes as much of IN as fits in OUT.
 */
static int escape_ascii(unsigned char *out, int *outlen, const unsigned char *in,
			int *inlen)
{
	int i = 0, o = 0;

	while (i < *inlen) {
		char ref[16];
		const char *r = NULL;
		int adv = 1, rl;
		unsigned cp;

		switch (in[i]) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '\r': r = "&#13;"; break;
		default:
			if (in[i] >= 0x80) {
				adv = utf8_next(in + i, *inlen - i, &cp);
				if (!adv) {
					adv = 1;
					cp = 0xfffd;
				}
				snprintf(ref, sizeof(ref), "&#x%X;", cp);
				r = ref;
			}
		}
		rl = r ? (int)strlen(r) : 1;
		if (o + rl > *outlen)
			break;
		if (r)
			memcpy(out + o, r, (size_t)rl);
		else
			out[o] = in[i];
		o += rl;
		i += adv;
	}
	*outlen = o;
	*inlen = i;
	return o;
}

/* Where the serializer writes: a growing buffer; LF becomes CRLF. */
struct sink {
	char *buf;
	size_t len, cap;
	int oom;
};

static int sink_write(void *ctx, const char *data, int len)
{
	struct sink *s = ctx;
	int i;

	for (i = 0; i < len; i++) {
		if (s->len + 3 > s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 4096;
			char *g = realloc(s->buf, cap);

			if (!g) {
				s->oom = 1;
				return -1;
			}
			s->buf = g;
			s->cap = cap;
		}
		if (data[i] == '\n')
			s->buf[s->len++] = '\r';
		s->buf[s->len++] = data[i];
	}
	return len;
}

static int sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

int pf_ua_serialize(xmlDoc *doc, char **out, size_t *len)
{
	struct sink s = { NULL, 0, 0, 0 };
	xmlSaveCtxt *ctxt;
	const xmlChar *enc = doc->encoding;
	int ret = 0;

	/* The declaration says utf-8 (what Setup expects); the bytes are ASCII. */
	doc->encoding = (const xmlChar *)"utf-8";
	ctxt = xmlSaveToIO(sink_write, sink_close, &s, NULL, XML_SAVE_FORMAT);
	if (!ctxt) {
		ret = -PF_ENOMEM;
		goto out;
	}
	xmlSaveSetEscape(ctxt, escape_ascii);
	if (xmlSaveDoc(ctxt, doc) < 0)
		ret = s.oom ? -PF_ENOMEM : -PF_EXML;
	if (xmlSaveClose(ctxt) < 0 && !ret)
		ret = s.oom ? -PF_ENOMEM : -PF_EXML;
	/* sink_write keeps room for a CRLF: there is room for the NUL. */
	if (!ret && s.len < s.cap) {
		s.buf[s.len] = '\0';
		*out = s.buf;
		*len = s.len;
		s.buf = NULL;
	} else if (!ret) {
		ret = -PF_EXML; /* nothing was written */
	}
out:
	doc->encoding = enc;
	free(s.buf);
	return ret;
}

/* ---- hidden passwords ----------------------------------------------------- */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *pf_ua_password_encode(const char *password, const char *element)
{
	size_t la = strlen(password), lb = strlen(element), n = 0, i, o = 0;
	unsigned char *u16 = malloc(4 * (la + lb) + 1);
	char *res = NULL;
	int part;

	if (!u16)
		return NULL;
	for (part = 0; part < 2; part++) {
		const unsigned char *s = (const unsigned char *)(part ? element : password);
		int avail = (int)strlen((const char *)s);

		while (avail > 0) {
			unsigned cp;
			int k = utf8_next(s, avail, &cp);

			if (!k)
				goto out;
			if (cp >= 0x10000) {
				unsigned v = cp - 0x10000, hi = 0xd800 | (v >> 10),
					 lo = 0xdc00 | (v & 0x3ff);

				u16[n++] = hi & 0xff;
				u16[n++] = hi >> 8;
				u16[n++] = lo & 0xff;
				u16[n++] = lo >> 8;
			} else {
				u16[n++] = cp & 0xff;
				u16[n++] = cp >> 8;
			}
			s += k;
			avail -= k;
		}
	}
	res = malloc(4 * ((n + 2) / 3) + 1);
	if (!res)
		goto out;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)u16[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)u16[i + 1] << 8;
		if (i + 2 < n)
			v |= u16[i + 2];
		res[o++] = b64[(v >> 18) & 63];
		res[o++] = b64[(v >> 12) & 63];
		res[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		res[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	res[o] = '\0';
out:
	free(u16);
	return res;
}

char *pf_ua_password_decode(const char *value, const char *element)
{
	size_t len = strlen(value), n = 0, i, o = 0, el = strlen(element);
	unsigned char *bytes = malloc(len + 3);
	char *res = NULL, *utf8 = NULL;
	unsigned acc = 0;
	int bits = 0;

	if (!bytes)
		return NULL;
	for (i = 0; i < len; i++) {
		const char *p = strchr(b64, value[i]);

		if (value[i] == '=')
			break;
		if (!p || !value[i])
			goto out;
		acc = (acc << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[n++] = (acc >> bits) & 0xff;
		}
	}
	if (n % 2)
		goto out;
	/* UTF-16LE to UTF-8 (at most 3 bytes per unit, 4 per pair). */
	utf8 = malloc(n / 2 * 3 + 1);
	if (!utf8)
		goto out;
	for (i = 0; i < n; i += 2) {
		unsigned u = bytes[i] | (unsigned)bytes[i + 1] << 8;

		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			unsigned l = bytes[i + 2] | (unsigned)bytes[i + 3] << 8;

			if (l < 0xdc00 || l > 0xdfff)
				goto out;
			u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
			i += 2;
		} else if (u >= 0xd800 && u <= 0xdfff) {
			goto out;
		}
		if (u == 0)
			goto out;
		if (u < 0x80) {
			utf8[o++] = (char)u;
		} else if (u < 0x800) {
			utf8[o++] = (char)(0xc0 | u >> 6);
			utf8[o++] = (char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			utf8[o++] = (char)(0xe0 | u >> 12);
			utf8[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			utf8[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			utf8[o++] = (char)(0xf0 | u >> 18);
			utf8[o++] = (char)(0x80 | ((u >> 12) & 0x3f));
			utf8[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			utf8[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	utf8[o] = '\0';
	if (o < el || strcmp(utf8 + o - el, element))
		goto out;
	utf8[o - el] = '\0';
	res = utf8;
	utf8 = NULL;
out:
	free(utf8);
	free(bytes);
	return res;
}

/* ---- the Lua module "peforge.unattend_core" ------------------------------- */

#define SCHEMA_MT "peforge.unattend.schema"
#define SCHEMA_CACHE "peforge.unattend.schemas"

/* A loaded XSD held by Lua (freed by __gc). */
struct schema_ud {
	xmlSchema *schema;
};

static int schema_gc(lua_State *L)
{
	struct schema_ud *u = luaL_checkudata(L, 1, SCHEMA_MT);

	if (u->schema)
		xmlSchemaFree(u->schema);
	u->schema = NULL;
	return 0;
}

/*
 * The XSD at PATH, loaded once per Lua state (cached in the registry).
 * NULL with an error message pushed when it cannot be loaded.
 */
static xmlSchema *cached_schema(lua_State *L, const char *path)
{
	struct schema_ud *u;
	xmlSchema *s = NULL;
	char *err = NULL;

	if (lua_getfield(L, LUA_REGISTRYINDEX, SCHEMA_CACHE) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, SCHEMA_CACHE);
	}                                              /* cache */
	if (lua_getfield(L, -1, path) == LUA_TUSERDATA) {
		u = lua_touserdata(L, -1);
		lua_pop(L, 2);
		return u->schema;
	}
	lua_pop(L, 1);
	if (pf_ua_schema_load(path, &s, &err) != 0) {
		lua_pop(L, 1);
		lua_pushstring(L, err ? err : "out of memory");
		free(err);
		return NULL;
	}
	u = lua_newuserdatauv(L, sizeof(*u), 0);      /* cache u */
	u->schema = s;
	luaL_setmetatable(L, SCHEMA_MT);
	lua_setfield(L, -2, path);
	lua_pop(L, 1);
	return s;
}

/* Push the findings as an array of { xpath = ..., message = ... }. */
static void push_findings(lua_State *L, const struct pf_ua_findings *f)
{
	size_t i;

	lua_createtable(L, (int)f->n, 0);
	for (i = 0; i < f->n; i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, f->v[i].xpath);
		lua_setfield(L, -2, "xpath");
		lua_pushstring(L, f->v[i].msg);
		lua_setfield(L, -2, "message");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* Lint DOC (RAW/LEN: its bytes, or NULL) and validate it against the XSD
 * at XSD (may be NULL) into F.  Returns 0, or an error with a message
 * pushed on L. */
static int check_doc(lua_State *L, xmlDoc *doc, const char *raw, size_t len,
		     const char *xsd, struct pf_ua_findings *f)
{
	xmlSchema *s;

	if (pf_ua_lint(doc, raw, len, f) != 0) {
		lua_pushliteral(L, "out of memory");
		return -PF_ENOMEM;
	}
	if (!xsd)
		return 0;
	s = cached_schema(L, xsd);
	if (!s)
		return -PF_EXML;
	if (pf_ua_validate(doc, s, f) != 0) {
		lua_pushfstring(L, "%s: the validator failed", xsd);
		return -PF_EXML;
	}
	pf_ua_findings_sort(f);
	return 0;
}

/*
 * core.build(model [, xsd]) -> text, findings | nil, message
 * Builds the answer file of MODEL; raises on a malformed model.  The
 * findings (lint, and the XSD when its path is given) are an array, empty
 * when the file is clean.
 */
static int l_build(lua_State *L)
{
	const char *xsd = luaL_optstring(L, 2, NULL);
	struct pf_ua_findings f = { NULL, 0, 0 };
	xmlDoc *doc = NULL;
	char *err = NULL, *text = NULL;
	size_t len;
	int ret, top;

	luaL_checktype(L, 1, LUA_TTABLE);
	top = lua_gettop(L);
	ret = pf_ua_build(L, 1, &doc, &err);
	if (ret == -PF_EINVAL) {
		lua_pushstring(L, err);
		free(err);
		return lua_error(L);
	}
	if (ret) {
		luaL_pushfail(L);
		lua_pushliteral(L, "out of memory");
		return 2;
	}
	ret = check_doc(L, doc, NULL, 0, xsd, &f);
	if (!ret)
		ret = pf_ua_serialize(doc, &text, &len);
	xmlFreeDoc(doc);
	if (ret) {
		if (lua_gettop(L) == top)
			lua_pushliteral(L, "cannot serialize the answer file");
		pf_ua_findings_clear(&f);
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushlstring(L, text, len);
	free(text);
	push_findings(L, &f);
	pf_ua_findings_clear(&f);
	return 2;
}

/*
 * core.check(text [, xsd [, name]]) -> findings | nil, message
 * Lints (and validates when XSD is given) the answer file TEXT.
 */
static int l_check(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	const char *xsd = luaL_optstring(L, 2, NULL);
	const char *name = luaL_optstring(L, 3, "answer file");
	struct pf_ua_findings f = { NULL, 0, 0 };
	xmlDoc *doc = NULL;
	char *err = NULL;
	int ret;

	if (pf_ua_parse(text, len, name, &doc, &err) != 0) {
		luaL_pushfail(L);
		lua_pushfstring(L, "%s: %s", name, err ? err : "out of memory");
		free(err);
		return 2;
	}
	ret = check_doc(L, doc, text, len, xsd, &f);
	xmlFreeDoc(doc);
	if (ret) {
		pf_ua_findings_clear(&f);
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	push_findings(L, &f);
	pf_ua_findings_clear(&f);
	return 1;
}

/* A libxml2 error handler that drops the message (the caller reports). */
static void quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/*
 * core.query(text, xpath) -> { string... } | nil, message
 * Evaluate XPATH on the answer file TEXT; prefixes u (unattend) and wcm
 * are bound.  Node sets give each node's string value; other results one
 * string.
 */
static int l_query(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	const char *expr = luaL_checkstring(L, 2);
	xmlXPathContext *ctx = NULL;
	xmlXPathObject *res = NULL;
	xmlDoc *doc = NULL;
	char *err = NULL;
	int i, nret = 2;

	if (pf_ua_parse(text, len, "answer file", &doc, &err) != 0) {
		luaL_pushfail(L);
		lua_pushstring(L, err ? err : "out of memory");
		free(err);
		return 2;
	}
	ctx = xmlXPathNewContext(doc);
	if (!ctx || xmlXPathRegisterNs(ctx, (const xmlChar *)"u", (const xmlChar *)PF_UA_NS) ||
	    xmlXPathRegisterNs(ctx, (const xmlChar *)"wcm", (const xmlChar *)PF_UA_WCM_NS)) {
		luaL_pushfail(L);
		lua_pushliteral(L, "out of memory");
		goto out;
	}
	xmlSetStructuredErrorFunc(NULL, quiet);
	res = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!res) {
		luaL_pushfail(L);
		lua_pushfstring(L, "bad XPath expression: %s", expr);
		goto out;
	}
	lua_newtable(L);
	if (res->type == XPATH_NODESET) {
		for (i = 0; res->nodesetval && i < res->nodesetval->nodeNr; i++) {
			xmlChar *s = xmlXPathCastNodeToString(res->nodesetval->nodeTab[i]);

			lua_pushstring(L, s ? (const char *)s : "");
			xmlFree(s);
			lua_rawseti(L, -2, i + 1);
		}
	} else {
		xmlChar *s = xmlXPathCastToString(res);

		lua_pushstring(L, s ? (const char *)s : "");
		xmlFree(s);
		lua_rawseti(L, -2, 1);
	}
	nret = 1;
out:
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return nret;
}

/* core.encode_password(password, element) -> base64 text | nil, message */
static int l_encode_password(lua_State *L)
{
	const char *pw = luaL_checkstring(L, 1);
	const char *el = luaL_checkstring(L, 2);
	char *v = pf_ua_password_encode(pw, el);

	if (!v) {
		luaL_pushfail(L);
		lua_pushliteral(L, "the password is not valid UTF-8");
		return 2;
	}
	lua_pushstring(L, v);
	free(v);
	return 1;
}

/* core.decode_password(value, element) -> password | nil */
static int l_decode_password(lua_State *L)
{
	const char *value = luaL_checkstring(L, 1);
	const char *el = luaL_checkstring(L, 2);
	char *v = pf_ua_password_decode(value, el);

	if (!v) {
		luaL_pushfail(L);
		return 1;
	}
	lua_pushstring(L, v);
	free(v);
	return 1;
}

/* Push the names of the passes in MASK as an array. */
static void push_passes(lua_State *L, unsigned mask)
{
	int p, n = 0;

	lua_newtable(L);
	for (p = 0; p < PF_UA_NPASSES; p++)
		if (mask & PF_UA_PASS(p)) {
			lua_pushstring(L, pf_ua_pass_name(p));
			lua_rawseti(L, -2, ++n);
		}
}

/*
 * core.catalog() -> { passes = { "windowsPE", ... },
 *                     components = { [name] = { passes... } },
 *                     lists = { [container] = item } }
 */
static int l_catalog(lua_State *L)
{
	const struct pf_ua_component *c;
	static const char *const containers[] = {
		"CreatePartitions", "DNSServerSearchOrder", "DiskConfiguration",
		"DriverPaths", "FirewallGroups", "FirstLogonCommands", "InstallFrom",
		"Interfaces", "LocalAccounts", "LogonCommands", "ModifyPartitions",
		"Routes", "RunAsynchronous", "RunSynchronous", "UnicastIpAddresses", NULL
	};
	size_t i;

	lua_newtable(L);
	push_passes(L, (1u << PF_UA_NPASSES) - 1);
	lua_setfield(L, -2, "passes");
	lua_newtable(L);
	for (c = pf_ua_components; c->name; c++) {
		push_passes(L, c->passes);
		lua_setfield(L, -2, c->name);
	}
	lua_setfield(L, -2, "components");
	lua_newtable(L);
	for (i = 0; containers[i]; i++) {
		const struct pf_ua_list *l = pf_ua_list_find(containers[i]);

		if (l) {
			lua_pushstring(L, l->item);
			lua_setfield(L, -2, l->container);
		}
	}
	lua_setfield(L, -2, "lists");
	return 1;
}

static const luaL_Reg funcs[] = {
	{ "build", l_build },
	{ "check", l_check },
	{ "query", l_query },
	{ "encode_password", l_encode_password },
	{ "decode_password", l_decode_password },
	{ "catalog", l_catalog },
	{ NULL, NULL }
};

int luaopen_peforge_unattend_core(lua_State *L)
{
	xmlInitParser();
	if (luaL_newmetatable(L, SCHEMA_MT)) {
		lua_pushcfunction(L, schema_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	luaL_newlib(L, funcs);
	lua_pushliteral(L, PF_UA_NS);
	lua_setfield(L, -2, "namespace");
	return 1;
}

/* ---- peforge unattend --check --------------------------------------------- */

int pf_unattend_check_file(const char *file, const char *xsd, FILE *out)
{
	struct pf_ua_findings f = { NULL, 0, 0 };
	xmlSchema *schema = NULL;
	xmlDoc *doc = NULL;
	char *data = NULL, *err = NULL;
	size_t len, i;
	int ret;

	xmlInitParser();
	ret = pf_read_file(file, &data, &len);         /* logs its errors */
	if (ret)
		goto out;
	ret = pf_ua_parse(data, len, file, &doc, &err);
	if (ret) {
		pf_err("%s: not well-formed XML: %s", file, err ? err : "out of memory");
		goto out;
	}
	ret = pf_ua_schema_load(xsd, &schema, &err);
	if (ret) {
		pf_err("%s", err ? err : "out of memory");
		goto out;
	}
	ret = pf_ua_lint(doc, data, len, &f);
	if (!ret)
		ret = pf_ua_validate(doc, schema, &f);
	if (ret) {
		pf_err("%s: cannot check the answer file", file);
		goto out;
	}
	pf_ua_findings_sort(&f);
	for (i = 0; i < f.n; i++)
		fprintf(out, "%s: %s: %s\n", file, f.v[i].xpath, f.v[i].msg);
	ret = (int)f.n;
out:
	pf_ua_findings_clear(&f);
	if (schema)
		xmlSchemaFree(schema);
	xmlFreeDoc(doc);
	free(data);
	free(err);
	return ret;
}
