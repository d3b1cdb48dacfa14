/* tests/check_unattend.c - the answer-file engine: the tree built from a
 * Lua model (namespaces, pass order, component attributes, numbered list
 * items, empty elements dropped), the bytes (ASCII, CRLF), hidden
 * passwords, a round trip read back with libxml2 XPath, XSD validation,
 * the lint rules (a table of files that must be flagged), `peforge
 * unattend --check`, and the Lua module.  PF_SRCDIR locates the XSD. */
#include "config.h"

#include <lauxlib.h>
#include <lualib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>

#include "check_common.h"
#include "lua_unattend.h"
#include "ua.h"
#include "unattend.h"
#include "unattend_cmd.h"

/* The project's XSD (malloc'd). */
static char *xsd_path(void)
{
	const char *src = test_env("PF_SRCDIR");
	char *p = malloc(strlen(src) + 40);

	ck_assert_ptr_nonnull(p);
	sprintf(p, "%s/unattend/peforge-unattend.xsd", src);
	return p;
}

/* Build the model CHUNK (Lua code returning the model table): the bytes
 * (malloc'd) or NULL with *ERR the message. */
static char *build(const char *chunk, char **err)
{
	lua_State *L = luaL_newstate();
	struct pf_ua_model *m = NULL;
	char *out = NULL;
	size_t len;

	luaL_openlibs(L);
	ck_assert_msg(luaL_dostring(L, chunk) == LUA_OK, "chunk: %s", lua_tostring(L, -1));
	*err = NULL;
	if (pf_lua_unattend_model(L, -1, &m, err) == 0) {
		ck_assert_int_eq(lua_gettop(L), 1); /* the stack is left as it was */
		ck_assert_int_eq(pf_ua_model_serialize(m, &out, &len, NULL), 0);
		ck_assert_uint_eq(strlen(out), len);
		pf_ua_model_free(m);
	}
	lua_close(L);
	return out;
}

/* Parse TEXT (must be well-formed). */
static xmlDoc *parse(const char *text)
{
	xmlDoc *doc = NULL;
	char *err = NULL;

	ck_assert_msg(pf_ua_parse(text, strlen(text), "t.xml", &doc, &err) == 0, "%s", err);
	return doc;
}

/* The string values of XPATH in DOC ('u' and 'wcm' bound), joined by '|'
 * (malloc'd). */
static char *xp(xmlDoc *doc, const char *xpath)
{
	xmlXPathContext *ctx = xmlXPathNewContext(doc);
	xmlXPathObject *o;
	char *out = calloc(1, 4096);
	int i;

	ck_assert_ptr_nonnull(out);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"u", (const xmlChar *)PF_UA_NS);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"wcm", (const xmlChar *)PF_UA_WCM_NS);
	o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	ck_assert_msg(o != NULL, "bad xpath %s", xpath);
	if (o->type == XPATH_NODESET) {
		for (i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
			xmlChar *s = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);

			if (i)
				strcat(out, "|");
			strncat(out, (const char *)s, 4000 - strlen(out));
			xmlFree(s);
		}
	} else {
		xmlChar *s = xmlXPathCastToString(o);

		strncat(out, (const char *)s, 4000);
		xmlFree(s);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return out;
}

/* Assert that XPATH in DOC gives WANT. */
#define ck_xp(doc, xpath, want) do {                                         \
		char *got_ = xp((doc), (xpath));                             \
		ck_assert_msg(!strcmp(got_, (want)), "%s: got '%s', want '%s'", \
			      (xpath), got_, (want));                        \
		free(got_);                                                  \
	} while (0)

/* Lint (and validate against the XSD) TEXT; the findings as
 * "XPATH: message" lines (malloc'd, "" when clean). */
static char *findings_of(const char *text)
{
	struct pf_ua_findings f = { NULL, 0, 0 };
	xmlSchema *schema = NULL;
	char *xsd = xsd_path(), *err = NULL, *out;
	xmlDoc *doc = parse(text);
	size_t i, n = 1;

	ck_assert_msg(pf_ua_xsd_load(xsd, &schema, &err) == 0, "%s", err);
	ck_assert_int_eq(pf_ua_lint(doc, text, strlen(text), &f), 0);
	ck_assert_int_eq(pf_ua_validate(doc, schema, &f), 0);
	pf_ua_findings_sort(&f);
	for (i = 0; i < f.n; i++)
		n += strlen(f.v[i].xpath) + strlen(f.v[i].msg) + 3;
	out = calloc(1, n);
	ck_assert_ptr_nonnull(out);
	for (i = 0; i < f.n; i++) {
		strcat(out, f.v[i].xpath);
		strcat(out, ": ");
		strcat(out, f.v[i].msg);
		strcat(out, "\n");
	}
	pf_ua_findings_clear(&f);
	xmlSchemaFree(schema);
	xmlFreeDoc(doc);
	free(xsd);
	return out;
}

/* A rich model: every kind of value the front end produces. */
static const char rich_model[] =
	"return { arch = 'amd64', settings = {\n"
	"  oobeSystem = { ['Microsoft-Windows-Shell-Setup'] = {\n"
	"    UserAccounts = { LocalAccounts = { { Name = 'admin', Group = 'Administrators',\n"
	"      Password = { Value = 'UABhAHMAcwB3AG8AcgBkAA==', PlainText = false } } } },\n"
	"    FirstLogonCommands = { { CommandLine = 'cmd /c echo 1' }, { CommandLine = '' },\n"
	"      { CommandLine = 'cmd /c echo 2', Description = 'two' } },\n"
	"    OOBE = { HideEULAPage = true, ProtectYourPC = 3 } } },\n"
	"  windowsPE = {\n"
	"    ['Microsoft-Windows-Setup'] = {\n"
	"      UserData = { AcceptEula = true, FullName = '', ProductKey = { Key = 'VK7JG-NPHTM-C97JM-9MPGT-3V66T' } },\n"
	"      DiskConfiguration = { { DiskID = 0, WillWipeDisk = true,\n"
	"        CreatePartitions = { { Type = 'EFI', Size = 300 }, { Type = 'MSR', Size = 16 },\n"
	"          { Type = 'Primary', Extend = true } },\n"
	"        ModifyPartitions = { { PartitionID = 1, Format = 'FAT32' },\n"
	"          { PartitionID = 3, Format = 'NTFS', Letter = 'C' } } } },\n"
	"      ImageInstall = { OSImage = { InstallTo = { DiskID = 0, PartitionID = 3 },\n"
	"        InstallFrom = { Path = [[\\\\srv\\share\\sources\\install.wim]],\n"
	"          Credentials = { Username = 'u', Password = 'p', Domain = 'D' },\n"
	"          { Key = '/IMAGE/INDEX', Value = 6 } } } } },\n"
	"    ['Microsoft-Windows-PnpCustomizationsWinPE'] = { DriverPaths = {\n"
	"      { Path = [[\\\\srv\\drv\\a]] }, { Path = [[\\\\srv\\drv\\b]] } } } },\n"
	"  specialize = { ['Microsoft-Windows-Shell-Setup'] = { ComputerName = 'PC-1',\n"
	"    TimeZone = 'W. Europe Standard Time' },\n"
	"    ['Microsoft-Windows-Empty'] = { Nothing = '' } },\n"
	"  auditUser = {},\n"
	"} }";

/* The root is <unattend> in the unattend namespace, with wcm declared;
 * every element is in the unattend namespace. */
