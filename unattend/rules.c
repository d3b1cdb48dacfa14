/*
 * unattend/rules.c - what makes Windows Setup stop, or silently ignore a
 * setting, in an answer file that is otherwise well-formed: the lint rules
 * (docs/unattend.md, "Lint rules"), one finding per problem.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "ua.h"

void pf_ua_report(struct pf_ua_lint *l, const xmlNode *n, const char *rule,
		  enum pf_ua_severity severity, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!l->ret && pf_ua_findings_add(l->f, PF_UA_FROM_LINT, rule, severity, n, "%s",
					  buf) != 0)
		l->ret = -PF_UA_ENOMEM;
}

#define report pf_ua_report

/* ---- rules: structure, passes, components, architectures --------------------- */

/* Whether component D (in the same pass as C) is a copy of C, by name. */
static int same_name(const xmlNode *c, const xmlNode *d)
{
	xmlChar *n1 = xmlGetProp(c, (const xmlChar *)"name");
	xmlChar *n2 = xmlGetProp(d, (const xmlChar *)"name");
	int same = n1 && n2 && !strcasecmp((const char *)n1, (const char *)n2);

	xmlFree(n1);
	xmlFree(n2);
	return same;
}

/* The processorArchitecture of C when it names a machine (not wow64 or
 * msil, which ride along with one), else NULL.  Caller xmlFree()s. */
static xmlChar *machine_arch(const xmlNode *c)
{
	xmlChar *a = pf_ua_is(c, "component")
		? xmlGetProp(c, (const xmlChar *)"processorArchitecture") : NULL;

	if (a && (!strcasecmp((const char *)a, "wow64") || !strcasecmp((const char *)a, "msil"))) {
		xmlFree(a);
		a = NULL;
	}
	return a;
}

/* Components of several architectures: Setup applies those that match the
 * Windows it installs (in windowsPE: the Windows PE it runs) and ignores
 * the others, so generators write one copy per architecture.  A component
 * of another architecture than the first one's, with no copy of the first
 * architecture in its pass, is probably a mistake: its settings are lost
 * when Setup installs the first architecture (a warning). */
static void rule_arch(struct pf_ua_lint *l, xmlNode *root)
{
	xmlNode *s, *c, *d;
	xmlChar *first = NULL;

	for (s = root->children; s && !first; s = s->next)
		for (c = pf_ua_is(s, "settings") ? s->children : NULL; c && !first; c = c->next)
			first = machine_arch(c);
	for (s = root->children; first && s; s = s->next)
		for (c = pf_ua_is(s, "settings") ? s->children : NULL; c; c = c->next) {
			xmlChar *a = machine_arch(c), *pass, *name;
			int copy = 0;

			if (!a || !strcasecmp((const char *)a, (const char *)first)) {
				xmlFree(a);
				continue;
			}
			for (d = s->children; d && !copy; d = d->next) {
				xmlChar *b = d != c ? machine_arch(d) : NULL;

				copy = b && !strcasecmp((const char *)b, (const char *)first) &&
				       same_name(c, d);
				xmlFree(b);
			}
			pass = xmlGetProp(s, (const xmlChar *)"pass");
			name = xmlGetProp(c, (const xmlChar *)"name");
			if (!copy)
				report(l, c, "arch", PF_UA_WARNING, "processorArchitecture '%s' "
				       "mixes with '%s' of the first component, and pass %s has "
				       "no '%s' copy of %s: Setup ignores this component when "
				       "it installs %s Windows", (const char *)a,
				       (const char *)first, pass ? (const char *)pass : "?",
				       (const char *)first, name ? (const char *)name : "it",
				       (const char *)first);
			xmlFree(pass);
			xmlFree(name);
			xmlFree(a);
		}
	xmlFree(first);
}

/* Check the top-level settings of component C (NAME) against pass P. */
static void rule_settings_pass(struct pf_ua_lint *l, const xmlNode *c, const char *name, int p)
{
	const xmlNode *s;

	for (s = c->children; s; s = s->next) {
		const struct pf_ua_setting *st;

		if (s->type != XML_ELEMENT_NODE)
			continue;
		st = pf_ua_setting_find(name, (const char *)s->name);
		if (st && !(st->passes & PF_UA_PASS(p)))
			report(l, s, "setting-pass", PF_UA_ERROR, "%s of %s is ignored in pass %s (valid: %s)",
			       (const char *)s->name, name, pf_ua_pass_name(p),
			       pf_ua_pass_list(st->passes));
	}
}

