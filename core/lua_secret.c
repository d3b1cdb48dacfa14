/*
 * core/lua_secret.c - peforge.core.deploy_password(DIR): the password of
 * the deployment share's account (the samba output's default mode).
 *
 * It is random (read from /dev/urandom, never Lua's math.random) and kept
 * by the samba output in DIR/deploy-password (mode 0600), DIR being the
 * samba output's folder (relative to the run's output folder): a rebuild
 * into the same output folder reads it back, so the share's account, the
 * start script in the boot image and the server keep agreeing.  One run
 * has one password: the first call decides it, later calls return it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

#include "error.h"
#include "log.h"
#include "lua_secret.h"
#include "luahost.h"

/* Registry keys: the output folder, and the run's password once decided. */
#define OUTDIR_KEY "peforge.outdir"
#define PASSWORD_KEY "peforge.deploy_password"

/* The length of a generated password, and its alphabet (62 signs: about
 * 143 bits; no sign that net.exe, cmd.exe or smb.conf treat specially). */
#define PW_LEN 24
static const char ALPHABET[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int pf_lua_set_outdir(struct pf_lua *h, const char *outdir)
{
	lua_State *L = pf_lua_state(h);

	lua_pushstring(L, outdir ? outdir : ".");
	lua_setfield(L, LUA_REGISTRYINDEX, OUTDIR_KEY);
	return 0;
}

/* 1 when S (LEN bytes) is a password this module could have made: 16 to
 * 128 letters and digits. */
static int well_formed(const char *s, size_t len)
{
	size_t i;

	if (len < 16 || len > 128)
		return 0;
	for (i = 0; i < len; i++)
		if (!strchr(ALPHABET, s[i]) || !s[i])
			return 0;
	return 1;
}

/*
 * Read the kept password from PATH into BUF (size N): 1 when found and
 * well formed (a final newline is dropped), else 0.  A file that is not a
 * regular file, or is readable by others than its owner, is not used.
 */
static int read_kept(const char *path, char *buf, size_t n)
{
	struct stat st;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
		close(fd);
		return 0;
	}
	got = read(fd, buf, n - 1);
	close(fd);
	if (got <= 0)
		return 0;
	if (buf[got - 1] == '\n')
		got--;
	buf[got] = '\0';
	return well_formed(buf, (size_t)got);
}

/* A new password of PW_LEN signs in BUF (size > PW_LEN), from
 * /dev/urandom without bias (bytes >= 248 are drawn again). */
static int generate(char *buf)
{
	unsigned char r[64];
	size_t got = 0, i;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -PF_EIO;
	while (got < PW_LEN) {
		ssize_t n = read(fd, r, sizeof(r));

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			close(fd);
			return -PF_EIO;
		}
		for (i = 0; i < (size_t)n && got < PW_LEN; i++)
			if (r[i] < 248)
				buf[got++] = ALPHABET[r[i] % 62];
	}
	close(fd);
	memset(r, 0, sizeof(r));
	buf[PW_LEN] = '\0';
	return 0;
}

/*
 * peforge.core.deploy_password([DIR]) -> password, "kept"|"new": the run's
 * deployment password; the first call reads OUTDIR/DIR/deploy-password
 * (DIR: the samba output's folder, "samba" by default; absolute is used
 * as is) or generates a new one.
 */
static int l_deploy_password(lua_State *L)
{
	const char *dir = luaL_optstring(L, 1, "samba");
	const char *outdir;
	char buf[160], *path = NULL;
	int kept;

	if (lua_getfield(L, LUA_REGISTRYINDEX, PASSWORD_KEY) == LUA_TSTRING) {
		lua_pushliteral(L, "run");
		return 2;
	}
	lua_pop(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, OUTDIR_KEY);
	outdir = lua_tostring(L, -1);
	if (!outdir)
		outdir = ".";
	if (asprintf(&path, "%s%s%s/%s", dir[0] == '/' ? "" : outdir, dir[0] == '/' ? "" : "/",
		     dir, PF_DEPLOY_PASSWORD_FILE) < 0)
		return luaL_error(L, "out of memory");
	kept = read_kept(path, buf, sizeof(buf));
	free(path);
	lua_pop(L, 1);
	if (!kept && generate(buf) != 0)
		return luaL_error(L, "cannot read /dev/urandom for the deployment password: %s",
				  strerror(errno));
	lua_pushstring(L, buf);
	memset(buf, 0, sizeof(buf));
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, PASSWORD_KEY);
	lua_pushstring(L, kept ? "kept" : "new");
	return 2;
}

void pf_lua_secret_open(lua_State *L)
{
	lua_pushcfunction(L, l_deploy_password);
	lua_setfield(L, -2, "deploy_password");
}

void pf_lua_secret_notice(struct pf_lua *h)
{
	lua_State *L;
	int was = pf_log_get_level(), top;
	const char *text;

	if (!h)
		return;
	L = pf_lua_state(h);
	top = lua_gettop(L);

	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);   /* loaded */
	if (lua_getfield(L, -1, "peforge.secrets") == LUA_TTABLE &&
	    lua_getfield(L, -1, "pending") == LUA_TSTRING) {    /* loaded m text */
		text = lua_tostring(L, -1);
		/* a warning that -q does not hide */
		if (was < PF_LOG_WARN)
			pf_log_set_level(PF_LOG_WARN);
		pf_log(PF_LOG_WARN, NULL, "%s", text);
		pf_log_set_level(was);
	}
	lua_settop(L, top);
}