START_TEST(test_build_namespaces)
{
	char *err, *text = build(rich_model, &err);
	xmlDoc *doc;
	xmlNode *root;

	ck_assert_msg(text != NULL, "%s", err);
	doc = parse(text);
	root = xmlDocGetRootElement(doc);
	ck_assert_str_eq((const char *)root->name, "unattend");
	ck_assert_str_eq((const char *)root->ns->href, PF_UA_NS);
	ck_assert_ptr_nonnull(strstr(text, "xmlns:wcm=\"" PF_UA_WCM_NS "\""));
	ck_xp(doc, "count(//*[namespace-uri() != '" PF_UA_NS "'])", "0");
	ck_xp(doc, "count(//u:component)", "4");
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

/* Passes come out in Microsoft's order whatever the model's order; empty
 * passes and components are dropped. */
START_TEST(test_build_pass_order)
{
	char *err, *text = build(rich_model, &err);
	xmlDoc *doc = parse(text);

	ck_xp(doc, "/u:unattend/u:settings/@pass", "windowsPE|specialize|oobeSystem");
	ck_xp(doc, "count(//u:component[@name='Microsoft-Windows-Empty'])", "0");
	/* components sorted by name within a pass */
	ck_xp(doc, "/u:unattend/u:settings[@pass='windowsPE']/u:component/@name",
	      "Microsoft-Windows-PnpCustomizationsWinPE|Microsoft-Windows-Setup");
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

/* Every component carries the five attributes Windows expects. */
START_TEST(test_build_component_attributes)
{
	char *err, *text = build(rich_model, &err);
	xmlDoc *doc = parse(text);

	ck_xp(doc, "count(//u:component[@processorArchitecture='amd64' and "
		   "@publicKeyToken='31bf3856ad364e35' and @language='neutral' and "
		   "@versionScope='nonSxS' and @name])", "4");
	ck_xp(doc, "count(//u:component/@*)", "20");
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

/* List items get wcm:action="add" and Order 1..n (or wcm:keyValue), only
 * over the items that are not empty; Order is the first child. */
START_TEST(test_build_list_numbering)
{
	char *err, *text = build(rich_model, &err);
	xmlDoc *doc = parse(text);

	ck_xp(doc, "//u:FirstLogonCommands/u:SynchronousCommand/u:Order", "1|2");
	ck_xp(doc, "//u:FirstLogonCommands/u:SynchronousCommand/@wcm:action", "add|add");
	ck_xp(doc, "name(//u:SynchronousCommand[2]/*[1])", "Order");
	ck_xp(doc, "//u:CreatePartition/u:Order", "1|2|3");
	ck_xp(doc, "//u:ModifyPartition/u:Order", "1|2");
	ck_xp(doc, "//u:PathAndCredentials/@wcm:keyValue", "1|2");
	ck_xp(doc, "count(//u:PathAndCredentials/u:Order)", "0");
	ck_xp(doc, "//u:MetaData/@wcm:action", "add");
	ck_xp(doc, "count(//u:MetaData/u:Order)", "0");
	ck_xp(doc, "//u:LocalAccount/@wcm:action", "add");
	ck_xp(doc, "//u:Disk/@wcm:action", "add");
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

/* Empty strings and tables that end up empty are not written. */
START_TEST(test_build_empty_dropped)
{
	char *err, *text = build(rich_model, &err);
	xmlDoc *doc = parse(text);

	ck_xp(doc, "count(//u:FullName)", "0");
	ck_xp(doc, "count(//u:Nothing)", "0");
	ck_xp(doc, "count(//*[not(*) and normalize-space(.) = ''])", "0");
	xmlFreeDoc(doc);
	free(text);
	text = build("return { settings = { specialize = { X = { A = { B = { C = '' } } } } } }", &err);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_null(strstr(text, "<settings"));
	free(text);
	/* an item with nothing but its own attributes is kept (a removal) */
	text = build("return { settings = { oobeSystem = { X = { LocalAccounts = {\n"
		     "  { ['@wcm:action'] = 'remove', ['@wcm:keyValue'] = 'old' }, {} } } } } }", &err);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "<LocalAccount wcm:action=\"remove\" wcm:keyValue=\"old\"/>"));
	ck_assert_ptr_null(strstr(text, "wcm:action=\"add\""));
	free(text);
}
END_TEST

/* The bytes: an XML declaration saying utf-8, pure ASCII (others as
 * character references), CRLF line ends only, markup characters escaped;
 * the text reads back unchanged. */
START_TEST(test_build_ascii_crlf)
{
	char *err, *text = build(
		"return { settings = { specialize = { ['Microsoft-Windows-Shell-Setup'] = {\n"
		"  RegisteredOwner = 'Ren\\u{e9}e M\\u{fc}ller \\u{1F600} <&>\\r\"x\"' } } } }", &err);
	xmlDoc *doc;
	size_t i;

	ck_assert_msg(text != NULL, "%s", err);
	ck_assert(!strncmp(text, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n", 40));
	for (i = 0; text[i]; i++) {
		ck_assert_msg((unsigned char)text[i] < 0x80, "byte %zu is 0x%02x", i,
			      (unsigned char)text[i]);
		if (text[i] == '\n')
			ck_assert_msg(i > 0 && text[i - 1] == '\r', "lone LF at %zu", i);
		if (text[i] == '\r')
			ck_assert_msg(text[i + 1] == '\n', "lone CR at %zu", i);
	}
	ck_assert(i > 2 && !strcmp(text + i - 13, "</unattend>\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "Ren&#xE9;e M&#xFC;ller &#x1F600; &lt;&amp;&gt;&#13;\"x\""));
	doc = parse(text);
	ck_xp(doc, "//u:RegisteredOwner", "Ren\xc3\xa9" "e M\xc3\xbcller \xf0\x9f\x98\x80 <&>\r\"x\"");
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

/* Children: Order first, then alphabetical (case-insensitive); list items
 * sit where their name sorts. */
START_TEST(test_build_child_order)
{
	char *err, *text = build(
		"return { settings = { windowsPE = { S = { Z = 1, a = 2, InstallFrom = { Path = 'p',\n"
		"  Credentials = { Username = 'u' }, { Value = 'v', Key = 'k', Order = 9 } } } } } }", &err);
	xmlDoc *doc;

	ck_assert_msg(text != NULL, "%s", err);
	doc = parse(text);
	ck_xp(doc, "name(//u:component/*[1])", "a");
	ck_xp(doc, "name(//u:component/*[2])", "InstallFrom");
	ck_xp(doc, "name(//u:component/*[3])", "Z");
	ck_xp(doc, "name(//u:InstallFrom/*[1])", "Credentials");
	ck_xp(doc, "name(//u:InstallFrom/*[2])", "MetaData");
	ck_xp(doc, "name(//u:InstallFrom/*[3])", "Path");
	ck_xp(doc, "name(//u:MetaData/*[1])", "Order");
	ck_xp(doc, "name(//u:MetaData/*[2])", "Key");
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

/* Malformed models are refused with a message naming the model path. */
static const struct {
	const char *chunk, *want;
} model_errors[] = {
	{ "return { settings = { windowsPe = {} } }", "unknown pass 'windowsPe'" },
	{ "return { arch = 'x64' }", "model.arch: expected \"amd64\", \"x86\" or \"arm64\"" },
	{ "return { settings = {}, other = 1 }", "unknown key 'other'" },
	{ "return { settings = { specialize = { C = { ['bad name'] = 1 } } } }",
	  "'bad name' is not an XML element name" },
	{ "return { settings = { specialize = { C = { A = print } } } }",
	  "model.settings.specialize.C.A: expected a string, number, boolean or table, got function" },
	{ "return { settings = { specialize = { C = { A = '\\xff' } } } }",
	  "text is not valid UTF-8" },
	{ "return { settings = { specialize = { C = { A = 'a\\0b' } } } }",
	  "text is not valid UTF-8 or holds control characters" },
	{ "return { settings = { specialize = { C = { L = { { X = 1 } } } } } }",
	  "<L> has list items but no item name" },
	{ "return { settings = { specialize = { C = { RunSynchronous = { [3] = { Path = 'x' } } } } } }",
	  "list positions 1..n without holes" },
	{ "return { settings = { specialize = { C = { RunSynchronous = { 'cmd' } } } } }",
	  "a <RunSynchronousCommand> item must be a table, got string" },
	{ "return { settings = { specialize = { ['Microsoft-Windows-X'] = { A = { ['@x:y'] = 1 } } } } }",
	  "'@x:y' is not an attribute name" },
	{ "return { settings = { specialize = { C = { A = { ['@n'] = '\\u{e9}' } } } } }",
	  "only ASCII text is allowed in attributes" },
	{ "local t = {} t.A = t return { settings = { specialize = { C = t } } }",
	  "model nested too deeply (a table that contains itself?)" },
	{ "return { settings = { specialize = { C = 5 } } }",
	  "model.settings.specialize.C: expected a table (the component's settings), got number" },
};

START_TEST(test_build_model_errors)
{
	char *err = NULL, *text = build(model_errors[_i].chunk, &err);

	ck_assert_msg(text == NULL, "case %d built", _i);
	ck_assert_msg(err && strstr(err, model_errors[_i].want), "case %d: %s", _i, err);
	free(err);
}
END_TEST

/* Hidden passwords: base64 of UTF-16LE(password + element name), the
 * value Microsoft's documentation shows for "pw" + "Password"; decoding
 * inverts it, also beyond ASCII and the BMP. */
START_TEST(test_password_encoding)
{
	char *v = pf_ua_password_encode("pw", "Password"), *d;

	ck_assert_str_eq(v, "cAB3AFAAYQBzAHMAdwBvAHIAZAA=");
	d = pf_ua_password_decode(v, "Password");
	ck_assert_str_eq(d, "pw");
	free(d);
	ck_assert_ptr_null(pf_ua_password_decode(v, "AdministratorPassword"));
	free(v);
	v = pf_ua_password_encode("", "AdministratorPassword");
	d = pf_ua_password_decode(v, "AdministratorPassword");
	ck_assert_str_eq(d, "");
	free(d);
	free(v);
	v = pf_ua_password_encode("h\xc3\xa9\xf0\x9f\x98\x80!", "Password");
	d = pf_ua_password_decode(v, "Password");
	ck_assert_str_eq(d, "h\xc3\xa9\xf0\x9f\x98\x80!");
	free(d);
	free(v);
	ck_assert_ptr_null(pf_ua_password_encode("\xff", "Password"));
	ck_assert_ptr_null(pf_ua_password_decode("not base64!", "Password"));
	ck_assert_ptr_null(pf_ua_password_decode("cAB3", "Password"));
}
END_TEST

/* Round trip: every value of the model reads back with XPath. */
START_TEST(test_round_trip)
{
	char *err, *text = build(rich_model, &err);
	xmlDoc *doc = parse(text);
	const char *setup = "/u:unattend/u:settings[@pass='windowsPE']/"
			    "u:component[@name='Microsoft-Windows-Setup']";
	char q[512];

#define AT(rel) (snprintf(q, sizeof(q), "%s/%s", setup, rel), q)
	ck_xp(doc, AT("u:UserData/u:AcceptEula"), "true");
	ck_xp(doc, AT("u:UserData/u:ProductKey/u:Key"), "VK7JG-NPHTM-C97JM-9MPGT-3V66T");
	ck_xp(doc, AT("u:DiskConfiguration/u:Disk/u:DiskID"), "0");
	ck_xp(doc, AT("u:DiskConfiguration/u:Disk/u:WillWipeDisk"), "true");
	ck_xp(doc, AT("u:DiskConfiguration/u:Disk/u:CreatePartitions/u:CreatePartition/u:Type"),
	      "EFI|MSR|Primary");
	ck_xp(doc, AT("u:DiskConfiguration/u:Disk/u:CreatePartitions/u:CreatePartition/u:Size"),
	      "300|16");
	ck_xp(doc, AT("u:DiskConfiguration/u:Disk/u:CreatePartitions/u:CreatePartition[3]/u:Extend"),
	      "true");
	ck_xp(doc, AT("u:DiskConfiguration/u:Disk/u:ModifyPartitions/u:ModifyPartition/u:Format"),
	      "FAT32|NTFS");
	ck_xp(doc, AT("u:DiskConfiguration/u:Disk/u:ModifyPartitions/u:ModifyPartition[2]/u:Letter"),
	      "C");
	ck_xp(doc, AT("u:ImageInstall/u:OSImage/u:InstallTo/u:PartitionID"), "3");
	ck_xp(doc, AT("u:ImageInstall/u:OSImage/u:InstallFrom/u:Path"),
	      "\\\\srv\\share\\sources\\install.wim");
	ck_xp(doc, AT("u:ImageInstall/u:OSImage/u:InstallFrom/u:Credentials/u:Username"), "u");
	ck_xp(doc, AT("u:ImageInstall/u:OSImage/u:InstallFrom/u:Credentials/u:Password"), "p");
	ck_xp(doc, AT("u:ImageInstall/u:OSImage/u:InstallFrom/u:Credentials/u:Domain"), "D");
	ck_xp(doc, AT("u:ImageInstall/u:OSImage/u:InstallFrom/u:MetaData/u:Key"), "/IMAGE/INDEX");
	ck_xp(doc, AT("u:ImageInstall/u:OSImage/u:InstallFrom/u:MetaData/u:Value"), "6");
#undef AT
	ck_xp(doc, "//u:PathAndCredentials/u:Path", "\\\\srv\\drv\\a|\\\\srv\\drv\\b");
	ck_xp(doc, "//u:settings[@pass='specialize']/u:component/u:ComputerName", "PC-1");
	ck_xp(doc, "//u:settings[@pass='specialize']/u:component/u:TimeZone",
	      "W. Europe Standard Time");
	ck_xp(doc, "//u:LocalAccount/u:Name", "admin");
	ck_xp(doc, "//u:LocalAccount/u:Group", "Administrators");
	ck_xp(doc, "//u:LocalAccount/u:Password/u:Value", "UABhAHMAcwB3AG8AcgBkAA==");
	ck_xp(doc, "//u:LocalAccount/u:Password/u:PlainText", "false");
	ck_xp(doc, "//u:SynchronousCommand/u:CommandLine", "cmd /c echo 1|cmd /c echo 2");
	ck_xp(doc, "//u:SynchronousCommand[2]/u:Description", "two");
	ck_xp(doc, "//u:OOBE/u:HideEULAPage", "true");
	ck_xp(doc, "//u:OOBE/u:ProtectYourPC", "3");
	xmlFreeDoc(doc);
	free(text);
}
END_TEST

/* A generated file validates against the XSD and passes the lint. */
START_TEST(test_generated_file_is_clean)
{
	char *err, *text = build(rich_model, &err), *f = findings_of(text);

	ck_assert_msg(!strcmp(f, ""), "findings:\n%s", f);
	free(f);
	free(text);
}
END_TEST

/* An answer file around COMPONENT content: pass P, component C. */
#define HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<unattend xmlns=\"urn:schemas-microsoft-com:unattend\" xmlns:wcm=\"http://schemas.microsoft.com/WMIConfig/2002/State\">\n"
#define COMP(c) "<component name=\"" c "\" processorArchitecture=\"amd64\" publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\">"
#define DOC(p, c, inner) HEAD "<settings pass=\"" p "\">" COMP(c) inner "</component></settings></unattend>\n"
#define SETUP(inner) DOC("windowsPE", "Microsoft-Windows-Setup", inner)
#define SHELL(p, inner) DOC(p, "Microsoft-Windows-Shell-Setup", inner)
#define DISK(parts, mods) "<DiskConfiguration><Disk wcm:action=\"add\"><DiskID>0</DiskID><WillWipeDisk>true</WillWipeDisk><CreatePartitions>" parts "</CreatePartitions><ModifyPartitions>" mods "</ModifyPartitions></Disk></DiskConfiguration>"
#define CP(o, t, size) "<CreatePartition wcm:action=\"add\"><Order>" o "</Order><Type>" t "</Type>" size "</CreatePartition>"
#define MP(o, id, fmt) "<ModifyPartition wcm:action=\"add\"><Order>" o "</Order><PartitionID>" id "</PartitionID>" fmt "</ModifyPartition>"
#define GPT CP("1", "EFI", "<Size>300</Size>") CP("2", "MSR", "<Size>16</Size>") CP("3", "Primary", "<Extend>true</Extend>")
#define GPTMOD MP("1", "1", "<Format>FAT32</Format>") MP("2", "3", "<Format>NTFS</Format>")
#define TO(d, p) "<ImageInstall><OSImage><InstallTo><DiskID>" d "</DiskID><PartitionID>" p "</PartitionID></InstallTo></OSImage></ImageInstall>"
#define ACCT(n) "<LocalAccount wcm:action=\"add\"><Name>" n "</Name><Group>Users</Group></LocalAccount>"
#define ACCTS(a) "<UserAccounts><LocalAccounts>" a "</LocalAccounts></UserAccounts>"

/* Files that must be flagged: the XPath and a part of the message. */
static const struct {
	const char *xml, *xpath, *want;
} lint_cases[] = {
	/* 0: a clean reference: the UEFI layout installed to partition 3 */
	{ SETUP(DISK(GPT, GPTMOD) TO("0", "3")), NULL, NULL },
	{ HEAD "<settings pass=\"windowsPe\">" COMP("Microsoft-Windows-Setup") "</component></settings></unattend>",
	  "/unattend/settings[@pass='windowsPe']", "unknown pass 'windowsPe' (pass names are case-sensitive: 'windowsPE')" },
	{ HEAD "<settings pass=\"firstboot\"></settings></unattend>",
	  "/unattend/settings[@pass='firstboot']", "unknown pass 'firstboot' (passes: windowsPE, " },
	{ DOC("specialize", "Microsoft-Windows-Setup", "<UserData><AcceptEula>true</AcceptEula></UserData>"),
	  "/unattend/settings[@pass='specialize']/component[@name='Microsoft-Windows-Setup']",
	  "component Microsoft-Windows-Setup is not applied in pass specialize: Windows Setup ignores it there (valid: windowsPE)" },
	{ DOC("windowsPE", "Microsoft-Windows-International-Core", "<UILanguage>en-US</UILanguage>"),
	  "/unattend/settings[@pass='windowsPE']/component[@name='Microsoft-Windows-International-Core']",
	  "is not applied in pass windowsPE" },
	{ SHELL("oobeSystem", "<ComputerName>PC1</ComputerName>"),
	  "/unattend/settings[@pass='oobeSystem']/component[@name='Microsoft-Windows-Shell-Setup']/ComputerName",
	  "ComputerName of Microsoft-Windows-Shell-Setup is ignored in pass oobeSystem (valid: offlineServicing, specialize)" },
	{ SHELL("specialize", "<FirstLogonCommands><SynchronousCommand wcm:action=\"add\"><Order>1</Order><CommandLine>x</CommandLine></SynchronousCommand></FirstLogonCommands>"),
	  "/unattend/settings[@pass='specialize']/component[@name='Microsoft-Windows-Shell-Setup']/FirstLogonCommands",
	  "FirstLogonCommands of Microsoft-Windows-Shell-Setup is ignored in pass specialize" },
	{ DOC("specialize", "Microsoft-Windows-Shell-Setpu", "<ComputerName>PC1</ComputerName>"),
	  "/unattend/settings[@pass='specialize']/component[@name='Microsoft-Windows-Shell-Setpu']",
	  "unknown component 'Microsoft-Windows-Shell-Setpu' (did you mean Microsoft-Windows-Shell-Setup?)" },
	{ SETUP("<RunSynchronous><RunSynchronousCommand wcm:action=\"add\"><Order>1</Order><Path>a</Path></RunSynchronousCommand>"
		"<RunSynchronousCommand wcm:action=\"add\"><Order>1</Order><Path>b</Path></RunSynchronousCommand></RunSynchronous>"),
	  "/unattend/settings[@pass='windowsPE']/component[@name='Microsoft-Windows-Setup']/RunSynchronous/RunSynchronousCommand[2]/Order",
	  "Order 1 is used twice among <RunSynchronousCommand> items" },
	{ SETUP(DISK(GPT, GPTMOD MP("3", "4", "<Format>NTFS</Format>")) TO("0", "3")),
	  "/unattend/settings[@pass='windowsPE']/component[@name='Microsoft-Windows-Setup']/DiskConfiguration/Disk/ModifyPartitions/ModifyPartition[3]/PartitionID",
	  "PartitionID 4 does not match a partition: disk 0 creates 3" },
	{ SETUP(DISK(GPT, GPTMOD MP("3", "3", "<Label>W</Label>")) TO("0", "3")),
	  "ModifyPartition[3]/PartitionID", "PartitionID 3 is modified twice on disk 0" },
	{ SETUP(DISK(GPT, GPTMOD) TO("0", "5")),
	  "/unattend/settings[@pass='windowsPE']/component[@name='Microsoft-Windows-Setup']/ImageInstall/OSImage/InstallTo/PartitionID",
	  "InstallTo PartitionID 5 does not match a partition: disk 0 creates 3" },
	{ SETUP(DISK(CP("1", "Primary", "<Size>300</Size>") CP("2", "Primary", "<Extend>true</Extend>"),
		     MP("1", "1", "<Format>NTFS</Format>") MP("2", "2", "<Format>FAT32</Format>")) TO("0", "2")),
	  "InstallTo/PartitionID", "InstallTo points at partition 2, which is formatted FAT32, not NTFS" },
	{ SETUP(DISK(GPT, GPTMOD) TO("0", "1")),
	  "InstallTo/PartitionID", "InstallTo points at partition 1, the EFI partition" },
	/* issue 13: an unformatted Primary target is formatted NTFS by Setup */
	{ SETUP(DISK(GPT, MP("1", "1", "<Format>FAT32</Format>")) TO("0", "3")), NULL, NULL },
	{ SETUP(DISK(GPT, GPTMOD) TO("1", "3")),
	  "InstallTo/DiskID", "InstallTo DiskID 1 is not a disk of DiskConfiguration" },
	{ SETUP(DISK(GPT CP("4", "Primary", "<Size>500</Size>"), GPTMOD) TO("0", "3")),
	  "CreatePartition[3]", "only the last CreatePartition may Extend" },
	{ SETUP(DISK(CP("1", "Primary", "<Size>300</Size><Extend>true</Extend>"), MP("1", "1", "<Format>NTFS</Format>")) TO("0", "1")),
	  "CreatePartition", "CreatePartition has both Size and Extend=true" },
	{ SETUP(DISK(GPT, GPTMOD MP("3", "2", "<Format>NTFS</Format>")) TO("0", "3")),
	  "ModifyPartition[3]/Format", "partition 2 is the MSR partition, which must not be formatted" },
	{ SETUP(DISK(CP("1", "Primary", "<Size>100</Size>") CP("2", "Primary", "<Size>100</Size>") CP("3", "Primary", "<Size>100</Size>")
		     CP("4", "Primary", "<Size>100</Size>") CP("5", "Primary", "<Extend>true</Extend>"), MP("1", "5", "<Format>NTFS</Format>")) TO("0", "5")),
	  "CreatePartitions", "an MBR disk holds at most 4 primary partitions (this one creates 5)" },
	{ SETUP("<DiskConfiguration><Disk wcm:action=\"add\"><DiskID>0</DiskID></Disk><Disk wcm:action=\"add\"><DiskID>0</DiskID></Disk></DiskConfiguration>"),
	  "Disk[2]/DiskID", "DiskID 0 is configured twice" },
	{ SHELL("specialize", "<ComputerName>ABCDEFGHIJKLMNOP</ComputerName>"),
	  "/unattend/settings[@pass='specialize']/component[@name='Microsoft-Windows-Shell-Setup']/ComputerName",
	  "ComputerName 'ABCDEFGHIJKLMNOP' is 16 characters long: Windows allows at most 15" },
	{ SHELL("specialize", "<ComputerName>12345</ComputerName>"),
	  "/ComputerName", "ComputerName '12345' is all digits" },
	{ SHELL("specialize", "<ComputerName>PC_1.lab</ComputerName>"),
	  "/ComputerName", "ComputerName 'PC_1.lab' holds the forbidden character '.'" },
	{ SHELL("specialize", "<ComputerName>PC 1</ComputerName>"),
	  "/ComputerName", "holds the forbidden character ' '" },
	{ SHELL("oobeSystem", ACCTS(ACCT("a/b"))),
	  "LocalAccount/Name", "user name 'a/b' holds the forbidden character '/'" },
	{ SHELL("oobeSystem", ACCTS(ACCT("abcdefghijklmnopqrstu"))),
	  "LocalAccount/Name", "user name 'abcdefghijklmnopqrstu' is longer than 20 characters" },
	{ SHELL("oobeSystem", ACCTS(ACCT("..."))),
	  "LocalAccount/Name", "is only dots and spaces" },
	{ SHELL("oobeSystem", ACCTS(ACCT("Administrator"))),
	  "LocalAccount/Name", "user name 'Administrator' is a built-in or reserved account name" },
	{ SHELL("oobeSystem", ACCTS(ACCT("none"))),
	  "LocalAccount/Name", "is a built-in or reserved account name" },
	{ SHELL("oobeSystem", ACCTS(ACCT("joe") ACCT("JOE"))),
	  "LocalAccount[2]/Name", "account 'JOE' is created twice" },
	{ HEAD "<settings pass=\"specialize\">" COMP("Microsoft-Windows-Shell-Setup") "<ComputerName>joe</ComputerName></component></settings>"
	  "<settings pass=\"oobeSystem\">" COMP("Microsoft-Windows-Shell-Setup") ACCTS(ACCT("Joe")) "</component></settings></unattend>",
	  "LocalAccount/Name", "user name 'Joe' is the computer's name" },
	{ SHELL("oobeSystem", "<AutoLogon><Enabled>true</Enabled><Username>a@b</Username></AutoLogon>"),
	  "AutoLogon/Username", "user name 'a@b' holds the forbidden character '@'" },
	{ HEAD "<settings pass=\"specialize\">" COMP("Microsoft-Windows-Shell-Setup") "<TimeZone>UTC</TimeZone></component>"
	  "<component name=\"Microsoft-Windows-Deployment\" processorArchitecture=\"x86\" publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\"><RunSynchronous/></component></settings></unattend>",
	  "component[@name='Microsoft-Windows-Deployment']", "processorArchitecture 'x86' mixes with 'amd64' of the first component" },
	{ HEAD "<settings pass=\"specialize\"></settings><settings pass=\"specialize\"></settings></unattend>",
	  "/unattend/settings[@pass='specialize'][2]", "pass specialize appears more than once" },
	{ HEAD "<settings pass=\"specialize\">" COMP("Microsoft-Windows-Shell-Setup") "<TimeZone>UTC</TimeZone></component>"
	  COMP("Microsoft-Windows-Shell-Setup") "<TimeZone>UTC</TimeZone></component></settings></unattend>",
	  "component[@name='Microsoft-Windows-Shell-Setup'][2]", "component Microsoft-Windows-Shell-Setup appears twice in pass specialize" },
	{ SHELL("oobeSystem", "<UserAccounts><AdministratorPassword><Value>cAB3AFAAYQBzAHMAdwBvAHIAZAA=</Value><PlainText>false</PlainText></AdministratorPassword></UserAccounts>"),
	  "AdministratorPassword/Value", "hidden password does not decode: Windows expects base64 of the UTF-16LE text password + 'AdministratorPassword'" },
	{ SETUP("<UserData><ProductKey><Key></Key></ProductKey></UserData>"),
	  "ProductKey/Key", "empty product key" },
	{ SETUP("<UserData><ProductKey><Key>VK7JG-NPHTM-C97JM-9MPGT</Key></ProductKey></UserData>"),
	  "ProductKey/Key", "product key 'VK7JG-NPHTM-C97JM-9MPGT' is not five groups of five" },
	{ DOC("specialize", "Microsoft-Windows-UnattendedJoin", "<Identification><JoinDomain>corp</JoinDomain><JoinWorkgroup>WG</JoinWorkgroup><UnsecureJoin>true</UnsecureJoin></Identification>"),
	  "/Identification", "JoinDomain and JoinWorkgroup exclude each other" },
	{ DOC("specialize", "Microsoft-Windows-UnattendedJoin", "<Identification><JoinDomain>corp</JoinDomain></Identification>"),
	  "Identification/JoinDomain", "JoinDomain needs Credentials" },
	{ SETUP("<ImageInstall><OSImage><InstallFrom><MetaData wcm:action=\"add\"><Key>/IMAGE/EDITION</Key><Value>Pro</Value></MetaData></InstallFrom></OSImage></ImageInstall>"),
	  "MetaData/Key", "MetaData Key '/IMAGE/EDITION' is not /IMAGE/INDEX, /IMAGE/NAME or /IMAGE/DESCRIPTION" },
	{ SETUP("<ImageInstall><OSImage><InstallFrom><MetaData wcm:action=\"add\"><Key>/IMAGE/INDEX</Key><Value>0</Value></MetaData></InstallFrom></OSImage></ImageInstall>"),
	  "MetaData/Value", "image index '0' is not a positive number" },
	{ SETUP("<RunSynchronous><RunSynchronousCommand wcm:action=\"append\"><Order>1</Order><Path>a</Path></RunSynchronousCommand></RunSynchronous>"),
	  "RunSynchronousCommand", "wcm:action 'append' is not add, modify or remove" },
	{ SHELL("specialize", "<RegisteredOwner>Ren\xc3\xa9" "e</RegisteredOwner>"),
	  "/RegisteredOwner", "line 3 holds non-ASCII bytes" },
	{ "<unattend xmlns=\"urn:other\"/>", "/unattend", "the root element must be <unattend> in namespace urn:schemas-microsoft-com:unattend" },
	/* the schema */
	{ SETUP("<UserData><AcceptEula>yes</AcceptEula></UserData>"),
	  "UserData/AcceptEula", "schema: Element 'AcceptEula': [facet 'pattern'] The value 'yes' is not accepted" },
	{ SETUP("<DiskConfiguration><Disk wcm:action=\"add\"><DiskID>0</DiskID><WillWipeDisks>true</WillWipeDisks></Disk></DiskConfiguration>"),
	  "Disk/WillWipeDisks", "schema: Element 'WillWipeDisks': This element is not expected" },
	{ SETUP(DISK(CP("1", "Primary", "<Size>-5</Size>"), MP("1", "1", "<Format>NTFS</Format>"))),
	  "CreatePartition/Size", "schema: Element 'Size'" },
	{ SETUP(DISK(GPT, GPTMOD MP("3", "3", "<Format>ReFS</Format>")) TO("0", "3")),
	  "ModifyPartition[3]/Format", "schema: Element 'Format': [facet 'enumeration'] The value 'ReFS'" },
	{ HEAD "<settings pass=\"specialize\"><component name=\"Microsoft-Windows-Shell-Setup\" processorArchitecture=\"x64\" publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\"/></settings></unattend>",
	  "component[@name='Microsoft-Windows-Shell-Setup']", "schema: Element 'component', attribute 'processorArchitecture'" },
	{ HEAD "<settings pass=\"specialize\"><component name=\"Microsoft-Windows-Shell-Setup\" processorArchitecture=\"amd64\" publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\"/></settings></unattend>",
	  "component[@name='Microsoft-Windows-Shell-Setup']", "schema: Element 'component': The attribute 'versionScope' is required" },
	{ SHELL("oobeSystem", "<OOBE><ProtectYourPC>4</ProtectYourPC><HideEULAPage>1</HideEULAPage></OOBE>"),
	  "OOBE/ProtectYourPC", "schema: Element 'ProtectYourPC'" },
	{ SETUP("<UserData><ProductKey><WillShowUI>Sometimes</WillShowUI></ProductKey></UserData>"),
	  "ProductKey/WillShowUI", "schema: Element 'WillShowUI'" },
};

/* Each file of the table is flagged at the XPath given, with the message
 * given (case 0 is clean); each finding is one line. */
START_TEST(test_lint_cases)
{
	char *f = findings_of(lint_cases[_i].xml);

	if (!lint_cases[_i].want) {
		ck_assert_msg(!strcmp(f, ""), "case %d: findings:\n%s", _i, f);
	} else {
		char *hit = strstr(f, lint_cases[_i].want);
		char *bol, *colon;

		ck_assert_msg(hit != NULL, "case %d: no '%s' in:\n%s", _i, lint_cases[_i].want, f);
		for (bol = hit; bol > f && bol[-1] != '\n'; bol--)
			;
		colon = strstr(bol, ": ");
		ck_assert_ptr_nonnull(colon);
		*colon = '\0';
		ck_assert_msg(strstr(bol, lint_cases[_i].xpath) != NULL &&
			      !strcmp(bol + strlen(bol) - strlen(lint_cases[_i].xpath),
				      lint_cases[_i].xpath),
			      "case %d: xpath '%s' does not end with '%s'", _i, bol,
			      lint_cases[_i].xpath);
	}
	free(f);
}
END_TEST

/* Files for the rules of issue 13: the rule, its severity and a part of
 * its message (WANT NULL: no finding of RULE, and no error at all). */
#define INTL(inner) DOC("windowsPE", "Microsoft-Windows-International-Core-WinPE", inner)
#define OOBE_SHELL(inner) SHELL("oobeSystem", inner)
#define FLC(item) "<FirstLogonCommands>" item "</FirstLogonCommands>"
static const struct {
	const char *xml, *rule;
	enum pf_ua_severity sev;
	const char *want;
} rule_cases[] = {
	{ OOBE_SHELL("<OOBE><HideEulaPage>true</HideEulaPage></OOBE>"), "setting-name", PF_UA_ERROR,
	  "unknown setting 'HideEulaPage' of Microsoft-Windows-Shell-Setup (did you mean HideEULAPage?" },
	{ SHELL("specialize", "<Timezone>UTC</Timezone>"), "setting-name", PF_UA_ERROR, "did you mean TimeZone?" },
	{ OOBE_SHELL("<OOBE><SkipMachineOOBE>true</SkipMachineOOBE><HideEULAPage>true</HideEULAPage></OOBE>"),
	  "setting-name", PF_UA_ERROR, NULL },
	{ SHELL("specialize", "<TimeZone>Pacific Time</TimeZone>"), "time-zone", PF_UA_ERROR,
	  "time zone 'Pacific Time' is not a Windows time-zone ID" },
	{ SHELL("specialize", "<TimeZone>Tokio Standard Time</TimeZone>"), "time-zone", PF_UA_ERROR,
	  "(did you mean 'Tokyo Standard Time'?)" },
	{ SHELL("specialize", "<TimeZone>w. europe standard time</TimeZone>"), "time-zone", PF_UA_ERROR, NULL },
	{ SHELL("specialize", "<TimeZone>UTC_dstoff</TimeZone>"), "time-zone", PF_UA_ERROR, NULL },
	{ INTL("<UserLocale>en_US</UserLocale>"), "locale", PF_UA_ERROR, "UserLocale 'en_US' is not a locale name (did you mean 'en-US'?" },
	{ INTL("<SystemLocale>english</SystemLocale>"), "locale", PF_UA_ERROR, "SystemLocale 'english' is not a locale name such as en-US" },
	{ INTL("<UILanguage>sr-Latn-RS</UILanguage><UserLocale>es-ES_tradnl</UserLocale><SystemLocale>es-419</SystemLocale>"),
	  "locale", PF_UA_ERROR, NULL },
	{ INTL("<InputLocale>0409:0409</InputLocale>"), "input-locale", PF_UA_ERROR, "InputLocale '0409:0409' is not an input locale" },
	{ INTL("<InputLocale>0409:00000409;de_DE</InputLocale>"), "input-locale", PF_UA_ERROR, "(did you mean 'de-DE'?)" },
	{ INTL("<InputLocale>0407:00000407; en-US ;0411:{03B5835F-F03C-411B-9CE2-AA23E1171E36}{A76C93D9-5523-4E90-AAFA-4DB112F9AC76}</InputLocale>"),
	  "input-locale", PF_UA_ERROR, NULL },
	{ HEAD "<settings pass=\"specialize\"><component name=\"Microsoft-Windows-Shell-Setup\" processorArchitecture=\"amd64\" "
	  "publicKeyToken=\"0000000000000000\" language=\"neutral\" versionScope=\"nonSxS\"><TimeZone>UTC</TimeZone></component></settings></unattend>",
	  "public-key-token", PF_UA_ERROR, "publicKeyToken '0000000000000000' of Microsoft-Windows-Shell-Setup is not Microsoft's" },
	{ HEAD "<settings pass=\"specialize\"><component name=\"Microsoft-Windows-Shell-Setup\" processorArchitecture=\"AMD64\" "
	  "publicKeyToken=\"31BF3856AD364E35\" language=\"neutral\" versionScope=\"NonSxS\"><TimeZone>UTC</TimeZone></component></settings></unattend>",
	  "public-key-token", PF_UA_ERROR, NULL },
	{ SETUP(DISK(CP("1", "EFI", "<Size>300</Size>") CP("2", "MSR", "<Size>16</Size>") CP("3", "Primary", "<Extend>true</Extend>"),
		     MP("1", "1", "<Format>NTFS</Format>") MP("2", "3", "<Format>NTFS</Format>")) TO("0", "3")),
	  "efi-format", PF_UA_ERROR, "partition 1 is the EFI system partition, formatted NTFS: UEFI firmware reads only FAT32" },
	{ SETUP(DISK(GPT, MP("1", "1", "<Format>FAT32</Format>")) TO("0", "3")), "install-to", PF_UA_ERROR, NULL },
	{ OOBE_SHELL(ACCTS(ACCT("joe")) "<AutoLogon><Enabled>true</Enabled><Username>jim</Username></AutoLogon>"),
	  "autologon-user", PF_UA_WARNING, "AutoLogon user 'jim' is not created by this file" },
	{ OOBE_SHELL(ACCTS(ACCT("joe")) "<AutoLogon><Enabled>true</Enabled><Username>JOE</Username></AutoLogon>"),
	  "autologon-user", PF_UA_WARNING, NULL },
	{ OOBE_SHELL("<AutoLogon><Enabled>true</Enabled><Username>Administrator</Username></AutoLogon>"),
	  "autologon-user", PF_UA_WARNING, NULL },
	{ OOBE_SHELL(FLC("<SynchronousCommand wcm:action=\"add\"><Order>1</Order><Description>x</Description></SynchronousCommand>")),
	  "command-line", PF_UA_ERROR, "<SynchronousCommand> has no CommandLine" },
	{ DOC("specialize", "Microsoft-Windows-Deployment", "<RunSynchronous><RunSynchronousCommand wcm:action=\"add\"><Order>1</Order><Description>x</Description></RunSynchronousCommand></RunSynchronous>"),
	  "command-line", PF_UA_ERROR, "<RunSynchronousCommand> has no Path" },
	{ DOC("windowsPE", "Microsoft-Windows-PnpCustomizationsWinPE", "<DriverPaths><PathAndCredentials wcm:action=\"add\"><Path>D:\\d</Path></PathAndCredentials></DriverPaths>"),
	  "key-value", PF_UA_ERROR, "<PathAndCredentials> item without wcm:keyValue" },
	{ SETUP("<UserData><ProductKey><Key/><WillShowUI>OnError</WillShowUI></ProductKey></UserData>"),
	  "product-key", PF_UA_NOTE, "empty product key" },
	{ SETUP("<UserData><ProductKey>VK7JG-NPHTM-C97JM-9MPGT-3V66T<WillShowUI>Never</WillShowUI></ProductKey></UserData>"),
	  "product-key", PF_UA_WARNING, "ProductKey holds the text 'VK7JG-NPHTM-C97JM-9MPGT-3V66T' besides elements" },
	{ HEAD "<settings pass=\"specialize\">" COMP("Microsoft-Windows-Shell-Setup") "<TimeZone>UTC</TimeZone></component>"
	  "<component name=\"Microsoft-Windows-Shell-Setup\" processorArchitecture=\"x86\" publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\"><TimeZone>UTC</TimeZone></component>"
	  "<component name=\"Microsoft-Windows-Shell-Setup\" processorArchitecture=\"wow64\" publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\"><TimeZone>UTC</TimeZone></component></settings></unattend>",
	  "arch", PF_UA_WARNING, NULL },
	{ SETUP("<ImageInstall><OSImage><InstallFrom><MetaData wcm:action=\"add\"><Key>/IMAGE/EditionID</Key><Value>Pro</Value></MetaData></InstallFrom></OSImage></ImageInstall>"),
	  "image-metadata", PF_UA_WARNING, "MetaData Key '/IMAGE/EditionID' is not /IMAGE/INDEX" },
};

/* Each file of rule_cases gets a finding of its rule with its severity
 * and message, or (WANT NULL) none of that rule and no error. */
START_TEST(test_rule_cases)
{
	struct pf_ua_findings f = { NULL, 0, 0 };
	xmlSchema *schema = NULL;
	char *xsd = xsd_path(), *err = NULL;
	const char *text = rule_cases[_i].xml;
	xmlDoc *doc = parse(text);
	size_t i;
	int hit = 0;

	ck_assert_msg(pf_ua_xsd_load(xsd, &schema, &err) == 0, "%s", err);
	ck_assert_int_eq(pf_ua_lint(doc, text, strlen(text), &f), 0);
	ck_assert_int_eq(pf_ua_validate(doc, schema, &f), 0);
	pf_ua_findings_sort(&f);
	for (i = 0; i < f.n; i++) {
		ck_assert_ptr_nonnull(f.v[i].rule);
		ck_assert_ptr_nonnull(pf_ua_severity_name(f.v[i].severity));
		if (!rule_cases[_i].want) {
			ck_assert_msg(strcmp(f.v[i].rule, rule_cases[_i].rule) &&
				      f.v[i].severity != PF_UA_ERROR,
				      "case %d: unexpected %s: %s", _i, f.v[i].rule, f.v[i].msg);
		} else if (!strcmp(f.v[i].rule, rule_cases[_i].rule) &&
			   strstr(f.v[i].msg, rule_cases[_i].want)) {
			ck_assert_msg(f.v[i].severity == rule_cases[_i].sev, "case %d: severity %s",
				      _i, pf_ua_severity_name(f.v[i].severity));
			hit = 1;
		}
	}
	if (rule_cases[_i].want)
		ck_assert_msg(hit, "case %d: no %s finding '%s' (%zu findings%s%s)", _i,
			      rule_cases[_i].rule, rule_cases[_i].want, f.n,
			      f.n ? ", first: " : "", f.n ? f.v[0].msg : "");
	pf_ua_findings_clear(&f);
	xmlSchemaFree(schema);
	xmlFreeDoc(doc);
	free(xsd);
}
END_TEST

/* JSON strings: quotes, backslashes, controls, U+2028 escaped; bytes that
 * are not UTF-8 become U+FFFD; other UTF-8 kept. */
START_TEST(test_json_string)
{
	struct pf_ua_buf b = { NULL, 0, 0, 0 };

	ck_assert_int_eq(pf_ua_json_string(&b, "a\"b\\c\nd\r\te\x01\x1f\x7f"), 0);
	ck_assert_str_eq(b.s, "\"a\\\"b\\\\c\\nd\\r\\te\\u0001\\u001f\\u007f\"");
	b.len = 0;
	ck_assert_int_eq(pf_ua_json_string(&b, "\xc3\xa9 \xe2\x80\xa8 \xff\xc3 \xe2\x82"), 0);
	ck_assert_str_eq(b.s, "\"\xc3\xa9 \\u2028 \\ufffd\\ufffd \\ufffd\\ufffd\"");
	b.len = 0;
	ck_assert_int_eq(pf_ua_json_string(&b, NULL), 0);
	ck_assert_str_eq(b.s, "\"\"");
	b.len = 0;
	ck_assert_int_eq(pf_ua_json_string(&b, "/unattend/x[@name='a']"), 0);
	ck_assert_str_eq(b.s, "\"/unattend/x[@name='a']\"");
	free(b.s);
}
END_TEST

/* The --json object: counts, then each finding with file, xpath, rule,
 * severity and message, in order. */
START_TEST(test_findings_json)
{
	struct pf_ua_finding v[2] = {
		{ 1, PF_UA_FROM_LINT, PF_UA_ERROR, "time-zone", "/unattend/a", "bad \"tz\"" },
		{ 2, PF_UA_FROM_LINT, PF_UA_NOTE, "product-key", "/unattend/b", "empty" },
	};
	struct pf_ua_findings f = { v, 2, 2 }, none = { NULL, 0, 0 };
	char *out = NULL;

	ck_assert_int_eq(pf_ua_findings_json("d\\a.xml", &f, &out), 0);
	ck_assert_str_eq(out, "{\"file\": \"d\\\\a.xml\", \"errors\": 1, \"warnings\": 0, \"notes\": 1, \"findings\": [\n"
			 "  {\"file\": \"d\\\\a.xml\", \"xpath\": \"/unattend/a\", \"rule\": \"time-zone\", "
			 "\"severity\": \"error\", \"message\": \"bad \\\"tz\\\"\"},\n"
			 "  {\"file\": \"d\\\\a.xml\", \"xpath\": \"/unattend/b\", \"rule\": \"product-key\", "
			 "\"severity\": \"note\", \"message\": \"empty\"}\n]}\n");
	free(out);
	ck_assert_int_eq(pf_ua_findings_json("a.xml", &none, &out), 0);
	ck_assert_str_eq(out, "{\"file\": \"a.xml\", \"errors\": 0, \"warnings\": 0, \"notes\": 0, \"findings\": []}\n");
	free(out);
	ck_assert_int_eq((int)pf_ua_findings_count(&f, PF_UA_NOTE), 1);
	ck_assert_str_eq(pf_ua_severity_name(PF_UA_WARNING), "warning");
	ck_assert_ptr_null(pf_ua_severity_name(7));
}
END_TEST

/* Time-zone and settings tables: exact, case-insensitive, near. */
START_TEST(test_value_tables)
{
	ck_assert_str_eq(pf_ua_timezone_find("pacific standard time"), "Pacific Standard Time");
	ck_assert_ptr_nonnull(pf_ua_timezone_find("UTC"));
	ck_assert_ptr_nonnull(pf_ua_timezone_find("W. Europe Standard Time"));
	ck_assert_ptr_null(pf_ua_timezone_find("Europe/Berlin"));
	ck_assert_str_eq(pf_ua_timezone_near("GMT Standrd Time"), "GMT Standard Time");
	ck_assert_ptr_null(pf_ua_timezone_near("Mars Time"));
	ck_assert_ptr_nonnull(pf_ua_settings_of("microsoft-windows-shell-setup"));
	ck_assert_ptr_null(pf_ua_settings_of("Microsoft-Windows-Fax-Service"));
	ck_assert_int_eq((int)pf_ua_distance("Timezone", "TimeZone", 2), 0);
	ck_assert_int_eq((int)pf_ua_distance("abc", "abd", 2), 1);
}
END_TEST

/* peforge unattend --check: "FILE: XPATH: message" lines, the count as
 * the result; an unreadable or malformed file is an error (logged). */
START_TEST(test_check_file)
{
	char *dir = test_tmpdir(), *xsd = xsd_path();
	char *good = test_write(dir, "good.xml", lint_cases[0].xml);
	char *bad = test_write(dir, "bad.xml", SHELL("specialize", "<ComputerName>12345</ComputerName><TimeZone></TimeZone>"));
	char *broken = test_write(dir, "broken.xml", "<unattend><settings></unattend>");
	char buf[4096], want[512];
	struct capture c;
	FILE *out = tmpfile();
	size_t n;
	char *err;

	ck_assert_int_eq(pf_unattend_check_file(good, xsd, out), 0);
	ck_assert_int_eq(ftell(out), 0);
	ck_assert_int_eq(pf_unattend_check_file(bad, xsd, out), 2);
	rewind(out);
	n = fread(buf, 1, sizeof(buf) - 1, out);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "%s: /unattend/settings[@pass='specialize']/component"
		 "[@name='Microsoft-Windows-Shell-Setup']/ComputerName: ComputerName '12345' "
		 "is all digits: Windows refuses that\n", bad);
	ck_assert_msg(!strncmp(buf, want, strlen(want)), "got: %s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "/TimeZone: schema: "));
	ck_assert_int_eq((int)(strchr(strchr(buf, '\n') + 1, '\n') - buf + 1), (int)n);
	capture_begin(&c);
	ck_assert_int_eq(pf_unattend_check_file(broken, xsd, out), -PF_EXML);
	ck_assert_int_lt(pf_unattend_check_file("/nonexistent/a.xml", xsd, out), 0);
	ck_assert_int_lt(pf_unattend_check_file(good, "/nonexistent/x.xsd", out), 0);
	err = capture_end(&c);
	ck_assert_msg(strstr(err, "broken.xml: not well-formed XML: line 1: ") != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/a.xml"));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.xsd: the answer-file schema is missing"));
	free(err);
	fclose(out);
	unlink(good);
	unlink(bad);
	unlink(broken);
	rmdir(dir);
	free(good);
	free(bad);
	free(broken);
	free(dir);
	free(xsd);
}
END_TEST

/* ---- the C model, the serializer, the password encoder -------------------- */

/* A small model built with the C API: a keyed list, an Order list with a
 * removal item, attributes, text, an @item list and scalar items. */
static struct pf_ua_model *small_model(void)
{
	struct pf_ua_model *m = pf_ua_model_new();
	struct pf_ua_elem *shell, *deploy, *run, *cmd, *dns, *e;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(pf_ua_model_set_arch(m, "x86"), 0);
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_OOBESYSTEM,
						   "Microsoft-Windows-Shell-Setup", &shell), 0);
	ck_assert_int_eq(pf_ua_elem_add_text(shell, "TimeZone", "UTC"), 0);
	ck_assert_int_eq(pf_ua_elem_add_text(shell, "RegisteredOwner", ""), 0);
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_SPECIALIZE,
						   "Microsoft-Windows-Deployment", &deploy), 0);
	ck_assert_int_eq(pf_ua_elem_add(deploy, "RunSynchronous", &run), 0);
	ck_assert_int_eq(pf_ua_elem_add_item(run, &cmd), 0);
	ck_assert_int_eq(pf_ua_elem_add_text(cmd, "Path", "cmd /c a&b"), 0);
	ck_assert_int_eq(pf_ua_elem_add_item(run, &cmd), 0);  /* empty: dropped */
	ck_assert_int_eq(pf_ua_elem_add_item(run, &cmd), 0);
	ck_assert_int_eq(pf_ua_elem_set_attr(cmd, "wcm:action", "remove"), 0);
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_SPECIALIZE,
						   "Microsoft-Windows-DNS-Client", &e), 0);
	ck_assert_int_eq(pf_ua_elem_add(e, "DNSServerSearchOrder", &dns), 0);
	ck_assert_int_eq(pf_ua_elem_add_item_text(dns, "10.0.0.1"), 0);
	ck_assert_int_eq(pf_ua_elem_add_item_text(dns, "10.0.0.2"), 0);
	ck_assert_int_eq(pf_ua_elem_add(e, "Custom", &e), 0);
	ck_assert_int_eq(pf_ua_elem_set_item(e, "Entry"), 0);
	ck_assert_int_eq(pf_ua_elem_set_text(e, "t"), 0);
	ck_assert_int_eq(pf_ua_elem_set_attr(e, "b", "2"), 0);
	ck_assert_int_eq(pf_ua_elem_set_attr(e, "a", "0"), 0);
	ck_assert_int_eq(pf_ua_elem_set_attr(e, "a", "1"), 0); /* replaced */
	ck_assert_int_eq(pf_ua_elem_add_item_text(e, "x"), 0);
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_GENERALIZE, "Empty", &e), 0);
	return m;
}

