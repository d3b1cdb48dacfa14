/* core/error.h - error codes and their messages. */
#ifndef PEFORGE_CORE_ERROR_H
#define PEFORGE_CORE_ERROR_H

#include "peforge/plugin.h"

/* The message for ERR (positive or negative); never NULL. */
const char *pf_strerror(int err);

/* The symbolic name of ERR ("PF_ENOENT"); never NULL. */
const char *pf_strerror_name(int err);

#endif
