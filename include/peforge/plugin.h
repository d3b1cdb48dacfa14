/*
 * peforge/plugin.h - the only header a peforge plugin includes.
 *
 * A plugin is a shared object that exports ONE const descriptor,
 * `const struct pf_plugin pf_plugin_v1`, and links against no peforge
 * symbol: everything it needs from the core comes through the
 * `struct pf_host` function table handed to `open`.
 *
 * Build a plugin out of tree with:
 *
 *   cc -shared -fPIC -fvisibility=hidden \
 *      $(pkg-config --cflags peforge-plugin) -o my.so my.c
 *
 * and load it by putting its folder in PEFORGE_PLUGIN_PATH (colon-separated)
 * or installing it in $(pkg-config --variable=plugindir peforge-plugin).
 *
 * ABI rule: PF_PLUGIN_ABI is bumped on ANY change to this file that changes
 * a struct layout, a function signature or the meaning of a value, with one
 * exception: new functions may be APPENDED to struct pf_host; a plugin
 * checks PF_HOST_HAS(host, member) before using one (every member up to
 * arg_path is part of ABI 2 and always there).  The
 * loader refuses a plugin whose descriptor says another ABI.  The symbol
 * name `pf_plugin_v1` and the position of `abi` as the first member never
 * change, so an old core can always read a new plugin's ABI and say why it
 * refuses it.
 *
 * Conventions: every function that can fail returns 0 or a negative
 * `-PF_E*` code; out-parameters are written only on success.  Paths inside
 * the media and the WinPE image use '/' separators, are relative to their
 * root, and are matched case-insensitively, as Windows does.
 */
#ifndef PEFORGE_PLUGIN_H
#define PEFORGE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The plugin ABI version this header describes.  ABI 2 added the
 * descriptor's `rank` and `options`, and the host's arg_uint, arg_enum,
 * arg_path; a real cancel from `progress`. */
#define PF_PLUGIN_ABI 2

/* The name of the one symbol a plugin exports. */
#define PF_PLUGIN_SYMBOL "pf_plugin_v1"

/* Mark the descriptor exported even when building with -fvisibility=hidden. */
#define PF_EXPORT __attribute__((visibility("default")))

#if defined(__GNUC__)
#define PF_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PF_PRINTF(f, a)
#endif

/* What a plugin does in the pipeline. */
enum pf_plugin_kind {
	PF_SOURCE = 1,   /* reads Windows media: sets the job's media and facts */
	PF_INJECTOR = 2, /* builds the one customized boot.wim from the staging */
	PF_DRIVERS = 3,  /* adds driver packages to the staging */
	PF_OUTPUT = 4,   /* writes a result (ISO, disk image, WIM, PXE tree...) */
};

/*
 * Error codes.  Functions return 0 or the negative of one of these.  The
 * list is one X-macro, X(NAME, VALUE, MESSAGE), from which the enum
 * (PF_NAME = VALUE), the names ("PF_NAME") and the messages are made; the
 * values never change (they appear in JSON and in old plugins).
 */
#define PF_ERRORS(X) \
	X(OK, 0, "success") \
	X(ENOMEM, 1, "out of memory") \
	X(EINVAL, 2, "invalid argument") \
	X(EIO, 3, "input/output error") \
	X(ENOENT, 4, "no such file or directory") \
	X(EEXIST, 5, "already exists") \
	X(EUSAGE, 6, "bad command line") \
	X(EPLUGIN, 7, "plugin error") \
	X(ESCRIPT, 8, "Lua script error") \
	X(ERECIPE, 9, "invalid recipe") \
	X(EMEDIA, 10, "unusable source media") \
	X(EWIM, 11, "WIM error") \
	X(EXML, 12, "XML error") \
	X(EUNSUPPORTED, 13, "not supported") \
	X(ECANCELED, 14, "canceled") \
	X(EINTERNAL, 15, "internal error")

