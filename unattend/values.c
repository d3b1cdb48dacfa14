/*
 * unattend/values.c - tables of names the lint compares values with: the
 * Windows time-zone IDs (the names of the keys under HKLM\SOFTWARE\
 * Microsoft\Windows NT\CurrentVersion\Time Zones, as `tzutil /l` lists
 * them) and the settings of the components answer files use most (the
 * element names of Microsoft's Unattended Windows Setup Reference, at any
 * depth), for "did you mean" messages about misspelled settings.
 *
 * Written from Windows' own lists; a name missing here is only a problem
 * when it looks like a misspelling of one that is here.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "ua.h"

/* The time-zone IDs of Windows 10 and 11 (and a few of older releases). */
static const char *const time_zones[] = {
	"Dateline Standard Time", "UTC-11", "Aleutian Standard Time",
	"Hawaiian Standard Time", "Marquesas Standard Time", "Alaskan Standard Time",
	"UTC-09", "Pacific Standard Time (Mexico)", "UTC-08", "Pacific Standard Time",
	"US Mountain Standard Time", "Mountain Standard Time (Mexico)",
	"Mountain Standard Time", "Yukon Standard Time", "Central America Standard Time",
	"Central Standard Time", "Easter Island Standard Time",
	"Central Standard Time (Mexico)", "Canada Central Standard Time",
	"SA Pacific Standard Time", "Eastern Standard Time (Mexico)",
	"Eastern Standard Time", "Haiti Standard Time", "Cuba Standard Time",
	"US Eastern Standard Time", "Turks And Caicos Standard Time",
	"Paraguay Standard Time", "Atlantic Standard Time", "Venezuela Standard Time",
	"Central Brazilian Standard Time", "SA Western Standard Time",
	"Pacific SA Standard Time", "Newfoundland Standard Time",
	"Tocantins Standard Time", "E. South America Standard Time",
	"SA Eastern Standard Time", "Argentina Standard Time",
	"Greenland Standard Time", "Montevideo Standard Time",
	"Magallanes Standard Time", "Saint Pierre Standard Time",
	"Bahia Standard Time", "UTC-02", "Mid-Atlantic Standard Time",
	"Azores Standard Time", "Cape Verde Standard Time", "UTC",
	"GMT Standard Time", "Greenwich Standard Time", "Sao Tome Standard Time",
	"Morocco Standard Time", "W. Europe Standard Time",
	"Central Europe Standard Time", "Romance Standard Time",
	"Central European Standard Time", "W. Central Africa Standard Time",
	"Jordan Standard Time", "GTB Standard Time", "Middle East Standard Time",
	"Egypt Standard Time", "E. Europe Standard Time", "Syria Standard Time",
	"West Bank Standard Time", "South Africa Standard Time", "FLE Standard Time",
	"Israel Standard Time", "South Sudan Standard Time",
	"Kaliningrad Standard Time", "Sudan Standard Time", "Libya Standard Time",
	"Namibia Standard Time", "Arabic Standard Time", "Turkey Standard Time",
	"Arab Standard Time", "Belarus Standard Time", "Russian Standard Time",
	"E. Africa Standard Time", "Volgograd Standard Time", "Iran Standard Time",
	"Arabian Standard Time", "Astrakhan Standard Time",
	"Azerbaijan Standard Time", "Russia Time Zone 3", "Mauritius Standard Time",
	"Saratov Standard Time", "Georgian Standard Time", "Caucasus Standard Time",
	"Armenian Standard Time", "Afghanistan Standard Time",
	"West Asia Standard Time", "Qyzylorda Standard Time",
	"Ekaterinburg Standard Time", "Pakistan Standard Time",
	"India Standard Time", "Sri Lanka Standard Time", "Nepal Standard Time",
	"Central Asia Standard Time", "Bangladesh Standard Time",
	"Omsk Standard Time", "Myanmar Standard Time", "SE Asia Standard Time",
	"Altai Standard Time", "W. Mongolia Standard Time",
	"North Asia Standard Time", "N. Central Asia Standard Time",
	"Tomsk Standard Time", "China Standard Time",
	"North Asia East Standard Time", "Singapore Standard Time",
	"W. Australia Standard Time", "Taipei Standard Time",
	"Ulaanbaatar Standard Time", "Aus Central W. Standard Time",
	"Transbaikal Standard Time", "Tokyo Standard Time",
	"North Korea Standard Time", "Korea Standard Time", "Yakutsk Standard Time",
	"Cen. Australia Standard Time", "AUS Central Standard Time",
	"E. Australia Standard Time", "AUS Eastern Standard Time",
	"West Pacific Standard Time", "Tasmania Standard Time",
	"Vladivostok Standard Time", "Lord Howe Standard Time",
	"Bougainville Standard Time", "Russia Time Zone 10",
	"Magadan Standard Time", "Norfolk Standard Time", "Sakhalin Standard Time",
	"Central Pacific Standard Time", "Russia Time Zone 11",
	"New Zealand Standard Time", "UTC+12", "Fiji Standard Time",
	"Kamchatka Standard Time", "Chatham Islands Standard Time", "UTC+13",
	"Tonga Standard Time", "Samoa Standard Time", "Line Islands Standard Time",
	/* older releases */
	"Mexico Standard Time", "Mexico Standard Time 2",
	NULL
};

