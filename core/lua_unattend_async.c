/*
 * core/lua_unattend_async.c - core.build_async: answer files written on
 * other threads while Lua goes on (pe.machines builds thousands).
 *
 *	local p = core.build_async(model, xsd)   -- the model is read now
 *	...                                      -- more Lua work
 *	local text, findings = p:result()        -- as core.build returns
 *
 * The Lua thread turns the model table into a C model (the only part that
 * needs Lua) and queues it; a pool of threads, one per CPU (at most
 * PF_LUA_UA_THREADS), writes, lints and validates it (pf_ua_model_write),
 * each with its own fork of the schema.  The pool belongs to the Lua state
 * (a userdata in the registry, created on first use); its threads block
 * every signal, so the program's signal handling stays on the main thread.
 * At most QUEUE_PER_THREAD files per thread are queued or being written:
 * build_async waits beyond that, so a fast producer does not pile models
 * up in memory.
 *
 * Lifetimes: a pending handle keeps its schema and the pool alive (user
 * values) and, when collected without result(), waits for its file; so no
 * thread uses a schema or a job that has been freed, also at lua_close,
 * which finalizes the handles (made last) first.
 */
#define _GNU_SOURCE
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>

#include "error.h"
#include "lua_unattend.h"
#include "unattend.h"

#define POOL_MT "peforge.unattend.pool"
/* the registry key of the state's pool (not POOL_MT: that one is the
 * metatable, which luaL_checkudata looks up) */
#define POOL_KEY "peforge.unattend.pool.instance"
#define PENDING_MT "peforge.unattend.pending"
#define QUEUE_PER_THREAD 4
/* Jobs queued before an idle thread is woken: a wake-up is a system call
 * and a context switch, dearer than a file when each one had its own. */
#define WAKE_BATCH 4

/* One answer file to write, and then its result. */
struct job {
	struct job *next;
	struct pf_ua_model *model;      /* made and freed by the Lua thread */
	struct pf_lua_ua_schema *schema; /* NULL: no XSD */
	int done;
	int ret;
	char *text;
	size_t len;
	struct pf_ua_findings f;
	char *err;
};

/* The writing threads and their queue (a userdata: the pool's __gc joins
 * them). */
struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *head, *tail;
	unsigned inflight;              /* queued or being written */
	unsigned queued;                /* in the queue */
	int idle;                       /* threads waiting for work */
	int stop;
	int n;                          /* threads running */
	pthread_t th[PF_LUA_UA_THREADS];
	int live;                       /* set up and not yet stopped by __gc */
};

/* A pending file as Lua holds it. */
struct pending {
	struct job *job;                /* NULL once result() took it */
	struct pool *pool;
};

/* What a thread is given: the pool and its number. */
struct worker_arg {
	struct pool *pool;
	int i;
};

/* Write JOB with fork I of its schema (called without the lock). */
static void write_job(struct job *job, int i)
{
	const struct pf_ua_schema *s = job->schema ? job->schema->forks[i] : NULL;

	/* the model is freed by the Lua thread, whose memory it is: a free
	 * into another thread's arena takes that arena's lock */
	job->ret = pf_ua_model_write(job->model, s, &job->text, &job->len, &job->f, &job->err);
}

/* A writing thread: takes the next job until the pool stops. */
static void *worker(void *arg)
{
	struct worker_arg *a = arg;
	struct pool *p = a->pool;
	int i = a->i;
	struct job *job;

	free(a);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->head && !p->stop) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->mu);
			p->idle--;
		}
		if (!p->head)
			break;
		job = p->head;
		p->head = job->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		pthread_mutex_unlock(&p->mu);
		write_job(job, i);
		pthread_mutex_lock(&p->mu);
		job->done = 1;
		p->inflight--;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* How many threads to start: the CPUs this process may use. */
static int thread_count(void)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > PF_LUA_UA_THREADS ? PF_LUA_UA_THREADS : n;
}