#define PF_ERROR_ENUM_(name, value, message) PF_##name = value,
enum pf_error {
	PF_ERRORS(PF_ERROR_ENUM_)
	PF_ERROR_MAX
};
#undef PF_ERROR_ENUM_

/*
 * The facts of a job (job_fact / job_set_fact keys).  Use these names, not
 * the strings, so that a typo is a compile error.
 */
#define PF_FACT_LAYOUT "layout"             /* source: dir, iso-udf, iso-joliet, iso9660, adk, waik, wim */
#define PF_FACT_KIT_ARCH "kit_arch"         /* source adk: the kit's architecture folder */
#define PF_FACT_BOOT_WIM "boot_wim"         /* core: "sources/boot.wim" */
#define PF_FACT_DEFAULT_IMAGE "default_image" /* core: "1" or "2" */
#define PF_FACT_ARCH "arch"                 /* core: x86, amd64, arm64 (when known) */
#define PF_FACT_INSTALL_WIM "install_wim"   /* core: the install image, when there is one */
#define PF_FACT_WIM_LINKABLE "wim_linkable" /* injector wim: "true" when job_wim() may be hard-linked */
#define PF_FACT_ISO_PATH "iso_path"         /* output iso: the ISO it wrote */
/* core, before the source runs: "true" when wimboot will serve the run's
 * boot.wim (a pxe output with loader = "ipxe").  wimboot reads only LZX or
 * XPRESS resources in 32 KiB chunks, so the injector then writes the WIM
 * that way (recompressing what differs) and refuses inplace = true on a
 * WIM that is not already so.  Absent otherwise. */
#define PF_FACT_WIMBOOT "wimboot"
/* injector wim: the source image it customized, its index ("2") and name */
#define PF_FACT_IMAGE_INDEX "image_index"
#define PF_FACT_IMAGE_NAME "image_name"
/* core: the Windows language ID of the customized image's default
 * language, four hex digits ("0409" for en-US, "0407" for de-DE), when the
 * boot.wim says it (WINDOWS/LANGUAGES/DEFAULT) and peforge knows the tag */
#define PF_FACT_LANGID "langid"
/* core, before the source runs: the machines the recipe knows by MAC
 * (pe.machines), one line per MAC, tab-separated:
 *	MAC	ID	wipe|keep	ANSWER-FILE[	UEFI-ANSWER-FILE]
 * MAC as aa-bb-cc-dd-ee-ff; ID the inventory name, else the machine's first
 * id; wipe when its answer file wipes or repartitions a disk; the answer
 * file's medium path ("unattend/aa-bb-cc-dd-ee-ff.xml"; with firmware
 * variants the BIOS file, then the UEFI one; "-" when none).  Absent when
 * the recipe knows no machine by MAC. */
#define PF_FACT_FLEET "fleet"
/* core, before the source runs: "true" when the answer file a machine the
 * fleet does not know gets (pe.machines' default file, else the recipe's
 * unattend) wipes or repartitions a disk, else "false" (also without one). */
#define PF_FACT_DEFAULT_WIPES "default_wipes"
/* The one chunk size wimboot reads (PF_FACT_WIMBOOT). */
#define PF_WIMBOOT_CHUNK_SIZE 32768

/* Log levels for pf_host.log. */
enum pf_log_level {
	PF_LOG_ERROR = 0,
	PF_LOG_WARN = 1,
	PF_LOG_INFO = 2,
	PF_LOG_DEBUG = 3,
};

/* Opaque handles owned by the core. */
struct pf_args; /* the recipe values given to one plugin */
struct pf_job;  /* one run of the pipeline */

/* What stat on the media reports. */
struct pf_stat {
	uint64_t size; /* bytes; 0 for a directory */
	int is_dir;    /* 1 for a directory */
};

/*
 * Called once per directory entry by media list.  `name` is the entry's
 * name as stored on the media (original case).  Return 0 to go on, or a
 * negative code to stop the listing and make it return that code.
 */
