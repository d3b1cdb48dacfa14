/*
 * unattend/lint.c - what makes Windows Setup stop, or silently ignore a
 * setting, in an answer file that is otherwise well-formed: the lint rules
 * (docs/unattend.md, "Lint rules"), XSD validation, and the finding list
 * both produce, one finding per problem, each with a readable XPath.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "ua.h"
#include "util.h"

/* ---- findings --------------------------------------------------------------- */

void pf_ua_findings_clear(struct pf_ua_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].xpath);
		free(f->v[i].msg);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

/* The document-order number of NODE (set by number_nodes), 0 for none. */
static long node_order(const xmlNode *node)
{
	while (node && node->type != XML_ELEMENT_NODE)
		node = node->parent;
	return node ? (long)(intptr_t)node->_private : 0;
}

/* Add the finding XPATH (taken) / MSG (taken) at ORDER. */
static int add_taken(struct pf_ua_findings *f, long order, char *xpath, char *msg)
{
	if (!xpath || !msg)
		goto nomem;
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct pf_ua_finding *g = realloc(f->v, cap * sizeof(*g));

		if (!g)
			goto nomem;
		f->v = g;
		f->cap = cap;
	}
	f->v[f->n].order = order;
	f->v[f->n].xpath = xpath;
	f->v[f->n].msg = msg;
	f->n++;
	return 0;
nomem:
	free(xpath);
	free(msg);
	return -PF_ENOMEM;
}

int pf_ua_findings_add(struct pf_ua_findings *f, const xmlNode *node, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return add_taken(f, node_order(node), node ? pf_ua_xpath(node) : pf_strdup("/"),
			 pf_strdup(buf));
}

/* Findings in document order; lint findings (added first) before schema
 * findings of the same node.  Stable: the index breaks ties. */
static int finding_cmp(const void *pa, const void *pb)
{
	const struct pf_ua_finding *a = pa, *b = pb;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return 0;
}

void pf_ua_findings_sort(struct pf_ua_findings *f)
{
	size_t i, j, k;

	/* Stable insertion sort: lists are short and mostly ordered. */
	for (i = 1; i < f->n; i++) {
		struct pf_ua_finding t = f->v[i];

		for (j = i; j > 0 && finding_cmp(&f->v[j - 1], &t) > 0; j--)
			f->v[j] = f->v[j - 1];
		f->v[j] = t;
	}
	/* Drop exact duplicates, and schema findings ("schema: ...") about a
	 * node a lint rule already reported (the lint message says more). */
	for (i = 0, k = 0; i < f->n; i++) {
		int drop = 0;

		for (j = 0; j < k && !drop; j++) {
			if (strcmp(f->v[j].xpath, f->v[i].xpath))
				continue;
			drop = !strcmp(f->v[j].msg, f->v[i].msg) ||
			       (!strncmp(f->v[i].msg, "schema: ", 8) &&
				strncmp(f->v[j].msg, "schema: ", 8));
		}
		if (drop) {
			free(f->v[i].xpath);
			free(f->v[i].msg);
		} else {
			f->v[k++] = f->v[i];
		}
	}
	f->n = k;
}

/* Number the elements of DOC in document order (in _private, from 1). */
static void number_nodes(xmlDoc *doc)
{
	xmlNode *n = xmlDocGetRootElement(doc);
	long i = 0;

	while (n) {
		if (n->type == XML_ELEMENT_NODE)
			n->_private = (void *)(intptr_t)++i;
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
		if (n)
			n = n->next;
	}
}

/* ---- XPath of a node ------------------------------------------------------- */

/* Count of element siblings of N (N included) named like N, and N's rank. */
static void rank(const xmlNode *n, int *count, int *pos)
{
	const xmlNode *s;

	*count = 0;
	*pos = 0;
	for (s = n->parent ? n->parent->children : n; s; s = s->next) {
		if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name,
							  (const char *)n->name))
			continue;
		++*count;
		if (s == n)
			*pos = *count;
	}
}

/* Count of element siblings of N named like N with attribute ATTR = VALUE. */
static int count_with(const xmlNode *n, const char *attr, const xmlChar *value,
		      const xmlNode *upto)
{
	const xmlNode *s;
	int c = 0;

	for (s = n->parent ? n->parent->children : n; s; s = s->next) {
		xmlChar *v;

		if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name,
							  (const char *)n->name))
			continue;
		v = xmlGetProp(s, (const xmlChar *)attr);
		if (v && xmlStrEqual(v, value))
			c++;
		xmlFree(v);
		if (s == upto)
			break;
	}
	return c;
}

