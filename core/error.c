/* core/error.c - error codes and their messages, made from PF_ERRORS. */
#include "config.h"
#include "error.h"

#define MESSAGE_(name, value, message) [value] = message,
#define NAME_(name, value, message) [value] = "PF_" #name,

static const char *const messages[PF_ERROR_MAX] = { PF_ERRORS(MESSAGE_) };
static const char *const names[PF_ERROR_MAX] = { PF_ERRORS(NAME_) };

const char *pf_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= PF_ERROR_MAX || !messages[err])
		return "unknown error";
	return messages[err];
}

const char *pf_strerror_name(int err)
{
	if (err < 0)
		err = -err;
	if (err >= PF_ERROR_MAX || !names[err])
		return "PF_E?";
	return names[err];
}