typedef int (*pf_list_cb)(void *ctx, const char *name, const struct pf_stat *st);

/*
 * The read-only file tree a source plugin opens.  The core owns the media
 * state after job_set_media succeeds and calls `free` at the end of the run.
 * Paths are relative to the media root ("" is the root itself) and are
 * matched case-insensitively.
 */
struct pf_media_ops {
	/* stat PATH; -PF_ENOENT when absent. */
	int (*stat)(void *media, const char *path, struct pf_stat *st);
	/* call cb for each entry of directory PATH (not "." or ".."). */
	int (*list)(void *media, const char *path, pf_list_cb cb, void *ctx);
	/* read up to LEN bytes at OFFSET of file PATH; *got is what was read
	 * (less than LEN only at the end of the file). */
	int (*read)(void *media, const char *path, uint64_t offset, void *buf,
		    size_t len, size_t *got);
	/* optional (may be NULL): a path of the host file system holding the
	 * file's bytes, for libraries that need a file name (wimlib).  The
	 * string is malloc'd; the caller frees it. */
	int (*local_path)(void *media, const char *path, char **out);
	/* release the media state. */
	void (*free)(void *media);
};

/* One edit of the WinPE image or of the boot medium, kept in the staging. */
enum pf_edit_op {
	PF_EDIT_ADD_DATA = 1, /* add `path` with bytes `data`/`len` */
	PF_EDIT_ADD_FILE = 2, /* add `path` from host file `src` */
	PF_EDIT_ADD_TREE = 3, /* merge host directory `src` into directory `path` */
	PF_EDIT_DELETE = 4,   /* delete `path` (no error when absent) */
	PF_EDIT_RENAME = 5,   /* rename `path` to `dest` (no error when absent) */
};

/* Where an edit applies. */
enum pf_edit_target {
	PF_TARGET_IMAGE = 1,  /* inside boot.wim (X:\ in WinPE) */
	PF_TARGET_MEDIUM = 2, /* the boot medium's file tree (ISO/disk/PXE root) */
};

struct pf_edit {
	enum pf_edit_op op;
	enum pf_edit_target target;
	const char *path;     /* destination, '/'-separated, relative */
	const char *src;      /* ADD_FILE, ADD_TREE: host path */
	const char *dest;     /* RENAME: new path */
	const void *data;     /* ADD_DATA */
	size_t len;           /* ADD_DATA */
	const char *origin;   /* who asked for it, for messages ("recipe files") */
};

/* The type of a declared option (struct pf_option). */
enum pf_option_type {
	PF_OPT_STRING = 1, /* any text */
	PF_OPT_BOOL = 2,   /* true/false, yes/no, 1/0: read with arg_bool */
	PF_OPT_UINT = 3,   /* a whole number in [min, max]: read with arg_uint */
	PF_OPT_ENUM = 4,   /* one of `words`: read with arg_enum */
	PF_OPT_PATH = 5,   /* a host path, relative to the recipe: read with arg_path */
	PF_OPT_TABLE = 6,  /* NAME and every NAME.* key (a nested table or a list,
			      flattened: "netuse.server", "list.1") */
};

/*
 * One option a plugin reads, declared in its descriptor (`options`, an
 * array ended by an entry whose name is NULL).  The core refuses a key the
 * plugin does not declare before any plugin is opened (with a "did you
 * mean" suggestion), and `peforge help outputs` prints the declarations.
 * Only `name`, `type` and `help` are required.
 */
struct pf_option {
	const char *name;          /* the key, as arg_string reads it */
	enum pf_option_type type;
	const char *dflt;          /* the default as text, for help; NULL: none;
				      "required": the plugin needs it */
	const char *help;          /* one line */
	const char *const *words;  /* PF_OPT_ENUM: the allowed words, NULL-terminated */
	uint64_t min, max;         /* PF_OPT_UINT: the range (informative; arg_uint
				      takes its own range) */
};

