/*
 * unattend/catalog.c - what peforge knows about answer files: the
 * configuration passes in the order Windows runs them, the components and
 * the passes where Windows Setup applies each (a component in another pass
 * is silently ignored by Setup), the top-level settings valid in fewer
 * passes than their component, and the lists whose items are numbered.
 *
 * Sources: the "Valid Configuration Passes" sections of Microsoft's
 * Unattended Windows Setup Reference (learn.microsoft.com, windows-hardware/
 * customize/desktop/unattend/).  The table is a curated subset: a component
 * missing here is not an error (lint only asks about a name that looks like
 * a misspelling of one it knows).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ua.h"

#define WPE PF_UA_PASS(PF_UA_WINDOWSPE)
#define OFS PF_UA_PASS(PF_UA_OFFLINESERVICING)
#define GEN PF_UA_PASS(PF_UA_GENERALIZE)
#define SPE PF_UA_PASS(PF_UA_SPECIALIZE)
#define AUS PF_UA_PASS(PF_UA_AUDITSYSTEM)
#define AUU PF_UA_PASS(PF_UA_AUDITUSER)
#define OOB PF_UA_PASS(PF_UA_OOBESYSTEM)

static const char *const pass_names[PF_UA_NPASSES] = {
	"windowsPE", "offlineServicing", "generalize", "specialize",
	"auditSystem", "auditUser", "oobeSystem",
};

const char *pf_ua_pass_name(int p)
{
	return p >= 0 && p < PF_UA_NPASSES ? pass_names[p] : NULL;
}

int pf_ua_pass_index(const char *name)
{
	int i;

	for (i = 0; name && i < PF_UA_NPASSES; i++)
		if (!strcmp(pass_names[i], name))
			return i;
	return -1;
}

const char *pf_ua_pass_list(unsigned mask)
{
	static char buf[128];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < PF_UA_NPASSES; i++) {
		if (!(mask & PF_UA_PASS(i)))
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "",
				      pass_names[i]);
	}
	return buf;
}

/* Sorted by name for reading; looked up case-insensitively, as Setup does. */
const struct pf_ua_component pf_ua_components[] = {
	{ "Microsoft-Windows-Audio-AudioCore", SPE },
	{ "Microsoft-Windows-Audio-VolumeControl", SPE },
	{ "Microsoft-Windows-Authentication-AuthUI", SPE },
	{ "Microsoft-Windows-BrowserService", GEN },
	{ "Microsoft-Windows-CodeIntegrity", OFS },
	{ "Microsoft-Windows-CoreMmRes", GEN | SPE | AUS | AUU | OOB },
	{ "Microsoft-Windows-DNS-Client", WPE | SPE },
	{ "Microsoft-Windows-Deployment", GEN | SPE | AUS | AUU | OOB },
	{ "Microsoft-Windows-DeviceAccess", SPE },
	{ "Microsoft-Windows-DeviceGuard-Unattend", OFS },
	{ "Microsoft-Windows-DiagCpl", OFS | GEN | SPE },
	{ "Microsoft-Windows-ErrorReportingCore", SPE },
	{ "Microsoft-Windows-Fax-Service", SPE },
	{ "Microsoft-Windows-HelpAndSupport", SPE | OOB },
	{ "Microsoft-Windows-IE-ESC", SPE },
	{ "Microsoft-Windows-IE-InternetExplorer", SPE },
	{ "Microsoft-Windows-International-Core", SPE | OOB },
	{ "Microsoft-Windows-International-Core-WinPE", WPE },
	{ "Microsoft-Windows-LUA-Settings", OFS },
	{ "Microsoft-Windows-MapControl-Desktop", SPE | OOB },
	{ "Microsoft-Windows-NetBT", SPE },
	{ "Microsoft-Windows-NetworkBridge", GEN },
	{ "Microsoft-Windows-OutOfBoxExperience", GEN | SPE },
	{ "Microsoft-Windows-PartitionManager", OFS },
	{ "Microsoft-Windows-PnpCustomizationsNonWinPE", OFS | AUS },
	{ "Microsoft-Windows-PnpCustomizationsWinPE", WPE },
	{ "Microsoft-Windows-PnpSysprep", GEN | SPE },
	{ "Microsoft-Windows-PowerCPL", GEN | SPE },
	{ "Microsoft-Windows-Printing-Spooler-Core", SPE },
	{ "Microsoft-Windows-RasServer", SPE },
	{ "Microsoft-Windows-RemoteAssistance-Exe", SPE },
	{ "Microsoft-Windows-SNMP-Agent-Service", GEN | SPE },
	{ "Microsoft-Windows-SQMAPI", SPE },
	{ "Microsoft-Windows-SecureStartup-FilterDriver", OFS | SPE | AUS | OOB },
	{ "Microsoft-Windows-Security-SPP", GEN },
	{ "Microsoft-Windows-Security-SPP-UX", SPE },
	{ "Microsoft-Windows-ServerManager-SvrMgrNc", GEN | SPE },
	{ "Microsoft-Windows-Setup", WPE },
	{ "Microsoft-Windows-SharedAccess", GEN },
	{ "Microsoft-Windows-Shell-Setup", OFS | GEN | SPE | AUS | AUU | OOB },
	{ "Microsoft-Windows-SMBServer", GEN },
	{ "Microsoft-Windows-SystemMaintenanceService", SPE },
	{ "Microsoft-Windows-SystemRestore-Main", SPE },
	{ "Microsoft-Windows-SystemSettingsThreshold", GEN | SPE },
	{ "Microsoft-Windows-TCPIP", WPE | SPE },
	{ "Microsoft-Windows-TapiSetup", SPE },
	{ "Microsoft-Windows-TerminalServices-LocalSessionManager", OFS | GEN | SPE },
	{ "Microsoft-Windows-TerminalServices-RDP-WinStationExtensions", GEN | SPE },
	{ "Microsoft-Windows-Tpm-Tasks", SPE },
	{ "Microsoft-Windows-TwinUI", OFS | SPE | OOB },
	{ "Microsoft-Windows-UnattendedJoin", OFS | SPE },
	{ "Microsoft-Windows-WDF-KernelLibrary", OFS },
	{ "Microsoft-Windows-WLANSVC", OFS | WPE | SPE | OOB },
	{ "Microsoft-Windows-WiFiNetworkManager", OFS | SPE | OOB },
	{ "Microsoft-Windows-WinRE-RecoveryAgent", OOB },
	{ "Microsoft-Windows-WorkstationService", GEN | SPE },
	{ "Networking-MPSSVC-Svc", SPE },
	{ "Security-Malware-Windows-Defender", OFS | SPE | OOB },
	{ NULL, 0 }
};

