/* tests/check_source_iso.c - the "iso" source plugin over ISOs generated
 * here with genisoimage: a UDF bridge whose ISO 9660 tree is hidden (as on
 * Windows 10/11 media), a Joliet image and a plain ISO 9660 image; names
 * matched case-insensitively, ranged reads, bad input, the ISO untouched. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cdio/iso9660.h>

#include "check_common.h"
#include "args.h"
#include "job.h"
#include "loader.h"
#include "util.h"

#define PATTERN_SIZE (300u * 1024u + 123u) /* ~300 KiB, not block aligned */
#define WIM_TEXT "MSWIM\0\0\0 not a real WIM, just some bytes"

static char *dir;      /* per test: tree/, the ISOs, out/ */
static struct pf_registry *reg;
static const struct pf_plugin *desc;

/* How each kind of ISO is made and what the plugin must make of it. */
static const struct kind {
	const char *file;
	const char *opts;     /* genisoimage options */
	int hide;             /* hide the ISO 9660 tree with isofix */
	const char *layout;   /* expected fact "layout" */
	int long_names;       /* names kept whole (not 8.3) */
	const char *sources;  /* the listed name of "Sources" */
	const char *bootmgr;  /* the listed name of "bootmgr" */
} kinds[] = {
	{ "a.iso", "-udf", 1, "iso-udf", 1, "Sources", "bootmgr" },
	{ "j.iso", "-J", 0, "iso-joliet", 1, "Sources", "bootmgr" },
	{ "p.iso", "", 0, "iso9660", 0, "SOURCES", "BOOTMGR" },
};
#define NKINDS ((int)(sizeof(kinds) / sizeof(kinds[0])))

/* One opened source: the plugin state, its job and arguments. */
struct opened {
	void *state;
	struct pf_job *job;
	struct pf_args *args;
};

/* Byte I of the pattern file: changes within and across 2048-byte blocks. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 31u + (i >> 11) * 7u + (i >> 8));
}

/* Write LEN bytes of DATA to DIR/NAME, creating its folders. */
static void write_bytes(const char *name, const void *data, size_t len)
{
	char *p = pf_path_join(dir, name), *d = pf_dirname(p);
	FILE *f;

	ck_assert_int_eq(pf_mkdir_p(d), 0);
	f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(d);
	free(p);
}

/* The fixture tree, with mixed-case names as on older media. */
static void make_tree(void)
{
	uint8_t *pat = malloc(PATTERN_SIZE);
	size_t i;

	ck_assert_ptr_nonnull(pat);
	for (i = 0; i < PATTERN_SIZE; i++)
		pat[i] = pattern(i);
	write_bytes("tree/README.TXT", "This disc contains a UDF file system.\r\n", 39);
	write_bytes("tree/BOOT/BCD", "bcd\n", 4);
	write_bytes("tree/Sources/boot.wim", WIM_TEXT, sizeof(WIM_TEXT) - 1);
	write_bytes("tree/Sources/Deep/Er/leaf.txt", "leaf\n", 5);
	write_bytes("tree/bootmgr", "bootmgr\n", 8);
	write_bytes("tree/efi/microsoft/boot/efisys.bin", "efisys\n", 7);
	write_bytes("tree/Data/pattern.bin", pat, PATTERN_SIZE);
	free(pat);
}

/* Run shell command CMD and fail the test unless it exits 0. */
static void run_cmd(const char *cmd)
{
	int st = system(cmd);

	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "command failed (%d): %s", st, cmd);
}

/* Make ISO kind K from the tree; returns its path (malloc'd). */
static char *make_iso(const struct kind *k)
{
	char *iso = pf_path_join(dir, k->file);
	char *cmd = pf_asprintf("genisoimage -quiet %s -o '%s' '%s/tree'", k->opts, iso, dir);

	run_cmd(cmd);
	free(cmd);
	if (k->hide) {
		cmd = pf_asprintf("'%s' hide-iso9660 '%s'", test_env("PF_ISOFIX"), iso);
		run_cmd(cmd);
		free(cmd);
	}
	return iso;
}