#define CRLF "\r\n"
#define X86_COMP(name) "<component name=\"" name "\" processorArchitecture=\"x86\" " \
	"publicKeyToken=\"31bf3856ad364e35\" language=\"neutral\" versionScope=\"nonSxS\">"

/* The serializer writes exactly these bytes for small_model(). */
START_TEST(test_serialize_bytes)
{
	static const char want[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>" CRLF
		"<unattend xmlns=\"urn:schemas-microsoft-com:unattend\" "
		"xmlns:wcm=\"http://schemas.microsoft.com/WMIConfig/2002/State\">" CRLF
		"  <settings pass=\"specialize\">" CRLF
		"    " X86_COMP("Microsoft-Windows-Deployment") CRLF
		"      <RunSynchronous>" CRLF
		"        <RunSynchronousCommand wcm:action=\"add\">" CRLF
		"          <Order>1</Order>" CRLF
		"          <Path>cmd /c a&amp;b</Path>" CRLF
		"        </RunSynchronousCommand>" CRLF
		"        <RunSynchronousCommand wcm:action=\"remove\">" CRLF
		"          <Order>2</Order>" CRLF
		"        </RunSynchronousCommand>" CRLF
		"      </RunSynchronous>" CRLF
		"    </component>" CRLF
		"    " X86_COMP("Microsoft-Windows-DNS-Client") CRLF
		"      <Custom a=\"1\" b=\"2\">t<Entry wcm:action=\"add\">x</Entry></Custom>" CRLF
		"      <DNSServerSearchOrder>" CRLF
		"        <IpAddress wcm:action=\"add\" wcm:keyValue=\"1\">10.0.0.1</IpAddress>" CRLF
		"        <IpAddress wcm:action=\"add\" wcm:keyValue=\"2\">10.0.0.2</IpAddress>" CRLF
		"      </DNSServerSearchOrder>" CRLF
		"    </component>" CRLF
		"  </settings>" CRLF
		"  <settings pass=\"oobeSystem\">" CRLF
		"    " X86_COMP("Microsoft-Windows-Shell-Setup") CRLF
		"      <TimeZone>UTC</TimeZone>" CRLF
		"    </component>" CRLF
		"  </settings>" CRLF
		"</unattend>" CRLF;
	struct pf_ua_model *m = small_model();
	char *text = NULL, *err = NULL;
	size_t len;

	ck_assert_int_eq(pf_ua_model_serialize(m, &text, &len, &err), 0);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_msg(!strcmp(text, want), "got:\n%s", text);
	free(text);
	pf_ua_model_free(m);
}
END_TEST

/* A model built with the C API writes the same bytes as the same model
 * given as a Lua table (the binding adds nothing of its own). */
START_TEST(test_model_matches_lua)
{
	char *err = NULL, *lua = build(
		"return { arch = 'x86', settings = {\n"
		"  oobeSystem = { ['Microsoft-Windows-Shell-Setup'] = { TimeZone = 'UTC',\n"
		"    RegisteredOwner = '' } },\n"
		"  generalize = { Empty = {} },\n"
		"  specialize = {\n"
		"    ['Microsoft-Windows-Deployment'] = { RunSynchronous = {\n"
		"      { Path = 'cmd /c a&b' }, {}, { ['@wcm:action'] = 'remove' } } },\n"
		"    ['Microsoft-Windows-DNS-Client'] = {\n"
		"      DNSServerSearchOrder = { '10.0.0.1', '10.0.0.2' },\n"
		"      Custom = { ['@item'] = 'Entry', ['#text'] = 't', ['@b'] = 2, ['@a'] = 1,\n"
		"        'x' } } } } }", &err);
	struct pf_ua_model *m = small_model();
	char *text = NULL;
	size_t len;

	ck_assert_msg(lua != NULL, "%s", err);
	ck_assert_int_eq(pf_ua_model_serialize(m, &text, &len, NULL), 0);
	ck_assert_str_eq(text, lua);
	free(text);
	free(lua);
	pf_ua_model_free(m);
}
END_TEST

/* Each call refuses what the model does not allow, with a message, and
 * leaves the model usable. */
START_TEST(test_model_errors)
{
	struct pf_ua_model *m = pf_ua_model_new();
	struct pf_ua_elem *c, *run, *e, *deep;
	int i, ret = 0;

#define REFUSED(call, msg) do {                                              \
		ck_assert_int_eq((call), -PF_UA_EINVAL);                     \
		ck_assert_msg(strstr(pf_ua_model_error(m), (msg)) != NULL,   \
			      "%s: %s", #call, pf_ua_model_error(m));       \
	} while (0)
	ck_assert_str_eq(pf_ua_model_error(m), "");
	REFUSED(pf_ua_model_set_arch(m, "wow64"), "expected \"amd64\", \"x86\" or \"arm64\"");
	REFUSED(pf_ua_model_set_arch(m, NULL), "expected");
	REFUSED(pf_ua_model_add_component(m, PF_UA_NPASSES, "C", &c), "not a configuration pass");
	REFUSED(pf_ua_model_add_component(m, PF_UA_SPECIALIZE, "", &c), "non-empty ASCII");
	REFUSED(pf_ua_model_add_component(m, PF_UA_SPECIALIZE, "K\xc3\xa9", &c), "non-empty ASCII");
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_SPECIALIZE, "C", &c), 0);
	REFUSED(pf_ua_model_add_component(m, PF_UA_SPECIALIZE, "C", &e), "already in pass specialize");
	REFUSED(pf_ua_elem_add(c, "bad name", &e), "'bad name' is not an XML element name");
	REFUSED(pf_ua_elem_add(c, "u:x", &e), "is not an XML element name");
	REFUSED(pf_ua_elem_add_text(c, "A", "a\x01"), "text is not valid UTF-8 or holds control");
	REFUSED(pf_ua_elem_add_text(c, "A", "\xff"), "not valid UTF-8");
	ck_assert_int_eq(pf_ua_elem_add_text(c, "A", "tab\tok"), 0);
	REFUSED(pf_ua_elem_add(c, "A", &e), "<component> already has a child <A>");
	REFUSED(pf_ua_elem_set_attr(c, "x:y", "1"), "'@x:y' is not an attribute name");
	REFUSED(pf_ua_elem_set_attr(c, "n", "\xc3\xa9"), "attribute @n: only ASCII");
	REFUSED(pf_ua_elem_add_item(c, &e), "<component> has list items but no item name");
	ck_assert_ptr_null(pf_ua_elem_item(c));
	ck_assert_int_eq(pf_ua_elem_add(c, "RunSynchronous", &run), 0);
	ck_assert_str_eq(pf_ua_elem_item(run), "RunSynchronousCommand");
	REFUSED(pf_ua_elem_add_item_text(run, "cmd"), "gets an <Order>");
	ck_assert_int_eq(pf_ua_elem_add(run, "RunSynchronousCommand", &e), 0);
	REFUSED(pf_ua_elem_add_item(run, &e), "both a child <RunSynchronousCommand> and list items");
	ck_assert_int_eq(pf_ua_elem_add(c, "List", &e), 0);
	ck_assert_int_eq(pf_ua_elem_set_item(e, "It"), 0);
	ck_assert_int_eq(pf_ua_elem_add_item(e, NULL), 0);
	REFUSED(pf_ua_elem_add(e, "It", NULL), "both a child <It> and list items");
	REFUSED(pf_ua_elem_set_item(e, "Other"), "has items already");
	REFUSED(pf_ua_elem_set_item(c, "1x"), "is not an XML element name");
	for (deep = c, i = 0; i < PF_UA_MAX_DEPTH && !ret; i++)
		ret = pf_ua_elem_add(deep, "D", &deep);
	ck_assert_int_eq(ret, 0);
	REFUSED(pf_ua_elem_add(deep, "D", &deep), "nested more than");