/*
 * The functions the core lends to plugins.  `size` is sizeof(struct pf_host)
 * as compiled into the core.  All strings returned are owned by the core and
 * stay valid until the end of the run unless stated otherwise.
 */
struct pf_host {
	uint32_t abi;          /* PF_PLUGIN_ABI of the core */
	uint32_t size;         /* sizeof(struct pf_host) */
	const char *version;   /* peforge's version string */

	/* ---- messages ---- */
	/* Log a message.  WHO is the plugin name (prefixed to the line). */
	void (*log)(int level, const char *who, const char *fmt, ...) PF_PRINTF(3, 4);
	/* Report progress of STAGE: DONE of TOTAL units (TOTAL 0 = unknown).
	 * Returns 0, or -PF_ECANCELED once the run was canceled (peforge got
	 * SIGINT, SIGTERM or SIGHUP): the plugin then stops its work, cleans
	 * up and returns -PF_ECANCELED from `run`.  Call it often in long
	 * loops (STAGE NULL: only check for the cancel, show nothing); the
	 * core also stops between plugins. */
	int (*progress)(struct pf_job *job, const char *stage, uint64_t done,
			uint64_t total);
	/* A message for an error code (positive or negative). */
	const char *(*strerror)(int err);

	/* ---- arguments from the recipe ---- */
	/* The string value of KEY, or NULL when absent.  Numbers and booleans
	 * are given as text ("3", "true"); a nested table's keys are joined
	 * with '.' ("netuse.server"). */
	const char *(*arg_string)(const struct pf_args *args, const char *key);
	/* KEY as a boolean ("true"/"false", "yes"/"no", "1"/"0"); DFLT when
	 * absent; -PF_ERECIPE (logged) when it is something else. */
	int (*arg_bool)(const struct pf_args *args, const char *key, int dflt);

	/* ---- the job ---- */
	/* The output folder, an absolute path. */
	const char *(*job_outdir)(struct pf_job *job);
	/* A private temporary folder removed at the end of the run. */
	const char *(*job_tmpdir)(struct pf_job *job);
	/* A fact about the media or the run (PF_FACT_*), or NULL. */
	const char *(*job_fact)(struct pf_job *job, const char *key);
	int (*job_set_fact)(struct pf_job *job, const char *key, const char *value);

	/* ---- media (set by the source plugin, read by the others) ---- */
	/* Hand the media to the core (sources only).  On success the core owns
	 * MEDIA and calls ops->free on it. */
	int (*job_set_media)(struct pf_job *job, const struct pf_media_ops *ops,
			     void *media);
	int (*media_stat)(struct pf_job *job, const char *path, struct pf_stat *st);
	int (*media_list)(struct pf_job *job, const char *path, pf_list_cb cb,
			  void *ctx);
	int (*media_read)(struct pf_job *job, const char *path, uint64_t offset,
			  void *buf, size_t len, size_t *got);
	/* A host path holding the file's bytes (malloc'd, caller frees); the
	 * core copies the file into the job's tmpdir when the source cannot
	 * give one. */
	int (*media_local_path)(struct pf_job *job, const char *path, char **out);

	/* ---- staging ---- */
	/* Append an edit; the core copies every field. */
	int (*edit_add)(struct pf_job *job, const struct pf_edit *edit);
	size_t (*edit_count)(struct pf_job *job);
	const struct pf_edit *(*edit_get)(struct pf_job *job, size_t i);

	/* ---- the one boot.wim of the run ---- */
	/* Record the customized boot.wim (injectors only). */
	int (*job_set_wim)(struct pf_job *job, const char *path);
	/* The customized boot.wim, or NULL when no injector ran. */
	const char *(*job_wim)(struct pf_job *job);