static void setup(void)
{
	const struct pf_loaded *loaded;
	struct capture c;
	char *so, *err;

	dir = test_tmpdir();
	make_tree();
	so = pf_path_join(test_env("PF_PLUGINS_BUILT"), "source-iso.so");
	ck_assert_int_eq(pf_registry_new(&reg), 0);
	capture_begin(&c);
	ck_assert_int_eq(pf_registry_load_file(reg, so), 0);
	err = capture_end(&c);
	ck_assert_str_eq(err, "");
	free(err);
	free(so);
	loaded = pf_registry_find(reg, PF_SOURCE, "iso");
	ck_assert_ptr_nonnull(loaded);
	desc = loaded->desc;
}

static void teardown(void)
{
	pf_registry_free(reg);
	pf_rm_rf(dir);
	free(dir);
}

/* Open and run the plugin on ISO; returns run's code, *ERR gets stderr
 * (malloc'd).  O is filled either way; close it with close_source. */
static int open_source(const char *iso, struct opened *o, char **err)
{
	char *out = pf_path_join(dir, "out");
	struct capture c;
	int ret;

	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(pf_mkdir_p(out), 0);
	o->args = pf_args_new("source");
	ck_assert_ptr_nonnull(o->args);
	ck_assert_int_eq(pf_args_set(o->args, "path", iso), 0);
	ck_assert_int_eq(pf_job_new(out, &o->job), 0);
	capture_begin(&c);
	ret = desc->open(&pf_host_table, o->args, &o->state);
	if (!ret)
		ret = desc->run(o->state, o->job);
	*err = capture_end(&c);
	free(out);
	return ret;
}

static void close_source(struct opened *o)
{
	desc->close(o->state);
	pf_job_free(o->job);
	pf_args_free(o->args);
}

/* Open ISO, expecting success and silence. */
static void open_ok(const char *iso, struct opened *o)
{
	char *err;

	ck_assert_int_eq(open_source(iso, o, &err), 0);
	ck_assert_msg(!*err, "unexpected output: %s", err);
	free(err);
}

/* Number of lines of S. */
static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The whole media file PATH read in one call (malloc'd); *LEN its size. */
static uint8_t *read_all(struct pf_job *job, const char *path, size_t *len)
{
	struct pf_stat st;
	uint8_t *buf;
	size_t got = 0;

	ck_assert_int_eq(pf_host_table.media_stat(job, path, &st), 0);
	ck_assert_int_eq(st.is_dir, 0);
	buf = malloc(st.size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(pf_host_table.media_read(job, path, 0, buf, st.size + 1, &got), 0);
	ck_assert_uint_eq(got, st.size);
	*len = got;
	return buf;
}

/* The entries a listing reported, in order. */
struct seen {
	char names[16][64];
	struct pf_stat st[16];
	int n;
};

static int list_cb(void *ctx, const char *name, const struct pf_stat *st)
{
	struct seen *s = ctx;

	ck_assert_int_lt(s->n, 16);
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	s->st[s->n++] = *st;
	return 0;
}

/* Index of NAME (exact case) in S, or -1. */
static int seen_find(const struct seen *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return i;
	return -1;
}

/* Each kind of ISO opens with its layout and nothing else is logged. */
START_TEST(test_iso_sets_layout)
{
	char *iso = make_iso(&kinds[_i]);
	struct opened o;
	const char *layout;

	open_ok(iso, &o);
	layout = pf_host_table.job_fact(o.job, "layout");
	ck_assert_ptr_nonnull(layout);
	ck_assert_str_eq(layout, kinds[_i].layout);
	close_source(&o);
	free(iso);
}
END_TEST

/* Any case of a path names the same file (boot/bcd == BOOT/BCD == Boot/Bcd),
 * through nested folders, and the bytes are the tree's. */
START_TEST(test_iso_stat_case_insensitive)
{
	const struct kind *k = &kinds[_i];
	char *iso = make_iso(k);
	static const char *const bcd[] = { "BOOT/BCD", "boot/bcd", "Boot/Bcd", "/boot\\bCD" };
	struct opened o;
	struct pf_stat st;
	uint8_t *data;
	size_t i, len;

	open_ok(iso, &o);
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "", &st), 0);
	ck_assert_int_eq(st.is_dir, 1);
	for (i = 0; i < sizeof(bcd) / sizeof(bcd[0]); i++) {
		memset(&st, 0xff, sizeof(st));
		ck_assert_int_eq(pf_host_table.media_stat(o.job, bcd[i], &st), 0);
		ck_assert_int_eq(st.is_dir, 0);
		ck_assert_uint_eq(st.size, 4);
	}
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "SOURCES", &st), 0);
	ck_assert_int_eq(st.is_dir, 1);
	ck_assert_uint_eq(st.size, 0);
	data = read_all(o.job, "sources/BOOT.WIM", &len);
	ck_assert_uint_eq(len, sizeof(WIM_TEXT) - 1);
	ck_assert_mem_eq(data, WIM_TEXT, len);
	free(data);
	data = read_all(o.job, "sources/deep/ER/Leaf.TXT", &len);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(data, "leaf\n", 5);
	free(data);
	data = read_all(o.job, "BootMgr", &len);
	ck_assert_mem_eq(data, "bootmgr\n", 8);
	free(data);
	/* plain ISO 9660 keeps 8.3 names: genisoimage cut "microsoft" */
	data = read_all(o.job, k->long_names ? "EFI/Microsoft/Boot/efisys.bin"
				     : "efi/microsof/boot/EFISYS.BIN", &len);
	ck_assert_mem_eq(data, "efisys\n", 7);
	free(data);
	close_source(&o);
	free(iso);
}
END_TEST