#undef REFUSED
	/* what was accepted still writes */
	{
		char *text = NULL;
		size_t len;

		ck_assert_int_eq(pf_ua_model_serialize(m, &text, &len, NULL), 0);
		ck_assert_ptr_nonnull(strstr(text, "<A>tab\tok</A>"));
		ck_assert_ptr_null(strstr(text, "<List"));        /* its item is empty */
		free(text);
	}
	pf_ua_model_free(m);
	ck_assert_str_eq(pf_ua_strerror(-PF_UA_EPARSE), "not well-formed XML");
	ck_assert_str_eq(pf_ua_strerror(99), "unknown error");
}
END_TEST

/* Known vectors of Windows' hidden passwords (base64 of UTF-16LE of the
 * password and the element name), computed independently. */
START_TEST(test_password_vectors)
{
	static const struct { const char *pw, *el, *want; } v[] = {
		{ "", "Password", "UABhAHMAcwB3AG8AcgBkAA==" },
		{ "S3cret!", "AdministratorPassword",
		  "UwAzAGMAcgBlAHQAIQBBAGQAbQBpAG4AaQBzAHQAcgBhAHQAbwByAFAAYQBzAHMAdwBvAHIAZAA=" },
		{ "p\xc3\xa9\xf0\x9f\x98\x80", "Password", "cADpAD3YAN5QAGEAcwBzAHcAbwByAGQA" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *e = pf_ua_password_encode(v[i].pw, v[i].el), *d;

		ck_assert_str_eq(e, v[i].want);
		d = pf_ua_password_decode(v[i].want, v[i].el);
		ck_assert_str_eq(d, v[i].pw);
		free(e);
		free(d);
	}
	ck_assert_ptr_null(pf_ua_password_encode("pw", "Pass\xff"));
	/* an unpaired surrogate does not decode */
	ck_assert_ptr_null(pf_ua_password_decode("AdhQAGEAcwBzAHcAbwByAGQA", "Password"));
}
END_TEST

/* A model keeps what it is given however much it grows (its memory comes
 * in blocks): hundreds of children, list items, a text longer than a
 * block, a text and an attribute replaced. */
START_TEST(test_model_memory)
{
	struct pf_ua_model *m = pf_ua_model_new();
	struct pf_ua_elem *c, *e, *list;
	char name[32], *big = malloc(20001), *text = NULL, *err = NULL;
	size_t len;
	xmlDoc *doc;
	int i;

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 20000);
	big[20000] = '\0';
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_SPECIALIZE, "Microsoft-Windows-X",
						   &c), 0);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "K%03d", i);
		ck_assert_int_eq(pf_ua_elem_add_text(c, name, i == 150 ? big : name), 0);
	}
	ck_assert_int_eq(pf_ua_elem_add(c, "RunSynchronous", &list), 0);
	for (i = 0; i < 40; i++) {
		ck_assert_int_eq(pf_ua_elem_add_item(list, &e), 0);
		ck_assert_int_eq(pf_ua_elem_add_text(e, "Path", "p"), 0);
	}
	ck_assert_int_eq(pf_ua_elem_add(c, "Replaced", &e), 0);
	ck_assert_int_eq(pf_ua_elem_set_text(e, "first"), 0);
	ck_assert_int_eq(pf_ua_elem_set_text(e, "second"), 0);
	ck_assert_int_eq(pf_ua_elem_set_attr(e, "a", "1"), 0);
	ck_assert_int_eq(pf_ua_elem_set_attr(e, "a", "2"), 0);
	ck_assert_int_eq(pf_ua_model_serialize(m, &text, &len, &err), 0);
	doc = parse(text);
	ck_xp(doc, "count(//u:component/*[starts-with(local-name(), 'K')])", "300");
	ck_xp(doc, "string-length(//u:K150)", "20000");
	ck_xp(doc, "//u:K299", "K299");
	ck_xp(doc, "count(//u:RunSynchronousCommand)", "40");
	ck_xp(doc, "//u:RunSynchronousCommand[40]/u:Order", "40");
	ck_xp(doc, "//u:Replaced", "second");
	ck_xp(doc, "//u:Replaced/@a", "2");
	xmlFreeDoc(doc);
	free(text);
	free(big);
	pf_ua_model_free(m);
}
END_TEST

