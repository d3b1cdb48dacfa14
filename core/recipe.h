/* core/recipe.h - the recipe table turned into a plan of C structs. */
#ifndef PEFORGE_CORE_RECIPE_H
#define PEFORGE_CORE_RECIPE_H

#include <stddef.h>
#include <lua.h>
#include "args.h"

/* A file placed in the image (`files`) or on the medium (`media`). */
struct pf_plan_file {
	char *dest;  /* '/'-separated path inside the image or medium */
	char *data;  /* text to write, or NULL when SRC is given */
	size_t len;
	char *src;   /* host file, absolute, or NULL */
};

/* One requested output: outputs.NAME = "path" | { ... }. */
struct pf_plan_output {
	char *name;
	struct pf_args *args; /* a plain string value is given as "path" */
};

struct pf_plan {
	char *recipe;        /* the recipe file, as given */
	char *recipe_dir;    /* its folder, absolute */
	char *source;        /* absolute path of the media */
	char *source_type;   /* plugin name asked for, or NULL (detect) */
	char *boot_files;    /* absolute folder of boot files, or NULL */
	char *arch;          /* or NULL (detect) */
	char *image;         /* "setup", "pe", or a number; NULL = default */
	char *start;         /* start script text, or NULL */
	char *start_name;    /* its name at the image root; NULL: start.cmd */
	size_t start_len;
	char *overlay;       /* absolute folder, or NULL */
	struct pf_plan_file *files;
	size_t nfiles;
	struct pf_plan_file *media;
	size_t nmedia;
	char **drivers;      /* absolute folders */
	size_t ndrivers;
	char *drivers_dest;  /* drivers.dest: folder in the image, or NULL */
	char *unattend;      /* answer file text, or NULL */
	size_t unattend_len;
	size_t nmachine_files; /* of media: the per-machine answer files */
	char *fleet;         /* the known machines by MAC (PF_FACT_FLEET), or NULL */
	int fleet_default;   /* pe.machines' default answer file: PF_FLEET_NONE,
			      * PF_FLEET_KEEPS or PF_FLEET_WIPES (fleet_facts.h) */
	int keep_setup;
	int inplace;
	struct pf_plan_output *outputs; /* sorted by name */
	size_t noutputs;
};

/*
 * How deep the recipe's tables are read: at most this many keys in a path
 * (`outputs.pxe.a.b` has 4).  A deeper table, or a longer -D key, is an
 * error; nothing real comes close.
 */
#define PF_RECIPE_MAX_DEPTH 32
#define PF_STR_(x) #x
#define PF_STR(x) PF_STR_(x)   /* a macro's value as a string literal */

/*
 * Read the recipe table at stack index IDX of L into a new plan.  Each key
 * is checked for type; a wrong type is one error line naming the key, the
 * type expected and the type found; an unknown key is a warning.  Relative
 * paths are resolved against RECIPE_DIR.  The table is read raw (no
 * metamethod runs), under its own lua_pcall, so no table crashes it.
 * Returns 0 or -PF_ERECIPE/-PF_ESCRIPT/-PF_ENOMEM.  Free with pf_plan_free.
 */
int pf_plan_from_lua(lua_State *L, int idx, const char *recipe,
		     const char *recipe_dir, struct pf_plan **out);
void pf_plan_free(struct pf_plan *p);

/* An empty plan for RECIPE in folder RECIPE_DIR (both copied), or NULL. */
struct pf_plan *pf_plan_new(const char *recipe, const char *recipe_dir);

/*
 * The reader behind pf_plan_from_lua, for a caller that is already inside a
 * protected call (the Lua host's recipe entry): reads the table at IDX into
 * P (made by pf_plan_new).  Table walks check the stack and the depth
 * (PF_RECIPE_MAX_DEPTH) and refuse cycles and keys that are neither strings
 * nor numbers.  May raise a Lua error (out of memory only).  P is the
 * caller's to free, whatever happens.  Returns 0 or an error (logged).
 */
int pf_plan_read(lua_State *L, int idx, struct pf_plan *p);

/* 1 when KEY is a top-level recipe key of the contract. */
int pf_recipe_known_key(const char *key);

/* 1 when top-level recipe KEY takes only a boolean (keep_setup, inplace). */
int pf_recipe_key_is_bool(const char *key);

/* The type bits recipe KEY accepts (internal to recipe.c's schema); 0 when
 * KEY is unknown. */
int pf_recipe_key_types(const char *key);

#endif
