/* plugins/lib/fleet_mac.c - a MAC address in the fleet's spelling
 * (fleet.h: pf_fleet_mac_norm), shared by fleet.tsv, machines.state,
 * `peforge machines` and serve's report watcher. */
#include <ctype.h>
#include <string.h>

#include "fleet.h"

int pf_fleet_mac_norm(const char *mac, char out[PF_FLEET_MACLEN])
{
	char hex[12];
	size_t n = 0, len;
	const char *p;

	if (!mac)
		return -PF_EINVAL;
	len = strlen(mac);
	/* PXELINUX's file name: "01-" (the ARP type of Ethernet) + the MAC */
	if (len == 20 && !strncmp(mac, "01-", 3))
		mac += 3;
	for (p = mac; *p; p++) {
		if (isxdigit((unsigned char)*p)) {
			if (n == 12)
				return -PF_EINVAL;
			hex[n++] = (char)tolower((unsigned char)*p);
		} else if (*p != ':' && *p != '-' && *p != '.') {
			return -PF_EINVAL;
		}
	}
	if (n != 12)
		return -PF_EINVAL;
	/* separators only between whole bytes (or groups of two bytes) */
	for (p = mac, n = 0; *p; p++) {
		if (isxdigit((unsigned char)*p))
			n++;
		else if (n % 2 || p == mac || !p[1] || !isxdigit((unsigned char)p[1]))
			return -PF_EINVAL;
	}
	for (n = 0; n < 6; n++) {
		out[n * 3] = hex[n * 2];
		out[n * 3 + 1] = hex[n * 2 + 1];
		out[n * 3 + 2] = n < 5 ? '-' : '\0';
	}
	return 0;
}