	/* ---- writing outputs: whole or absent ---- */
	/* Resolve NAME (relative to the output folder, or absolute) to an
	 * absolute path (malloc'd).  Fails with -PF_ENOENT, logged, when its
	 * folder does not exist. */
	int (*output_path)(struct pf_job *job, const char *name, char **out);
	/* Create a new temporary file beside FINAL and return its name
	 * (malloc'd) and an open descriptor.  FINAL is untouched until the
	 * end of the run. */
	int (*output_begin)(struct pf_job *job, const char *final, char **tmp, int *fd);
	/* fsync and close FD and stage TMP as the output FINAL: the core
	 * renames every staged output into place together when the whole run
	 * succeeded, and removes them when it failed or was interrupted (so
	 * FINAL does NOT exist yet when this returns: read it through
	 * output_staged).  FINAL is listed among the run's outputs.  On
	 * failure TMP is removed. */
	int (*output_commit)(struct pf_job *job, int fd, const char *tmp,
			     const char *final);
	/* Close FD (when >= 0) and remove TMP. */
	void (*output_abort)(struct pf_job *job, int fd, const char *tmp);

	/* ---- appended during ABI 1; always there in ABI 2 ---- */
	/* Resolve folder output NAME like output_path, except that it may
	 * already exist as a folder (it is then replaced whole). */
	int (*output_dir_path)(struct pf_job *job, const char *name, char **out);
	/* List PATH (a folder an output wrote whole) among the run's outputs
	 * (once: a path output_commit or output_dir_commit listed is not
	 * listed again). */
	int (*output_add)(struct pf_job *job, const char *path);

	/* ---- typed option readers (ABI 2) ---- */
	/* KEY as a whole number in [MIN, MAX] (decimal, no sign); DFLT when
	 * absent; -PF_ERECIPE (one error line naming the key and the range)
	 * otherwise. */
	int (*arg_uint)(const struct pf_args *args, const char *key, uint64_t dflt,
			uint64_t min, uint64_t max, uint64_t *out);
	/* KEY as one of WORDS (NULL-terminated); *INDEX is its index, or DFLT
	 * when absent; -PF_ERECIPE (one error line listing the words)
	 * otherwise. */
	int (*arg_enum)(const struct pf_args *args, const char *key,
			const char *const *words, int dflt, int *index);
	/* KEY as a host path, made absolute against the recipe's folder
	 * (`recipe_dir`, or the current folder when there is none); malloc'd,
	 * the caller frees it.  *OUT is NULL when KEY is absent or empty. */
	int (*arg_path)(const struct pf_args *args, const char *key, char **out);

