/*
 * plugins/lib/batch.h - writing values into Windows batch files (cmd.exe)
 * from C: the C side of scripts/peforge/batch.lua, with the same rules.
 *
 * A value goes between double quotes the script writes itself (the
 * "quoted" context of batch.lua's escape): cmd expands `%` everywhere, so
 * a `%` is written `%%`; inside the quotes `& | < > ( ) ^` are plain
 * characters; a `"` would end the quotes and is refused; CR, LF, NUL and
 * the other control characters (all but TAB, and DEL) cannot be carried by
 * a batch line at all and are refused.  Bytes >= 0x80 pass through.
 */
#ifndef PEFORGE_PLUGINS_LIB_BATCH_H
#define PEFORGE_PLUGINS_LIB_BATCH_H

#include <stddef.h>
#include "peforge/plugin.h"

/*
 * Escape S for the inside of double quotes in a batch line (batch.lua's
 * escape(S, "quoted") after its check): *OUT is malloc'd (the caller
 * frees; the quotes are not added).  Returns 0, -PF_ENOMEM, or -PF_EINVAL
 * when S cannot be carried safely; then WHY (LEN bytes, may be 0) says
 * which character at which byte and *OUT is untouched.
 */
int batch_escape_quoted(const char *s, char **out, char *why, size_t len);

/* 0 when S can be written inside double quotes in a batch line, else
 * -PF_EINVAL with the reason in WHY (as batch_escape_quoted). */
int batch_check_quoted(const char *s, char *why, size_t len);

#endif
