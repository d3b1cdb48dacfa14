/* plugins/output-pxe/fleet.c - the machines the recipe knows (the job
 * fact fleet): their boot entries, machines/fleet.tsv, and the policy for
 * every other machine.  Layout: docs/pxe.md ("Safety") and docs/fleet.md. */
#include "pxe.h"
#include "fleet.h"

void fleet_free(struct pxe_state *s)
{
	size_t i;

	for (i = 0; i < s->nm; i++) {
		free(s->m[i].id);
		free(s->m[i].file);
		free(s->m[i].file_uefi);
	}
	free(s->m);
	s->m = NULL;
	s->nm = 0;
}

/* A copy of field F (NULL, or "-": none) or NULL; *BAD set when out of
 * memory. */
static char *field_dup(const char *f, int *bad)
{
	char *c;

	if (!f || !strcmp(f, "-"))
		return NULL;
	c = strdup(f);
	if (!c)
		*bad = 1;
	return c;
}

/* Parse line LINE of the fact fleet (MAC ID wipe|keep FILE [UEFI-FILE],
 * tab-separated) into M.  Returns 0, -PF_EINTERNAL or -PF_ENOMEM. */
static int parse_line(char *line, struct machine *m)
{
	char *f[5] = { 0 }, *save = NULL, *tok;
	size_t n = 0;
	int bad = 0;

	for (tok = strtok_r(line, "\t", &save); tok && n < 5; tok = strtok_r(NULL, "\t", &save))
		f[n++] = tok;
	if (n < 3 || strlen(f[0]) != 17 || (strcmp(f[2], "wipe") && strcmp(f[2], "keep")))
		return -PF_EINTERNAL;
	memcpy(m->mac, f[0], 18);
	m->wipe = !strcmp(f[2], "wipe");
	m->id = strdup(f[1]);
	m->file = field_dup(f[3], &bad);
	m->file_uefi = field_dup(f[4], &bad);
	return !m->id || bad ? -PF_ENOMEM : 0;
}

/*
 * Read the fleet (the job fact fleet) into S, choose the policy of machines
 * it does not know when the recipe left `unknown` out (local when their
 * answer file, fact default_wipes, wipes a disk; else menu), and refuse
 * unknown = "install" with such a file unless allow_unknown_wipe (the core
 * refuses it already before the run; this is the plugin's own word).
 * Returns 0 or an error (logged).
 */
int fleet_read(struct pxe_state *s, struct pf_job *job)
{
	const struct pf_host *h = s->host;
	const char *fact = h->job_fact(job, PF_FACT_FLEET);
	const char *dw = h->job_fact(job, PF_FACT_DEFAULT_WIPES);
	int wipes = dw && !strcmp(dw, "true");
	char *copy = NULL, *line, *save = NULL;
	int ret = 0;

	if (s->unknown < 0)
		s->unknown = wipes ? POLICY_LOCAL : POLICY_MENU;
	if (s->unknown == POLICY_INSTALL && wipes) {
		if (!s->allow_unknown_wipe) {
			h->log(PF_LOG_ERROR, NAME, "outputs.pxe: unknown = \"install\" with "
			       "an answer file that wipes a disk would erase every machine "
			       "that boots from this network and is not in pe.machines: use "
			       "unknown = \"local\" or \"menu\", or set allow_unknown_wipe = "
			       "true");
			return -PF_ERECIPE;
		}
		h->log(PF_LOG_WARN, NAME, "outputs.pxe: unknown = \"install\" and "
		       "allow_unknown_wipe: every machine not in pe.machines that boots "
		       "from this network gets Windows PE and an answer file that wipes "
		       "a disk");
	}
	if (!fact || !*fact)
		return 0;
	copy = strdup(fact);
	if (!copy)
		return -PF_ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct machine *grown = realloc(s->m, (s->nm + 1) * sizeof(*grown));

		if (!grown) {
			ret = -PF_ENOMEM;
			break;
		}
		s->m = grown;
		memset(&s->m[s->nm], 0, sizeof(s->m[s->nm]));
		ret = parse_line(line, &s->m[s->nm]);
		s->nm++;
		if (ret) {
			if (ret == -PF_EINTERNAL)
				h->log(PF_LOG_ERROR, NAME, "the job fact fleet has a line that "
				       "is not MAC, ID, wipe|keep, answer file: \"%s\"", line);
			break;
		}
	}
	free(copy);
	return ret;
}

/* Add the text of entry E of machine M, as machines/MAC.VARIANT.EXT, and
 * as its live entry too when LIVE. */