/* Serialize DOC with pf_ua_serialize() and with libxml2's writer: the
 * same bytes. */
static void ck_same_bytes(xmlDoc *doc)
{
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;

	ck_assert_int_eq(pf_ua_serialize(doc, &a, &la), 0);
	ck_assert_int_eq(pf_ua_serialize_libxml(doc, &b, &lb), 0);
	ck_assert_uint_eq(la, lb);
	ck_assert_uint_eq(strlen(a), la);
	ck_assert_msg(!memcmp(a, b, la), "direct:\n%s\nlibxml2:\n%s", a, b);
	free(a);
	free(b);
}

/* pf_ua_serialize() writes trees itself: the bytes are libxml2's for
 * every kind of content a tree of pf_ua_model_doc() can hold (escaped
 * text, non-ASCII and broken UTF-8, CR and LF, attributes needing
 * escapes, text beside elements, empty elements, nesting deeper than
 * libxml2 indents), and for what it leaves to libxml2 (comments,
 * non-ASCII attribute values). */
START_TEST(test_serialize_direct)
{
	lua_State *L = luaL_newstate();
	struct pf_ua_model *m = NULL;
	char *err = NULL;
	xmlDoc *doc = NULL;
	xmlNode *root, *x, *deep;
	int i;

	luaL_openlibs(L);
	ck_assert_int_eq(luaL_dostring(L, rich_model), LUA_OK);
	ck_assert_int_eq(pf_lua_unattend_model(L, -1, &m, &err), 0);
	ck_assert_int_eq(pf_ua_model_doc(m, &doc), 0);
	ck_same_bytes(doc);
	root = xmlDocGetRootElement(doc);
	x = xmlNewChild(root, root->ns, (const xmlChar *)"Text", NULL);
	xmlNodeAddContent(x, (const xmlChar *)"a&b<c>d\r\ne\tf \"q\" 'x' \xc3\xa9 \xe2\x82\xac "
			  "\xf0\x9f\x98\x80 \xff\xfe \xe2\x82 end\n");
	x = xmlNewChild(root, root->ns, (const xmlChar *)"Mixed", NULL);
	xmlNodeAddContent(x, (const xmlChar *)"before");
	xmlNewChild(xmlNewChild(x, root->ns, (const xmlChar *)"In", NULL), root->ns,
		    (const xmlChar *)"Deeper", (const xmlChar *)"1");
	xmlNewChild(x, root->ns, (const xmlChar *)"Empty", NULL);
	xmlAddChild(x, xmlNewDocText(doc, (const xmlChar *)"after"));
	x = xmlNewChild(root, root->ns, (const xmlChar *)"Attrs", NULL);
	xmlSetProp(x, (const xmlChar *)"a", (const xmlChar *)"<&>\"'\t\r\n x");
	xmlSetNsProp(x, root->nsDef->next, (const xmlChar *)"action", (const xmlChar *)"add");
	xmlNewChild(root, root->ns, (const xmlChar *)"Empty", NULL);
	for (deep = root, i = 0; i < 35; i++)
		deep = xmlNewChild(deep, root->ns, (const xmlChar *)"D", NULL);
	xmlNodeAddContent(deep, (const xmlChar *)"bottom");
	ck_same_bytes(doc);
	xmlSetProp(x, (const xmlChar *)"b", (const xmlChar *)"\xc3\xa9");
	ck_same_bytes(doc);
	xmlAddChild(root, xmlNewDocComment(doc, (const xmlChar *)" a comment "));
	ck_same_bytes(doc);
	xmlFreeDoc(doc);
	pf_ua_model_free(m);
	lua_close(L);
}
END_TEST

