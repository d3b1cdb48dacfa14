/* tests/check_inf.c - the INF parser of the "inf" driver plugin: encodings,
 * syntax, string substitution, malformed input with its line number, and
 * the driver-package facts of realistic INFs. */
#include "config.h"

#include <sys/resource.h>

#include "check_common.h"
#include "inf.h"

/* Parse TEXT (a C string), failing the test on error. */
static struct inf *parse_ok(const char *text)
{
	struct inf *inf = NULL;
	char err[256];
	int ret = inf_parse(text, strlen(text), &inf, err, sizeof(err));

	ck_assert_msg(ret == 0, "parse failed: %d %s", ret, err);
	ck_assert_ptr_nonnull(inf);
	return inf;
}

/* TEXT (ASCII + "\n") as UTF-16LE or BE bytes, with a BOM when BOM is set;
 * "\xc3\xa9" (e acute in UTF-8) becomes U+00E9 and "\xf0\x9f\x98\x80" the
 * surrogate pair of U+1F600.  Malloc'd; *LEN gets the size. */
static unsigned char *utf16(const char *text, int big, int bom, size_t *len)
{
	size_t n = strlen(text), i, k = 0;
	unsigned char *b = malloc(2 * n + 2);
	unsigned units[2];

	ck_assert_ptr_nonnull(b);
	if (bom) {
		b[k++] = big ? 0xFE : 0xFF;
		b[k++] = big ? 0xFF : 0xFE;
	}
	for (i = 0; i < n;) {
		size_t nu = 1, j;
		const unsigned char *t = (const unsigned char *)text + i;

		if (t[0] == 0xC3) {
			units[0] = 0xC0 | (t[1] & 0x3F);
			i += 2;
		} else if (t[0] == 0xF0) {
			units[0] = 0xD83D;
			units[1] = 0xDE00;
			nu = 2;
			i += 4;
		} else {
			units[0] = t[0];
			i++;
		}
		for (j = 0; j < nu; j++) {
			b[k++] = (unsigned char)(big ? units[j] >> 8 : units[j] & 0xFF);
			b[k++] = (unsigned char)(big ? units[j] & 0xFF : units[j] >> 8);
		}
	}
	*len = k;
	return b;
}

static const char enc_text[] =
	"; a driver\r\n"
	"[Version]\r\n"
	"Class = Net\r\n"
	"Provider = %Mfg%\r\n"
	"[Strings]\r\n"
	"Mfg = \"Caf\xc3\xa9 Networks \xf0\x9f\x98\x80\"\r\n";

/* Each encoding decodes to the same UTF-8 values, with the BOM dropped. */
static const struct {
	const char *what;
	int kind;                 /* 0 bytes as they are, 1 UTF-8 BOM, 2 UTF-16 */
	int big, bom;
	enum inf_encoding enc;
} encs[] = {
	{ "ANSI (UTF-8 bytes passed through)", 0, 0, 0, INF_ANSI },
	{ "UTF-8 with BOM", 1, 0, 0, INF_UTF8 },
	{ "UTF-16LE with BOM", 2, 0, 1, INF_UTF16LE },
	{ "UTF-16BE with BOM", 2, 1, 1, INF_UTF16BE },
	{ "UTF-16LE without BOM", 2, 0, 0, INF_UTF16LE },
};

/* The encodings: ANSI, UTF-8 with a BOM, UTF-16 (built here byte by byte,
 * with a non-BMP character) all give the same UTF-8 strings. */
START_TEST(test_inf_encodings)
{
	unsigned char *bytes;
	size_t len;
	struct inf *inf = NULL;
	char err[128];

	if (encs[_i].kind == 2) {
		bytes = utf16(enc_text, encs[_i].big, encs[_i].bom, &len);
	} else {
		size_t off = encs[_i].kind == 1 ? 3 : 0;

		len = strlen(enc_text) + off;
		bytes = malloc(len);
		ck_assert_ptr_nonnull(bytes);
		memcpy(bytes, "\xef\xbb\xbf", off);
		memcpy(bytes + off, enc_text, len - off);
	}
	ck_assert_msg(inf_parse(bytes, len, &inf, err, sizeof(err)) == 0, "%s: %s",
		      encs[_i].what, err);
	ck_assert_int_eq(inf_get_encoding(inf), encs[_i].enc);
	ck_assert_str_eq(inf_value(inf, "Version", "Class", 0), "Net");
	ck_assert_str_eq(inf_value(inf, "Version", "Provider", 0),
			 "Caf\xc3\xa9 Networks \xf0\x9f\x98\x80");
	ck_assert_uint_eq(inf_section_count(inf), 2);
	inf_free(inf);
	free(bytes);
}
END_TEST

