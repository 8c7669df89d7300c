/* SPDX-License-Identifier: MIT */
/*
 * cmd-info.c - `ppv-analyze info`: what a trace holds. Per process: command
 * line, start and duration, clock, whether it ended cleanly, events by
 * type, losses, threads and modules (with where their symbols come from).
 * Counting happens while reading; no statistics beyond counts.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli-common.h"

struct thread_count {
	uint32_t pid, tid;
	uint64_t events, first, last;
	char name[32];
};

struct counts {
	uint64_t by_type[PPV_EVENT_TYPE_COUNT];
};

struct info_state {
	struct thread_count *threads;
	size_t nthreads, cap;
	struct counts *procs; /* by process index */
};

static void help(FILE *out)
{
	fprintf(out, "Usage: ppv-analyze info TRACE\n\n"
		     "Show the processes, threads, events, duration, losses and modules of\n"
		     "TRACE (a directory written by ppv-record, or one of its .ppv files).\n");
}

static struct thread_count *thread_of(struct info_state *s, uint32_t pid, uint32_t tid)
{
	for (size_t i = s->nthreads; i-- > 0;)
		if (s->threads[i].tid == tid && s->threads[i].pid == pid)
			return &s->threads[i];
	if (s->nthreads == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct thread_count *v = realloc(s->threads, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->threads = v;
		s->cap = cap;
	}
	memset(&s->threads[s->nthreads], 0, sizeof(*s->threads));
	s->threads[s->nthreads].pid = pid;
	s->threads[s->nthreads].tid = tid;
	return &s->threads[s->nthreads++];
}

static size_t proc_index(const struct ppv_trace *t, uint32_t pid)
{
	for (size_t i = 0; i < ppv_trace_process_count(t); i++)
		if (ppv_trace_borrow_process(t, i)->pid == pid)
			return i;
	return 0;
}

static int count_events(struct ppv_trace *t, struct info_state *s)
{
	struct ppv_event ev;
	int rc;

	while ((rc = ppv_trace_next(t, &ev)) > 0) {
		struct thread_count *th;

		s->procs[proc_index(t, ev.pid)].by_type[ev.type]++;
		if (!ev.tid)
			continue;
		th = thread_of(s, ev.pid, ev.tid);
		if (!th)
			return -1;
		if (!th->events++)
			th->first = ev.ts;
		th->last = ev.ts;
		if (ev.type == PPV_EVENT_THREAD_START && ev.thread.name)
			snprintf(th->name, sizeof(th->name), "%s", ev.thread.name);
	}
	return rc;
}

static void print_time(uint64_t realtime_ns)
{
	time_t sec = (time_t)(realtime_ns / 1000000000u);
	struct tm tm;
	char buf[64];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%03uZ", buf, (unsigned int)(realtime_ns / 1000000u % 1000u));
}

static void print_modules(struct ppv_trace *t, size_t i)
{
	size_t n = ppv_trace_module_count(t, i);

	printf("  modules:     %zu\n", n);
	for (size_t m = 0; m < n; m++) {
		struct ppv_module_info mi;

		ppv_trace_module(t, i, m, &mi);
		printf("    0x%012" PRIx64 "-0x%012" PRIx64 "  %s%s\n", mi.base, mi.base + mi.size,
		       mi.path, mi.unloaded ? " (unloaded)" : "");
		printf("      build-id ");
		for (uint32_t k = 0; k < mi.build_id_len; k++)
			printf("%02x", mi.build_id[k]);
		printf("%s  symbols: %s", mi.build_id_len ? "" : "none", mi.symbols);
		if (mi.nsyms)
			printf(" (%zu functions)", mi.nsyms);
		printf("\n");
	}
}

static void print_events(const struct counts *c)
{
	uint64_t total = 0;
	const char *sep = "";

	for (unsigned int k = 1; k < PPV_EVENT_TYPE_COUNT; k++)
		total += c->by_type[k];
	printf("  events:      %" PRIu64 " (", total);
	for (unsigned int k = 1; k < PPV_EVENT_TYPE_COUNT; k++) {
		if (!c->by_type[k])
			continue;
		printf("%s%s %" PRIu64, sep, ppv_event_type_name(k), c->by_type[k]);
		sep = ", ";
	}
	printf(")\n");
}

/* A trace kept within --max-size: its segment files, and how many went. */
static void print_segments(struct ppv_trace *t, size_t i)
{
	const struct ppv_process_info *p = ppv_trace_borrow_process(t, i);
	const char *first = ppv_trace_info(t, i, "segment");

	if (!first)
		return;
	printf("  segments:    %zu kept", p->segments);
	if (strcmp(first, "0") != 0)
		printf(", %s deleted (the oldest, by --max-size)", first);
	printf("\n");
	for (size_t k = 0; k < p->segments; k++)
		printf("    %s\n", p->segment_files[k]);
}

static void print_process(struct ppv_trace *t, struct info_state *s, size_t i)
{
	const struct ppv_process_info *p = ppv_trace_borrow_process(t, i);
	size_t nthreads = 0;

	for (size_t k = 0; k < s->nthreads; k++)
		nthreads += s->threads[k].pid == p->pid;
	printf("\nprocess %u (parent %u): %s\n", p->pid, p->ppid, p->cmdline ? p->cmdline : "?");
	printf("  file:        %s\n", p->file);
	print_segments(t, i);
	if (p->exe)
		printf("  exe:         %s\n", p->exe);
	printf("  started:     ");
	print_time(p->start_realtime_ns);
	printf("\n  duration:    %.6f s\n",
	       p->end_ns > p->start_ns ? (double)(p->end_ns - p->start_ns) / 1e9 : 0.0);
	printf("  clock:       %s\n", p->clock);
	printf("  ended:       %s\n", p->complete ? "cleanly"
					     : "WARNING: no END chunk, the trace ends early "
					       "(the process was killed or crashed)");
	print_events(&s->procs[i]);
	printf("  lost events: %" PRIu64 "%s\n", p->lost,
	       !p->lost ? ""
	       : p->segments > 1 || ppv_trace_info(t, i, "segment")
		       ? "  WARNING: the recorder dropped events (drop mode, or segments "
			 "deleted by --max-size)"
		       : "  WARNING: the recorder dropped events (drop mode)");
	printf("  threads:     %zu\n", nthreads);
	for (size_t k = 0; k < s->nthreads; k++) {
		const struct thread_count *th = &s->threads[k];

		if (th->pid != p->pid)
			continue;
		printf("    tid %-8u %-16s events %-10" PRIu64 " from +%.6f s to +%.6f s\n",
		       th->tid, th->name[0] ? th->name : "-", th->events,
		       (double)(th->first - p->start_ns) / 1e9, (double)(th->last - p->start_ns) / 1e9);
	}
	print_modules(t, i);
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct info_state s = { 0 };
	struct ppv_trace *t;
	uint64_t events = 0, lost = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			help(stdout);
			return PPV_EXIT_OK;
		}
		return ppv_cli_usage(&ppv_cmd_info, "unknown option");
	}
	if (optind != argc - 1)
		return ppv_cli_usage(&ppv_cmd_info, "expected one TRACE");
	t = ppv_cli_open(argv[optind]);
	if (!t)
		return PPV_EXIT_TRACE;
	s.procs = calloc(ppv_trace_process_count(t), sizeof(*s.procs));
	rc = s.procs ? count_events(t, &s) : -1;
	if (rc < 0) {
		rc = ppv_cli_read_error(t);
		goto out;
	}
	for (size_t i = 0; i < ppv_trace_process_count(t); i++) {
		events += ppv_trace_borrow_process(t, i)->events;
		lost += ppv_trace_borrow_process(t, i)->lost;
	}
	printf("trace: %s\n  processes: %zu, threads: %zu, events: %" PRIu64 ", lost: %" PRIu64
	       "\n", argv[optind], ppv_trace_process_count(t), s.nthreads, events, lost);
	for (size_t i = 0; i < ppv_trace_process_count(t); i++)
		print_process(t, &s, i);
	ppv_cli_warnings(t);
	rc = PPV_EXIT_OK;
out:
	free(s.threads);
	free(s.procs);
	ppv_trace_close(t);
	return rc;
}

const struct ppv_cli_cmd ppv_cmd_info = {
	.name = "info",
	.summary = "processes, threads, events, duration, losses, modules",
	.run = run,
	.help = help,
};