/* The document API: parse (EPARSE with the line), check with and without
 * the XSD, query (EINVAL for a bad expression); model_write gives text and
 * findings. */
START_TEST(test_doc_api)
{
	char *xsd_file = xsd_path(), *err = NULL, *text = NULL, **v = NULL;
	struct pf_ua_findings f = { NULL, 0, 0 };
	struct pf_ua_schema *xsd = NULL;
	struct pf_ua_doc *doc = NULL;
	struct pf_ua_model *m;
	struct pf_ua_elem *c;
	size_t len, n;

	ck_assert_int_eq(pf_ua_schema_load("/nonexistent.xsd", &xsd, &err), -PF_UA_ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent.xsd: the answer-file schema is missing"));
	free(err);
	ck_assert_int_eq(pf_ua_schema_load(xsd_file, &xsd, &err), 0);
	ck_assert_int_eq(pf_ua_doc_parse("<a>\n<b>", 7, "x.xml", &doc, &err), -PF_UA_EPARSE);
	ck_assert_msg(!strncmp(err, "line 2: ", 8), "%s", err);
	free(err);
	m = pf_ua_model_new();
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_SPECIALIZE,
						   "Microsoft-Windows-Shell-Setup", &c), 0);
	ck_assert_int_eq(pf_ua_elem_add_text(c, "ComputerName", "12345"), 0);
	ck_assert_int_eq(pf_ua_model_write(m, xsd, &text, &len, &f, &err), 0);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_int_eq(f.v[0].source, PF_UA_FROM_LINT);
	ck_assert_ptr_nonnull(strstr(f.v[0].msg, "all digits"));
	ck_assert_str_eq(f.v[0].xpath, "/unattend/settings[@pass='specialize']/component"
			 "[@name='Microsoft-Windows-Shell-Setup']/ComputerName");
	pf_ua_findings_clear(&f);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_int_eq(pf_ua_doc_parse(text, len, "t.xml", &doc, &err), 0);
	ck_assert_int_eq(pf_ua_doc_check(doc, NULL, &f, &err), 0);
	ck_assert_uint_eq(f.n, 1);
	pf_ua_findings_clear(&f);
	ck_assert_int_eq(pf_ua_doc_query(doc, "//u:ComputerName|//@processorArchitecture",
					 &v, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "amd64");
	ck_assert_str_eq(v[1], "12345");
	pf_ua_strv_free(v, n);
	ck_assert_int_eq(pf_ua_doc_query(doc, "count(//u:component)", &v, &n, &err), 0);
	ck_assert(n == 1 && !strcmp(v[0], "1"));
	pf_ua_strv_free(v, n);
	ck_assert_int_eq(pf_ua_doc_query(doc, "//[", &v, &n, &err), -PF_UA_EINVAL);
	ck_assert_str_eq(err, "bad XPath expression: //[");
	free(err);
	/* a schema violation is a finding from the schema */
	pf_ua_doc_free(doc);
	ck_assert_int_eq(pf_ua_doc_parse(SHELL("specialize", "<TimeZone></TimeZone>"),
					 strlen(SHELL("specialize", "<TimeZone></TimeZone>")),
					 "t.xml", &doc, &err), 0);
	ck_assert_int_eq(pf_ua_doc_check(doc, xsd, &f, &err), 0);
	ck_assert_uint_ge(f.n, 1);
	ck_assert_int_eq(f.v[f.n - 1].source, PF_UA_FROM_SCHEMA);
	ck_assert(!strncmp(f.v[f.n - 1].msg, "schema: ", 8));
	pf_ua_findings_clear(&f);
	pf_ua_doc_free(doc);
	pf_ua_model_free(m);
	pf_ua_schema_free(xsd);
	free(text);
	free(xsd_file);
}
END_TEST

