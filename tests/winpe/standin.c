/*
 * tests/winpe/standin.c - stand-ins for the WinPE programs a generated
 * start.cmd runs (wpeinit, ipconfig, net, ping, drvload, wpeutil, setup),
 * plus "echoargs" for the escaping tests.  Built once as a real Windows
 * console program with x86_64-w64-mingw32-gcc and copied under each name:
 * what it does depends on the name it was started as, so exit codes and
 * control flow in cmd.exe (Wine's, in the tests) are those of real programs.
 *
 * Every call is appended to SIM\calls.log as one line:
 *     NAME [arg1] [arg2] ...
 * (arguments as the C runtime split them).  SIM is %PF_SIM% (default
 * C:\sim).  The behaviour follows SIM\scenario.txt, lines KEY=VALUE:
 *
 *   ipv4_after=N     ipconfig shows an IPv4 address from its Nth call on
 *                    (default 1; 0 = never); before that, a 169.254 address
 *   ip=A             this machine's address (10.0.2.15)
 *   gateway=A        the default gateway (10.0.2.2); "none": no gateway
 *   gateway_ipv6=1   an IPv6 gateway line first, the IPv4 one under it
 *   dhcp=A           the DHCP server in ipconfig /all (10.0.2.3)
 *   ping_ok=A,B      hosts that answer ping (127.0.0.1 always does)
 *   server=A         the address where "the SMB server" is (10.0.2.2):
 *                    net use to another server fails with 53
 *   share=S          its share (REMINST); another name fails with 67
 *   guest=badUser|never  how the server treats unknown users: mapped to
 *                    guest (default) or refused (1326)
 *   auth_user=U, auth_password=P  an authenticated share: only U with P
 *                    (else 1326); a missing /user: gives 58
 *   net_error=N, net_fail_times=K  the first K net use calls fail with N
 *                    (K default: all of them)
 *   local_drive=D:   D: is a local disk (a USB stick): net use D: \\... fails
 *                    with 85, net use D: /delete with 2250
 *   setup_exit=N, wpeinit_exit=N   exit codes
 * A drive mapped by net use stays mapped (SIM\mapped-D.txt holds its UNC
 * path) until net use D: /delete: mapping it again fails with 85, as on
 * Windows; the tests remove these files to start a fresh WinPE.
 *
 * A net use without credentials always fails with System error 58, as on
 * Windows 10 and later (no unauthenticated guest logon).
 * echoargs appends its argument count and each argument in hex to
 * SIM\args.txt.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static char sim[MAX_PATH];

/* SIM\NAME into BUF (MAX_PATH). */
static void sim_path(char *buf, const char *name)
{
	snprintf(buf, MAX_PATH, "%s\\%s", sim, name);
}

/* The value of KEY in the scenario, or DFLT.  The value lives in one of
 * 16 static buffers used in turn: keep at most 16 at a time. */
static const char *scen(const char *key, const char *dflt)
{
	static char vals[16][512];
	static unsigned next;
	char *val = vals[next++ % 16];
	char path[MAX_PATH], line[600];
	size_t klen = strlen(key);
	FILE *f;

	sim_path(path, "scenario.txt");
	f = fopen(path, "r");
	if (!f)
		return dflt;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!strncmp(line, key, klen) && line[klen] == '=') {
			snprintf(val, sizeof(vals[0]), "%s", line + klen + 1);
			fclose(f);
			return val;
		}
	}
	fclose(f);
	return dflt;
}

static long scen_num(const char *key, long dflt)
{
	const char *v = scen(key, NULL);

	return v ? strtol(v, NULL, 10) : dflt;
}

/* Increment and return the call counter NAME (1 on the first call). */
static long bump(const char *name)
{
	char path[MAX_PATH], file[64];
	long n = 0;
	FILE *f;

	snprintf(file, sizeof(file), "count-%s.txt", name);
	sim_path(path, file);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	n++;
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%ld\n", n);
		fclose(f);
	}
	return n;
}

/* Append "NAME [a1] [a2]..." to SIM\calls.log. */
static void record(const char *name, int argc, char **argv)
{
	char path[MAX_PATH];
	FILE *f;
	int i;

	sim_path(path, "calls.log");
	f = fopen(path, "a");
	if (!f)
		return;
	fputs(name, f);
	for (i = 1; i < argc; i++)
		fprintf(f, " [%s]", argv[i]);
	fputc('\n', f);
	fclose(f);
}