/* A folder lists its entries with the names as stored and their sizes;
 * listing a file is refused. */
START_TEST(test_iso_list_folder)
{
	const struct kind *k = &kinds[_i];
	char *iso = make_iso(k);
	struct opened o;
	struct seen s;
	int i;

	open_ok(iso, &o);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(pf_host_table.media_list(o.job, "", list_cb, &s), 0);
	ck_assert_int_eq(s.n, 6); /* BOOT Data README.TXT Sources bootmgr efi */
	ck_assert_int_ge(seen_find(&s, k->sources), 0);
	i = seen_find(&s, k->bootmgr);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(s.st[i].is_dir, 0);
	ck_assert_uint_eq(s.st[i].size, 8);
	ck_assert_int_ge(seen_find(&s, "README.TXT"), 0);

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(pf_host_table.media_list(o.job, "sources", list_cb, &s), 0);
	ck_assert_int_eq(s.n, 2);
	i = seen_find(&s, k->long_names ? "boot.wim" : "BOOT.WIM");
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(s.st[i].is_dir, 0);
	ck_assert_uint_eq(s.st[i].size, sizeof(WIM_TEXT) - 1);
	i = seen_find(&s, k->long_names ? "Deep" : "DEEP");
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(s.st[i].is_dir, 1);

	ck_assert_int_eq(pf_host_table.media_list(o.job, "Sources/Boot.wim", list_cb, &s),
			 -PF_EINVAL);
	close_source(&o);
	free(iso);
}
END_TEST

/* Reads by range: whole file, across 2048-byte block boundaries, and past
 * the end (a short count, then 0). */
START_TEST(test_iso_ranged_reads)
{
	static const struct { uint64_t off; size_t len; } r[] = {
		{ 2040, 20 }, { 2047, 1 }, { 2048, 2048 }, { 4095, 4098 },
		{ 100000, 70000 }, { 0, 300 * 1024 }, { PATTERN_SIZE - 1, 1 },
	};
	char *iso = make_iso(&kinds[_i]);
	struct opened o;
	uint8_t *data, *buf = malloc(PATTERN_SIZE + 64);
	size_t i, j, len, got;

	ck_assert_ptr_nonnull(buf);
	open_ok(iso, &o);
	data = read_all(o.job, "data/PATTERN.BIN", &len);
	ck_assert_uint_eq(len, PATTERN_SIZE);
	for (j = 0; j < len; j++)
		ck_assert_msg(data[j] == pattern(j), "byte %zu", j);
	free(data);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		got = 0;
		ck_assert_int_eq(pf_host_table.media_read(o.job, "Data/pattern.bin", r[i].off,
							  buf, r[i].len, &got), 0);
		ck_assert_uint_eq(got, r[i].len);
		for (j = 0; j < got; j++)
			ck_assert_msg(buf[j] == pattern(r[i].off + j), "range %zu byte %zu", i, j);
	}
	/* 10 bytes left: a short count; at and past the end: nothing */
	ck_assert_int_eq(pf_host_table.media_read(o.job, "data/pattern.bin",
						  PATTERN_SIZE - 10, buf, 64, &got), 0);
	ck_assert_uint_eq(got, 10);
	for (j = 0; j < got; j++)
		ck_assert(buf[j] == pattern(PATTERN_SIZE - 10 + j));
	got = 99;
	ck_assert_int_eq(pf_host_table.media_read(o.job, "data/pattern.bin",
						  PATTERN_SIZE, buf, 64, &got), 0);
	ck_assert_uint_eq(got, 0);
	got = 99;
	ck_assert_int_eq(pf_host_table.media_read(o.job, "data/pattern.bin",
						  PATTERN_SIZE + 5000, buf, 64, &got), 0);
	ck_assert_uint_eq(got, 0);
	/* interleaving two files keeps both right */
	ck_assert_int_eq(pf_host_table.media_read(o.job, "boot/bcd", 1, buf, 10, &got), 0);
	ck_assert_uint_eq(got, 3);
	ck_assert_mem_eq(buf, "cd\n", 3);
	ck_assert_int_eq(pf_host_table.media_read(o.job, "data/pattern.bin", 5, buf, 3, &got), 0);
	ck_assert(buf[0] == pattern(5) && buf[2] == pattern(7));
	/* a folder cannot be read */
	ck_assert_int_eq(pf_host_table.media_read(o.job, "data", 0, buf, 1, &got), -PF_EINVAL);
	close_source(&o);
	free(buf);
	free(iso);
}
END_TEST