const char *pf_ua_timezone_find(const char *id)
{
	size_t i;

	for (i = 0; id && time_zones[i]; i++)
		if (!strcasecmp(time_zones[i], id))
			return time_zones[i];
	return NULL;
}

const char *pf_ua_timezone_near(const char *id)
{
	const char *best = NULL;
	size_t i, d, bestd = 4;

	for (i = 0; id && time_zones[i]; i++) {
		d = pf_ua_distance(id, time_zones[i], 3);
		if (d < bestd) {
			bestd = d;
			best = time_zones[i];
		}
	}
	return best;
}

/* ---- settings ------------------------------------------------------------- */

static const char *const shell_setup[] = {
	"AutoLogon", "Domain", "Enabled", "LogonCount", "Password", "Value", "PlainText",
	"Username", "BluetoothTaskbarIconEnabled", "ComputerName",
	"ConvertibleSlateModePromptPreference", "CopyProfile", "DesktopOptimization",
	"GoToDesktopOnSignIn", "ShowWindowsStoreAppsOnTaskbar", "DisableAutoDaylightTimeSet",
	"Display", "ColorDepth", "DPI", "HorizontalResolution", "RefreshRate",
	"VerticalResolution", "DoNotCleanTaskBar", "EnableStartMenu",
	"FirstLogonCommands", "SynchronousCommand", "CommandLine", "Description",
	"Order", "RequiresUserInput", "FolderLocations", "ProfilesDirectory",
	"ProgramData", "LogonCommands", "AsynchronousCommand", "NotificationArea",
	"PromoteNotificationArea", "OEMInformation", "HelpCustomized", "Logo",
	"Manufacturer", "Model", "SupportAppURL", "SupportHours", "SupportPhone",
	"SupportProvider", "SupportURL", "OEMName", "OOBE", "EnableCloudStore",
	"HideEULAPage", "HideLocalAccountScreen", "HideOEMRegistrationScreen",
	"HideOnlineAccountScreens", "HideWirelessSetupInOOBE", "NetworkLocation",
	"ProtectYourPC", "SkipMachineOOBE", "SkipUserOOBE", "UnattendEnableRetailDemo",
	"VMModeOptimizations", "SkipAdministratorProfileRemoval",
	"SkipNotifyUILanguageChange", "SkipWinREInitialization", "OfflineUserAccounts",
	"OfflineAdministratorPassword", "OfflineDomainAccounts", "OfflineLocalAccounts",
	"ProductKey", "RegisteredOrganization", "RegisteredOwner", "ShowPowerButtonOnStartScreen",
	"ShowWindowsLive", "SignInMode", "StartPanelOff", "StartTiles", "TaskbarLinks",
	"Link0", "Link1", "Link2", "Link3", "Link4", "Link5", "Themes",
	"BrandIcon", "CustomDefaultThemeFile", "DefaultThemesOff", "DesktopBackground",
	"ThemeName", "WindowColor", "TimeZone", "UserAccounts", "AdministratorPassword",
	"DomainAccounts", "DomainAccountList", "DomainAccount", "Group", "Name",
	"LocalAccounts", "LocalAccount", "DisplayName", "VisualEffects",
	"FontSmoothing", "WindowsFeatures", "ShowInternetExplorer", "ShowMediaCenter",
	"ShowWindowsMail", "ShowWindowsMediaPlayer", "CEIPEnabled", "TaskbarIconsIsEnabled",
	"DisableWindowsUpdate", "MachineOOBE",
	NULL
};

