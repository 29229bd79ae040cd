/*
 * The ordered hand-off (include/tlsdiag/workq.h): a ring under one mutex.
 * The worker takes everything queued at once and runs it with the lock
 * released, so the two threads meet once per batch, not once per item. A
 * waiting worker is woken when a batch has gathered (or on a drain or the
 * stop), not for each item: a wake-up costs two system calls and a
 * context switch, more than judging a short connection.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include "tlsdiag/workq.h"

/* Items gathered before a waiting worker is woken. */
#define WAKE_BATCH 32

struct td_workq {
	pthread_mutex_t mu;
	pthread_cond_t more;  /* the worker waits for items */
	pthread_cond_t room;  /* the pusher waits for room, or for the drain */
	pthread_t thread;
	td_work_fn fn;
	void *arg;
	struct td_work *ring;
	size_t cap;
	size_t head;          /* next item to take */
	size_t count;         /* items queued, not yet taken */
	size_t running;       /* items taken, not yet run */
	size_t wake_at;       /* wake a waiting worker at this many queued */
	bool worker_waits;
	bool pusher_waits;
	bool stopping;
};

static void run_batch(struct td_workq *q, size_t first, size_t n)
{
	for (size_t i = 0; i < n; i++)
		q->fn(&q->ring[(first + i) % q->cap], q->arg);
}

static void *worker(void *arg)
{
	struct td_workq *q = arg;
	/* Named for top -H, ps -L and perf (at most 15 characters). */
	pthread_setname_np(pthread_self(), "tlsdiag-judge");
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->count && !q->stopping) {
			q->worker_waits = true;
			pthread_cond_wait(&q->more, &q->mu);
			q->worker_waits = false;
		}
		if (!q->count)
			break;
		/* The taken slots stay the worker's until it gives them back:
		 * the pusher fills only slots neither queued nor running. */
		size_t first = q->head, n = q->count;
		q->running = n;
		q->count = 0;
		q->head = (q->head + n) % q->cap;
		pthread_mutex_unlock(&q->mu);
		run_batch(q, first, n);
		pthread_mutex_lock(&q->mu);
		q->running = 0;
		if (q->pusher_waits)
			pthread_cond_signal(&q->room);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct td_workq *td_workq_start(size_t cap, td_work_fn fn, void *arg)
{
	struct td_workq *q = calloc(1, sizeof(*q));
	if (!q || cap == 0 || !(q->ring = calloc(cap, sizeof(*q->ring)))) {
		free(q);
		return NULL;
	}
	q->cap = cap;
	q->wake_at = cap / 2 < WAKE_BATCH ? (cap + 1) / 2 : WAKE_BATCH;
	q->fn = fn;
	q->arg = arg;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->room, NULL);
	/* The signals sent to the process are the reading thread's: its
	 * handlers stop the capture loop and ask for status lines. Those a
	 * thread causes itself stay: SIGPIPE when the report's reader went
	 * away (tlsdiag ... | head ends tlsdiag at once, as with one thread),
	 * and the faults. */
	static const int own[] = { SIGPIPE, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS };
	sigset_t all, old;
	sigfillset(&all);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		sigdelset(&all, own[i]);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&q->thread, NULL, worker, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		pthread_cond_destroy(&q->room);
		pthread_cond_destroy(&q->more);
		pthread_mutex_destroy(&q->mu);
		free(q->ring);
		free(q);
		return NULL;
	}
	return q;
}

void td_workq_push(struct td_workq *q, const struct td_work *w, struct td_work *done)
{
	pthread_mutex_lock(&q->mu);
	while (q->count + q->running >= q->cap) {
		q->pusher_waits = true;
		pthread_cond_wait(&q->room, &q->mu);
		q->pusher_waits = false;
	}
	struct td_work *slot = &q->ring[(q->head + q->count) % q->cap];
	*done = *slot;
	*slot = *w;
	q->count++;
	if (q->worker_waits && q->count >= q->wake_at)
		pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
}

void td_workq_drain(struct td_workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	while (q->count || q->running) {
		if (q->worker_waits)
			pthread_cond_signal(&q->more);
		q->pusher_waits = true;
		pthread_cond_wait(&q->room, &q->mu);
		q->pusher_waits = false;
	}
	pthread_mutex_unlock(&q->mu);
}

bool td_workq_on_worker(const struct td_workq *q)
{
	return q && pthread_equal(pthread_self(), q->thread);
}

void td_workq_stop(struct td_workq *q, void (*retire)(const struct td_work *w))
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	for (size_t i = 0; retire && i < q->cap; i++)
		if (q->ring[i].p)
			retire(&q->ring[i]);
	pthread_cond_destroy(&q->room);
	pthread_cond_destroy(&q->more);
	pthread_mutex_destroy(&q->mu);
	free(q->ring);
	free(q);
}