/* One value to look up in a parsed INF. */
static const struct {
	const char *what;
	const char *text;
	const char *section;
	int line;                 /* line index in the section (key == NULL) */
	const char *key;          /* or the key to find */
	int field;
	const char *want;         /* NULL: the field must not exist */
} vals[] = {
	{ "comment after a value", "[S]\nk = v ; note\n", "S", 0, "k", 0, "v" },
	{ "';' inside quotes is text", "[S]\nk = \"a;b\" ; c\n", "S", 0, "k", 0, "a;b" },
	{ "comment-only and blank lines are no lines",
	  "[S]\n; x\n\n   ; y\nfoo\n", "S", 0, NULL, 0, "foo" },
	{ "quoted commas are one field", "[S]\nk = \"a,b\", c\n", "S", 0, "k", 0, "a,b" },
	{ "the field after quoted commas", "[S]\nk = \"a,b\", c\n", "S", 0, "k", 1, "c" },
	{ "\"\" inside quotes is a quote", "[S]\nk = \"say \"\"hi\"\"\"\n", "S", 0, "k", 0,
	  "say \"hi\"" },
	{ "empty quotes are an empty field", "[S]\nk = \"\", x\n", "S", 0, "k", 0, "" },
	{ "spaces trimmed, inner spaces kept", "[S]\n  k  =   a  b  ,  c \t\n", "S", 0, "k",
	  0, "a  b" },
	{ "spaces inside quotes kept", "[S]\nk = \"  a \"\n", "S", 0, "k", 0, "  a " },
	{ "quoted and bare text join", "[S]\nk = \"a\"b\n", "S", 0, "k", 0, "ab" },
	{ "empty fields count", "[S]\nk = a,,c\n", "S", 0, "k", 2, "c" },
	{ "a trailing comma gives an empty field", "[S]\nk = a,\n", "S", 0, "k", 1, "" },
	{ "no field past the last", "[S]\nk = a,b\n", "S", 0, "k", 2, NULL },
	{ "a key with no value has one empty field", "[S]\nk =\n", "S", 0, "k", 0, "" },
	{ "a value-only line", "[S]\nfoo.sys, bar\n", "S", 0, NULL, 1, "bar" },
	{ "a comma before '=' makes a value-only line", "[S]\na, b = c\n", "S", 0, NULL, 1,
	  "b = c" },
	{ "'=' in a value is text", "[S]\nk = a=b\n", "S", 0, "k", 0, "a=b" },
	{ "a quoted key", "[S]\n\"my key\" = v\n", "S", 0, "my key", 0, "v" },
	{ "continuation joins fields", "[S]\nk = a,\\\n    b\n", "S", 0, "k", 1, "b" },
	{ "continuation with a comment after the backslash",
	  "[S]\nk = a, \\ ; more\n b, c\n", "S", 0, "k", 2, "c" },
	{ "continuation inside a field", "[S]\nk = long \\\n   name\n", "S", 0, "k", 0,
	  "long name" },
	{ "a backslash inside a value is text", "[S]\nk = \\amd64\\x\n", "S", 0, "k", 0,
	  "\\amd64\\x" },
	{ "a backslash in quotes does not continue", "[S]\nk = \"a\\\"\nb\n", "S", 1,
	  NULL, 0, "b" },
	{ "CRLF and lone CR end lines", "[S]\r\na = 1\rb = 2\r\n", "S", 0, "b", 0, "2" },
	{ "a DOS end-of-file ends the text", "[S]\na = 1\n\x1a" "b = 2\n", "S", 0, "b", 0,
	  NULL },
	{ "text after ']' is ignored", "[S] ; c\n[T] junk\nk = v\n", "T", 0, "k", 0, "v" },
	{ "spaces around a section name", "[  S  ]\nk = v\n", "S", 0, "k", 0, "v" },
	{ "case-insensitive section", "[Version]\nClass = Net\n", "VERSION", 0, "class", 0,
	  "Net" },
	{ "case-insensitive key", "[S]\nCatalogFile = a.cat\n", "s", 0, "CATALOGFILE", 0,
	  "a.cat" },
	{ "%strkey% from [Strings]", "[S]\nk = %Name%\n[Strings]\nName = \"Red Hat, Inc.\"\n",
	  "S", 0, "k", 0, "Red Hat, Inc." },
	{ "a substituted comma does not split", "[S]\nk = %Name%, x\n[Strings]\nName = \"a,b\"\n",
	  "S", 0, "k", 1, "x" },
	{ "%strkey% is case-insensitive", "[S]\nk = %NAME%\n[strings]\nname = v\n", "S", 0, "k",
	  0, "v" },
	{ "%strkey% in a key", "[M]\n%Mfg% = Models\n[Strings]\nMfg = Acme\n", "M", 0, "Acme",
	  0, "Models" },
	{ "%strkey% inside text", "[S]\nk = \"x %A% y\"\n[Strings]\nA = 1\n", "S", 0, "k", 0,
	  "x 1 y" },
	{ "%% is a percent", "[S]\nk = 100%%\n", "S", 0, "k", 0, "100%" },
	{ "%% and a string", "[S]\nk = %%%A%%%\n[Strings]\nA = b\n", "S", 0, "k", 0, "%b%" },
	{ "an undefined %strkey% stays", "[S]\nk = %Nope%\n", "S", 0, "k", 0, "%Nope%" },
	{ "[Strings.0409] as a fallback", "[S]\nk = %A%\n[Strings.0409]\nA = us\n", "S", 0, "k",
	  0, "us" },
	{ "[Strings.0409] (the image's language) before [Strings]",
	  "[S]\nk = %A%\n[Strings.0409]\nA = us\n[Strings]\nA = neutral\n", "S", 0, "k", 0,
	  "us" },
	{ "[Strings] for a key the language section lacks",
	  "[S]\nk = %B%\n[Strings.0409]\nA = us\n[Strings]\nB = neutral\n", "S", 0, "k", 0,
	  "neutral" },
	{ "[Strings.0009] (the primary language) before [Strings]",
	  "[S]\nk = %A%\n[Strings]\nA = neutral\n[strings.0009]\nA = en\n", "S", 0, "k", 0,
	  "en" },
	{ "[Strings] before another locale",
	  "[S]\nk = %A%\n[Strings.040C]\nA = fr\n[Strings]\nA = neutral\n", "S", 0, "k", 0,
	  "neutral" },
	{ "a '%' never closed is kept (Intel AMT iresole.inf)",
	  "[S]\nIOConfig=8@100-ffff%fff8(3ff::)\n", "S", 0, "IOConfig", 0,
	  "8@100-ffff%fff8(3ff::)" },
	{ "a '%' never closed after a token", "[S]\nk = %A% 50%\n[Strings]\nA = x\n", "S", 0,
	  "k", 0, "x 50%" },
	{ "a '%' never closed, alone", "[Version]\nProvider = %Mfg\n", "Version", 0,
	  "Provider", 0, "%Mfg" },
	{ "a '%' never closed in a key", "[M]\n\n%Mfg = x\n", "M", 0, "%Mfg", 0, "x" },
	{ "a '%' never closed, after a continuation", "[S]\nk = a, \\\n b, \\\n 50%\n", "S",
	  0, "k", 2, "50%" },
	{ "text before the first section is ignored", "; hi\nSignature = x\n[Version]\nk = v\n",
	  "Version", 0, "k", 0, "v" },
	{ "a continued line before the first section is ignored",
	  "junk, \\\n more\n[S]\nk = v\n", "S", 0, "k", 0, "v" },
	{ "[Strings.0409] before another locale",
	  "[S]\nk = %A%\n[Strings.040C]\nA = fr\n[Strings.0409]\nA = us\n", "S", 0, "k", 0,
	  "us" },
	{ "another locale as a last resort", "[S]\nk = %A%\n[Strings.0407]\nA = de\n", "S", 0,
	  "k", 0, "de" },
	{ "the first definition wins", "[S]\nk = %A%\n[Strings]\nA = 1\nA = 2\n", "S", 0, "k",
	  0, "1" },
	{ "[Strings] lines are kept as written", "[Strings]\nA = \"50%\"\n", "Strings", 0, "A",
	  0, "50%" },
	{ "strings of the same name are not prefixes",
	  "[S]\nk = %Disk%\n[Strings]\nDisk1 = one\nDisk = plain\nDis = short\n", "S", 0, "k",
	  0, "plain" },
};