char *pf_ua_xpath(const xmlNode *node)
{
	const xmlNode *chain[64];
	size_t depth = 0, i, len = 0, cap = 256;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	while (node && node->type != XML_ELEMENT_NODE)
		node = node->parent;
	for (; node && node->type == XML_ELEMENT_NODE && depth < 64; node = node->parent)
		chain[depth++] = node;
	if (!depth) {
		strcpy(out, "/");
		return out;
	}
	for (i = depth; i-- > 0;) {
		const xmlNode *n = chain[i];
		const char *key = NULL;
		xmlChar *v = NULL;
		char seg[512];
		int count, pos, n2;

		rank(n, &count, &pos);
		if (!strcmp((const char *)n->name, "settings"))
			key = "pass";
		else if (!strcmp((const char *)n->name, "component"))
			key = "name";
		if (key)
			v = xmlGetProp(n, (const xmlChar *)key);
		if (v && xmlStrlen(v) < 200 && !xmlStrchr(v, '\'')) {
			int same = count_with(n, key, v, NULL);

			if (same > 1)
				n2 = snprintf(seg, sizeof(seg), "/%s[@%s='%s'][%d]",
					      (const char *)n->name, key, (const char *)v,
					      count_with(n, key, v, n));
			else
				n2 = snprintf(seg, sizeof(seg), "/%s[@%s='%s']",
					      (const char *)n->name, key, (const char *)v);
		} else if (count > 1) {
			n2 = snprintf(seg, sizeof(seg), "/%s[%d]", (const char *)n->name, pos);
		} else {
			n2 = snprintf(seg, sizeof(seg), "/%s", (const char *)n->name);
		}
		xmlFree(v);
		if (n2 < 0)
			continue;
		if (len + (size_t)n2 + 1 > cap) {
			char *g;

			cap = 2 * (len + (size_t)n2 + 1);
			g = realloc(out, cap);
			if (!g) {
				free(out);
				return NULL;
			}
			out = g;
		}
		memcpy(out + len, seg, (size_t)n2 + 1);
		len += (size_t)n2;
	}
	return out;
}

/* ---- helpers ----------------------------------------------------------------- */