/* A missing file or folder is -PF_ENOENT for stat, read and list, silently. */
START_TEST(test_iso_missing_is_enoent)
{
	char *iso = make_iso(&kinds[_i]), *err;
	struct opened o;
	struct pf_stat st;
	struct seen s;
	struct capture c;
	char buf[4];
	size_t got;

	open_ok(iso, &o);
	memset(&s, 0, sizeof(s));
	capture_begin(&c);
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "sources/install.wim", &st), -PF_ENOENT);
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "nope/boot.wim", &st), -PF_ENOENT);
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "bootmgr/x", &st), -PF_ENOENT);
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "boot/bcd.", &st), -PF_ENOENT);
	ck_assert_int_eq(pf_host_table.media_read(o.job, "boot/bcdx", 0, buf, 4, &got),
			 -PF_ENOENT);
	ck_assert_int_eq(pf_host_table.media_list(o.job, "boot/fonts", list_cb, &s),
			 -PF_ENOENT);
	err = capture_end(&c);
	ck_assert_str_eq(err, "");
	free(err);
	close_source(&o);
	free(iso);
}
END_TEST

/* The ISO's bytes are the same after opening and reading everything. */
START_TEST(test_iso_file_unchanged)
{
	char *iso = make_iso(&kinds[_i]), *before = NULL, *after = NULL;
	size_t blen, alen;
	struct opened o;
	struct stat st1, st2;
	uint8_t *data;

	ck_assert_int_eq(pf_read_file(iso, &before, &blen), 0);
	ck_assert_int_eq(stat(iso, &st1), 0);
	open_ok(iso, &o);
	free(read_all(o.job, "data/pattern.bin", &alen));
	data = read_all(o.job, "sources/boot.wim", &alen);
	free(data);
	close_source(&o);
	ck_assert_int_eq(pf_read_file(iso, &after, &alen), 0);
	ck_assert_int_eq(stat(iso, &st2), 0);
	ck_assert_uint_eq(blen, alen);
	ck_assert_int_eq(memcmp(before, after, blen), 0);
	ck_assert_int_eq(st1.st_mtim.tv_sec, st2.st_mtim.tv_sec);
	ck_assert_int_eq(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
	free(before);
	free(after);
	free(iso);
}
END_TEST

/* The names of the ISO 9660 root of ISO read with plain libiso9660 (no
 * Joliet), "." and ".." left out, joined by ' '; malloc'd. */
static char *iso9660_root_names(const char *iso)
{
	iso9660_t *p;
	CdioISO9660FileList_t *list;
	CdioListNode_t *n;
	char *names = calloc(1, 4096);

	ck_assert_ptr_nonnull(names);
	p = iso9660_open(iso);
	ck_assert_ptr_nonnull(p);
	list = iso9660_ifs_readdir(p, "/");
	ck_assert_ptr_nonnull(list);
	for (n = _cdio_list_begin(list); n; n = _cdio_list_node_next(n)) {
		const iso9660_stat_t *st = _cdio_list_node_data(n);

		if (strcmp(st->filename, ".") && strcmp(st->filename, "..")) {
			if (*names)
				strncat(names, " ", 4095 - strlen(names));
			strncat(names, st->filename, 4095 - strlen(names));
		}
	}
	iso9660_filelist_free(list);
	iso9660_close(p);
	return names;
}

/* isofix hides a UDF bridge's tree from ISO 9660 readers (only README.TXT
 * is left there, path table shrunk to the root), yet the plugin still sees
 * the whole tree through UDF. */
START_TEST(test_iso_udf_bridge_hidden_from_iso9660)
{
	struct kind open_bridge = kinds[0];
	char *bridge, *hidden, *names;
	uint8_t pvd[2048];
	struct opened o;
	struct pf_stat st;
	int fd;

	open_bridge.file = "u.iso";
	open_bridge.hide = 0;
	bridge = make_iso(&open_bridge);
	names = iso9660_root_names(bridge);
	ck_assert_msg(strstr(names, "BOOT") && strstr(names, "SOURCES"), "%s", names);
	free(names);

	hidden = make_iso(&kinds[0]);
	names = iso9660_root_names(hidden);
	ck_assert_str_eq(names, "README.TXT;1");
	free(names);
	fd = open(hidden, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, pvd, sizeof(pvd), 16 * 2048), (ssize_t)sizeof(pvd));
	close(fd);
	ck_assert_int_eq(pvd[0], 1);
	ck_assert_int_eq(pvd[132] | pvd[133] << 8, 10);  /* path table: root only */
	ck_assert_int_eq(pvd[138] << 8 | pvd[139], 10);

	open_ok(hidden, &o);
	ck_assert_str_eq(pf_host_table.job_fact(o.job, "layout"), "iso-udf");
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "efi/microsoft/boot/efisys.bin", &st), 0);
	ck_assert_uint_eq(st.size, 7);
	close_source(&o);
	free(bridge);
	free(hidden);
}
END_TEST