	/* ---- members appended after ABI 2: check PF_HOST_HAS first ---- */
	/* Folder outputs, whole or absent, in the run's transaction: make an
	 * empty temporary folder beside folder output FINAL (*TMP, malloc'd);
	 * once it is complete, output_dir_commit stages it to replace FINAL
	 * whole at the end of the run (and lists FINAL among the outputs).
	 * Until then FINAL is untouched; a failed or interrupted run removes
	 * TMP.  (outlib_dir_begin_job / outlib_dir_commit_job use these.) */
	int (*output_dir_begin)(struct pf_job *job, const char *final, char **tmp);
	int (*output_dir_commit)(struct pf_job *job, const char *tmp, const char *final);
	/* Where the bytes of output FINAL of this run are until the run ends:
	 * its staged temporary name, or FINAL itself when it is not staged
	 * (read the iso output's file through this, not through iso_path). */
	const char *(*output_staged)(struct pf_job *job, const char *final);
	/* Called from `open`: the output opened with ARGS will write NAME (as
	 * output_path / output_dir_path take it; a folder when FOLDER).  The
	 * core refuses the run before any work when two outputs claim one
	 * path, a path is inside the source media, or it exists as a folder
	 * where a file is claimed (or the reverse). */
	int (*output_claim)(const struct pf_args *args, const char *name, int folder);
	/* The source's own host file holding media file PATH (malloc'd, the
	 * caller frees it): a folder source has one, so an output can have the
	 * kernel copy or clone it (fsu_copy_fd) instead of reading it through
	 * media_read.  -PF_EUNSUPPORTED (not logged) when the source has none
	 * (an ISO: read it through media_read then; unlike media_local_path,
	 * nothing is copied here). */
	int (*media_host_path)(struct pf_job *job, const char *path, char **out);
	/* Sources: hand the core host folder FOLDER as the job's media, read
	 * as the built-in `dir` source reads it (names matched
	 * case-insensitively, never written; a folder loop or a tree deeper
	 * than 64 levels fails the read with one line).  WHO names the plugin
	 * in messages.  0, -PF_EMEDIA (logged) when FOLDER is not a readable
	 * folder, -PF_ENOMEM. */
	int (*job_set_media_folder)(struct pf_job *job, const char *folder, const char *who);
	/* What host ROOT/PATH is, PATH's names matched case-insensitively (as
	 * on Windows media): PF_LOOKUP_FILE, PF_LOOKUP_DIR or PF_LOOKUP_NONE.
	 * For a source's probe. */
	int (*host_lookup)(const char *root, const char *path);
	/* A check the plugin started in the background, finished before the
	 * outputs are put in place, so that it runs while the next plugins
	 * work.  Its threads must call no host function.  FINISH(CTX, STOP)
	 * is called once, on the core's thread: with STOP 0 after the last
	 * output (wait for the check, show its progress; 0 lets the commit go
	 * on, a negative PF_E* code, logged by FINISH, fails the run), or with
	 * STOP 1 when the run ends first (failed or interrupted: stop the
	 * threads and free CTX; the return is ignored).  FINISH frees CTX
	 * either way.  0 or -PF_ENOMEM (FINISH is then not called). */
	int (*job_defer)(struct pf_job *job, int (*finish)(void *ctx, int stop), void *ctx);
};

/* What host_lookup finds. */
enum { PF_LOOKUP_NONE = 0, PF_LOOKUP_FILE = 1, PF_LOOKUP_DIR = 2 };

/* 1 when HOST has member MEMBER (for members appended after ABI 2). */
#define PF_HOST_HAS(host, member) \
	((host)->size >= offsetof(struct pf_host, member) + sizeof((host)->member))

/*
 * The descriptor a plugin exports as `pf_plugin_v1`.
 *
 * open:  parse ARGS (the recipe values for this plugin), keep HOST and
 *        allocate state; called once per run, before any plugin runs, so a
 *        bad argument fails before any work is done.  Required.
 * run:   do the work on JOB.  Required.
 * close: free the state; called once at the end of the run for every
 *        plugin whose open succeeded (with what open stored, maybe NULL).
 *        When open fails it must free what it allocated itself.
 * probe: sources only (NULL for others): how well the plugin reads PATH,
 *        0 = not at all, higher wins; must not log errors.
 * rank, options: see below.
 */
struct pf_plugin {
	uint32_t abi;              /* PF_PLUGIN_ABI; always the first member */
	enum pf_plugin_kind kind;
	const char *name;          /* unique per kind: "dir", "wim", "iso" */
	const char *summary;       /* one line for `peforge plugins` */
	int (*open)(const struct pf_host *host, const struct pf_args *args,
		    void **state);
	int (*run)(void *state, struct pf_job *job);
	void (*close)(void *state);
	int (*probe)(const struct pf_host *host, const char *path);
	/* outputs: the order they run in, lower first, ties by name; 0 means
	 * PF_RANK_DEFAULT.  The built-in ones: wim 10, iso 20, disk 30,
	 * pxe 40, samba 50. */
	int rank;
	/* the options the plugin reads, ended by { NULL }; NULL: not declared
	 * (the core then checks no key) */
	const struct pf_option *options;
};

/* The rank of an output whose descriptor leaves `rank` 0: after the
 * built-in outputs. */
#define PF_RANK_DEFAULT 100

#ifdef __cplusplus
}
#endif

#endif /* PEFORGE_PLUGIN_H */