/* What one thread of test_schema_fork does: write M with S many times and
 * compare each result with WANT (text) and its one finding. */
struct fork_run {
	const struct pf_ua_model *m;
	const struct pf_ua_schema *s;
	const char *want;
	const struct pf_ua_findings *wantf;
	int bad;
};

static void *fork_thread(void *arg)
{
	struct fork_run *r = arg;
	int i;

	for (i = 0; i < 150; i++) {
		struct pf_ua_findings f = { NULL, 0, 0 };
		char *text = NULL, *err = NULL;
		size_t len;

		size_t k;

		if (pf_ua_model_write(r->m, r->s, &text, &len, &f, &err) || strcmp(text, r->want) ||
		    f.n != r->wantf->n)
			r->bad++;
		for (k = 0; k < f.n && k < r->wantf->n; k++)
			if (f.v[k].source != r->wantf->v[k].source ||
			    strcmp(f.v[k].msg, r->wantf->v[k].msg))
				r->bad++;
		pf_ua_findings_clear(&f);
		free(text);
		free(err);
	}
	return NULL;
}

/* A schema's forks: files written with a fork are the original's, with the
 * same lint and schema findings, while three threads (the schema and two
 * forks) write at once; a fork is freed before its schema. */
START_TEST(test_schema_fork)
{
	char *xsd_file = xsd_path(), *err = NULL, *want = NULL;
	struct pf_ua_findings f = { NULL, 0, 0 };
	struct pf_ua_schema *xsd = NULL, *fk[2] = { NULL, NULL };
	struct fork_run run[3];
	pthread_t th[3];
	struct pf_ua_model *m;
	struct pf_ua_elem *c;
	size_t len;
	int i;

	ck_assert_int_eq(pf_ua_schema_load(xsd_file, &xsd, &err), 0);
	m = pf_ua_model_new();
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_SPECIALIZE,
						   "Microsoft-Windows-Shell-Setup", &c), 0);
	ck_assert_int_eq(pf_ua_elem_add_text(c, "ComputerName", "12345"), 0);
	/* a lint finding and a schema one (not a number) */
	ck_assert_int_eq(pf_ua_model_add_component(m, PF_UA_OOBESYSTEM,
						   "Microsoft-Windows-Shell-Setup", &c), 0);
	ck_assert_int_eq(pf_ua_elem_add(c, "OOBE", &c), 0);
	ck_assert_int_eq(pf_ua_elem_add_text(c, "ProtectYourPC", "three"), 0);
	ck_assert_int_eq(pf_ua_model_write(m, xsd, &want, &len, &f, &err), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_int_eq(f.v[0].source, PF_UA_FROM_LINT);
	ck_assert_int_eq(f.v[1].source, PF_UA_FROM_SCHEMA);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pf_ua_schema_fork(xsd, &fk[i]), 0);
	for (i = 0; i < 3; i++) {
		run[i] = (struct fork_run){ m, i ? fk[i - 1] : xsd, want, &f, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, fork_thread, &run[i]), 0);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		ck_assert_msg(run[i].bad == 0, "thread %d: %d of 150 files differ", i, run[i].bad);
	}
	pf_ua_findings_clear(&f);
	pf_ua_schema_free(fk[0]);
	pf_ua_schema_free(fk[1]);
	pf_ua_schema_free(xsd);
	pf_ua_model_free(m);
	free(want);
	free(xsd_file);
}
END_TEST

