/* unattend/wipe.c - does an answer file erase a disk?  The network boot
 * asks, to choose what a machine nobody named may boot (docs/pxe.md,
 * "Safety"). */
#include <string.h>

#include "ua.h"

/*
 * What erases data, in any pass and component (the namespace is not
 * looked at: a file in another namespace is suspicious enough):
 *  - a Disk whose WillWipeDisk is true (or 1);
 *  - a CreatePartitions holding a CreatePartition (repartitioning);
 *  - a ModifyPartition with a Format (formatting a partition).
 * Element names are Setup's, case-sensitive, as Setup reads them.
 */
static const char *const wipe_xpath =
	"count(//*[local-name()='Disk']/*[local-name()='WillWipeDisk']"
	"[translate(normalize-space(.),'TRUE','true')='true' or normalize-space(.)='1'])"
	" + count(//*[local-name()='CreatePartitions']/*[local-name()='CreatePartition'])"
	" + count(//*[local-name()='ModifyPartition']/*[local-name()='Format']"
	"[normalize-space(.)!=''])";

int pf_ua_text_wipes(const char *text, size_t len, const char *name, char **err)
{
	struct pf_ua_doc *d = NULL;
	char **v = NULL;
	size_t n = 0;
	int ret;

	*err = NULL;
	ret = pf_ua_doc_parse(text, len, name ? name : "answer file", &d, err);
	if (ret)
		return ret;
	ret = pf_ua_doc_query(d, wipe_xpath, &v, &n, err);
	if (!ret)
		ret = n == 1 && v[0] && strcmp(v[0], "0") != 0;
	pf_ua_strv_free(v, n);
	pf_ua_doc_free(d);
	return ret;
}