const struct pf_ua_component *pf_ua_component_find(const char *name)
{
	const struct pf_ua_component *c;

	for (c = pf_ua_components; name && c->name; c++)
		if (!strcasecmp(c->name, name))
			return c;
	return NULL;
}

size_t pf_ua_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[128];

	if (lb >= sizeof(row) / sizeof(row[0]) || (la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t v = diag + cost;

			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (up + 1 < v)
				v = up + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

const struct pf_ua_component *pf_ua_component_near(const char *name)
{
	const struct pf_ua_component *c, *best = NULL;
	size_t d, bestd = 3;

	for (c = pf_ua_components; c->name; c++) {
		d = pf_ua_distance(name, c->name, 2);
		if (d < bestd) {
			bestd = d;
			best = c;
		}
	}
	return best;
}

static const struct pf_ua_setting settings[] = {
	{ "Microsoft-Windows-Shell-Setup", "AutoLogon", AUS | SPE | OOB },
	{ "Microsoft-Windows-Shell-Setup", "ComputerName", OFS | SPE },
	{ "Microsoft-Windows-Shell-Setup", "CopyProfile", SPE },
	{ "Microsoft-Windows-Shell-Setup", "FirstLogonCommands", OOB },
	{ "Microsoft-Windows-Shell-Setup", "LogonCommands", AUS | OOB },
	{ "Microsoft-Windows-Shell-Setup", "OOBE", OOB },
	{ "Microsoft-Windows-Shell-Setup", "OfflineUserAccounts", OFS },
	{ "Microsoft-Windows-Shell-Setup", "ProductKey", SPE },
	{ "Microsoft-Windows-Shell-Setup", "TimeZone", AUS | SPE | OOB },
	{ "Microsoft-Windows-Shell-Setup", "UserAccounts", AUS | OOB },
	{ "Microsoft-Windows-Deployment", "AuditComputerName", AUS },
	{ "Microsoft-Windows-Deployment", "Generalize", GEN },
	{ "Microsoft-Windows-Deployment", "Reseal", AUS | AUU | OOB },
	{ "Microsoft-Windows-Deployment", "RunAsynchronous", SPE | AUU },
	{ "Microsoft-Windows-Deployment", "RunSynchronous", SPE | AUU },
	{ "Microsoft-Windows-UnattendedJoin", "Identification", SPE },
	{ "Microsoft-Windows-UnattendedJoin", "OfflineIdentification", OFS },
	{ NULL, NULL, 0 }
};

const struct pf_ua_setting *pf_ua_setting_find(const char *component,
					       const char *setting)
{
	const struct pf_ua_setting *s;

	for (s = settings; s->component; s++)
		if (!strcasecmp(s->component, component) && !strcmp(s->setting, setting))
			return s;
	return NULL;
}

const struct pf_ua_list pf_ua_lists[] = {
	{ "CreatePartitions", "CreatePartition", PF_UA_KEY_ORDER },
	{ "DNSServerSearchOrder", "IpAddress", PF_UA_KEY_VALUE },
	{ "DiskConfiguration", "Disk", PF_UA_KEY_NONE },
	{ "DriverPaths", "PathAndCredentials", PF_UA_KEY_VALUE },
	{ "FirewallGroups", "FirewallGroup", PF_UA_KEY_VALUE },
	{ "FirstLogonCommands", "SynchronousCommand", PF_UA_KEY_ORDER },
	{ "InstallFrom", "MetaData", PF_UA_KEY_NONE },
	{ "Interfaces", "Interface", PF_UA_KEY_NONE },
	{ "LocalAccounts", "LocalAccount", PF_UA_KEY_NONE },
	{ "LogonCommands", "AsynchronousCommand", PF_UA_KEY_ORDER },
	{ "ModifyPartitions", "ModifyPartition", PF_UA_KEY_ORDER },
	{ "Routes", "Route", PF_UA_KEY_NONE },
	{ "RunAsynchronous", "RunAsynchronousCommand", PF_UA_KEY_ORDER },
	{ "RunSynchronous", "RunSynchronousCommand", PF_UA_KEY_ORDER },
	{ "UnicastIpAddresses", "IpAddress", PF_UA_KEY_VALUE },
	{ NULL, NULL, PF_UA_KEY_NONE }
};

const struct pf_ua_list *pf_ua_list_find(const char *container)
{
	const struct pf_ua_list *l;

	for (l = pf_ua_lists; container && l->container; l++)
		if (l->container[0] == container[0] && !strcmp(l->container, container))
			return l;
	return NULL;
}

int pf_ua_arch_valid(const char *arch)
{
	static const char *const archs[] = {
		"x86", "amd64", "arm64", "wow64", "arm", "ia64", "msil", NULL
	};
	size_t i;

	for (i = 0; arch && archs[i]; i++)
		if (!strcmp(archs[i], arch))
			return 1;
	return 0;
}