/* isofix refuses, with a message, an ISO without README.TXT in its root
 * and a file without a primary volume descriptor. */
START_TEST(test_iso_isofix_refuses)
{
	static const char *const want[] = {
		"no README.TXT in the ISO 9660 root directory",
		"no ISO 9660 primary volume descriptor",
	};
	struct kind k = kinds[1];
	char *readme = pf_path_join(dir, "tree/README.TXT");
	char *log = pf_path_join(dir, "isofix.err"), *targets[2], *cmd, *msg = NULL;
	size_t len;
	int i, st;

	ck_assert_int_eq(unlink(readme), 0);
	k.hide = 0;
	targets[0] = make_iso(&k);
	targets[1] = test_write(dir, "text.iso", "text, not an ISO\n");
	for (i = 0; i < 2; i++) {
		cmd = pf_asprintf("'%s' hide-iso9660 '%s' 2>'%s'", test_env("PF_ISOFIX"),
				  targets[i], log);
		st = system(cmd);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
		ck_assert_int_eq(pf_read_file(log, &msg, &len), 0);
		ck_assert_msg(strstr(msg, want[i]) && strstr(msg, targets[i]), "%s", msg);
		free(msg);
		free(cmd);
		free(targets[i]);
	}
	free(log);
	free(readme);
}
END_TEST

/* probe: 60 for each ISO, 0 for a text file, a folder or a missing file;
 * it never logs. */
START_TEST(test_iso_probe)
{
	struct capture c;
	char *err, *isos[NKINDS], *txt = test_write(dir, "x.iso", "hello, not an ISO\n");
	char *missing = pf_path_join(dir, "missing.iso");
	int i;

	for (i = 0; i < NKINDS; i++)
		isos[i] = make_iso(&kinds[i]);
	capture_begin(&c);
	for (i = 0; i < NKINDS; i++)
		ck_assert_int_eq(desc->probe(&pf_host_table, isos[i]), 60);
	ck_assert_int_eq(desc->probe(&pf_host_table, txt), 0);
	ck_assert_int_eq(desc->probe(&pf_host_table, dir), 0);
	ck_assert_int_eq(desc->probe(&pf_host_table, missing), 0);
	err = capture_end(&c);
	ck_assert_str_eq(err, "");
	free(err);
	for (i = 0; i < NKINDS; i++)
		free(isos[i]);
	free(missing);
	free(txt);
}
END_TEST

/* Run on ISO must fail with exactly one error line naming it and saying
 * WANT. */
