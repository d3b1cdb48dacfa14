/* core/demo.c - stand-in Windows media for the demo and the tests. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wimlib.h>

#include "demo.h"
#include "log.h"
#include "util.h"

/* Files of the media tree: path, and what the stand-in stands for. */
static const char *const media_files[] = {
	"bootmgr", "bootmgr.efi", "setup.exe", "boot/bcd", "boot/boot.sdi",
	"boot/etfsboot.com", "efi/boot/bootx64.efi", "efi/microsoft/boot/bcd",
	"efi/microsoft/boot/efisys.bin", "efi/microsoft/boot/efisys_noprompt.bin",
	"sources/setup.exe", NULL
};

/* Files of the WinPE image (both images); Setup adds setup.exe twice. */
static const char *const pe_files[] = {
	"Windows/System32/startnet.cmd", "Windows/System32/config/SYSTEM",
	"Windows/System32/config/SOFTWARE", "Windows/System32/config/DEFAULT",
	"Windows/Boot/PXE/pxeboot.n12", "Windows/Boot/PXE/bootmgr.exe",
	"Windows/Boot/EFI/bootmgfw.efi", "Windows/Boot/DVD/PCAT/etfsboot.com",
	"Windows/Boot/DVD/EFI/en-US/efisys.bin", NULL
};

/* Write a labelled stand-in file ROOT/PATH (upper-cased when UPPER),
 * creating its folders. */
