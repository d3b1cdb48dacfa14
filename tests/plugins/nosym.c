/* tests/plugins/nosym.c - a shared object without the pf_plugin_v1
 * descriptor (its symbol has another name): refused as "not a plugin". */
#include "peforge/plugin.h"

PF_EXPORT const int pf_plugin_v0 = 1;
