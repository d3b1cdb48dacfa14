/* core/demo.c - stand-in Windows media for the demo and the tests. */
#include "config.h"

#include <errno.h>
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

/* Write a labelled stand-in file ROOT/PATH, creating its folders. */
static int write_standin(const char *root, const char *path)
{
	char *full = pf_path_join(root, path);
	char *dir = full ? pf_dirname(full) : NULL;
	char *text = NULL;
	int ret = -PF_ENOMEM;

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
	return ret;
}

/* Log a wimlib failure of WHAT and return -PF_EWIM. */
static int wim_error(const char *what, const char *path, int code)
{
	pf_err("%s: %s: %s", path, what, wimlib_get_error_string((enum wimlib_error_code)code));
	return -PF_EWIM;
}

/* Build the two-image boot.wim at PATH from the trees PE and SETUP. */
static int make_boot_wim(const char *path, const char *pe, const char *setup)
{
	WIMStruct *wim = NULL;
	struct wimlib_wim_info info;
	int w, ret = 0;

	w = wimlib_create_new_wim(WIMLIB_COMPRESSION_TYPE_LZX, &wim);
	if (w)
		return wim_error("cannot create WIM", path, w);
	w = wimlib_add_image(wim, pe, "Microsoft Windows PE (amd64)", NULL, 0);
	if (!w)
		w = wimlib_add_image(wim, setup, "Microsoft Windows Setup (amd64)", NULL, 0);
	if (w) {
		ret = wim_error("cannot capture image", path, w);
		goto out;
	}
	for (int i = 1; i <= 2 && !w; i++) {
		w = wimlib_set_image_property(wim, i, "WINDOWS/ARCH", "9");
		if (!w)
			w = wimlib_set_image_property(wim, i, "FLAGS", i == 1 ? "9" : "2");
		if (!w)
			w = wimlib_set_image_property(wim, i, "WINDOWS/EDITIONID", "WindowsPE");
	}
	if (!w) {
		memset(&info, 0, sizeof(info));
		info.boot_index = 2;
		w = wimlib_set_wim_info(wim, &info, WIMLIB_CHANGE_BOOT_INDEX);
	}
	if (!w)
		w = wimlib_write(wim, path, WIMLIB_ALL_IMAGES, 0, 0);
	if (w)
		ret = wim_error("cannot write WIM", path, w);
out:
	wimlib_free(wim);
	return ret;
}

int pf_demo_make_media(const char *dir)
{
	char *tmp = NULL, *trees = NULL, *pe = NULL, *setup = NULL, *wimpath = NULL;
	int ret, i;

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
	wimpath = pf_path_join(tmp, "sources/boot.wim");
	ret = -PF_ENOMEM;
	if (!pe || !setup || !wimpath)
		goto out;
	for (i = 0; media_files[i]; i++)
		if ((ret = write_standin(tmp, media_files[i])))
			goto out;
	for (i = 0; pe_files[i]; i++)
		if ((ret = write_standin(pe, pe_files[i])) ||
		    (ret = write_standin(setup, pe_files[i])))
			goto out;
	if ((ret = write_standin(setup, "setup.exe")) ||
	    (ret = write_standin(setup, "sources/setup.exe")))
		goto out;
	ret = make_boot_wim(wimpath, pe, setup);
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
	return ret;
}
