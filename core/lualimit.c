/* core/lualimit.c - the bounds of a Lua state: an allocator that counts
 * bytes against a limit and a count hook that spends an instruction
 * budget and sees the cancel flag of the signal handler. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <lauxlib.h>

#include "error.h"
#include "job.h"
#include "log.h"
#include "lualimit.h"

static unsigned long long limit_instr = PF_LUA_DEFAULT_MAX_INSTRUCTIONS;
static unsigned long long limit_mb = PF_LUA_DEFAULT_MAX_MEMORY_MB;

int pf_lua_set_limits(unsigned long long max_instructions,
		      unsigned long long max_memory_mb)
{
	if (max_memory_mb > SIZE_MAX / (1024 * 1024))
		return -1;
	if (max_instructions)
		limit_instr = max_instructions;
	if (max_memory_mb)
		limit_mb = max_memory_mb;
	return 0;
}

void pf_lua_get_limits(unsigned long long *max_instructions,
		       unsigned long long *max_memory_mb)
{
	*max_instructions = limit_instr;
	*max_memory_mb = limit_mb;
}

/*
 * lua_Alloc: realloc/free counting the bytes in use.  A growth that would
 * pass the limit is refused (Lua then collects garbage and tries once
 * more before it raises a memory error); shrinking and freeing never fail.
 */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct pf_lua_limit *lim = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		lim->used -= old;
		return NULL;
	}
	if (nsize > old && (nsize - old > lim->max_bytes ||
			    lim->used + (nsize - old) > lim->max_bytes)) {
		lim->mem_hit = 1;
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p) {
		/* the machine, not the limit, is out of memory */
		lim->mem_hit = 0;
		return NULL;
	}
	lim->used = lim->used - old + nsize;
	if (nsize > old)
		lim->mem_hit = 0;
	return p;
}

/*
 * Count hook, every PF_LUA_HOOK_STEP instructions: spend the budget and
 * look at the cancel flag.  When either ends the state, the hook runs
 * after every instruction from then on and raises each time.
 */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct pf_lua_limit *lim;

	(void)ar;
	lua_getallocf(L, (void **)&lim);
	if (lim->trip == PF_LUA_TRIP_NONE) {
		lim->count += PF_LUA_HOOK_STEP;
		if (pf_cancel_requested)
			lim->trip = PF_LUA_TRIP_CANCEL;
		else if (lim->count > lim->max_instr)
			lim->trip = PF_LUA_TRIP_INSTRUCTIONS;
		else
			return;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	luaL_error(L, lim->trip == PF_LUA_TRIP_CANCEL ? "canceled" :
		   "instruction budget spent");
}

lua_State *pf_lua_limited_state(struct pf_lua_limit *lim)
{
	lua_State *L;

	lim->used = 0;
	lim->max_bytes = (size_t)(limit_mb * 1024 * 1024);
	lim->count = 0;
	lim->max_instr = limit_instr;
	lim->mem_hit = 0;
	lim->trip = PF_LUA_TRIP_NONE;
	L = lua_newstate(limited_alloc, lim);
	if (L)
		lua_sethook(L, count_hook, LUA_MASKCOUNT, PF_LUA_HOOK_STEP);
	return L;
}

int pf_lua_limit_error(const struct pf_lua_limit *lim, int status, const char *file)
{
	switch (lim->trip) {
	case PF_LUA_TRIP_INSTRUCTIONS:
		pf_err("%s: the recipe ran too long (over %llu instructions; raise with "
		       "--lua-max-instructions)", file, lim->max_instr);
		return -PF_ESCRIPT;
	case PF_LUA_TRIP_CANCEL:
		pf_err("%s: canceled while the recipe ran", file);
		return -PF_ECANCELED;
	case PF_LUA_TRIP_NONE:
		break;
	}
	if (status == LUA_ERRMEM && lim->mem_hit) {
		pf_err("%s: the recipe used too much memory (over %llu MiB; raise with "
		       "--lua-max-memory)", file,
		       (unsigned long long)(lim->max_bytes / (1024 * 1024)));
		return -PF_ESCRIPT;
	}
	return 0;
}