/* The pool's __gc: stop the threads and wait for them. */
static int pool_gc(lua_State *L)
{
	struct pool *p = luaL_checkudata(L, 1, POOL_MT);
	int i;

	if (!p->live)
		return 0;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n; i++)
		pthread_join(p->th[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	p->live = 0;
	return 0;
}

/*
 * The Lua state's pool, pushed; created (threads started) on first use.
 * A pool whose threads could not start has n = 0: the files are then
 * written on the Lua thread.
 */
static struct pool *get_pool(lua_State *L)
{
	sigset_t all, old;
	struct pool *p;
	int i, want;

	if (lua_getfield(L, LUA_REGISTRYINDEX, POOL_KEY) == LUA_TUSERDATA)
		return lua_touserdata(L, -1);
	lua_pop(L, 1);
	p = lua_newuserdatauv(L, sizeof(*p), 0);
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->live = 1;
	if (luaL_newmetatable(L, POOL_MT)) {
		lua_pushcfunction(L, pool_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	want = thread_count();
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < want; i++) {
		struct worker_arg *a = malloc(sizeof(*a));

		if (!a)
			break;
		a->pool = p;
		a->i = i;
		if (pthread_create(&p->th[p->n], NULL, worker, a)) {
			free(a);
			break;
		}
		p->n++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, POOL_KEY);
	return p;
}

/* Wake the idle threads when files wait in the queue (a batch not yet
 * handed over, before someone waits for it); called with the lock. */
static void hand_over(struct pool *p)
{
	if (p->queued && p->idle)
		pthread_cond_broadcast(&p->work);
}

/* Wait until JOB is written (JOB was queued in P). */
static void wait_job(struct pool *p, struct job *job)
{
	pthread_mutex_lock(&p->mu);
	if (!job->done)
		hand_over(p);
	while (!job->done)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

/* Free JOB, written, and what it holds. */
static void job_free(struct job *job)
{
	pf_ua_model_free(job->model);
	free(job->text);
	free(job->err);
	pf_ua_findings_clear(&job->f);
	free(job);
}

/* pending's __gc: a file nobody asked for is waited for, then freed. */
static int pending_gc(lua_State *L)
{
	struct pending *h = luaL_checkudata(L, 1, PENDING_MT);

	if (h->job) {
		wait_job(h->pool, h->job);
		job_free(h->job);
		h->job = NULL;
	}
	return 0;
}

/* pending:result() -> text, findings | nil, message (as core.build); once. */
static int pending_result(lua_State *L)
{
	struct pending *h = luaL_checkudata(L, 1, PENDING_MT);
	struct job *job = h->job;
	int n;

	if (!job)
		return luaL_error(L, "result(): this answer file's result was already taken");
	wait_job(h->pool, job);
	h->job = NULL;
	n = pf_lua_unattend_push_built(L, job->ret, job->text, job->len, &job->f, job->err);
	job->text = NULL;
	job->err = NULL;
	job_free(job);
	return n;
}

/* pending:ready() -> true when result() would not wait.  A batch not yet
 * handed to a thread is handed over, so that polling ends. */
static int pending_ready(lua_State *L)
{
	struct pending *h = luaL_checkudata(L, 1, PENDING_MT);
	struct pool *p = h->pool;
	int done = 1;

	if (h->job) {
		pthread_mutex_lock(&p->mu);
		done = h->job->done;
		if (!done)
			hand_over(p);
		pthread_mutex_unlock(&p->mu);
	}
	lua_pushboolean(L, done);
	return 1;
}

/* Give schema S a fork for each of the N threads; 0 or -PF_ENOMEM. */
static int fork_schema(struct pf_lua_ua_schema *s, int n)
{
	while (s->nforks < n) {
		if (pf_ua_schema_fork(s->schema, &s->forks[s->nforks]))
			return -PF_ENOMEM;
		s->nforks++;
	}
	return 0;
}

/* Set the metatable of pending handles on the userdata at the top. */
static void set_pending_mt(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "result", pending_result },
		{ "ready", pending_ready },
		{ NULL, NULL }
	};

	if (luaL_newmetatable(L, PENDING_MT)) {
		lua_pushcfunction(L, pending_gc);
		lua_setfield(L, -2, "__gc");
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
	}
	lua_setmetatable(L, -2);
}

/*
 * core.build_async(model [, xsd]) -> pending | nil, message
 * Reads MODEL now (raising on a malformed one, as core.build) and writes
 * its file on the pool; pending:result() gives what core.build would
 * have returned.
 */
int pf_lua_unattend_build_async(lua_State *L)
{
	struct pf_lua_ua_schema *s;
	struct pf_ua_model *m = NULL;
	struct pending *h;
	struct job *job;
	struct pool *p;
	char *err = NULL;
	int ret, failed;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_optstring(L, 2, NULL);
	lua_settop(L, 2);
	/* the Lua values first (they may raise), then what C allocates */
	s = pf_lua_unattend_schema(L, 2, &failed);     /* 3: schema ud or nil */
	if (failed)
		return 2;
	p = get_pool(L);                                 /* 4: pool */
	h = lua_newuserdatauv(L, sizeof(*h), 2);        /* 5: pending */
	h->job = NULL;
	h->pool = p;
	set_pending_mt(L);
	lua_pushvalue(L, 3);
	lua_setiuservalue(L, 5, 1);
	lua_pushvalue(L, 4);
	lua_setiuservalue(L, 5, 2);
	if (s && fork_schema(s, p->n ? p->n : 1))
		goto nomem;
	ret = pf_lua_unattend_model(L, 1, &m, &err);
	if (ret == -PF_EINVAL) {
		lua_pushstring(L, err);
		free(err);
		return lua_error(L);
	}
	if (ret || !(job = calloc(1, sizeof(*job))))
		goto nomem;
	job->model = m;
	job->schema = s;
	h->job = job;
	m = NULL;
	lua_settop(L, 5);
	if (!p->n) {
		write_job(job, 0);
		job->done = 1;
		return 1;
	}
	pthread_mutex_lock(&p->mu);
	while (p->inflight >= (unsigned)p->n * QUEUE_PER_THREAD) {
		hand_over(p);
		pthread_cond_wait(&p->done, &p->mu);
	}
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	p->inflight++;
	p->queued++;
	if (p->idle && p->queued >= WAKE_BATCH)
		pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	return 1;
nomem:
	pf_ua_model_free(m);
	luaL_pushfail(L);
	lua_pushliteral(L, "out of memory");
	return 2;
}