static const char *const setup[] = {
	"ComplianceCheck", "DisplayReport", "Diagnostics", "OptIn", "DiskConfiguration",
	"Disk", "CreatePartitions", "CreatePartition", "Extend", "Order", "Size", "Type",
	"DiskID", "ModifyPartitions", "ModifyPartition", "Active", "Format", "Label",
	"Letter", "PartitionID", "TypeID", "WillWipeDisk", "DisableEncryptedDiskProvisioning",
	"WillShowUI", "DynamicUpdate", "Enable", "EnableFirewall", "EnableNetwork",
	"ImageInstall", "DataImage", "OSImage", "InstallFrom", "Credentials", "Domain",
	"Password", "Username", "MetaData", "Key", "Value", "Path", "InstallTo",
	"InstallToAvailablePartition", "Compact", "LogPath", "Restart", "RunAsynchronous",
	"RunAsynchronousCommand", "Description", "RunSynchronous",
	"RunSynchronousCommand", "WillReboot", "UpgradeData", "Upgrade",
	"UseConfigurationSet", "UserData", "AcceptEula", "FullName", "Organization",
	"ProductKey", "WindowsDeploymentServices", "ImageSelection", "Login",
	"ImageGroup", "ImageName", "Filename",
	NULL
};

static const char *const international[] = {
	"InputLocale", "LayeredDriver", "SystemLocale", "UILanguage",
	"UILanguageFallback", "UserLocale", "SetupUILanguage", "WillShowUI",
	NULL
};

static const char *const deployment[] = {
	"Generalize", "Mode", "ForceShutdownNow", "Reseal", "AuditComputerName",
	"Name", "MustReboot", "ExtendOSPartition", "Extend", "RunAsynchronous",
	"RunAsynchronousCommand", "RunSynchronous", "RunSynchronousCommand",
	"Credentials", "Domain", "Password", "Username", "Description", "Order",
	"Path", "WillReboot", "DeviceForm",
	NULL
};

static const char *const unattended_join[] = {
	"Identification", "Credentials", "Domain", "Password", "Username",
	"DebugJoin", "DebugJoinOnlyOnThisError", "JoinDomain", "JoinWorkgroup",
	"MachineObjectOU", "MachinePassword", "Provisioning", "AccountData",
	"TimeoutPeriodInMinutes", "UnsecureJoin", "OfflineIdentification",
	NULL
};

static const char *const pnp[] = {
	"DriverPaths", "PathAndCredentials", "Credentials", "Domain", "Password",
	"Username", "Path",
	NULL
};

/* Components (case-insensitive) and their settings. */
static const struct {
	const char *component;
	const char *const *settings;
} known[] = {
	{ "Microsoft-Windows-Shell-Setup", shell_setup },
	{ "Microsoft-Windows-Setup", setup },
	{ "Microsoft-Windows-International-Core", international },
	{ "Microsoft-Windows-International-Core-WinPE", international },
	{ "Microsoft-Windows-Deployment", deployment },
	{ "Microsoft-Windows-UnattendedJoin", unattended_join },
	{ "Microsoft-Windows-PnpCustomizationsWinPE", pnp },
	{ "Microsoft-Windows-PnpCustomizationsNonWinPE", pnp },
	{ NULL, NULL }
};

const char *const *pf_ua_settings_of(const char *component)
{
	size_t i;

	for (i = 0; component && known[i].component; i++)
		if (!strcasecmp(known[i].component, component))
			return known[i].settings;
	return NULL;
}
