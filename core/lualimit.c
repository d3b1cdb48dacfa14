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

static void count_hook(lua_State *L, lua_Debug *ar);

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
		/* the hook looks at the next instruction whether Lua's
		 * emergency collection made room (lua_sethook is safe here) */
		if (lim->L && lim->step != 1) {
			lim->step = 1;
			lua_sethook(lim->L, count_hook, LUA_MASKCOUNT, 1);
		}
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
 * Count hook, every PF_LUA_HOOK_STEP instructions (every instruction
 * after a refused allocation): spend the budget, look at the cancel flag
 * and at the memory limit.  When one of them ends the state, the hook
 * runs after every instruction from then on and raises each time.
 */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct pf_lua_limit *lim;

	(void)ar;
	lua_getallocf(L, (void **)&lim);
	if (lim->trip == PF_LUA_TRIP_NONE) {
		lim->count += (unsigned long long)lim->step;
		if (pf_cancel_requested)
			lim->trip = PF_LUA_TRIP_CANCEL;
		else if (lim->count > lim->max_instr)
			lim->trip = PF_LUA_TRIP_INSTRUCTIONS;
		else if (lim->mem_hit)
			lim->trip = PF_LUA_TRIP_MEMORY;
		else {
			if (lim->step != PF_LUA_HOOK_STEP) {
				/* the collector made room: back to the slow pace */
				lim->step = PF_LUA_HOOK_STEP;
				lua_sethook(L, count_hook, LUA_MASKCOUNT, lim->step);
			}
			return;
		}
		lim->step = 1;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	luaL_error(L, lim->trip == PF_LUA_TRIP_CANCEL ? "canceled" :
		   lim->trip == PF_LUA_TRIP_MEMORY ? "memory limit reached" :
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
	lim->step = PF_LUA_HOOK_STEP;
	lim->L = NULL;
	lim->trip = PF_LUA_TRIP_NONE;
	L = lua_newstate(limited_alloc, lim);
	if (L) {
		lua_sethook(L, count_hook, LUA_MASKCOUNT, PF_LUA_HOOK_STEP);
		lim->L = L;
	}
	return L;
}

/*
 * Message handler of xpcall: upvalue 1 is the recipe's handler.  Once the
 * state is stopped it is not called: an error raised from the count hook
 * runs the handler with hooks off, so a looping handler would never end.
 */
static int xpcall_handler(lua_State *L)
{
	struct pf_lua_limit *lim;

	lua_getallocf(L, (void **)&lim);
	if (lim->trip != PF_LUA_TRIP_NONE)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* What xpcall returns after the call (status ST; EXTRA values below). */
static int finish_xpcall(lua_State *L, int st, lua_KContext extra)
{
	if (st != LUA_OK && st != LUA_YIELD) {
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

/* xpcall(f, msgh, ...) as in Lua, with msgh behind xpcall_handler. */
static int l_xpcall(lua_State *L)
{
	int n = lua_gettop(L), st;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_handler, 1);
	lua_replace(L, 2);                             /* f h args */
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);                           /* f h args true f */
	lua_rotate(L, 3, 2);                           /* f h true f args */
	st = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_xpcall);
	return finish_xpcall(L, st, 2);
}

void pf_lua_limit_openlibs(lua_State *L)
{
	lua_pushcfunction(L, l_xpcall);
	lua_setglobal(L, "xpcall");
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
	case PF_LUA_TRIP_MEMORY:
	case PF_LUA_TRIP_NONE:
		break;
	}
	if (lim->trip == PF_LUA_TRIP_MEMORY || (status == LUA_ERRMEM && lim->mem_hit)) {
		pf_err("%s: the recipe used too much memory (over %llu MiB; raise with "
		       "--lua-max-memory)", file,
		       (unsigned long long)(lim->max_bytes / (1024 * 1024)));
		return -PF_ESCRIPT;
	}
	return 0;
}