/* 1 when comma-separated LIST holds ITEM. */
static int in_list(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p = list;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && !strncmp(p, item, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int do_ipconfig(int argc, char **argv)
{
	long call = bump("ipconfig"), after = scen_num("ipv4_after", 1);
	int all = argc > 1 && !_stricmp(argv[1], "/all");
	int up = after > 0 && call >= after;
	const char *gw = scen("gateway", "10.0.2.2");

	printf("\nWindows IP Configuration\n\n");
	if (all) {
		printf("   Host Name . . . . . . . . . . . . : minint-pe\n");
		printf("   Node Type . . . . . . . . . . . . : Hybrid\n\n");
	}
	printf("Ethernet adapter Ethernet:\n\n");
	printf("   Connection-specific DNS Suffix  . : %s\n", up ? "lab" : "");
	if (all) {
		printf("   Description . . . . . . . . . . . : Intel(R) PRO/1000 MT Network Connection\n");
		printf("   Physical Address. . . . . . . . . : 52-54-00-12-34-56\n");
		printf("   DHCP Enabled. . . . . . . . . . . : Yes\n");
	}
	printf("   Link-local IPv6 Address . . . . . : fe80::1c2d:3e4f:5a6b:7c8d%%4%s\n",
	       all ? "(Preferred)" : "");
	if (up) {
		printf("   IPv4 Address. . . . . . . . . . . : %s%s\n", scen("ip", "10.0.2.15"),
		       all ? "(Preferred)" : "");
		printf("   Subnet Mask . . . . . . . . . . . : 255.255.255.0\n");
		if (!strcmp(gw, "none"))
			printf("   Default Gateway . . . . . . . . . :\n");
		else if (scen_num("gateway_ipv6", 0))
			printf("   Default Gateway . . . . . . . . . : fe80::1%%4\n"
			       "                                       %s\n", gw);
		else
			printf("   Default Gateway . . . . . . . . . : %s\n", gw);
		if (all) {
			printf("   DHCP Server . . . . . . . . . . . : %s\n", scen("dhcp", "10.0.2.3"));
			printf("   DHCPv6 IAID . . . . . . . . . . . : 55595094\n");
			printf("   DNS Servers . . . . . . . . . . . : 10.0.2.3\n"
			       "                                       192.0.2.53\n");
		}
	} else {
		printf("   Autoconfiguration IPv4 Address. . : 169.254.12.34%s\n",
		       all ? "(Preferred)" : "");
		printf("   Subnet Mask . . . . . . . . . . . : 255.255.0.0\n");
		printf("   Default Gateway . . . . . . . . . :\n");
	}
	return 0;
}

static int do_ping(int argc, char **argv)
{
	const char *host = argc > 1 ? argv[argc - 1] : "";

	if (!strcmp(host, "127.0.0.1") || in_list(scen("ping_ok", ""), host)) {
		printf("\nPinging %s with 32 bytes of data:\n", host);
		printf("Reply from %s: bytes=32 time<1ms TTL=128\n", host);
		return 0;
	}
	printf("\nPinging %s with 32 bytes of data:\nRequest timed out.\n", host);
	return 1;
}

static const struct {
	int code;
	const char *msg;
} net_msgs[] = {
	{ 53, "The network path was not found." },
	{ 58, "The specified server cannot perform the requested operation." },
	{ 67, "The network name cannot be found." },
	{ 85, "The local device name is already in use." },
	{ 86, "The specified network password is not correct." },
	{ 1272, "You can't access this shared folder because your organization's security "
		"policies block unauthenticated guest access. These policies help protect your "
		"PC from unsafe or malicious devices on the network." },
	{ 1326, "The user name or password is incorrect." },
	{ 2250, "The network connection could not be found." },
};

/* Print the "System error N" lines the real net.exe prints; returns 2. */
static int net_error(int code)
{
	size_t i;

	fprintf(stderr, "System error %d has occurred.\n\n", code);
	for (i = 0; i < sizeof(net_msgs) / sizeof(net_msgs[0]); i++)
		if (net_msgs[i].code == code)
			fprintf(stderr, "%s\n\n", net_msgs[i].msg);
	return 2;
}

static int do_net(int argc, char **argv)
{
	const char *unc = NULL, *pass = NULL, *user = NULL, *drive = NULL;
	char server[256] = "", share[256] = "";
	const char *au = scen("auth_user", NULL);
	char auth_user[256] = "", want_pass[256] = "", mapped[MAX_PATH] = "";
	long n, fail_times;
	int i, del = 0, is_local = 0;

	if (argc < 2 || _stricmp(argv[1], "use")) {
		fprintf(stderr, "net stand-in: only 'net use' is simulated\n");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		if (!_strnicmp(argv[i], "/user:", 6))
			user = argv[i] + 6;
		else if (argv[i][0] == '/')
			continue;
		else if (!drive && strlen(argv[i]) == 2 && argv[i][1] == ':')
			drive = argv[i];
		else if (!unc && !strncmp(argv[i], "\\\\", 2))
			unc = argv[i];
		else if (!pass)
			pass = argv[i];
	}
	if (drive) {
		char file[32];

		snprintf(file, sizeof(file), "mapped-%c.txt", toupper((unsigned char)drive[0]));
		sim_path(mapped, file);
		is_local = !_stricmp(scen("local_drive", ""), drive);
	}
	for (i = 2; i < argc; i++)
		if (!_stricmp(argv[i], "/delete") || !_stricmp(argv[i], "/d"))
			del = 1;
	if (del && drive) {
		if (is_local || GetFileAttributesA(mapped) == INVALID_FILE_ATTRIBUTES)
			return net_error(2250);
		DeleteFileA(mapped);
		printf("%s was deleted successfully.\n\n", drive);
		return 0;
	}
	if (!unc) {
		printf("The command completed successfully.\n");
		return 0;
	}
	if (drive && (is_local || GetFileAttributesA(mapped) != INVALID_FILE_ATTRIBUTES))
		return net_error(85);
	n = bump("net");
	{
		const char *s = unc + 2, *b = strchr(s, '\\');

		snprintf(server, sizeof(server), "%.*s", b ? (int)(b - s) : (int)strlen(s), s);
		snprintf(share, sizeof(share), "%s", b ? b + 1 : "");
	}
	fail_times = scen_num("net_fail_times", 1000000);
	if (scen("net_error", NULL) && n <= fail_times)
		return net_error((int)scen_num("net_error", 58));
	if (strcmp(server, scen("server", "10.0.2.2")))
		return net_error(53);
	if (_stricmp(share, scen("share", "REMINST")))
		return net_error(67);
	if (!user)
		return net_error(58);
	if (au) {
		snprintf(auth_user, sizeof(auth_user), "%s", au);
		snprintf(want_pass, sizeof(want_pass), "%s", scen("auth_password", ""));
		if (_stricmp(user, auth_user) || !pass || strcmp(pass, want_pass))
			return net_error(1326);
	} else if (!_stricmp(scen("guest", "badUser"), "never")) {
		return net_error(1326);
	}
	if (drive) {
		FILE *f = fopen(mapped, "w");

		if (f) {
			fprintf(f, "%s\n", unc);
			fclose(f);
		}
	}
	printf("The command completed successfully.\n\n");
	return 0;
}

static int do_echoargs(int argc, char **argv)
{
	char path[MAX_PATH];
	FILE *f;
	int i;

	sim_path(path, "args.txt");
	f = fopen(path, "a");
	if (!f)
		return 1;
	fprintf(f, "%d", argc - 1);
	for (i = 1; i < argc; i++) {
		const unsigned char *p = (const unsigned char *)argv[i];

		fputc(' ', f);
		if (!*p)
			fputc('-', f);
		for (; *p; p++)
			fprintf(f, "%02x", *p);
	}
	fputc('\n', f);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	char exe[MAX_PATH], name[MAX_PATH], *base, *dot;
	const char *env = getenv("PF_SIM");
	size_t i;

	snprintf(sim, sizeof(sim), "%s", env && *env ? env : "C:\\sim");
	if (!GetModuleFileNameA(NULL, exe, sizeof(exe)))
		return 99;
	base = strrchr(exe, '\\');
	snprintf(name, sizeof(name), "%s", base ? base + 1 : exe);
	dot = strrchr(name, '.');
	if (dot)
		*dot = '\0';
	for (i = 0; name[i]; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	if (!strcmp(name, "echoargs"))
		return do_echoargs(argc, argv);
	record(name, argc, argv);
	if (!strcmp(name, "ipconfig"))
		return do_ipconfig(argc, argv);
	if (!strcmp(name, "ping"))
		return do_ping(argc, argv);
	if (!strcmp(name, "net"))
		return do_net(argc, argv);
	if (!strcmp(name, "wpeinit"))
		return (int)scen_num("wpeinit_exit", 0);
	if (!strcmp(name, "setup"))
		return (int)scen_num("setup_exit", 0);
	if (!strcmp(name, "drvload")) {
		printf("DrvLoad: Successfully loaded %s.\n", argc > 1 ? argv[1] : "");
		return 0;
	}
	if (!strcmp(name, "wpeutil"))
		return 0;
	fprintf(stderr, "stand-in: unknown program name %s\n", name);
	return 98;
}