/* Whether N is an element called NAME (local name). */
static int is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* The first element child of N called NAME, or NULL. */
static xmlNode *child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* Whether N has element children. */
static int has_elements(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* The text of N, trimmed (malloc'd; "" for none; NULL when out of memory). */
static char *text(const xmlNode *n)
{
	xmlChar *c = n ? xmlNodeGetContent(n) : NULL;
	const char *s = c ? (const char *)c : "";
	size_t len;
	char *r;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	r = malloc(len + 1);
	if (r) {
		memcpy(r, s, len);
		r[len] = '\0';
	}
	xmlFree(c);
	return r;
}

/* Parse the text of child NAME of N as a decimal integer into *V.
 * Returns 1 on success, 0 when absent or not a number. */
static int int_of(const xmlNode *n, const char *name, long *v)
{
	char *t = text(child(n, name)), *end;
	int ok = 0;

	if (t && *t) {
		*v = strtol(t, &end, 10);
		ok = *end == '\0';
	}
	free(t);
	return ok;
}

/* Whether the text of child NAME of N is "true" (case-insensitive). */
static int is_true(const xmlNode *n, const char *name)
{
	char *t = text(child(n, name));
	int r = t && !strcasecmp(t, "true");

	free(t);
	return r;
}

/* The component element N is in, or NULL. */
static const xmlNode *component_of(const xmlNode *n)
{
	for (; n; n = n->parent)
		if (is(n, "component"))
			return n;
	return NULL;
}

/* Whether N's component is called NAME. */
static int in_component(const xmlNode *n, const char *name)
{
	const xmlNode *c = component_of(n);
	xmlChar *v = c ? xmlGetProp(c, (const xmlChar *)"name") : NULL;
	int r = v && !strcasecmp((const char *)v, name);

	xmlFree(v);
	return r;
}

/* Lint state: the findings and the first out-of-memory. */
struct lint {
	xmlDoc *doc;
	struct pf_ua_findings *f;
	int ret;
	char *computer_name; /* the specialize ComputerName, for user checks */
};

/* Report a finding (out of memory is remembered, not returned). */
static void PF_PRINTF(3, 4) report(struct lint *l, const xmlNode *n, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!l->ret && pf_ua_findings_add(l->f, n, "%s", buf) != 0)
		l->ret = -PF_ENOMEM;
}

/* ---- rules: structure, passes, components, architectures --------------------- */

/* One architecture per file: every component names the same one (wow64
 * components may accompany amd64 ones). */
static void rule_arch(struct lint *l, xmlNode *root)
{
	xmlNode *s, *c;
	xmlChar *first = NULL;
	char seen[8][16];
	int nseen = 0, has_amd64 = 0, i;

	for (s = root->children; s; s = s->next)
		for (c = is(s, "settings") ? s->children : NULL; c; c = c->next) {
			xmlChar *a = is(c, "component")
				? xmlGetProp(c, (const xmlChar *)"processorArchitecture") : NULL;

			if (a && !strcmp((const char *)a, "amd64"))
				has_amd64 = 1;
			xmlFree(a);
		}
	for (s = root->children; s; s = s->next)
		for (c = is(s, "settings") ? s->children : NULL; c; c = c->next) {
			xmlChar *a = is(c, "component")
				? xmlGetProp(c, (const xmlChar *)"processorArchitecture") : NULL;
			int known = 0;

			if (!a || (has_amd64 && !strcmp((const char *)a, "wow64"))) {
				xmlFree(a);
				continue;
			}
			if (!first) {
				first = a;
				continue;
			}
			for (i = 0; i < nseen; i++)
				known |= !strcmp(seen[i], (const char *)a);
			if (!known && xmlStrcmp(a, first) && nseen < 8) {
				snprintf(seen[nseen++], sizeof(seen[0]), "%s", (const char *)a);
				report(l, c, "processorArchitecture '%s' mixes with '%s' of the "
				       "first component: one answer file targets one "
				       "architecture", (const char *)a, (const char *)first);
			}
			xmlFree(a);
		}
	xmlFree(first);
}

/* Check the top-level settings of component C (NAME) against pass P. */
static void rule_settings_pass(struct lint *l, const xmlNode *c, const char *name, int p)
{
	const xmlNode *s;

	for (s = c->children; s; s = s->next) {
		const struct pf_ua_setting *st;

		if (s->type != XML_ELEMENT_NODE)
			continue;
		st = pf_ua_setting_find(name, (const char *)s->name);
		if (st && !(st->passes & PF_UA_PASS(p)))
			report(l, s, "%s of %s is ignored in pass %s (valid: %s)",
			       (const char *)s->name, name, pf_ua_pass_name(p),
			       pf_ua_pass_list(st->passes));
	}
}

/* Passes known and not repeated; components in passes where Windows
 * applies them, not repeated, not misspelled; their settings in the right
 * pass. */
static void rule_passes(struct lint *l, xmlNode *root)
{
	unsigned seen = 0;
	xmlNode *s, *c, *d;

	for (s = root->children; s; s = s->next) {
		xmlChar *pass;
		int p, i;

		if (!is(s, "settings"))
			continue;
		pass = xmlGetProp(s, (const xmlChar *)"pass");
		p = pass ? pf_ua_pass_index((const char *)pass) : -1;
		if (!pass) {
			report(l, s, "settings without a pass attribute");
		} else if (p < 0) {
			const char *near = NULL;

			for (i = 0; i < PF_UA_NPASSES; i++)
				if (!strcasecmp(pf_ua_pass_name(i), (const char *)pass))
					near = pf_ua_pass_name(i);
			if (near)
				report(l, s, "unknown pass '%s' (pass names are case-"
				       "sensitive: '%s')", (const char *)pass, near);
			else
				report(l, s, "unknown pass '%s' (passes: %s)", (const char *)pass,
				       pf_ua_pass_list((1u << PF_UA_NPASSES) - 1));
		} else if (seen & PF_UA_PASS(p)) {
			report(l, s, "pass %s appears more than once: merge its settings "
			       "into one element", (const char *)pass);
		} else {
			seen |= PF_UA_PASS(p);
		}
		xmlFree(pass);
		if (p < 0)
			continue;
		for (c = s->children; c; c = c->next) {
			xmlChar *name, *arch;
			const struct pf_ua_component *cat;

			if (!is(c, "component"))
				continue;
			name = xmlGetProp(c, (const xmlChar *)"name");
			arch = xmlGetProp(c, (const xmlChar *)"processorArchitecture");
			if (!name) {
				xmlFree(arch);
				continue;
			}
			for (d = s->children; d != c; d = d->next) {
				xmlChar *n2, *a2;

				if (!is(d, "component"))
					continue;
				n2 = xmlGetProp(d, (const xmlChar *)"name");
				a2 = xmlGetProp(d, (const xmlChar *)"processorArchitecture");
				if (n2 && !strcasecmp((const char *)n2, (const char *)name) &&
				    xmlStrEqual(a2, arch)) {
					report(l, c, "component %s appears twice in pass %s",
					       (const char *)name, pf_ua_pass_name(p));
					xmlFree(n2);
					xmlFree(a2);
					break;
				}
				xmlFree(n2);
				xmlFree(a2);
			}
			cat = pf_ua_component_find((const char *)name);
			if (cat && !(cat->passes & PF_UA_PASS(p))) {
				report(l, c, "component %s is not applied in pass %s: Windows "
				       "Setup ignores it there (valid: %s)", (const char *)name,
				       pf_ua_pass_name(p), pf_ua_pass_list(cat->passes));
			} else if (!cat) {
				cat = pf_ua_component_near((const char *)name);
				if (cat)
					report(l, c, "unknown component '%s' (did you mean %s?)",
					       (const char *)name, cat->name);
			} else {
				rule_settings_pass(l, c, cat->name, p);
			}
			xmlFree(name);
			xmlFree(arch);
		}
	}
}

/* ---- rules: lists ------------------------------------------------------------- */

/* Among the element children of E, items with the same name must not share
 * an Order, nor a wcm:keyValue; wcm:action must be add, modify or remove. */
static void rule_lists(struct lint *l, const xmlNode *e)
{
	const xmlNode *a, *b;

	for (a = e->children; a; a = a->next) {
		xmlChar *act, *key;
		long oa, ob;

		if (a->type != XML_ELEMENT_NODE)
			continue;
		act = xmlGetNsProp(a, (const xmlChar *)"action", (const xmlChar *)PF_UA_WCM_NS);
		if (act && strcmp((const char *)act, "add") && strcmp((const char *)act, "modify") &&
		    strcmp((const char *)act, "remove"))
			report(l, a, "wcm:action '%s' is not add, modify or remove",
			       (const char *)act);
		xmlFree(act);
		key = xmlGetNsProp(a, (const xmlChar *)"keyValue", (const xmlChar *)PF_UA_WCM_NS);
		for (b = e->children; b != a; b = b->next) {
			xmlChar *kb;

			if (!is(b, (const char *)a->name))
				continue;
			if (int_of(a, "Order", &oa) && int_of(b, "Order", &ob) && oa == ob) {
				report(l, child(a, "Order"), "Order %ld is used twice among "
				       "<%s> items", oa, (const char *)a->name);
				break;
			}
			kb = key ? xmlGetNsProp(b, (const xmlChar *)"keyValue",
						(const xmlChar *)PF_UA_WCM_NS) : NULL;
			if (kb && xmlStrEqual(kb, key)) {
				report(l, a, "wcm:keyValue '%s' is used twice among <%s> items",
				       (const char *)key, (const char *)a->name);
				xmlFree(kb);
				break;
			}
			xmlFree(kb);
		}
		xmlFree(key);
	}
}

/* ---- rules: disks ------------------------------------------------------------- */

/* What a Disk element creates: partition types and formats, by PartitionID. */
struct disk {
	const xmlNode *node;
	long id;
	int wipe, ncreate;
	char type[16][12];  /* Primary, EFI, MSR, ... (index = partition - 1) */
	char format[16][12]; /* NTFS, FAT32 ... from ModifyPartition */
};

/* Read and check one Disk: CreatePartition sizes, ModifyPartition IDs. */
static void read_disk(struct lint *l, const xmlNode *d, struct disk *k)
{
	const xmlNode *cps = child(d, "CreatePartitions"), *mps = child(d, "ModifyPartitions");
	const xmlNode *p, *q;
	int n = 0, primaries = 0, gpt = 0;

	memset(k, 0, sizeof(*k));
	k->node = d;
	k->id = -1;
	int_of(d, "DiskID", &k->id);
	k->wipe = is_true(d, "WillWipeDisk");
	for (p = cps ? cps->children : NULL; p; p = p->next) {
		char *type;
		int ext;

		if (!is(p, "CreatePartition"))
			continue;
		type = text(child(p, "Type"));
		ext = is_true(p, "Extend");
		if (n < 16 && type)
			snprintf(k->type[n], sizeof(k->type[0]), "%s", type);
		n++;
		if (type && (!strcasecmp(type, "EFI") || !strcasecmp(type, "MSR")))
			gpt = 1;
		if (type && !strcasecmp(type, "Primary"))
			primaries++;
		if (ext && child(p, "Size"))
			report(l, p, "CreatePartition has both Size and Extend=true");
		else if (!ext && !child(p, "Size"))
			report(l, p, "CreatePartition needs a Size or Extend=true");
		for (q = p->next; ext && q; q = q->next)
			if (is(q, "CreatePartition")) {
				report(l, p, "only the last CreatePartition may Extend (this one "
				       "would leave no room for the next)");
				break;
			}
		free(type);
	}
	k->ncreate = n;
	if (!gpt && primaries > 4)
		report(l, cps, "an MBR disk holds at most 4 primary partitions (this "
		       "one creates %d)", primaries);
	for (p = mps ? mps->children : NULL; p; p = p->next) {
		long id, id2;
		char *fmt;

		if (!is(p, "ModifyPartition") || !int_of(p, "PartitionID", &id))
			continue;
		if (id < 1 || (n > 0 && id > n))
			report(l, child(p, "PartitionID"), "PartitionID %ld does not match "
			       "a partition: disk %ld creates %d", id, k->id, n);
		for (q = mps->children; q != p; q = q->next)
			if (is(q, "ModifyPartition") && int_of(q, "PartitionID", &id2) &&
			    id2 == id) {
				report(l, child(p, "PartitionID"), "PartitionID %ld is "
				       "modified twice on disk %ld", id, k->id);
				break;
			}
		fmt = text(child(p, "Format"));
		if (fmt && *fmt && id >= 1 && id <= 16) {
			snprintf(k->format[id - 1], sizeof(k->format[0]), "%s", fmt);
			if (id <= n && !strcasecmp(k->type[id - 1], "MSR"))
				report(l, child(p, "Format"), "partition %ld is the MSR "
				       "partition, which must not be formatted", id);
		}
		free(fmt);
	}
}

/* DiskConfiguration: disks unique and consistent; InstallTo pointing at a
 * disk and an NTFS partition that exist. */
static void rule_disks(struct lint *l, const xmlNode *setup)
{
	const xmlNode *dc = child(setup, "DiskConfiguration"), *d, *img, *to;
	struct disk disks[8];
	int nd = 0, i;
	long disk_id, part_id;

	for (d = dc ? dc->children : NULL; d; d = d->next) {
		if (!is(d, "Disk"))
			continue;
		if (nd == 8)
			break;
		read_disk(l, d, &disks[nd]);
		for (i = 0; i < nd; i++)
			if (disks[i].id == disks[nd].id && disks[nd].id >= 0) {
				report(l, child(d, "DiskID"), "DiskID %ld is configured twice",
				       disks[nd].id);
				break;
			}
		nd++;
	}
	img = child(child(setup, "ImageInstall"), "OSImage");
	to = child(img, "InstallTo");
	if (to && is_true(img, "InstallToAvailablePartition"))
		report(l, to, "InstallTo and InstallToAvailablePartition=true exclude "
		       "each other");
	if (!to || !nd || !int_of(to, "DiskID", &disk_id) ||
	    !int_of(to, "PartitionID", &part_id))
		return;
	for (i = 0; i < nd && disks[i].id != disk_id; i++)
		;
	if (i == nd) {
		report(l, child(to, "DiskID"), "InstallTo DiskID %ld is not a disk of "
		       "DiskConfiguration", disk_id);
		return;
	}
	if (disks[i].wipe && !disks[i].ncreate)
		report(l, disks[i].node, "WillWipeDisk is true but the disk gets no "
		       "CreatePartitions: there is nothing to install to");
	if (!disks[i].ncreate)
		return;
	if (part_id < 1 || part_id > disks[i].ncreate) {
		report(l, child(to, "PartitionID"), "InstallTo PartitionID %ld does not "
		       "match a partition: disk %ld creates %d", part_id, disk_id,
		       disks[i].ncreate);
	} else if (!strcasecmp(disks[i].type[part_id - 1], "EFI") ||
		   !strcasecmp(disks[i].type[part_id - 1], "MSR")) {
		report(l, child(to, "PartitionID"), "InstallTo points at partition %ld, "
		       "the %s partition, not a Windows (Primary, NTFS) partition",
		       part_id, disks[i].type[part_id - 1]);
	} else if (part_id <= 16 && strcasecmp(disks[i].format[part_id - 1], "NTFS")) {
		if (disks[i].format[part_id - 1][0])
			report(l, child(to, "PartitionID"), "InstallTo points at partition "
			       "%ld, which is formatted %s, not NTFS", part_id,
			       disks[i].format[part_id - 1]);
		else
			report(l, child(to, "PartitionID"), "InstallTo points at partition "
			       "%ld, which no ModifyPartition formats NTFS", part_id);
	}
}

/* ---- rules: names, passwords, keys ----------------------------------------- */

/* Computer names: at most 15 characters, not all digits, letters, digits,
 * '-' and '_' only; "*" asks Windows for a random name. */
static void rule_computer_name(struct lint *l, const xmlNode *n)
{
	static const char bad[] = "{|}~[\\]^':;<=>?@!\"#$%`()+/.,*&";
	char *v = text(n);
	const char *s;
	int digits = 1;

	if (!v)
		return;
	if (!strcmp(v, "*"))
		goto out;
	if (!*v) {
		report(l, n, "ComputerName is empty (use * for a random name)");
		goto out;
	}
	if (strlen(v) > 15)
		report(l, n, "ComputerName '%s' is %zu characters long: Windows allows "
		       "at most 15", v, strlen(v));
	for (s = v; *s; s++) {
		if (!isdigit((unsigned char)*s))
			digits = 0;
		if (strchr(bad, *s) || isspace((unsigned char)*s) ||
		    (unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20) {
			report(l, n, "ComputerName '%s' holds the forbidden character '%c' "
			       "(use letters, digits and '-')", v,
			       (unsigned char)*s >= 0x20 ? *s : '?');
			break;
		}
	}
	if (digits)
		report(l, n, "ComputerName '%s' is all digits: Windows refuses that", v);
	if (!l->computer_name && in_component(n, "Microsoft-Windows-Shell-Setup"))
		l->computer_name = pf_strdup(v);
out:
	free(v);
}

/* Local user names: at most 20 characters, none of "/\[]:;|=,+*?<>@%,
 * not only dots and spaces, not a built-in or reserved name (for LOCAL
 * accounts to create), not the computer's name. */
static void rule_user_name(struct lint *l, const xmlNode *n, int create)
{
	static const char bad[] = "\"/\\[]:;|=,+*?<>@%";
	static const char *const reserved[] = {
		"NONE", "Administrator", "Guest", "DefaultAccount", "WDAGUtilityAccount",
		"SYSTEM", "defaultuser0", NULL
	};
	char *v = text(n);
	const char *s;
	int dots = 1, i;

	if (!v)
		return;
	if (!*v) {
		report(l, n, "user name is empty");
		goto out;
	}
	if (strlen(v) > 20)
		report(l, n, "user name '%s' is longer than 20 characters", v);
	for (s = v; *s; s++) {
		if (*s != '.' && *s != ' ')
			dots = 0;
		if (strchr(bad, *s) || (unsigned char)*s < 0x20) {
			report(l, n, "user name '%s' holds the forbidden character '%c'", v,
			       (unsigned char)*s >= 0x20 ? *s : '?');
			break;
		}
	}
	if (dots)
		report(l, n, "user name '%s' is only dots and spaces", v);
	for (i = 0; create && reserved[i]; i++)
		if (!strcasecmp(v, reserved[i]))
			report(l, n, "user name '%s' is a built-in or reserved account "
			       "name", v);
	if (create && l->computer_name && !strcasecmp(v, l->computer_name))
		report(l, n, "user name '%s' is the computer's name: Windows cannot "
		       "create it", v);
out:
	free(v);
}

/* Local accounts: names valid and unique. */
static void rule_accounts(struct lint *l, const xmlNode *ua)
{
	const xmlNode *las = child(ua, "LocalAccounts"), *a, *b;

	for (a = las ? las->children : NULL; a; a = a->next) {
		char *na;

		if (!is(a, "LocalAccount") || !child(a, "Name"))
			continue;
		rule_user_name(l, child(a, "Name"), 1);
		na = text(child(a, "Name"));
		for (b = las->children; na && b != a; b = b->next) {
			char *nb = is(b, "LocalAccount") ? text(child(b, "Name")) : NULL;
			int same = nb && !strcasecmp(na, nb);

			free(nb);
			if (same) {
				report(l, child(a, "Name"), "account '%s' is created twice", na);
				break;
			}
		}
		free(na);
	}
}

/* A hidden password (PlainText=false) must decode as Windows encodes it. */
static void rule_password(struct lint *l, const xmlNode *pw)
{
	char *plain = text(child(pw, "PlainText")), *v, *dec;

	if (!plain || strcasecmp(plain, "false") || !child(pw, "Value")) {
		free(plain);
		return;
	}
	free(plain);
	v = text(child(pw, "Value"));
	dec = v ? pf_ua_password_decode(v, (const char *)pw->name) : NULL;
	if (v && !dec)
		report(l, child(pw, "Value"), "hidden password does not decode: Windows "
		       "expects base64 of the UTF-16LE text password + '%s'",
		       (const char *)pw->name);
	free(dec);
	free(v);
}

/* A product key is 5 groups of 5 letters or digits. */
static void rule_key(struct lint *l, const xmlNode *k)
{
	char *v = text(k);
	size_t i;
	int ok = v && strlen(v) == 29;

	for (i = 0; ok && i < 29; i++)
		ok = (i % 6 == 5) ? v[i] == '-' : isalnum((unsigned char)v[i]);
	if (v && !*v)
		report(l, k, "empty product key (remove the element for no key)");
	else if (v && !ok)
		report(l, k, "product key '%s' is not five groups of five letters or "
		       "digits", v);
	free(v);
}

/* Domain join: not both domain and workgroup; a domain needs credentials,
 * UnsecureJoin or provisioning data. */
static void rule_join(struct lint *l, const xmlNode *id)
{
	if (child(id, "JoinDomain") && child(id, "JoinWorkgroup"))
		report(l, id, "JoinDomain and JoinWorkgroup exclude each other");
	if (child(id, "JoinDomain") && !child(id, "Credentials") &&
	    !is_true(id, "UnsecureJoin") && !child(id, "Provisioning"))
		report(l, child(id, "JoinDomain"), "JoinDomain needs Credentials (or "
		       "UnsecureJoin=true, or Provisioning)");
}

/* Image selection keys Setup knows. */
static void rule_metadata(struct lint *l, const xmlNode *md)
{
	char *k = text(child(md, "Key")), *v = text(child(md, "Value"));

	if (k && strcasecmp(k, "/IMAGE/INDEX") && strcasecmp(k, "/IMAGE/NAME") &&
	    strcasecmp(k, "/IMAGE/DESCRIPTION"))
		report(l, child(md, "Key"), "MetaData Key '%s' is not /IMAGE/INDEX, "
		       "/IMAGE/NAME or /IMAGE/DESCRIPTION", k);
	else if (k && v && !strcasecmp(k, "/IMAGE/INDEX") &&
		 (strspn(v, "0123456789") != strlen(v) || !*v || atol(v) < 1))
		report(l, child(md, "Value"), "image index '%s' is not a positive "
		       "number", v);
	free(k);
	free(v);
}

/* Raw bytes outside ASCII: Windows Setup reads only ASCII reliably. */
static void rule_ascii(struct lint *l, xmlNode *root, const char *raw, size_t len)
{
	size_t i, line = 1;
	long bad_line = 0;
	xmlNode *n, *best = root;

	for (i = 0; i < len; i++) {
		if (raw[i] == '\n')
			line++;
		if ((unsigned char)raw[i] >= 0x80) {
			bad_line = (long)line;
			break;
		}
	}
	if (!bad_line)
		return;
	/* The last element starting on or before that line. */
	for (n = root; n;) {
		if (n->type == XML_ELEMENT_NODE && xmlGetLineNo(n) <= bad_line &&
		    xmlGetLineNo(n) > 0)
			best = n;
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && !n->next)
			n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
		if (n)
			n = n->next;
	}
	report(l, best, "line %ld holds non-ASCII bytes: Windows Setup reads only "
	       "ASCII reliably (write other characters as &#x...; references)", bad_line);
}

/* Walk every element below E and apply the element rules. */
static void walk(struct lint *l, const xmlNode *e)
{
	const xmlNode *c;

	for (c = e->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (has_elements(c))
			rule_lists(l, c);
		if (is(c, "component") && in_component(c, "Microsoft-Windows-Setup"))
			rule_disks(l, c);
		else if (is(c, "ComputerName") && is(c->parent, "component"))
			rule_computer_name(l, c);
		else if (is(c, "UserAccounts"))
			rule_accounts(l, c);
		else if (is(c, "Username") && is(c->parent, "AutoLogon") &&
			 !child(c->parent, "Domain"))
			rule_user_name(l, c, 0);
		else if ((is(c, "Password") || is(c, "AdministratorPassword")) &&
			 child(c, "PlainText"))
			rule_password(l, c);
		else if (is(c, "Key") && is(c->parent, "ProductKey"))
			rule_key(l, c);
		else if (is(c, "ProductKey") && is(c->parent, "component") && !has_elements(c))
			rule_key(l, c);
		else if (is(c, "Identification"))
			rule_join(l, c);
		else if (is(c, "MetaData"))
			rule_metadata(l, c);
		walk(l, c);
	}
}

/* The specialize (or offlineServicing) computer name, read first so user
 * names can be compared with it whatever the order of passes. */
static void find_computer_name(struct lint *l, const xmlNode *root)
{
	const xmlNode *s, *c;

	for (s = root->children; s; s = s->next)
		for (c = is(s, "settings") ? s->children : NULL; c; c = c->next)
			if (is(c, "component") && child(c, "ComputerName") &&
			    in_component(c, "Microsoft-Windows-Shell-Setup") && !l->computer_name) {
				char *v = text(child(c, "ComputerName"));

				if (v && *v && strcmp(v, "*"))
					l->computer_name = v;
				else
					free(v);
			}
}

int pf_ua_lint(xmlDoc *doc, const char *raw, size_t len, struct pf_ua_findings *f)
{
	struct lint l = { doc, f, 0, NULL };
	xmlNode *root = xmlDocGetRootElement(doc);

	number_nodes(doc);
	if (!root || !is(root, "unattend") || !root->ns ||
	    strcmp((const char *)root->ns->href, PF_UA_NS)) {
		report(&l, root, "the root element must be <unattend> in namespace %s",
		       PF_UA_NS);
		return l.ret;
	}
	if (raw)
		rule_ascii(&l, root, raw, len);
	rule_passes(&l, root);
	rule_arch(&l, root);
	find_computer_name(&l, root);
	walk(&l, root);
	free(l.computer_name);
	return l.ret;
}

/* ---- parsing and XSD validation -------------------------------------------- */

/* Collects libxml2 errors as findings ("schema: ..."), or the first message. */
struct collect {
	struct pf_ua_findings *f;
	char *first;
	int ret;
};

/* libxml2 structured error handler: one finding per schema violation, the
 * namespace left out of element names for readability. */
static void on_error(void *ctx, xmlErrorPtr e)
{
	struct collect *c = ctx;
	char msg[1024], *p;
	const char *ns = "{" PF_UA_NS "}";
	size_t nl = strlen(ns);

	if (!e || !e->message || e->level == XML_ERR_WARNING)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message);
	while ((p = strstr(msg, ns)))
		memmove(p, p + nl, strlen(p + nl) + 1);
	p = msg + strlen(msg);
	while (p > msg && (p[-1] == '\n' || p[-1] == ' '))
		*--p = '\0';
	if (!c->f) {
		if (!c->first)
			c->first = e->line > 0 ? pf_asprintf("line %d: %s", e->line, msg)
					       : pf_strdup(msg);
		return;
	}
	if (!c->ret && pf_ua_findings_add(c->f, e->node, "schema: %s", msg) != 0)
		c->ret = -PF_ENOMEM;
}