static void expect_run_error(const char *iso, const char *want)
{
	struct opened o;
	char *err;

	ck_assert_int_lt(open_source(iso, &o, &err), 0);
	ck_assert_msg(strstr(err, iso) && strstr(err, want), "%s", err);
	ck_assert_msg(strstr(err, "error: ") && count_lines(err) == 1, "not one line: %s", err);
	ck_assert_ptr_null(pf_host_table.job_fact(o.job, "layout"));
	free(err);
	close_source(&o);
}

/* A text file named x.iso: probe 0, run fails with one clear line. */
START_TEST(test_iso_not_an_iso)
{
	char *txt = test_write(dir, "x.iso", "hello, not an ISO\n");

	ck_assert_int_eq(desc->probe(&pf_host_table, txt), 0);
	expect_run_error(txt, "not an ISO image");
	free(txt);
}
END_TEST

/* An ISO cut to half its size fails at run with a "truncated" line. */
START_TEST(test_iso_truncated)
{
	char *iso = make_iso(&kinds[0]), *half = pf_path_join(dir, "half.iso");
	char *cmd = pf_asprintf("cp '%s' '%s'", iso, half);
	struct stat st;

	run_cmd(cmd);
	ck_assert_int_eq(stat(half, &st), 0);
	ck_assert_int_eq(truncate(half, st.st_size / 2), 0);
	expect_run_error(half, "truncated");
	free(cmd);
	free(half);
	free(iso);
}
END_TEST

/* A missing file and a folder fail at run with one line each. */
START_TEST(test_iso_missing_file)
{
	char *missing = pf_path_join(dir, "missing.iso");

	expect_run_error(missing, "No such file");
	expect_run_error(dir, "not an ISO file");
	free(missing);
}
END_TEST

/* Listings are cached: after the file is cut to nothing, known paths still
 * stat and list, while a read of file data fails with a "truncated" line. */
START_TEST(test_iso_short_read_later)
{
	const struct kind *k = &kinds[_i];
	char *iso = make_iso(k), *err;
	struct opened o;
	struct pf_stat st;
	struct seen s;
	struct capture c;
	uint8_t buf[4096];
	size_t got;

	open_ok(iso, &o);
	ck_assert_int_eq(pf_host_table.media_read(o.job, "data/pattern.bin", 0, buf, 16, &got), 0);
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "sources/deep/er/leaf.txt", &st), 0);
	ck_assert_int_eq(truncate(iso, 0), 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(pf_host_table.media_list(o.job, "sources", list_cb, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_int_eq(pf_host_table.media_stat(o.job, "SOURCES/DEEP/ER/LEAF.TXT", &st), 0);
	ck_assert_uint_eq(st.size, 5);
	capture_begin(&c);
	ck_assert_int_eq(pf_host_table.media_read(o.job, "data/pattern.bin",
						  PATTERN_SIZE - 5000, buf, sizeof(buf), &got),
			 -PF_EIO);
	err = capture_end(&c);
	ck_assert_msg(strstr(err, "peforge: iso: error: ") && strstr(err, "truncated") &&
		      strcasestr(err, ": data/pattern.bin: read error"), "%s", err);
	free(err);
	close_source(&o);
	free(iso);
}
END_TEST

static Suite *suite_source_iso(void)
{
	Suite *s = suite_create("source-iso");
	TCase *tc = tcase_create("iso");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_iso_sets_layout, 0, NKINDS);
	tcase_add_loop_test(tc, test_iso_stat_case_insensitive, 0, NKINDS);
	tcase_add_loop_test(tc, test_iso_list_folder, 0, NKINDS);
	tcase_add_loop_test(tc, test_iso_ranged_reads, 0, NKINDS);
	tcase_add_loop_test(tc, test_iso_missing_is_enoent, 0, NKINDS);
	tcase_add_loop_test(tc, test_iso_file_unchanged, 0, NKINDS);
	tcase_add_loop_test(tc, test_iso_short_read_later, 0, NKINDS);
	tcase_add_test(tc, test_iso_udf_bridge_hidden_from_iso9660);
	tcase_add_test(tc, test_iso_isofix_refuses);
	tcase_add_test(tc, test_iso_probe);
	tcase_add_test(tc, test_iso_not_an_iso);
	tcase_add_test(tc, test_iso_truncated);
	tcase_add_test(tc, test_iso_missing_file);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_source_iso)
