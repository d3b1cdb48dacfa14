/*
 * unattend/unattend.h - the answer-file engine: autounattend.xml built with
 * libxml2 from a Lua table model, validated against the project's XSD and
 * linted.  Linked into the core; exposed to Lua as "peforge.unattend_core".
 */
#ifndef PEFORGE_UNATTEND_UNATTEND_H
#define PEFORGE_UNATTEND_UNATTEND_H

#include <stdio.h>
#include <lua.h>

/* Open the Lua module "peforge.unattend_core" (preloaded by the core). */
int luaopen_peforge_unattend_core(lua_State *L);

/*
 * Lint and validate the answer file FILE against the XSD at XSD: print one
 * line per finding on OUT ("FILE: XPATH: message").  Returns the number of
 * findings (0 = clean), or a negative -PF_E* when FILE cannot be read or
 * parsed (logged).
 */
int pf_unattend_check_file(const char *file, const char *xsd, FILE *out);

#endif