static int write_standin_case(const char *root, const char *path, int upper)
{
	char *name = strdup(path);
	char *full = NULL, *p;
	char *dir = NULL;
	char *text = NULL;
	int ret = -PF_ENOMEM;

	if (!name)
		goto out;
	for (p = name; upper && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	full = pf_path_join(root, name);
	dir = full ? pf_dirname(full) : NULL;
	if (!full || !dir)
		goto out;
	ret = pf_mkdir_p(dir);
	if (ret)
		goto out;
	if (!strcmp(path, "Windows/System32/startnet.cmd"))
		text = pf_asprintf("wpeinit\r\n");
	else
		text = pf_asprintf("peforge demo stand-in for %s (not a Microsoft file)\r\n",
				   path);
	ret = text ? pf_write_file_atomic(full, text, strlen(text)) : -PF_ENOMEM;
out:
	free(text);
	free(dir);
	free(full);
	free(name);
	return ret;
}

static int write_standin(const char *root, const char *path)
{
	return write_standin_case(root, path, 0);
}

/* Log a wimlib failure of WHAT and return -PF_EWIM. */
static int wim_error(const char *what, const char *path, int code)
{
	pf_err("%s: %s: %s", path, what, wimlib_get_error_string((enum wimlib_error_code)code));
	return -PF_EWIM;
}

/* wimlib's WINDOWS/ARCH number of ARCH. */
static const char *arch_num(const char *arch)
{
	if (!strcmp(arch, "x86"))
		return "0";
	if (!strcmp(arch, "arm64"))
		return "12";
	return "9";
}

/* Build boot.wim at PATH from the trees PE and SETUP (SETUP NULL: one
 * image), for ARCH. */
static int make_boot_wim(const char *path, const char *pe, const char *setup,
			 const char *arch, int lzms)
{
	WIMStruct *wim = NULL;
	struct wimlib_wim_info info;
	char name[64];
	int w, ret = 0, n = setup ? 2 : 1;

	w = wimlib_create_new_wim(lzms ? WIMLIB_COMPRESSION_TYPE_LZMS :
				  WIMLIB_COMPRESSION_TYPE_LZX, &wim);
	if (w)
		return wim_error("cannot create WIM", path, w);
	snprintf(name, sizeof(name), "Microsoft Windows PE (%s)", arch);
	w = wimlib_add_image(wim, pe, name, NULL, 0);
	snprintf(name, sizeof(name), "Microsoft Windows Setup (%s)", arch);
	if (!w && setup)
		w = wimlib_add_image(wim, setup, name, NULL, 0);
	if (w) {
		ret = wim_error("cannot capture image", path, w);
		goto out;
	}
	for (int i = 1; i <= n && !w; i++) {
		w = wimlib_set_image_property(wim, i, "WINDOWS/ARCH", arch_num(arch));
		if (!w)
			w = wimlib_set_image_property(wim, i, "FLAGS", i == 1 ? "9" : "2");
		if (!w)
			w = wimlib_set_image_property(wim, i, "WINDOWS/EDITIONID", "WindowsPE");
	}
	if (!w) {
		memset(&info, 0, sizeof(info));
		info.boot_index = (uint32_t)n;
		w = wimlib_set_wim_info(wim, &info, WIMLIB_CHANGE_BOOT_INDEX);
	}
	if (!w)
		w = wimlib_write(wim, path, WIMLIB_ALL_IMAGES,
				 lzms ? WIMLIB_WRITE_FLAG_SOLID : 0, 0);
	if (w)
		ret = wim_error("cannot write WIM", path, w);
out:
	wimlib_free(wim);
	return ret;
}

/* The editions of the stand-in install image. */
static const struct {
	const char *name, *edition;
} editions[] = {
	{ "Windows 11 Home", "Core" },
	{ "Windows 11 Pro", "Professional" },
};

/*
 * Build the install image in SOURCES (a folder) from tree TREE: install.wim
 * (LZX), install.esd (LZMS, solid) or install.swm split in parts.
 */
static int make_install(const char *sources, const char *tree, const char *kind,
			const char *arch)
{
	WIMStruct *wim = NULL;
	char *path = NULL;
	int w = 0, ret = 0, i, esd = !strcmp(kind, "esd");

	w = wimlib_create_new_wim(esd ? WIMLIB_COMPRESSION_TYPE_LZMS :
				  WIMLIB_COMPRESSION_TYPE_LZX, &wim);
	for (i = 0; !w && i < 2; i++) {
		w = wimlib_add_image(wim, tree, editions[i].name, NULL, 0);
		if (!w)
			w = wimlib_set_image_property(wim, i + 1, "WINDOWS/ARCH", arch_num(arch));
		if (!w)
			w = wimlib_set_image_property(wim, i + 1, "WINDOWS/EDITIONID",
						      editions[i].edition);
		if (!w)
			w = wimlib_set_image_property(wim, i + 1, "WINDOWS/VERSION/MAJOR", "10");
		if (!w)
			w = wimlib_set_image_property(wim, i + 1, "WINDOWS/VERSION/MINOR", "0");
		if (!w)
			w = wimlib_set_image_property(wim, i + 1, "WINDOWS/VERSION/BUILD", "26100");
	}
	if (w) {
		ret = wim_error("cannot build the install image", sources, w);
		goto out;
	}
	path = pf_asprintf("%s/install.%s", sources, !strcmp(kind, "swm") ? "wim.tmp" : kind);
	if (!path) {
		ret = -PF_ENOMEM;
		goto out;
	}
	w = wimlib_write(wim, path, WIMLIB_ALL_IMAGES, esd ? WIMLIB_WRITE_FLAG_SOLID : 0, 0);
	if (!w && !strcmp(kind, "swm")) {
		char *swm = pf_asprintf("%s/install.swm", sources);
		WIMStruct *whole = NULL;

		w = swm ? wimlib_open_wim(path, 0, &whole) : WIMLIB_ERR_NOMEM;
		if (!w)
			w = wimlib_split(whole, swm, 20000, 0);
		wimlib_free(whole);
		unlink(path);
		free(swm);
	}
	if (w)
		ret = wim_error("cannot write the install image", path, w);
out:
	free(path);
	wimlib_free(wim);
	return ret;
}

int pf_demo_make_media(const char *dir)
{
	return pf_demo_make_media_opts(dir, NULL);
}

int pf_demo_make_media_opts(const char *dir, const struct pf_demo_opts *opts)
{
	static const struct pf_demo_opts defaults = { 0 };
	const char *arch;
	char *sources = NULL;
	char *tmp = NULL, *trees = NULL, *pe = NULL, *setup = NULL, *wimpath = NULL;
	int ret, i;

	if (!opts)
		opts = &defaults;
	arch = opts->arch ? opts->arch : "amd64";

	if (access(dir, F_OK) == 0) {
		pf_err("%s: already exists; the demo media are made in a new folder", dir);
		return -PF_EEXIST;
	}
	tmp = pf_asprintf("%s.tmp-XXXXXX", dir);
	if (!tmp)
		return -PF_ENOMEM;
	if (!mkdtemp(tmp)) {
		pf_err("%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -PF_EIO;
	}
	ret = pf_mkdtemp("peforge-demo", &trees);
	if (ret)
		goto out;
	pe = pf_path_join(trees, "pe");
	setup = pf_path_join(trees, "setup");
	wimpath = pf_path_join(tmp, opts->upper_case ? "SOURCES/BOOT.WIM" : "sources/boot.wim");
	sources = pf_dirname(wimpath ? wimpath : "");
	ret = -PF_ENOMEM;
	if (!pe || !setup || !wimpath || !sources)
		goto out;
	for (i = 0; media_files[i]; i++) {
		const char *f = media_files[i];

		/* the UEFI loader is named after the architecture */
		if (!strcmp(f, "efi/boot/bootx64.efi") && strcmp(arch, "amd64"))
			f = !strcmp(arch, "x86") ? "efi/boot/bootia32.efi" : "efi/boot/bootaa64.efi";
		if ((ret = write_standin_case(tmp, f, opts->upper_case)))
			goto out;
	}
	for (i = 0; pe_files[i]; i++)
		if ((ret = write_standin(pe, pe_files[i])) ||
		    (ret = write_standin(setup, pe_files[i])))
			goto out;
	if ((ret = write_standin(setup, "setup.exe")) ||
	    (ret = write_standin(setup, "sources/setup.exe")))
		goto out;
	ret = make_boot_wim(wimpath, pe, opts->one_image ? NULL : setup, arch,
			    opts->boot_lzms);
	if (!ret && opts->install) {
		/* incompressible data, so a split install.swm has several parts */
		char *blob = pf_path_join(pe, "Windows/System32/data.bin");
		unsigned char buf[49152];
		uint32_t x = 2463534242u;
		size_t k;

		for (k = 0; k < sizeof(buf); k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[k] = (unsigned char)x;
		}
		ret = blob ? pf_write_file_atomic(blob, buf, sizeof(buf)) : -PF_ENOMEM;
		free(blob);
		if (!ret)
			ret = make_install(sources, pe, opts->install,
					   opts->install_arch ? opts->install_arch : arch);
	}
	if (ret)
		goto out;
	if (chmod(tmp, 0755) != 0 || rename(tmp, dir) != 0) {
		pf_err("%s: cannot rename %s into place: %s", dir, tmp, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	ret = 0;
out:
	if (ret && tmp)
		pf_rm_rf(tmp);
	if (trees) {
		pf_rm_rf(trees);
		free(trees);
	}
	free(tmp);
	free(pe);
	free(setup);
	free(wimpath);
	free(sources);
	return ret;
}