/* Syntax, one value at a time: comments, quotes, continuations, fields,
 * line ends, case-insensitive lookups and %strkey% substitution. */
START_TEST(test_inf_values)
{
	struct inf *inf = parse_ok(vals[_i].text);
	const struct inf_section *sec = inf_section(inf, vals[_i].section);
	const struct inf_line *l;
	const char *got;

	ck_assert_msg(sec != NULL, "%s: no section", vals[_i].what);
	if (vals[_i].key) {
		l = inf_line_find(sec, vals[_i].key);
	} else {
		ck_assert_msg((size_t)vals[_i].line < sec->nlines, "%s: %zu lines", vals[_i].what,
			      sec->nlines);
		l = &sec->lines[vals[_i].line];
		ck_assert_msg(l->key == NULL, "%s: key '%s'", vals[_i].what, l->key);
	}
	got = inf_line_field(l, (size_t)vals[_i].field);
	if (vals[_i].want)
		ck_assert_msg(got && !strcmp(got, vals[_i].want), "%s: got '%s', want '%s'",
			      vals[_i].what, got ? got : "(null)", vals[_i].want);
	else
		ck_assert_msg(got == NULL, "%s: got '%s'", vals[_i].what, got);
	inf_free(inf);
}
END_TEST

/* Sections of the same name merge in file order, keep the first spelling,
 * and each line knows the line it started on. */
START_TEST(test_inf_duplicate_sections_merge)
{
	struct inf *inf = parse_ok("[Files]\na.sys\n[Other]\nx = 1\n[FILES]\nb.sys\n"
				   "c.sys, \\\n  d\n");
	const struct inf_section *s = inf_section(inf, "files");

	ck_assert_uint_eq(inf_section_count(inf), 2);
	ck_assert_ptr_eq(inf_section_at(inf, 0), s);
	ck_assert_ptr_null(inf_section_at(inf, 2));
	ck_assert_str_eq(s->name, "Files");
	ck_assert_uint_eq(s->nlines, 3);
	ck_assert_str_eq(s->lines[0].fields[0], "a.sys");
	ck_assert_str_eq(s->lines[1].fields[0], "b.sys");
	ck_assert_str_eq(s->lines[2].fields[1], "d");
	ck_assert_uint_eq(s->lines[0].lineno, 2);
	ck_assert_uint_eq(s->lines[1].lineno, 6);
	ck_assert_uint_eq(s->lines[2].lineno, 7);
	ck_assert_ptr_null(inf_section(inf, "Nope"));
	ck_assert_ptr_null(inf_line_find(NULL, "x"));
	ck_assert_ptr_null(inf_value(inf, "Nope", "x", 0));
	ck_assert_str_eq(inf_value(inf, "other", "X", 0), "1");
	inf_free(inf);
}
END_TEST

/* Empty input and an INF of only comments parse to no section. */
START_TEST(test_inf_empty)
{
	struct inf *inf = NULL;
	char err[64];

	ck_assert_int_eq(inf_parse("", 0, &inf, err, sizeof(err)), 0);
	ck_assert_uint_eq(inf_section_count(inf), 0);
	inf_free(inf);
	inf = parse_ok("; nothing\n\n   \n");
	ck_assert_uint_eq(inf_section_count(inf), 0);
	ck_assert_ptr_null(inf_string(inf, "x"));
	inf_free(inf);
	inf_free(NULL);
}
END_TEST

/* Malformed input: -PF_EINVAL, the reason with its line number, and the
 * out-parameter left alone. */
static const struct {
	const char *what;
	const char *bytes;
	size_t len;               /* 0: strlen(bytes) */
	const char *want;
} bad[] = {
	{ "unterminated section", "; x\n\n[Version\nClass=Net\n", 0,
	  "line 3: unterminated section name" },
	{ "unterminated section at the end", "[Version]\nA=1\n[Str", 0,
	  "line 3: unterminated section name" },
	{ "']' on the next line", "[Ver\nsion]\n", 0, "line 1: unterminated section name" },
	{ "UTF-16LE with an odd byte count",
	  "\xff\xfe[\0V\0]\0\r\0\n\0A\0=\0" "1\0\r\0\n\0B", 23,
	  "line 3: UTF-16 text with an odd number of bytes" },
	{ "UTF-16LE unterminated section",
	  "\xff\xfe[\0V\0]\0\n\0[\0W\0", 14, "line 2: unterminated section name" },
};

/* Each malformed input fails with the expected line and reason. */
START_TEST(test_inf_malformed)
{
	struct inf *inf = (struct inf *)&bad;  /* a sentinel: must stay */
	size_t len = bad[_i].len ? bad[_i].len : strlen(bad[_i].bytes);
	char err[128];

	ck_assert_int_eq(inf_parse(bad[_i].bytes, len, &inf, err, sizeof(err)), -PF_EINVAL);
	ck_assert_ptr_eq(inf, (struct inf *)&bad);
	ck_assert_msg(strstr(err, bad[_i].want) == err, "%s: got '%s', want '%s'",
		      bad[_i].what, err, bad[_i].want);
	/* no room for the message is fine too */
	ck_assert_int_eq(inf_parse(bad[_i].bytes, len, &inf, NULL, 0), -PF_EINVAL);
}
END_TEST

