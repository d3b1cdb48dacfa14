/* core/help_plugins.h - the options of the plugins, printed from their descriptors. */
#ifndef PEFORGE_CORE_HELP_PLUGINS_H
#define PEFORGE_CORE_HELP_PLUGINS_H

#include <stdio.h>
#include "loader.h"

/* The name of option type TYPE ("bool"), or "?" when unknown. */
const char *pf_option_type_name(int type);

/* Print the options plugin D declares, one a line, each line starting
 * with INDENT: name, type, default, help. */
void pf_help_print_options(FILE *o, const struct pf_plugin *d, const char *indent);

/* `peforge help outputs`: every output plugin of R in the order they run,
 * with its options.  Returns 0. */
int pf_help_outputs(FILE *o, const struct pf_registry *r);

/* `peforge help plugin NAME`: every plugin of R called NAME (of any kind)
 * with its options.  Returns 0, or -PF_EUSAGE (logged, with a suggestion)
 * when none has that name. */
int pf_help_plugin(FILE *o, const struct pf_registry *r, const char *name);

#endif
