/*
 * An ordered hand-off to one worker thread: the reading thread pushes work
 * items, the worker runs them one by one in the order they were pushed. It
 * lets the judging of finished connections (facts, certificates, rules,
 * report) run beside the reading of the capture without changing a byte of
 * the output: one worker, one order.
 */
#ifndef TLSDIAG_WORKQ_H
#define TLSDIAG_WORKQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct td_work {
	void *p;
	const void *aux;
	uint64_t n[3];
};

typedef void (*td_work_fn)(const struct td_work *w, void *arg);

struct td_workq;

/* A queue of at most cap items and its worker thread, which calls fn for
 * each. NULL when the thread cannot be started: the caller works alone. */
struct td_workq *td_workq_start(size_t cap, td_work_fn fn, void *arg);
/* Waits while the queue is full. *done gets back the item that last
 * used the slot, run by now (p NULL when none): what the worker was
 * given is freed by the thread that allocated it, for a free from the
 * other thread waits on the allocating thread's heap lock. */
void td_workq_push(struct td_workq *q, const struct td_work *w, struct td_work *done);
/* Returns once every item pushed so far has been run (from the pushing
 * thread only). */
void td_workq_drain(struct td_workq *q);
/* Whether the caller is q's worker thread (which must not drain q). */
bool td_workq_on_worker(const struct td_workq *q);
/* Drains, stops the worker, gives every item still in a slot to
 * retire (when not NULL) and frees the queue; NULL is a no-op. */
void td_workq_stop(struct td_workq *q, void (*retire)(const struct td_work *w));

#endif