/* Run Lua CODE with the module as `core` and the XSD path as `xsd`; the
 * string it returns (malloc'd). */
static char *lua_run(const char *code)
{
	lua_State *L = luaL_newstate();
	char *xsd = xsd_path(), *res;

	luaL_openlibs(L);
	luaL_requiref(L, "core", luaopen_peforge_unattend_core, 1);
	lua_pop(L, 1);
	lua_pushstring(L, xsd);
	lua_setglobal(L, "xsd");
	ck_assert_msg(luaL_dostring(L, code) == LUA_OK, "%s", lua_tostring(L, -1));
	res = strdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "(nil)");
	lua_close(L);
	free(xsd);
	return res;
}

/* The Lua module: build returns the text and the findings (none for a good
 * model, some for a bad one); a malformed model raises; check, query,
 * encode/decode_password and catalog work; a missing XSD is nil, msg. */
START_TEST(test_lua_module)
{
	char *r;

	r = lua_run("local t, f = core.build({ settings = { specialize = {\n"
		    "  ['Microsoft-Windows-Shell-Setup'] = { ComputerName = 'PC1' } } } }, xsd)\n"
		    "assert(#f == 0, f[1] and f[1].message)\n"
		    "local t2, f2 = core.build({ settings = { specialize = {\n"
		    "  ['Microsoft-Windows-Shell-Setup'] = { ComputerName = '123' } } } }, xsd)\n"
		    "assert(#f2 == 1 and f2[1].message:find('all digits'))\n"
		    "local ok, e = pcall(core.build, { settings = { x = {} } })\n"
		    "assert(not ok and e:find('unknown pass'))\n"
		    "assert(#core.check(t, xsd) == 0)\n"
		    "local n, m = core.check('<a', xsd)\n"
		    "assert(n == nil and m:find('line 1'))\n"
		    "local q = core.query(t, '//u:ComputerName')\n"
		    "assert(q[1] == 'PC1' and #q == 1)\n"
		    "assert(core.query(t, 'count(//u:component)')[1] == '1')\n"
		    "assert(core.query(t, '//[') == nil)\n"
		    "assert(core.decode_password(core.encode_password('x', 'Password'), 'Password') == 'x')\n"
		    "local c = core.catalog()\n"
		    "assert(c.passes[1] == 'windowsPE' and c.passes[7] == 'oobeSystem')\n"
		    "assert(c.components['Microsoft-Windows-Setup'][1] == 'windowsPE')\n"
		    "assert(c.lists.RunSynchronous == 'RunSynchronousCommand')\n"
		    "local x, msg = core.build({}, '/nonexistent.xsd')\n"
		    "assert(x == nil and msg:find('schema is missing'))\n"
		    "return 'ok'");
	ck_assert_str_eq(r, "ok");
	free(r);
}
END_TEST

/* An answer file around the windowsPE pass's DiskConfiguration DISK (or
 * nothing), in the unattend namespace unless NS is 0; malloc'd. */
static char *wipe_doc(const char *pass, const char *body, int ns)
{
	char *t = NULL;

	ck_assert_int_ge(asprintf(&t, "<?xml version=\"1.0\"?>\n<unattend%s>\n"
				  "<settings pass=\"%s\"><component name=\"Microsoft-Windows-"
				  "Setup\">%s</component></settings></unattend>\n",
				  ns ? " xmlns=\"urn:schemas-microsoft-com:unattend\"" : "",
				  pass, body), 0);
	return t;
}

/* What wipes and what does not: WillWipeDisk true (any case, or 1) on a
 * Disk, a CreatePartition in CreatePartitions, a Format in a
 * ModifyPartition; in any pass, with or without the namespace. */
static const struct {
	const char *pass, *body;
	int ns, want;
} wipe_cases[] = {
	{ "windowsPE", "<DiskConfiguration><Disk wcm:action=\"add\" xmlns:wcm=\"http://"
	  "schemas.microsoft.com/WMIConfig/2002/State\"><DiskID>0</DiskID><WillWipeDisk>"
	  "true</WillWipeDisk></Disk></DiskConfiguration>", 1, 1 },
	{ "windowsPE", "<DiskConfiguration><Disk><WillWipeDisk> TRUE </WillWipeDisk>"
	  "</Disk></DiskConfiguration>", 1, 1 },
	{ "offlineServicing", "<DiskConfiguration><Disk><WillWipeDisk>1</WillWipeDisk>"
	  "</Disk></DiskConfiguration>", 0, 1 },
	{ "windowsPE", "<DiskConfiguration><Disk><WillWipeDisk>false</WillWipeDisk>"
	  "<ModifyPartitions><ModifyPartition><Order>1</Order><PartitionID>1"
	  "</PartitionID></ModifyPartition></ModifyPartitions></Disk>"
	  "</DiskConfiguration><ImageInstall><OSImage><InstallTo><DiskID>0</DiskID>"
	  "<PartitionID>1</PartitionID></InstallTo></OSImage></ImageInstall>", 1, 0 },
	{ "windowsPE", "<DiskConfiguration><Disk><WillWipeDisk>false</WillWipeDisk>"
	  "<CreatePartitions><CreatePartition><Order>1</Order><Type>Primary</Type>"
	  "<Extend>true</Extend></CreatePartition></CreatePartitions></Disk>"
	  "</DiskConfiguration>", 1, 1 },
	{ "windowsPE", "<DiskConfiguration><Disk><CreatePartitions/></Disk>"
	  "</DiskConfiguration>", 1, 0 },
	{ "windowsPE", "<DiskConfiguration><Disk><ModifyPartitions><ModifyPartition>"
	  "<Format>NTFS</Format></ModifyPartition></ModifyPartitions></Disk>"
	  "</DiskConfiguration>", 1, 1 },
	{ "specialize", "<ComputerName>PC1</ComputerName>", 1, 0 },
	/* the words elsewhere are not the settings */
	{ "windowsPE", "<UserData><FullName>WillWipeDisk true CreatePartition"
	  "</FullName></UserData>", 1, 0 },
	{ "windowsPE", "<WillWipeDisk>true</WillWipeDisk>", 1, 0 },
};

START_TEST(test_wipe_cases)
{
	char *t = wipe_doc(wipe_cases[_i].pass, wipe_cases[_i].body, wipe_cases[_i].ns);
	char *err = NULL;
	int got = pf_ua_text_wipes(t, strlen(t), "t.xml", &err);

	ck_assert_msg(got == wipe_cases[_i].want, "case %d: got %d (%s), want %d\n%s",
		      _i, got, err ? err : "", wipe_cases[_i].want, t);
	ck_assert_ptr_null(err);
	free(t);
}
END_TEST

/* Text that is no XML is an error with a line; a file that holds no
 * settings (the network lab's "<unattend>netlab</unattend>") wipes
 * nothing. */
START_TEST(test_wipe_errors)
{
	char *err = NULL;

	ck_assert_int_eq(pf_ua_text_wipes("<unattend>\n<x>", 15, "a.xml", &err),
			 -PF_UA_EPARSE);
	ck_assert_msg(err && !strncmp(err, "line 2: ", 8), "%s", err ? err : "(null)");
	free(err);
	err = NULL;
	ck_assert_int_eq(pf_ua_text_wipes("", 0, NULL, &err), -PF_UA_EPARSE);
	free(err);
	err = NULL;
	ck_assert_int_eq(pf_ua_text_wipes("<unattend>netlab</unattend>", 27, NULL, &err), 0);
	ck_assert_ptr_null(err);
}
END_TEST

/* The corpus folder of real answer files (PEFORGE_CORPUS, else
 * ../shared/corpus beside the source or one level up), malloc'd, or NULL. */
static char *corpus_unattend(void)
{
	const char *env = getenv("PEFORGE_CORPUS"), *src = test_env("PF_SRCDIR");
	const char *fmt[] = { "%s/unattend", "%s/../shared/corpus/unattend",
			      "%s/../../shared/corpus/unattend" };
	struct stat st;
	size_t i;

	for (i = env && *env ? 0 : 1; i < 3; i++) {
		char *p = NULL;

		ck_assert_int_ge(asprintf(&p, fmt[i], i ? src : env), 0);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			return p;
		free(p);
		if (i == 0)
			break;
	}
	return NULL;
}

/* The bytes of file PATH (malloc'd, NUL-terminated), their count in *LEN. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s: cannot open", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The real answer files of the corpus: every one installs on a disk it
 * partitions (Packer and VM templates), except the sysprep file, which
 * partitions nothing.  Absent corpus (a release tarball): nothing to do. */
START_TEST(test_wipe_corpus)
{
	char *dir = corpus_unattend();
	struct dirent *e;
	size_t files = 0, keep = 0;
	DIR *d;

	if (!dir) {
		fprintf(stderr, "test_wipe_corpus: no answer-file corpus (set PEFORGE_CORPUS); "
			"skipped\n");
		return;
	}
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *path = NULL, *text, *err = NULL;
		size_t len;
		int got, want;

		if (n < 5 || strcmp(e->d_name + n - 4, ".xml"))
			continue;
		ck_assert_int_ge(asprintf(&path, "%s/%s", dir, e->d_name), 0);
		text = slurp(path, &len);
		want = strstr(e->d_name, "sysprep") == NULL;
		got = pf_ua_text_wipes(text, len, e->d_name, &err);
		ck_assert_msg(got == want, "%s: got %d (%s), want %d", e->d_name, got,
			      err ? err : "", want);
		files++;
		keep += !got;
		free(text);
		free(path);
	}
	closedir(d);
	free(dir);
	ck_assert_uint_ge(files, 70);
	ck_assert_uint_eq(keep, 1);
}
END_TEST

static Suite *suite_unattend(void)
{
	Suite *s = suite_create("unattend");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_build_namespaces);
	tcase_add_test(tc, test_build_pass_order);
	tcase_add_test(tc, test_build_component_attributes);
	tcase_add_test(tc, test_build_list_numbering);
	tcase_add_test(tc, test_build_empty_dropped);
	tcase_add_test(tc, test_build_ascii_crlf);
	tcase_add_test(tc, test_build_child_order);
	tcase_add_loop_test(tc, test_build_model_errors, 0,
			    sizeof(model_errors) / sizeof(model_errors[0]));
	tcase_add_test(tc, test_password_encoding);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_generated_file_is_clean);
	tcase_add_loop_test(tc, test_lint_cases, 0, sizeof(lint_cases) / sizeof(lint_cases[0]));
	tcase_add_test(tc, test_check_file);
	tcase_add_loop_test(tc, test_rule_cases, 0, sizeof(rule_cases) / sizeof(rule_cases[0]));
	tcase_add_test(tc, test_json_string);
	tcase_add_test(tc, test_findings_json);
	tcase_add_test(tc, test_value_tables);
	tcase_add_test(tc, test_lua_module);
	suite_add_tcase(s, tc);
	tc = tcase_create("model");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_serialize_bytes);
	tcase_add_test(tc, test_model_matches_lua);
	tcase_add_test(tc, test_model_errors);
	tcase_add_test(tc, test_password_vectors);
	tcase_add_test(tc, test_doc_api);
	tcase_add_test(tc, test_schema_fork);
	tcase_add_test(tc, test_serialize_direct);
	tcase_add_test(tc, test_model_memory);
	tcase_add_loop_test(tc, test_wipe_cases, 0, sizeof(wipe_cases) / sizeof(wipe_cases[0]));
	tcase_add_test(tc, test_wipe_errors);
	tcase_add_test(tc, test_wipe_corpus);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_unattend)
