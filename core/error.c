/* core/error.c - error codes and their messages. */
#include "config.h"
#include "error.h"

/* Update both tables when enum pf_error in peforge/plugin.h changes. */
static const char *const messages[PF_ERROR_MAX] = {
	[PF_OK] = "success",
	[PF_ENOMEM] = "out of memory",
	[PF_EINVAL] = "invalid argument",
	[PF_EIO] = "input/output error",
	[PF_ENOENT] = "no such file or directory",
	[PF_EEXIST] = "already exists",
	[PF_EUSAGE] = "bad command line",
	[PF_EPLUGIN] = "plugin error",
	[PF_ESCRIPT] = "Lua script error",
	[PF_ERECIPE] = "invalid recipe",
	[PF_EMEDIA] = "unusable source media",
	[PF_EWIM] = "WIM error",
	[PF_EXML] = "XML error",
	[PF_EUNSUPPORTED] = "not supported",
	[PF_ECANCELED] = "canceled",
	[PF_EINTERNAL] = "internal error",
};

static const char *const names[PF_ERROR_MAX] = {
	[PF_OK] = "PF_OK",
	[PF_ENOMEM] = "PF_ENOMEM",
	[PF_EINVAL] = "PF_EINVAL",
	[PF_EIO] = "PF_EIO",
	[PF_ENOENT] = "PF_ENOENT",
	[PF_EEXIST] = "PF_EEXIST",
	[PF_EUSAGE] = "PF_EUSAGE",
	[PF_EPLUGIN] = "PF_EPLUGIN",
	[PF_ESCRIPT] = "PF_ESCRIPT",
	[PF_ERECIPE] = "PF_ERECIPE",
	[PF_EMEDIA] = "PF_EMEDIA",
	[PF_EWIM] = "PF_EWIM",
	[PF_EXML] = "PF_EXML",
	[PF_EUNSUPPORTED] = "PF_EUNSUPPORTED",
	[PF_ECANCELED] = "PF_ECANCELED",
	[PF_EINTERNAL] = "PF_EINTERNAL",
};

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