/* Passes known and not repeated; components in passes where Windows
 * applies them, not repeated, not misspelled; their settings in the right
 * pass. */
static void rule_passes(struct pf_ua_lint *l, xmlNode *root)
{
	unsigned seen = 0;
	xmlNode *s, *c, *d;

	for (s = root->children; s; s = s->next) {
		xmlChar *pass;
		int p, i;

		if (!pf_ua_is(s, "settings"))
			continue;
		pass = xmlGetProp(s, (const xmlChar *)"pass");
		p = pass ? pf_ua_pass_index((const char *)pass) : -1;
		if (!pass) {
			report(l, s, "pass", PF_UA_ERROR, "settings without a pass attribute");
		} else if (p < 0) {
			const char *near = NULL;

			for (i = 0; i < PF_UA_NPASSES; i++)
				if (!strcasecmp(pf_ua_pass_name(i), (const char *)pass))
					near = pf_ua_pass_name(i);
			if (near)
				report(l, s, "pass", PF_UA_ERROR, "unknown pass '%s' (pass names are case-"
				       "sensitive: '%s')", (const char *)pass, near);
			else
				report(l, s, "pass", PF_UA_ERROR, "unknown pass '%s' (passes: %s)", (const char *)pass,
				       pf_ua_pass_list((1u << PF_UA_NPASSES) - 1));
		} else if (seen & PF_UA_PASS(p)) {
			report(l, s, "pass", PF_UA_ERROR, "pass %s appears more than once: merge its settings "
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

			if (!pf_ua_is(c, "component"))
				continue;
			name = xmlGetProp(c, (const xmlChar *)"name");
			arch = xmlGetProp(c, (const xmlChar *)"processorArchitecture");
			if (!name) {
				xmlFree(arch);
				continue;
			}
			for (d = s->children; d != c; d = d->next) {
				xmlChar *n2, *a2;

				if (!pf_ua_is(d, "component"))
					continue;
				n2 = xmlGetProp(d, (const xmlChar *)"name");
				a2 = xmlGetProp(d, (const xmlChar *)"processorArchitecture");
				if (n2 && !strcasecmp((const char *)n2, (const char *)name) &&
				    xmlStrEqual(a2, arch)) {
					report(l, c, "component-twice", PF_UA_ERROR, "component %s appears twice in pass %s",
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
				report(l, c, "component-pass", PF_UA_ERROR, "component %s is not applied in pass %s: Windows "
				       "Setup ignores it there (valid: %s)", (const char *)name,
				       pf_ua_pass_name(p), pf_ua_pass_list(cat->passes));
			} else if (!cat) {
				cat = pf_ua_component_near((const char *)name);
				if (cat)
					report(l, c, "component-name", PF_UA_ERROR, "unknown component '%s' (did you mean %s?)",
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
static void rule_lists(struct pf_ua_lint *l, const xmlNode *e)
{
	const struct pf_ua_list *list = pf_ua_list_find((const char *)e->name);
	const xmlNode *a, *b;

	for (a = e->children; a; a = a->next) {
		xmlChar *act, *key;
		long oa, ob;

		if (a->type != XML_ELEMENT_NODE)
			continue;
		act = xmlGetNsProp(a, (const xmlChar *)"action", (const xmlChar *)PF_UA_WCM_NS);
		if (act && strcmp((const char *)act, "add") && strcmp((const char *)act, "modify") &&
		    strcmp((const char *)act, "remove"))
			report(l, a, "list-action", PF_UA_ERROR, "wcm:action '%s' is not add, modify or remove",
			       (const char *)act);
		xmlFree(act);
		key = xmlGetNsProp(a, (const xmlChar *)"keyValue", (const xmlChar *)PF_UA_WCM_NS);
		if (!key && list && list->key == PF_UA_KEY_VALUE && pf_ua_is(a, list->item))
			report(l, a, "key-value", PF_UA_ERROR, "<%s> item without wcm:keyValue: "
			       "Setup cannot tell the items of %s apart (number them "
			       "wcm:keyValue=\"1\", \"2\"...)", list->item, list->container);
		for (b = e->children; b != a; b = b->next) {
			xmlChar *kb;

			if (!pf_ua_is(b, (const char *)a->name))
				continue;
			if (pf_ua_int_of(a, "Order", &oa) && pf_ua_int_of(b, "Order", &ob) && oa == ob) {
				report(l, pf_ua_child(a, "Order"), "list-order", PF_UA_ERROR, "Order %ld is used twice among "
				       "<%s> items", oa, (const char *)a->name);
				break;
			}
			kb = key ? xmlGetNsProp(b, (const xmlChar *)"keyValue",
						(const xmlChar *)PF_UA_WCM_NS) : NULL;
			if (kb && xmlStrEqual(kb, key)) {
				report(l, a, "list-key", PF_UA_ERROR, "wcm:keyValue '%s' is used twice among <%s> items",
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
static void read_disk(struct pf_ua_lint *l, const xmlNode *d, struct disk *k)
{
	const xmlNode *cps = pf_ua_child(d, "CreatePartitions"), *mps = pf_ua_child(d, "ModifyPartitions");
	const xmlNode *p, *q;
	int n = 0, primaries = 0, gpt = 0;

	memset(k, 0, sizeof(*k));
	k->node = d;
	k->id = -1;
	pf_ua_int_of(d, "DiskID", &k->id);
	k->wipe = pf_ua_is_true(d, "WillWipeDisk");
	for (p = cps ? cps->children : NULL; p; p = p->next) {
		char *type;
		int ext;

		if (!pf_ua_is(p, "CreatePartition"))
			continue;
		type = pf_ua_text(pf_ua_child(p, "Type"));
		ext = pf_ua_is_true(p, "Extend");
		if (n < 16 && type)
			snprintf(k->type[n], sizeof(k->type[0]), "%s", type);
		n++;
		if (type && (!strcasecmp(type, "EFI") || !strcasecmp(type, "MSR")))
			gpt = 1;
		if (type && !strcasecmp(type, "Primary"))
			primaries++;
		if (ext && pf_ua_child(p, "Size"))
			report(l, p, "partition-size", PF_UA_ERROR, "CreatePartition has both Size and Extend=true");
		else if (!ext && !pf_ua_child(p, "Size"))
			report(l, p, "partition-size", PF_UA_ERROR, "CreatePartition needs a Size or Extend=true");
		for (q = p->next; ext && q; q = q->next)
			if (pf_ua_is(q, "CreatePartition")) {
				report(l, p, "partition-extend", PF_UA_ERROR, "only the last CreatePartition may Extend (this one "
				       "would leave no room for the next)");
				break;
			}
		free(type);
	}
	k->ncreate = n;
	if (!gpt && primaries > 4)
		report(l, cps, "mbr-primaries", PF_UA_ERROR, "an MBR disk holds at most 4 primary partitions (this "
		       "one creates %d)", primaries);
	for (p = mps ? mps->children : NULL; p; p = p->next) {
		long id, id2;
		char *fmt;

		if (!pf_ua_is(p, "ModifyPartition") || !pf_ua_int_of(p, "PartitionID", &id))
			continue;
		if (id < 1 || (n > 0 && id > n))
			report(l, pf_ua_child(p, "PartitionID"), "partition-id", PF_UA_ERROR, "PartitionID %ld does not match "
			       "a partition: disk %ld creates %d", id, k->id, n);
		for (q = mps->children; q != p; q = q->next)
			if (pf_ua_is(q, "ModifyPartition") && pf_ua_int_of(q, "PartitionID", &id2) &&
			    id2 == id) {
				report(l, pf_ua_child(p, "PartitionID"), "partition-id", PF_UA_ERROR, "PartitionID %ld is "
				       "modified twice on disk %ld", id, k->id);
				break;
			}
		fmt = pf_ua_text(pf_ua_child(p, "Format"));
		if (fmt && *fmt && id >= 1 && id <= 16) {
			snprintf(k->format[id - 1], sizeof(k->format[0]), "%s", fmt);
			if (id <= n && !strcasecmp(k->type[id - 1], "MSR"))
				report(l, pf_ua_child(p, "Format"), "msr-format", PF_UA_ERROR,
				       "partition %ld is the MSR partition, which must not be "
				       "formatted", id);
			else if (id <= n && !strcasecmp(k->type[id - 1], "EFI") &&
				 strcasecmp(fmt, "FAT32"))
				report(l, pf_ua_child(p, "Format"), "efi-format", PF_UA_ERROR,
				       "partition %ld is the EFI system partition, formatted %s: "
				       "UEFI firmware reads only FAT32 there", id, fmt);
		}
		free(fmt);
	}
}

/* DiskConfiguration: disks unique and consistent; InstallTo pointing at a
 * disk and an NTFS partition that exist. */
static void rule_disks(struct pf_ua_lint *l, const xmlNode *setup)
{
	const xmlNode *dc = pf_ua_child(setup, "DiskConfiguration"), *d, *img, *to;
	struct disk disks[8];
	int nd = 0, i;
	long disk_id, part_id;

	for (d = dc ? dc->children : NULL; d; d = d->next) {
		if (!pf_ua_is(d, "Disk"))
			continue;
		if (nd == 8)
			break;
		read_disk(l, d, &disks[nd]);
		for (i = 0; i < nd; i++)
			if (disks[i].id == disks[nd].id && disks[nd].id >= 0) {
				report(l, pf_ua_child(d, "DiskID"), "disk-id", PF_UA_ERROR, "DiskID %ld is configured twice",
				       disks[nd].id);
				break;
			}
		nd++;
	}
	img = pf_ua_child(pf_ua_child(setup, "ImageInstall"), "OSImage");
	to = pf_ua_child(img, "InstallTo");
	if (to && pf_ua_is_true(img, "InstallToAvailablePartition"))
		report(l, to, "install-to", PF_UA_ERROR, "InstallTo and InstallToAvailablePartition=true exclude "
		       "each other");
	if (!to || !nd || !pf_ua_int_of(to, "DiskID", &disk_id) ||
	    !pf_ua_int_of(to, "PartitionID", &part_id))
		return;
	for (i = 0; i < nd && disks[i].id != disk_id; i++)
		;
	if (i == nd) {
		report(l, pf_ua_child(to, "DiskID"), "install-to", PF_UA_ERROR, "InstallTo DiskID %ld is not a disk of "
		       "DiskConfiguration", disk_id);
		return;
	}
	if (disks[i].wipe && !disks[i].ncreate)
		report(l, disks[i].node, "install-to", PF_UA_ERROR, "WillWipeDisk is true but the disk gets no "
		       "CreatePartitions: there is nothing to install to");
	if (!disks[i].ncreate)
		return;
	if (part_id < 1 || part_id > disks[i].ncreate) {
		report(l, pf_ua_child(to, "PartitionID"), "install-to", PF_UA_ERROR, "InstallTo PartitionID %ld does not "
		       "match a partition: disk %ld creates %d", part_id, disk_id,
		       disks[i].ncreate);
	} else if (!strcasecmp(disks[i].type[part_id - 1], "EFI") ||
		   !strcasecmp(disks[i].type[part_id - 1], "MSR")) {
		report(l, pf_ua_child(to, "PartitionID"), "install-to", PF_UA_ERROR, "InstallTo points at partition %ld, "
		       "the %s partition, not a Windows (Primary, NTFS) partition",
		       part_id, disks[i].type[part_id - 1]);
	} else if (part_id <= 16 && strcasecmp(disks[i].format[part_id - 1], "NTFS")) {
		const char *type = disks[i].type[part_id - 1];

		if (disks[i].format[part_id - 1][0])
			report(l, pf_ua_child(to, "PartitionID"), "install-to", PF_UA_ERROR,
			       "InstallTo points at partition %ld, which is formatted %s, "
			       "not NTFS", part_id, disks[i].format[part_id - 1]);
		else if (strcasecmp(type, "Primary") && strcasecmp(type, "Logical"))
			/* Setup formats an unformatted Primary or Logical
			 * target NTFS itself */
			report(l, pf_ua_child(to, "PartitionID"), "install-to", PF_UA_ERROR,
			       "InstallTo points at partition %ld, which no "
			       "ModifyPartition formats NTFS", part_id);
	}
}

/* ---- rules: names, passwords, keys ----------------------------------------- */

/* Computer names: at most 15 characters, not all digits, letters, digits,
 * '-' and '_' only; "*" asks Windows for a random name. */
static void rule_computer_name(struct pf_ua_lint *l, const xmlNode *n)
{
	static const char bad[] = "{|}~[\\]^':;<=>?@!\"#$%`()+/.,*&";
	char *v = pf_ua_text(n);
	const char *s;
	int digits = 1;

	if (!v)
		return;
	if (!strcmp(v, "*"))
		goto out;
	if (!*v) {
		report(l, n, "computer-name", PF_UA_ERROR, "ComputerName is empty (use * for a random name)");
		goto out;
	}
	if (strlen(v) > 15)
		report(l, n, "computer-name", PF_UA_ERROR, "ComputerName '%s' is %zu characters long: Windows allows "
		       "at most 15", v, strlen(v));
	for (s = v; *s; s++) {
		if (!isdigit((unsigned char)*s))
			digits = 0;
		if (strchr(bad, *s) || isspace((unsigned char)*s) ||
		    (unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20) {
			report(l, n, "computer-name", PF_UA_ERROR, "ComputerName '%s' holds the forbidden character '%c' "
			       "(use letters, digits and '-')", v,
			       (unsigned char)*s >= 0x20 ? *s : '?');
			break;
		}
	}
	if (digits)
		report(l, n, "computer-name", PF_UA_ERROR, "ComputerName '%s' is all digits: Windows refuses that", v);
	if (!l->computer_name && pf_ua_in_component(n, "Microsoft-Windows-Shell-Setup"))
		l->computer_name = pf_ua_strdup(v);
out:
	free(v);
}

/* Local user names: at most 20 characters, none of "/\[]:;|=,+*?<>@%,
 * not only dots and spaces, not a built-in or reserved name (for LOCAL
 * accounts to create), not the computer's name. */
static void rule_user_name(struct pf_ua_lint *l, const xmlNode *n, int create)
{
	static const char bad[] = "\"/\\[]:;|=,+*?<>@%";
	static const char *const reserved[] = {
		"NONE", "Administrator", "Guest", "DefaultAccount", "WDAGUtilityAccount",
		"SYSTEM", "defaultuser0", NULL
	};
	char *v = pf_ua_text(n);
	const char *s;
	int dots = 1, i;

	if (!v)
		return;
	if (!*v) {
		report(l, n, "user-name", PF_UA_ERROR, "user name is empty");
		goto out;
	}
	if (strlen(v) > 20)
		report(l, n, "user-name", PF_UA_ERROR, "user name '%s' is longer than 20 characters", v);
	for (s = v; *s; s++) {
		if (*s != '.' && *s != ' ')
			dots = 0;
		if (strchr(bad, *s) || (unsigned char)*s < 0x20) {
			report(l, n, "user-name", PF_UA_ERROR, "user name '%s' holds the forbidden character '%c'", v,
			       (unsigned char)*s >= 0x20 ? *s : '?');
			break;
		}
	}
	if (dots)
		report(l, n, "user-name", PF_UA_ERROR, "user name '%s' is only dots and spaces", v);
	for (i = 0; create && reserved[i]; i++)
		if (!strcasecmp(v, reserved[i]))
			report(l, n, "user-name", PF_UA_ERROR, "user name '%s' is a built-in or reserved account "
			       "name", v);
	if (create && l->computer_name && !strcasecmp(v, l->computer_name))
		report(l, n, "user-name", PF_UA_ERROR, "user name '%s' is the computer's name: Windows cannot "
		       "create it", v);
out:
	free(v);
}

/* Local accounts: names valid and unique. */
static void rule_accounts(struct pf_ua_lint *l, const xmlNode *ua)
{
	const xmlNode *las = pf_ua_child(ua, "LocalAccounts"), *a, *b;

	for (a = las ? las->children : NULL; a; a = a->next) {
		char *na;

		if (!pf_ua_is(a, "LocalAccount") || !pf_ua_child(a, "Name"))
			continue;
		rule_user_name(l, pf_ua_child(a, "Name"), 1);
		na = pf_ua_text(pf_ua_child(a, "Name"));
		for (b = las->children; na && b != a; b = b->next) {
			char *nb = pf_ua_is(b, "LocalAccount") ? pf_ua_text(pf_ua_child(b, "Name")) : NULL;
			int same = nb && !strcasecmp(na, nb);

			free(nb);
			if (same) {
				report(l, pf_ua_child(a, "Name"), "account-twice", PF_UA_ERROR, "account '%s' is created twice", na);
				break;
			}
		}
		free(na);
	}
}

/* A hidden password (PlainText=false) must decode as Windows encodes it. */
static void rule_password(struct pf_ua_lint *l, const xmlNode *pw)
{
	char *plain = pf_ua_text(pf_ua_child(pw, "PlainText")), *v, *dec;

	if (!plain || strcasecmp(plain, "false") || !pf_ua_child(pw, "Value")) {
		free(plain);
		return;
	}
	free(plain);
	v = pf_ua_text(pf_ua_child(pw, "Value"));
	dec = v ? pf_ua_password_decode(v, (const char *)pw->name) : NULL;
	if (v && !dec)
		report(l, pf_ua_child(pw, "Value"), "password", PF_UA_ERROR, "hidden password does not decode: Windows "
		       "expects base64 of the UTF-16LE text password + '%s'",
		       (const char *)pw->name);
	free(dec);
	free(v);
}

/* A product key is 5 groups of 5 letters or digits.  An empty <Key/> is a
 * known working way to skip the key page (a note). */
static void rule_key(struct pf_ua_lint *l, const xmlNode *k)
{
	char *v = pf_ua_text(k);
	size_t i;
	int ok = v && strlen(v) == 29;

	for (i = 0; ok && i < 29; i++)
		ok = (i % 6 == 5) ? v[i] == '-' : isalnum((unsigned char)v[i]);
	if (v && !*v)
		report(l, k, "product-key", PF_UA_NOTE, "empty product key: Setup "
		       "asks for no key (a known way to skip the key page)");
	else if (v && !ok)
		report(l, k, "product-key", PF_UA_ERROR, "product key '%s' is not five "
		       "groups of five letters or digits", v);
	free(v);
}

/* A ProductKey holding both text and elements: Setup reads the elements
 * and ignores the text (a warning: the key written there is not used). */
static void rule_key_text(struct pf_ua_lint *l, const xmlNode *pk)
{
	const xmlNode *t;

	for (t = pk->children; t; t = t->next)
		if (t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) {
			char *v = pf_ua_text(t);
			int found = v && *v;

			if (found)
				report(l, pk, "product-key", PF_UA_WARNING, "ProductKey holds "
				       "the text '%s' besides elements: Setup ignores it (put "
				       "the key in <Key>)", v);
			free(v);
			if (found)
				break;
		}
}

/* Domain join: not both domain and workgroup; a domain needs credentials,
 * UnsecureJoin or provisioning data. */
static void rule_join(struct pf_ua_lint *l, const xmlNode *id)
{
	if (pf_ua_child(id, "JoinDomain") && pf_ua_child(id, "JoinWorkgroup"))
		report(l, id, "domain-join", PF_UA_ERROR, "JoinDomain and JoinWorkgroup exclude each other");
	if (pf_ua_child(id, "JoinDomain") && !pf_ua_child(id, "Credentials") &&
	    !pf_ua_is_true(id, "UnsecureJoin") && !pf_ua_child(id, "Provisioning"))
		report(l, pf_ua_child(id, "JoinDomain"), "domain-join", PF_UA_ERROR, "JoinDomain needs Credentials (or "
		       "UnsecureJoin=true, or Provisioning)");
}

/* Image selection keys Setup knows. */
static void rule_metadata(struct pf_ua_lint *l, const xmlNode *md)
{
	char *k = pf_ua_text(pf_ua_child(md, "Key")), *v = pf_ua_text(pf_ua_child(md, "Value"));

	if (k && strcasecmp(k, "/IMAGE/INDEX") && strcasecmp(k, "/IMAGE/NAME") &&
	    strcasecmp(k, "/IMAGE/DESCRIPTION"))
		report(l, pf_ua_child(md, "Key"), "image-metadata", PF_UA_WARNING, "MetaData Key '%s' is not /IMAGE/INDEX, "
		       "/IMAGE/NAME or /IMAGE/DESCRIPTION (the documented keys)", k);
	else if (k && v && !strcasecmp(k, "/IMAGE/INDEX") &&
		 (strspn(v, "0123456789") != strlen(v) || !*v || atol(v) < 1))
		report(l, pf_ua_child(md, "Value"), "image-metadata", PF_UA_ERROR, "image index '%s' is not a positive "
		       "number", v);
	free(k);
	free(v);
}

/* Raw bytes outside ASCII: Windows Setup reads only ASCII reliably. */
static void rule_ascii(struct pf_ua_lint *l, xmlNode *root, const char *raw, size_t len)
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
	for (n = root; n; n = pf_ua_next_node(n))
		if (n->type == XML_ELEMENT_NODE && xmlGetLineNo(n) <= bad_line &&
		    xmlGetLineNo(n) > 0)
			best = n;
	report(l, best, "ascii", PF_UA_ERROR, "line %ld holds non-ASCII bytes: Windows Setup reads only "
	       "ASCII reliably (write other characters as &#x...; references)", bad_line);
}

/* The first letters of the element names the rules of walk() are for
 * (component, ComputerName, UserAccounts, Username, Password,
 * AdministratorPassword, Key, ProductKey, Identification, MetaData). */
#define RULE_INITIALS "cCUPAKIM"

/* Walk every element below E and apply the element rules. */
static void walk(struct pf_ua_lint *l, const xmlNode *e)
{
	const xmlNode *c;

	for (c = e->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (pf_ua_has_elements(c))
			rule_lists(l, c);
		if (pf_ua_is(c, "component"))
			pf_ua_rule_component(l, c);
		else
			pf_ua_rule_value(l, c);
		if (!strchr(RULE_INITIALS, c->name[0]))
			;       /* no element rule below is for this name */
		else if (pf_ua_is(c, "component") && pf_ua_in_component(c, "Microsoft-Windows-Setup"))
			rule_disks(l, c);
		else if (pf_ua_is(c, "ComputerName") && pf_ua_is(c->parent, "component"))
			rule_computer_name(l, c);
		else if (pf_ua_is(c, "UserAccounts"))
			rule_accounts(l, c);
		else if (pf_ua_is(c, "Username") && pf_ua_is(c->parent, "AutoLogon") &&
			 !pf_ua_child(c->parent, "Domain"))
			rule_user_name(l, c, 0);
		else if ((pf_ua_is(c, "Password") || pf_ua_is(c, "AdministratorPassword")) &&
			 pf_ua_child(c, "PlainText"))
			rule_password(l, c);
		else if (pf_ua_is(c, "Key") && pf_ua_is(c->parent, "ProductKey"))
			rule_key(l, c);
		else if (pf_ua_is(c, "ProductKey") && pf_ua_has_elements(c))
			rule_key_text(l, c);
		else if (pf_ua_is(c, "ProductKey") && pf_ua_is(c->parent, "component") && !pf_ua_has_elements(c))
			rule_key(l, c);
		else if (pf_ua_is(c, "Identification"))
			rule_join(l, c);
		else if (pf_ua_is(c, "MetaData"))
			rule_metadata(l, c);
		walk(l, c);
	}
}

/* The specialize (or offlineServicing) computer name, read first so user
 * names can be compared with it whatever the order of passes. */
static void find_computer_name(struct pf_ua_lint *l, const xmlNode *root)
{
	const xmlNode *s, *c;

	for (s = root->children; s; s = s->next)
		for (c = pf_ua_is(s, "settings") ? s->children : NULL; c; c = c->next)
			if (pf_ua_is(c, "component") && pf_ua_child(c, "ComputerName") &&
			    pf_ua_in_component(c, "Microsoft-Windows-Shell-Setup") && !l->computer_name) {
				char *v = pf_ua_text(pf_ua_child(c, "ComputerName"));

				if (v && *v && strcmp(v, "*"))
					l->computer_name = v;
				else
					free(v);
			}
}

int pf_ua_lint(xmlDoc *doc, const char *raw, size_t len, struct pf_ua_findings *f)
{
	struct pf_ua_lint l = { doc, f, 0, NULL, NULL, 0 };
	xmlNode *root = xmlDocGetRootElement(doc);

	pf_ua_number_nodes(doc);
	if (!root || !pf_ua_is(root, "unattend") || !root->ns ||
	    strcmp((const char *)root->ns->href, PF_UA_NS)) {
		report(&l, root, "root", PF_UA_ERROR, "the root element must be <unattend> in namespace %s",
		       PF_UA_NS);
		return l.ret;
	}
	if (raw)
		rule_ascii(&l, root, raw, len);
	rule_passes(&l, root);
	rule_arch(&l, root);
	find_computer_name(&l, root);
	pf_ua_find_accounts(&l, root);
	walk(&l, root);
	free(l.computer_name);
	while (l.naccounts)
		free(l.accounts[--l.naccounts]);
	free(l.accounts);
	return l.ret;
}
