/* SPDX-License-Identifier: MIT */
/*
 * ppv-count.c - integration-test helper: read a trace through the public
 * libperprovis API and print, per symbolized function, how many times it
 * was entered and exited, plus threads, processes, losses and whether every
 * thread's enters and exits nest. Output is sorted, with no times in it, so
 * tests compare it exactly with an expected file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <perprovis/ppv-trace.h>

#define MAX_FUNCS 4096
#define MAX_THREADS 1024
#define MAX_DEPTH 100000

struct func {
	char *name;
	uint64_t enter, exit;
};

struct thread {
	uint32_t pid, tid;
	uint64_t *stack;
	size_t depth;
	uint64_t mismatched;
};

static struct func funcs[MAX_FUNCS];
static size_t nfuncs;
static struct thread threads[MAX_THREADS];
static size_t nthreads;

static struct func *func_get(const char *name)
{
	for (size_t i = 0; i < nfuncs; i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	if (nfuncs == MAX_FUNCS) {
		fprintf(stderr, "ppv-count: too many functions\n");
		exit(1);
	}
	funcs[nfuncs].name = strdup(name);
	return &funcs[nfuncs++];
}

static struct thread *thread_get(uint32_t pid, uint32_t tid)
{
	for (size_t i = 0; i < nthreads; i++)
		if (threads[i].pid == pid && threads[i].tid == tid)
			return &threads[i];
	if (nthreads == MAX_THREADS) {
		fprintf(stderr, "ppv-count: too many threads\n");
		exit(1);
	}
	threads[nthreads].pid = pid;
	threads[nthreads].tid = tid;
	threads[nthreads].stack = calloc(MAX_DEPTH, sizeof(uint64_t));
	return &threads[nthreads++];
}

static int cmp_func(const void *a, const void *b)
{
	return strcmp(((const struct func *)a)->name, ((const struct func *)b)->name);
}

static void on_func(struct ppv_trace *t, const struct ppv_event *ev)
{
	char buf[512];
	struct thread *th = thread_get(ev->pid, ev->tid);
	struct func *f = func_get(ppv_trace_format_symbol(t, ev->pid, ev->func.addr, buf,
							  sizeof(buf)));

	if (ev->type == PPV_EVENT_ENTER) {
		f->enter++;
		if (th->depth < MAX_DEPTH)
			th->stack[th->depth] = ev->func.addr;
		th->depth++;
		return;
	}
	f->exit++;
	if (th->depth == 0 || (th->depth <= MAX_DEPTH && th->stack[th->depth - 1] != ev->func.addr))
		th->mismatched++;
	if (th->depth)
		th->depth--;
}

int main(int argc, char **argv)
{
	struct ppv_trace *t;
	struct ppv_event ev;
	uint64_t lost = 0, mismatched = 0, open_frames = 0, io = 0, scopes = 0, errors = 0;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: ppv-count TRACE\n");
		return 2;
	}
	err = ppv_trace_open(argv[1], &t);
	if (err) {
		fprintf(stderr, "ppv-count: %s\n", ppv_trace_open_error());
		return 1;
	}
	while ((err = ppv_trace_next(t, &ev)) > 0) {
		if (ev.type == PPV_EVENT_ENTER || ev.type == PPV_EVENT_EXIT)
			on_func(t, &ev);
		else if (ev.type == PPV_EVENT_IO)
			io++;
		else if (ev.type == PPV_EVENT_SCOPE_ENTER)
			scopes++;
		else if (ev.type == PPV_EVENT_ERROR)
			errors++;
	}
	if (err < 0) {
		fprintf(stderr, "ppv-count: %s\n", ppv_trace_last_error(t));
		ppv_trace_close(t);
		return 1;
	}
	for (size_t i = 0; i < ppv_trace_process_count(t); i++)
		lost += ppv_trace_borrow_process(t, i)->lost;
	for (size_t i = 0; i < nthreads; i++) {
		mismatched += threads[i].mismatched;
		open_frames += threads[i].depth;
	}
	qsort(funcs, nfuncs, sizeof(funcs[0]), cmp_func);
	for (size_t i = 0; i < nfuncs; i++)
		printf("%s enter=%" PRIu64 " exit=%" PRIu64 "\n", funcs[i].name, funcs[i].enter,
		       funcs[i].exit);
	printf("processes=%zu threads=%zu lost=%" PRIu64 " mismatched=%" PRIu64
	       " open=%" PRIu64 " scopes=%" PRIu64 " io=%" PRIu64 " errors=%" PRIu64 "\n",
	       ppv_trace_process_count(t), nthreads, lost, mismatched, open_frames, scopes, io,
	       errors);
	ppv_trace_close(t);
	return 0;
}