int pf_ua_parse(const char *buf, size_t len, const char *name, xmlDoc **out, char **err)
{
	struct collect c = { NULL, NULL, 0 };
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	xmlDoc *doc;

	*err = NULL;
	if (!ctxt)
		return -PF_ENOMEM;
	doc = xmlCtxtReadMemory(ctxt, buf, len > 0x7fffffff ? 0x7fffffff : (int)len, name,
				NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (!doc || !ctxt->wellFormed) {
		xmlError *e = xmlCtxtGetLastError(ctxt);

		xmlFreeDoc(doc);
		if (e && e->message && !c.first) {
			char *m = pf_strdup(e->message);

			if (m && *m && m[strlen(m) - 1] == '\n')
				m[strlen(m) - 1] = '\0';
			c.first = m ? pf_asprintf("line %d: %s", e->line, m) : NULL;
			free(m);
		}
		*err = c.first ? c.first : pf_strdup("not well-formed");
		xmlFreeParserCtxt(ctxt);
		return -PF_EXML;
	}
	free(c.first);
	xmlFreeParserCtxt(ctxt);
	*out = doc;
	return 0;
}

int pf_ua_schema_load(const char *path, xmlSchema **out, char **err)
{
	struct collect c = { NULL, NULL, 0 };
	xmlSchemaParserCtxt *pc;
	xmlSchema *s;

	*err = NULL;
	if (!pf_is_file(path)) {
		*err = pf_asprintf("%s: the answer-file schema is missing (is peforge "
				   "installed?)", path);
		return -PF_ENOENT;
	}
	pc = xmlSchemaNewParserCtxt(path);
	if (!pc)
		return -PF_ENOMEM;
	xmlSchemaSetParserStructuredErrors(pc, on_error, &c);
	xmlSetStructuredErrorFunc(&c, on_error); /* the XML parser's own errors */
	s = xmlSchemaParse(pc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSchemaFreeParserCtxt(pc);
	if (!s) {
		*err = pf_asprintf("%s: not a usable XML schema: %s", path,
				   c.first ? c.first : "parse error");
		free(c.first);
		return -PF_EXML;
	}
	free(c.first);
	*out = s;
	return 0;
}

int pf_ua_validate(xmlDoc *doc, xmlSchema *schema, struct pf_ua_findings *f)
{
	struct collect c = { f, NULL, 0 };
	xmlSchemaValidCtxt *vc = xmlSchemaNewValidCtxt(schema);
	size_t before = f->n;
	int r;

	if (!vc)
		return -PF_ENOMEM;
	if (!xmlDocGetRootElement(doc)->_private)
		number_nodes(doc);
	xmlSchemaSetValidStructuredErrors(vc, on_error, &c);
	r = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (c.ret)
		return c.ret;
	if (r < 0)
		return -PF_EXML;
	if (r > 0 && f->n == before)
		return pf_ua_findings_add(f, xmlDocGetRootElement(doc),
					  "schema: the file does not validate");
	return 0;
}
