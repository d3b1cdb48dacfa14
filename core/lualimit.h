/* core/lualimit.h - the bounds of a Lua state: an instruction budget and
 * a memory limit, so that no recipe hangs a scripted deployment. */
#ifndef PEFORGE_CORE_LUALIMIT_H
#define PEFORGE_CORE_LUALIMIT_H

#include <stddef.h>
#include <lua.h>

/* Defaults: generous, far above what any real recipe needs. */
#define PF_LUA_DEFAULT_MAX_INSTRUCTIONS 2000000000ULL
#define PF_LUA_DEFAULT_MAX_MEMORY_MB 1024ULL
/* The hook runs every this many Lua VM instructions. */
#define PF_LUA_HOOK_STEP 10000

/* Why a state was stopped. */
enum pf_lua_trip {
	PF_LUA_TRIP_NONE = 0,
	PF_LUA_TRIP_INSTRUCTIONS,  /* the instruction budget is spent */
	PF_LUA_TRIP_MEMORY,        /* the memory limit was hit and stayed hit */
	PF_LUA_TRIP_CANCEL,        /* a signal asked the run to stop */
};

/* The accounting of one state (the allocator's user data). */
struct pf_lua_limit {
	size_t used;                 /* bytes allocated now */
	size_t max_bytes;            /* refuse growth beyond this */
	unsigned long long count;    /* instructions run, in PF_LUA_HOOK_STEP steps */
	unsigned long long max_instr;
	int mem_hit;                 /* the last growth was refused */
	int step;                    /* the hook's count now */
	lua_State *L;                /* the state (to move the hook) */
	enum pf_lua_trip trip;
};

/*
 * Set the limits of the states made from now on (peforge's
 * --lua-max-instructions N and --lua-max-memory MB).  0 keeps the current
 * value.  Returns 0, or -1 when MAX_MEMORY_MB overflows size_t.
 */
int pf_lua_set_limits(unsigned long long max_instructions,
		      unsigned long long max_memory_mb);

/* The limits set for new states. */
void pf_lua_get_limits(unsigned long long *max_instructions,
		       unsigned long long *max_memory_mb);

/*
 * A new Lua state whose allocations are counted in LIM (which must outlive
 * it) against the memory limit, with a count hook that stops it when the
 * instruction budget is spent or the run was canceled (SIGINT, SIGTERM,
 * SIGHUP), or when an allocation was refused and the garbage collector
 * freed nothing (the next instruction then raises).  Once stopped, every further Lua instruction raises again, so a
 * recipe's pcall cannot swallow the stop.  NULL when out of memory.
 */
lua_State *pf_lua_limited_state(struct pf_lua_limit *lim);

/* Replace the base library's xpcall (call after luaL_openlibs): a stopped
 * state does not run the recipe's message handler. */
void pf_lua_limit_openlibs(lua_State *L);

/*
 * When LIM was hit (STATUS is the lua_pcall result that ended the call),
 * log the one error line for FILE and return its code (-PF_ESCRIPT, or
 * -PF_ECANCELED); 0 when the error had another cause.
 */
int pf_lua_limit_error(const struct pf_lua_limit *lim, int status, const char *file);

#endif
