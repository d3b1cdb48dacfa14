/* plugins/lib/batch.c - writing values into Windows batch files (see
 * batch.h): the one C escaping function for cmd.exe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

int batch_check_quoted(const char *s, char *why, size_t len)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			if (len)
				snprintf(why, len, "character 0x%02X at byte %zu cannot be "
					 "written into a batch file (no line breaks or control "
					 "characters)", c, i + 1);
			return -PF_EINVAL;
		}
		if (c == '"') {
			if (len)
				snprintf(why, len, "a double quote (\") at byte %zu cannot be "
					 "written inside double quotes in a batch file", i + 1);
			return -PF_EINVAL;
		}
	}
	return 0;
}

int batch_escape_quoted(const char *s, char **out, char *why, size_t len)
{
	size_t n = 0, i;
	char *o;
	int ret = batch_check_quoted(s, why, len);

	if (ret)
		return ret;
	for (i = 0; s[i]; i++)
		n += s[i] == '%' ? 2 : 1;
	o = malloc(n + 1);
	if (!o)
		return -PF_ENOMEM;
	for (i = 0, n = 0; s[i]; i++) {
		if (s[i] == '%')
			o[n++] = '%';
		o[n++] = s[i];
	}
	o[n] = '\0';
	*out = o;
	return 0;
}