/* An odd byte after a U+0000 that ended the text is no error. */
START_TEST(test_inf_utf16_nul_ends_text)
{
	static const char b[] = "\xff\xfe[\0S\0]\0\n\0\0\0x";
	struct inf *inf = NULL;
	char err[64];

	ck_assert_int_eq(inf_parse(b, sizeof(b) - 1, &inf, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(inf_section(inf, "S"));
	inf_free(inf);
}
END_TEST

/* ---- driver packages ---------------------------------------------------- */

/* virtio's netkvm, cut down: amd64 and x86 models, one catalog, the files
 * in per-arch subfolders named by [SourceDisksNames.<arch>]. */
static const char netkvm[] =
	";-------------------------------------------------------------------------\n"
	"; netkvm.inf\n"
	";-------------------------------------------------------------------------\n"
	"[Version]\n"
	"Signature   = \"$WINDOWS NT$\"\n"
	"Class       = Net\n"
	"ClassGUID   = {4d36e972-e325-11ce-bfc1-08002be10318}\n"
	"Provider    = %VENDOR%\n"
	"DriverVer   = 01/01/2024,100.94.104.24000\n"
	"CatalogFile = netkvm.cat\n"
	"PnpLockdown = 1\n"
	"\n"
	"[Manufacturer]\n"
	"%VENDOR% = NetKVM, NTamd64, NTx86\n"
	"\n"
	"[NetKVM.NTamd64]\n"
	"%NetKVM.DeviceDesc% = kvmnet6.ndi, PCI\\VEN_1AF4&DEV_1000&SUBSYS_0001_INX_SUBSYS_VENDOR_ID&REV_00\n"
	"\n"
	"[kvmnet6.ndi]\n"
	"Characteristics = 0x84 ; NCF_PHYSICAL | NCF_HAS_UI\n"
	"AddReg          = kvmnet6.Reg, Parameters\n"
	"CopyFiles       = kvmnet6.CopyFiles\n"
	"\n"
	"[SourceDisksNames.amd64]\n"
	"1 = %DiskId1%,,,\\amd64\n"
	"\n"
	"[SourceDisksNames.x86]\n"
	"1 = %DiskId1%,,,\\x86\n"
	"\n"
	"[SourceDisksFiles.amd64]\n"
	"netkvm.sys = 1\n"
	"netkvmco.dll = 1,,\n"
	"\n"
	"[SourceDisksFiles.x86]\n"
	"netkvm.sys = 1\n"
	"\n"
	"[DestinationDirs]\n"
	"kvmnet6.CopyFiles = 12\n"
	"\n"
	"[Strings]\n"
	"VENDOR = \"Red Hat, Inc.\"\n"
	"NetKVM.DeviceDesc = \"Red Hat VirtIO Ethernet Adapter\"\n"
	"DiskId1 = \"VirtIO Network Installation Disk #1\"\n";

/* An old storage driver for 32-bit Windows only; files at the disk root
 * and in a per-file subfolder. */
static const char oldstor[] =
	"[Version]\r\n"
	"Signature=\"$Windows NT$\"\r\n"
	"Class=SCSIAdapter\r\n"
	"ClassGuid={4D36E97B-E325-11CE-BFC1-08002BE10318}\r\n"
	"Provider=%Mfg%\r\n"
	"CatalogFile=oldstor.cat\r\n"
	"[Manufacturer]\r\n"
	"%Mfg%=OldStor,NTx86\r\n"
	"[OldStor.NTx86]\r\n"
	"%Desc%=Install,PCI\\VEN_1234&DEV_5678\r\n"
	"[SourceDisksNames]\r\n"
	"1=%Disk%,,,\r\n"
	"[SourceDisksFiles]\r\n"
	"oldstor.sys=1\r\n"
	"oldstor.bin=1,firmware\\v2,12345\r\n"
	"[Strings]\r\n"
	"Mfg=\"Old Storage Corp.\"\r\n"
	"Desc=\"Old Storage Controller\"\r\n"
	"Disk=\"Driver disk\"\r\n";

/* An undecorated NT4-era INF: x86 only; no catalog. */
static const char plain[] =
	"[Version]\n"
	"Signature=\"$CHICAGO$\"\n"
	"Class=Ports\n"
	"Provider=%P%\n"
	"[Manufacturer]\n"
	"%P%=Models\n"
	"[Models]\n"
	"%D%=Inst,*PNP0501\n"
	"[SourceDisksNames]\n"
	"1=\"Disk\",,,drivers\\\\serial\n"
	"[SourceDisksFiles]\n"
	"serial.sys=1\n"
	"[Strings]\n"
	"P=\"Plain\"\n"
	"D=\"Serial port\"\n";

/* A Windows 10 package with version decorations, arm64 as well, per-arch
 * catalogs (CatalogFile.NTamd64...), files named for all archs plus per-arch
 * ones, and a disk path with a leading backslash joined to a subdir. */
static const char modern[] =
	"[Version]\n"
	"Signature   = \"$WINDOWS NT$\"\n"
	"Class       = System\n"
	"ClassGuid   = {4d36e97d-e325-11ce-bfc1-08002be10318}\n"
	"Provider    = %ProviderName%\n"
	"CatalogFile.NTamd64 = modern_x64.cat\n"
	"CatalogFile.NTarm64 = modern_arm64.cat\n"
	"CatalogFile = modern.cat\n"
	"\n"
	"[Manufacturer]\n"
	"%Mfg% = Modern, NTamd64.10.0...16299, NTarm64.10.0...16299 ; Win10 1709+\n"
	"\n"
	"[SourceDisksNames]\n"
	"1 = %Disk%,,,\\common\n"
	"[SourceDisksNames.amd64]\n"
	"2 = %Disk%,,,\\x64\n"
	"[SourceDisksNames.arm64]\n"
	"2 = %Disk%,,,arm64\n"
	"\n"
	"[SourceDisksFiles]\n"
	"modern.dat = 1, data\n"
	"modern.sys = 1\n"
	"[SourceDisksFiles.amd64]\n"
	"modern.sys = 2\n"
	"helper.dll = 2, .\\bin\n"
	"[SourceDisksFiles.arm64]\n"
	"modern.sys = 2\n"
	"\n"
	"[Strings]\n"
	"ProviderName = \"Modern Inc.\"\n"
	"Mfg = \"Modern\"\n"
	"Disk = \"Modern disk\"\n";

/* "NT" alone and NT with a version but no arch mean x86; an ia64 model is
 * for no arch peforge knows; an x86 catalog. */
static const char ntonly[] =
	"[Version]\n"
	"Class=Media\n"
	"CatalogFile.NT=nt.cat\n"
	"CatalogFile.NTx86=x86.cat\n"
	"[Manufacturer]\n"
	"%M%=Old,NT,NT.5.1\n"
	"%M2%=Itanium,NTia64\n"
	"[Strings]\n"
	"M=\"Media\"\n"
	"M2=\"Media 2\"\n";

/* No [Manufacturer]: no model, no arch. */
static const char nomfg[] =
	"[Version]\n"
	"Class=System\n"
	"[DefaultInstall]\n"
	"CopyFiles=x\n";

/* One driver package, one arch: what inf_driver_info and friends say. */
static const struct {
	const char *what;
	const char *text;
	const char *cls, *guid, *provider;
	size_t nmodels;
	const char *archs;      /* inf_arch_names of the supported archs */
	const char *arch;       /* the arch asked about */
	int supported;
	const char *catalog;    /* NULL: none */
	const char *files;      /* "name=path;..." in order */
} pkgs[] = {
	{ "netkvm on amd64", netkvm, "Net", "{4d36e972-e325-11ce-bfc1-08002be10318}",
	  "Red Hat, Inc.", 1, "x86, amd64", "amd64", 1, "netkvm.cat",
	  "netkvm.sys=amd64/netkvm.sys;netkvmco.dll=amd64/netkvmco.dll;" },
	{ "netkvm on x86", netkvm, "Net", "{4d36e972-e325-11ce-bfc1-08002be10318}",
	  "Red Hat, Inc.", 1, "x86, amd64", "x86", 1, "netkvm.cat",
	  "netkvm.sys=x86/netkvm.sys;" },
	{ "netkvm on arm64", netkvm, "Net", "{4d36e972-e325-11ce-bfc1-08002be10318}",
	  "Red Hat, Inc.", 1, "x86, amd64", "arm64", 0, "netkvm.cat", "" },
	{ "storage NTx86 only, on amd64", oldstor, "SCSIAdapter",
	  "{4D36E97B-E325-11CE-BFC1-08002BE10318}", "Old Storage Corp.", 1, "x86", "amd64",
	  0, "oldstor.cat", "oldstor.sys=oldstor.sys;oldstor.bin=firmware/v2/oldstor.bin;" },
	{ "storage NTx86 only, on x86", oldstor, "SCSIAdapter",
	  "{4D36E97B-E325-11CE-BFC1-08002BE10318}", "Old Storage Corp.", 1, "x86", "x86", 1,
	  "oldstor.cat", "oldstor.sys=oldstor.sys;oldstor.bin=firmware/v2/oldstor.bin;" },
	{ "undecorated: x86 only", plain, "Ports", NULL, "Plain", 1, "x86", "x86", 1, NULL,
	  "serial.sys=drivers/serial/serial.sys;" },
	{ "undecorated: not amd64 (the plain files are still listed)", plain, "Ports", NULL,
	  "Plain", 1, "x86", "amd64", 0, NULL, "serial.sys=drivers/serial/serial.sys;" },
	{ "version decorations, amd64", modern, "System", "{4d36e97d-e325-11ce-bfc1-08002be10318}",
	  "Modern Inc.", 1, "amd64, arm64", "amd64", 1, "modern_x64.cat",
	  "modern.dat=common/data/modern.dat;modern.sys=x64/modern.sys;helper.dll=x64/bin/helper.dll;" },
	{ "version decorations, arm64", modern, "System", "{4d36e97d-e325-11ce-bfc1-08002be10318}",
	  "Modern Inc.", 1, "amd64, arm64", "arm64", 1, "modern_arm64.cat",
	  "modern.dat=common/data/modern.dat;modern.sys=arm64/modern.sys;" },
	{ "version decorations, not x86; plain catalog", modern, "System",
	  "{4d36e97d-e325-11ce-bfc1-08002be10318}", "Modern Inc.", 1, "amd64, arm64", "x86", 0,
	  "modern.cat", "modern.dat=common/data/modern.dat;modern.sys=common/modern.sys;" },
	{ "NT and NT.5.1 mean x86; NTx86 catalog", ntonly, "Media", NULL, NULL, 2, "x86", "x86",
	  1, "x86.cat", "" },
	{ "ia64 is no arch of ours; CatalogFile.NT", ntonly, "Media", NULL, NULL, 2, "x86",
	  "amd64", 0, "nt.cat", "" },
	{ "no [Manufacturer]", nomfg, "System", NULL, NULL, 0, "none", "amd64", 0, NULL, "" },
	{ "an unknown arch", netkvm, "Net", "{4d36e972-e325-11ce-bfc1-08002be10318}",
	  "Red Hat, Inc.", 1, "x86, amd64", "mips", 0, "netkvm.cat", NULL },
};

/* Compare string GOT (may be NULL) with WANT (may be NULL). */
#define ck_str_or_null(got, want, label)                                         \
	ck_assert_msg((!(got) && !(want)) || ((got) && (want) && !strcmp(got, want)), \
		      "%s: %s: got '%s', want '%s'", pkgs[_i].what, label,           \
		      (got) ? (got) : "(null)", (want) ? (want) : "(null)")

/* Realistic packages: class, provider, supported archs, the catalog and
 * the files with their subfolders for one arch. */
START_TEST(test_inf_driver_packages)
{
	struct inf *inf = parse_ok(pkgs[_i].text);
	struct inf_driver drv;
	struct inf_file *files = (struct inf_file *)&drv;
	size_t n = 99, i;
	char names[64], list[512] = "";
	int ret;

	ck_assert_int_eq(inf_driver_info(inf, &drv), 0);
	ck_str_or_null(drv.class_name, pkgs[_i].cls, "class");
	ck_str_or_null(drv.class_guid, pkgs[_i].guid, "guid");
	ck_str_or_null(drv.provider, pkgs[_i].provider, "provider");
	ck_assert_uint_eq(drv.nmodels, pkgs[_i].nmodels);
	inf_arch_names(drv.archs, names, sizeof(names));
	ck_assert_str_eq(names, pkgs[_i].archs);
	ck_assert_int_eq(inf_driver_supports(&drv, pkgs[_i].arch), pkgs[_i].supported);
	ck_str_or_null(inf_driver_catalog(&drv, pkgs[_i].arch), pkgs[_i].catalog, "catalog");
	ret = inf_driver_files(inf, pkgs[_i].arch, &files, &n);
	if (!pkgs[_i].files) {
		ck_assert_int_eq(ret, -PF_EINVAL);
		ck_assert_ptr_eq(files, (struct inf_file *)&drv);
		ck_assert_uint_eq(n, 99);
	} else {
		ck_assert_int_eq(ret, 0);
		for (i = 0; i < n; i++) {
			strcat(list, files[i].name);
			strcat(list, "=");
			strcat(list, files[i].path);
			strcat(list, ";");
		}
		ck_assert_msg(!strcmp(list, pkgs[_i].files), "%s: files '%s', want '%s'",
			      pkgs[_i].what, list, pkgs[_i].files);
		ck_assert(n || !files);
		inf_files_free(files, n);
	}
	inf_driver_clear(&drv);
	ck_assert_ptr_null(drv.models);
	inf_free(inf);
}
END_TEST

/* The [Manufacturer] lines: names substituted, models section, the
 * decorations without empty ones, and the archs of each line. */
START_TEST(test_inf_manufacturer_decorations)
{
	struct inf *inf = parse_ok(
		"[Manufacturer]\n"
		"%Mfg% = Models, NTamd64, NTx86.6.1, , NTarm64.10.0...16299\n"
		"%Other% = Other\n"
		"Lonely\n"
		"[Strings]\nMfg = \"Acme, Inc.\"\nOther = Other Corp\n");
	struct inf_driver drv;

	ck_assert_int_eq(inf_driver_info(inf, &drv), 0);
	ck_assert_uint_eq(drv.nmodels, 3);
	ck_assert_str_eq(drv.models[0].manufacturer, "Acme, Inc.");
	ck_assert_str_eq(drv.models[0].section, "Models");
	ck_assert_uint_eq(drv.models[0].ndecorations, 3);
	ck_assert_str_eq(drv.models[0].decorations[0], "NTamd64");
	ck_assert_str_eq(drv.models[0].decorations[1], "NTx86.6.1");
	ck_assert_str_eq(drv.models[0].decorations[2], "NTarm64.10.0...16299");
	ck_assert_uint_eq(drv.models[0].archs, INF_ARCH_AMD64 | INF_ARCH_X86 | INF_ARCH_ARM64);
	ck_assert_str_eq(drv.models[1].manufacturer, "Other Corp");
	ck_assert_uint_eq(drv.models[1].ndecorations, 0);
	ck_assert_uint_eq(drv.models[1].archs, INF_ARCH_X86);
	ck_assert_str_eq(drv.models[2].manufacturer, "Lonely");
	ck_assert_str_eq(drv.models[2].section, "Lonely");
	ck_assert(inf_driver_supports(&drv, "AMD64"));  /* arch names: any case */
	ck_assert(!inf_driver_supports(&drv, NULL));
	inf_driver_clear(&drv);
	inf_free(inf);
}
END_TEST

/* File lists: an arch section wins over the plain one for the same name
 * (any case), names of a value-only line, ".." kept for the caller, an
 * unknown disk gives the subdir alone. */
START_TEST(test_inf_driver_files_details)
{
	struct inf *inf = parse_ok(
		"[SourceDisksNames]\n1 = d,,,\\one\n"
		"[SourceDisksNames.amd64]\n1 = d,,,\\\\two\\.\\\\sub\n"
		"[SourceDisksFiles]\nA.SYS = 1\nb.sys = 9, sub\nbare.dat\nup.sys = 1, ..\\x\n"
		"[SourceDisksFiles.amd64]\na.sys = 1, ,\n");
	struct inf_file *f = NULL;
	size_t n = 0;

	ck_assert_int_eq(inf_driver_files(inf, "amd64", &f, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(f[0].name, "a.sys");
	ck_assert_str_eq(f[0].path, "two/sub/a.sys");
	ck_assert_str_eq(f[1].path, "sub/b.sys");
	ck_assert_str_eq(f[2].path, "bare.dat");
	ck_assert_str_eq(f[3].path, "two/sub/../x/up.sys");
	inf_files_free(f, n);
	ck_assert_int_eq(inf_driver_files(inf, "x86", &f, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(f[0].name, "A.SYS");
	ck_assert_str_eq(f[0].path, "one/A.SYS");
	inf_files_free(f, n);
	inf_free(inf);
}
END_TEST

/* Arch names and bits. */
START_TEST(test_inf_arch_names)
{
	char b[32];

	ck_assert_uint_eq(inf_arch_bit("x86"), INF_ARCH_X86);
	ck_assert_uint_eq(inf_arch_bit("arm64"), INF_ARCH_ARM64);
	ck_assert_uint_eq(inf_arch_bit("ia64"), 0);
	inf_arch_names(INF_ARCH_ARM64 | INF_ARCH_X86, b, sizeof(b));
	ck_assert_str_eq(b, "x86, arm64");
	inf_arch_names(0, b, sizeof(b));
	ck_assert_str_eq(b, "none");
	inf_arch_names(INF_ARCH_X86 | INF_ARCH_AMD64, b, 6);
	ck_assert_str_eq(b, "x86, ");
}
END_TEST

/* A large INF (many strings, many lines) parses, every token replaced. */
START_TEST(test_inf_many_strings)
{
	size_t n = 5000, i, len = 0;
	char *text = malloc(n * 64 + 64);
	struct inf *inf;
	const struct inf_section *s;
	char want[32];

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text + len, "[Models]\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%%D%zu%% = Inst, ID%zu\n", i, i);
	len += (size_t)sprintf(text + len, "[Strings]\n");
	for (i = n; i-- > 0;)
		len += (size_t)sprintf(text + len, "D%zu = \"Device %zu\"\n", i, i);
	inf = parse_ok(text);
	s = inf_section(inf, "models");
	ck_assert_uint_eq(s->nlines, n);
	for (i = 0; i < n; i += 499) {
		sprintf(want, "Device %zu", i);
		ck_assert_str_eq(s->lines[i].key, want);
	}
	ck_assert_str_eq(inf_string(inf, "d4999"), "Device 4999");
	inf_free(inf);
	free(text);
}
END_TEST

/* Text before the first section is dropped: no line of it reaches a
 * section (the header lines of old INFs, a stray key). */
START_TEST(test_inf_text_before_sections)
{
	struct inf *inf = parse_ok("Signature = x\nstray, \\\n line\n[Version]\nk = v\n");

	ck_assert_uint_eq(inf_section_count(inf), 1);
	ck_assert_uint_eq(inf_section(inf, "Version")->nlines, 1);
	ck_assert_ptr_null(inf_value(inf, "Version", "Signature", 0));
	inf_free(inf);
	/* without any section: nothing, and no error */
	inf = parse_ok("Signature = x\n");
	ck_assert_uint_eq(inf_section_count(inf), 0);
	inf_free(inf);
}
END_TEST

/* A NUL byte of an ANSI or UTF-8 INF is a space, not the end of the text;
 * in UTF-16, U+0000 still ends it. */
START_TEST(test_inf_nul_is_space)
{
	static const char ansi[] = "[S]\nk = a\0b\n\0x = 1\n";
	static const char utf8[] = "\xef\xbb\xbf[S]\nk = a\0\0b\n";
	struct inf *inf = NULL;
	char err[64];

	ck_assert_int_eq(inf_parse(ansi, sizeof(ansi) - 1, &inf, err, sizeof(err)), 0);
	ck_assert_str_eq(inf_value(inf, "S", "k", 0), "a b");
	ck_assert_str_eq(inf_value(inf, "S", "x", 0), "1");
	inf_free(inf);
	ck_assert_int_eq(inf_parse(utf8, sizeof(utf8) - 1, &inf, err, sizeof(err)), 0);
	ck_assert_str_eq(inf_value(inf, "S", "k", 0), "a  b");
	inf_free(inf);
}
END_TEST

/* The image's language picks the strings: [Strings.LLLL], then
 * [Strings.00PP] (primary language), then [Strings], then others. */
START_TEST(test_inf_strings_language)
{
	static const char text[] =
		"[S]\nk = %A%\nb = %B%\nc = %C%\nd = %D%\n"
		"[Strings]\nA = neutral\nB = neutral\nC = neutral\n"
		"[Strings.0407]\nA = de-DE\n"
		"[Strings.0007]\nA = de\nB = de\n"
		"[Strings.0409]\nA = us\nB = us\nC = us\nD = us\n";
	struct inf *inf = NULL;
	char err[64];

	ck_assert_int_eq(inf_parse_lang(text, strlen(text), 0x0407, &inf, err, sizeof(err)), 0);
	ck_assert_str_eq(inf_value(inf, "S", "k", 0), "de-DE");
	ck_assert_str_eq(inf_value(inf, "S", "b", 0), "de");
	ck_assert_str_eq(inf_value(inf, "S", "c", 0), "neutral");
	ck_assert_str_eq(inf_value(inf, "S", "d", 0), "us");
	ck_assert_str_eq(inf_string(inf, "a"), "de-DE");
	inf_free(inf);
	/* Swiss German: no [Strings.0807], its primary language 0007 */
	ck_assert_int_eq(inf_parse_lang(text, strlen(text), 0x0807, &inf, err, sizeof(err)), 0);
	ck_assert_str_eq(inf_value(inf, "S", "k", 0), "de");
	inf_free(inf);
	/* the default: en-US */
	inf = parse_ok(text);
	ck_assert_str_eq(inf_value(inf, "S", "k", 0), "us");
	ck_assert_str_eq(inf_value(inf, "S", "c", 0), "us");
	inf_free(inf);
	ck_assert_uint_eq(inf_langid("0407"), 0x0407);
	ck_assert_uint_eq(inf_langid("0x040c"), 0x040C);
	ck_assert_uint_eq(inf_langid("040C"), 0x040C);
	ck_assert_uint_eq(inf_langid("de-DE"), 0);
	ck_assert_uint_eq(inf_langid("04070"), 0);
	ck_assert_uint_eq(inf_langid("407"), 0);
	ck_assert_uint_eq(inf_langid(NULL), 0);
}
END_TEST

/* The peak memory of this process, in KiB. */
static long peak_kib(void)
{
	struct rusage ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

/* A substituted field is cut at 4,095 characters (a UTF-8 character is
 * never cut); an INF of 166 KB whose tokens would expand to gigabytes
 * parses in little memory; a whole INF may not grow past 32 MiB. */
START_TEST(test_inf_strkey_caps)
{
	size_t n = 160 * 1024, i, len = 0;
	char *text = malloc(n + 64 * 1024);
	struct inf *inf = NULL;
	const char *v;
	char err[160];
	long before = peak_kib();

	ck_assert_ptr_nonnull(text);
	/* one field of ~53,000 tokens of an 8 KB string: 430 MB uncapped */
	len += (size_t)sprintf(text, "[S]\nk = ");
	for (i = 0; len < n; i++)
		len += (size_t)sprintf(text + len, "%%A%%");
	len += (size_t)sprintf(text + len, "\nu = %%U%%%%U%%\n[Strings]\nA = \"");
	for (i = 0; i < 8000; i++)
		text[len++] = 'a';
	len += (size_t)sprintf(text + len, "\"\nU = \"");
	for (i = 0; i < 3000; i++)
		len += (size_t)sprintf(text + len, "\xc3\xa9");  /* 2 bytes, 1 character */
	len += (size_t)sprintf(text + len, "\"\n");
	ck_assert_int_eq(inf_parse(text, len, &inf, err, sizeof(err)), 0);
	v = inf_value(inf, "S", "k", 0);
	ck_assert_uint_eq(strlen(v), 4095);
	v = inf_value(inf, "S", "u", 0);
	ck_assert_uint_eq(strlen(v), 2 * 4095);
	inf_free(inf);
	ck_assert_msg(peak_kib() - before < 64 * 1024, "peak memory grew by %ld KiB",
		      peak_kib() - before);

	/* 12,000 lines of a 4 KB string: 48 MB of substitutions, refused */
	len = (size_t)sprintf(text, "[S]\n");
	text = realloc(text, 12000 * 8 + 8192);
	ck_assert_ptr_nonnull(text);
	for (i = 0; i < 12000; i++)
		len += (size_t)sprintf(text + len, "%%A%%\n");
	len += (size_t)sprintf(text + len, "[Strings]\nA = ");
	for (i = 0; i < 4000; i++)
		text[len++] = 'b';
	text[len++] = '\n';
	ck_assert_int_eq(inf_parse(text, len, &inf, err, sizeof(err)), -PF_EINVAL);
	ck_assert_msg(strstr(err, "substitutions make the INF more than 32 MiB larger"), "%s",
		      err);
	free(text);
}
END_TEST

/* Large INFs parse whole: 100,000 sections, 100,000 files and disks, and
 * keys looked up in a large section.  How fast is measured by `make bench`
 * (bench/inf.sh), not here. */
START_TEST(test_inf_linear)
{
	size_t n = 100000, i, len = 0, nf = 0;
	char *text = malloc(n * 100 + 256);
	struct inf *inf = NULL;
	struct inf_file *files = NULL;
	char err[64], key[32];

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "[Sec%zu]\nk = v%zu\n", i, i);
	len += (size_t)sprintf(text + len, "[SourceDisksNames]\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%zu = d,,,dir%zu\n", i, i);
	len += (size_t)sprintf(text + len, "[SourceDisksFiles]\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "f%zu.sys = %zu\n", i, i);
	len += (size_t)sprintf(text + len, "F7.SYS = 8\n");
	ck_assert_int_eq(inf_parse(text, len, &inf, err, sizeof(err)), 0);
	ck_assert_uint_eq(inf_section_count(inf), n + 2);
	ck_assert_str_eq(inf_value(inf, "sec99999", "K", 0), "v99999");
	snprintf(key, sizeof(key), "%zu", n - 1);
	ck_assert_str_eq(inf_value(inf, "SourceDisksNames", key, 3), "dir99999");
	ck_assert_ptr_null(inf_value(inf, "SourceDisksNames", "nope", 0));
	ck_assert_int_eq(inf_driver_files(inf, "amd64", &files, &nf), 0);
	ck_assert_uint_eq(nf, n);
	ck_assert_str_eq(files[7].path, "dir8/F7.SYS");  /* the later line wins */
	ck_assert_str_eq(files[n - 1].path, "dir99999/f99999.sys");
	inf_files_free(files, nf);
	inf_free(inf);
	free(text);
}
END_TEST

/* What Windows decides for a package: the signature first, then the
 * manufacturers, then the arch; each with its reason. */
START_TEST(test_inf_driver_check)
{
	static const struct {
		const char *text, *arch;
		enum inf_verdict want;
		const char *name, *why;
	} cases[] = {
		{ "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models,NTamd64\n",
		  "amd64", INF_KEEP, "add", "" },
		{ "[Version]\nsignature=$chicago$\n[Manufacturer]\nM=Models\n", "x86", INF_KEEP,
		  "add", "" },
		{ "[Version]\nSignature=\"$WINDOWS 95$\"\n[Manufacturer]\nM=Models\n", "x86",
		  INF_KEEP, "add", "" },
		{ "[Version]\nClass=Net\n[Manufacturer]\nM=Models,NTamd64\n", "amd64",
		  INF_SKIP_SIGNATURE, "skip:bad-signature", "no [Version] Signature" },
		{ "[Version]\nSignature=\"$Windows 3.1$\"\n[Manufacturer]\nM=Models\n", "x86",
		  INF_SKIP_SIGNATURE, "skip:bad-signature", "no [Version] Signature" },
		{ "[StfVariableSyms]\n!X = 1\n", "x86", INF_SKIP_SIGNATURE, "skip:bad-signature",
		  "no [Version] Signature" },
		{ "[Version]\nSignature=\"$Windows NT$\"\n", "amd64", INF_SKIP_NO_MODELS,
		  "skip:no-manufacturer", "no [Manufacturer] section" },
		{ "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models,NTx86\n",
		  "amd64", INF_SKIP_ARCH, "skip:arch", "for x86 only, the image is amd64" },
		{ "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models,NTia64\n",
		  "amd64", INF_SKIP_ARCH, "skip:arch",
		  "for none of x86, amd64, arm64 (the image is amd64)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct inf *inf = parse_ok(cases[i].text);
		struct inf_driver drv;
		char why[200];
		enum inf_verdict v;

		ck_assert_int_eq(inf_driver_info(inf, &drv), 0);
		v = inf_driver_check(inf, &drv, cases[i].arch, why, sizeof(why));
		ck_assert_msg(v == cases[i].want, "case %zu: verdict %d", i, (int)v);
		ck_assert_str_eq(inf_verdict_name(v), cases[i].name);
		ck_assert_msg(strstr(why, cases[i].why) == why, "case %zu: '%s'", i, why);
		ck_assert_int_eq(inf_driver_check(inf, &drv, cases[i].arch, NULL, 0), v);
		inf_driver_clear(&drv);
		inf_free(inf);
	}
}
END_TEST

static Suite *suite_inf(void)
{
	Suite *s = suite_create("inf");
	TCase *tc = tcase_create("parser");
	TCase *td = tcase_create("driver");

	tcase_add_loop_test(tc, test_inf_encodings, 0, (int)(sizeof(encs) / sizeof(encs[0])));
	tcase_add_loop_test(tc, test_inf_values, 0, (int)(sizeof(vals) / sizeof(vals[0])));
	tcase_add_test(tc, test_inf_duplicate_sections_merge);
	tcase_add_test(tc, test_inf_empty);
	tcase_add_loop_test(tc, test_inf_malformed, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_inf_utf16_nul_ends_text);
	tcase_add_test(tc, test_inf_many_strings);
	tcase_add_test(tc, test_inf_text_before_sections);
	tcase_add_test(tc, test_inf_nul_is_space);
	tcase_add_test(tc, test_inf_strings_language);
	tcase_add_test(tc, test_inf_strkey_caps);
	tcase_add_test(tc, test_inf_linear);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(td, test_inf_driver_packages, 0,
			    (int)(sizeof(pkgs) / sizeof(pkgs[0])));
	tcase_add_test(td, test_inf_manufacturer_decorations);
	tcase_add_test(td, test_inf_driver_files_details);
	tcase_add_test(td, test_inf_arch_names);
	tcase_add_test(td, test_inf_driver_check);
	suite_add_tcase(s, td);
	return s;
}

PF_CHECK_MAIN(suite_inf)
