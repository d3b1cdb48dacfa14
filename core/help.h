/* core/help.h - `peforge help TOPIC`: reference lists made from declarations. */
#ifndef PEFORGE_CORE_HELP_H
#define PEFORGE_CORE_HELP_H

struct pf_env;

/* The topic named NAME, or NULL: its name (for cli.c to keep). */
const char *pf_help_topic_name(const char *name);

/* The topic names, comma-separated ("recipe, startcmd, ..."), static. */
const char *pf_help_topic_list(void);

/* Print the text of topic NAME on stdout.  Returns 0 or an error (logged). */
int pf_help_topic(const struct pf_env *env, const char *name);

#endif