static int add_variant(struct pxe_state *s, struct plan *p, const struct machine *m,
		       enum entry e, const char *variant, int live)
{
	int ipxe = s->loader == LOADER_IPXE;
	char *buf = NULL, *rel = NULL, *copy;
	size_t len = 0;
	int ret;

	ret = ipxe ? text_ipxe(s, p, e, m, &buf, &len)
		   : text_pxelinux(s, e, m->mac, &buf, &len);
	if (ret)
		return ret;
	if (live) {
		copy = malloc(len ? len : 1);
		if (!copy) {
			free(buf);
			return -PF_ENOMEM;
		}
		memcpy(copy, buf, len);
		if (ipxe)
			ret = asprintf(&rel, "machines/%s.ipxe", m->mac) < 0 ? -PF_ENOMEM : 0;
		else
			ret = asprintf(&rel, "pxelinux.cfg/01-%s", m->mac) < 0 ? -PF_ENOMEM : 0;
		if (ret) {
			rel = NULL;
			free(copy);
		} else {
			ret = plan_text(p, rel, copy, len);
		}
		free(rel);
		rel = NULL;
		if (ret) {
			free(buf);
			return ret;
		}
	}
	if (asprintf(&rel, "machines/%s.%s.%s", m->mac, variant, ipxe ? "ipxe" : "cfg") < 0) {
		free(buf);
		return -PF_ENOMEM;
	}
	ret = plan_text(p, rel, buf, len);
	free(rel);
	return ret;
}

/*
 * The fleet's part of the tree: for every known MAC its three variants
 * (install, menu, local), its live entry as OUTDIR/machines.state says
 * (waiting: the variant of `known`; started or done: local), and
 * machines/fleet.tsv.  Nothing when the fleet is empty.  Returns 0 or an
 * error (logged).
 */
int gen_fleet(struct pxe_state *s, struct pf_job *job, struct plan *p)
{
	const struct pf_host *h = s->host;
	struct pf_fleet_state *st = NULL;
	struct { FILE *f; char *buf; size_t len; } t = { 0 };
	const char *known = s->known == POLICY_MENU ? "menu" : "install";
	char err[512] = "";
	size_t i;
	int ret;

	if (!s->nm)
		return 0;
	ret = pf_fleet_state_load(h->job_outdir(job), &st, err, sizeof(err));
	if (ret) {
		h->log(PF_LOG_ERROR, NAME, "%s", err);
		return ret;
	}
	for (i = 0; !ret && i < s->nm; i++) {
		const struct machine *m = &s->m[i];
		const char *state = pf_fleet_state_of(st, m->mac);
		const char *live = strcmp(state, PF_FLEET_WAITING) ? "local" : known;

		if (s->loader == LOADER_IPXE && m->file) {
			size_t j;
			int found = 0;

			for (j = 0; j < p->n; j++)
				found |= p->v[j].origin && !strcasecmp(p->v[j].origin, m->file);
			if (!found)
				h->log(PF_LOG_WARN, NAME, "%s (%s): its answer file %s is not "
				       "injected: its install entry boots the default one",
				       m->mac, m->id, m->file);
		}
		ret = add_variant(s, p, m, ENTRY_WINPE, "install", !strcmp(live, "install"));
		if (!ret)
			ret = add_variant(s, p, m, ENTRY_MENU, "menu", !strcmp(live, "menu"));
		if (!ret)
			ret = add_variant(s, p, m, ENTRY_LOCAL, "local", !strcmp(live, "local"));
	}
	pf_fleet_state_free(st);
	if (ret)
		return ret;
	t.f = open_memstream(&t.buf, &t.len);
	if (!t.f)
		return -PF_ENOMEM;
	fprintf(t.f, "# peforge fleet: written by peforge build (pxe output); do not "
		"edit\n");
	fprintf(t.f, "loader\t%s\n", s->loader == LOADER_IPXE ? "ipxe" : "pxelinux");
	fprintf(t.f, "known\t%s\n", known);
	fprintf(t.f, "unknown\t%s\n", policy_words[s->unknown]);
	for (i = 0; i < s->nm; i++)
		fprintf(t.f, "machine\t%s\t%s\t%s\n", s->m[i].mac, s->m[i].id,
			s->m[i].wipe ? "wipe" : "keep");
	if (fclose(t.f) != 0) {
		free(t.buf);
		return -PF_ENOMEM;
	}
	return plan_text(p, "machines/fleet.tsv", t.buf, t.len);
}
