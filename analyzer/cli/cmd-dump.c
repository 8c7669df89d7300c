/* SPDX-License-Identifier: MIT */
/*
 * cmd-dump.c - `ppv-analyze dump`: every event in time order, one per line,
 * symbolized and indented by call depth per thread (like uftrace replay):
 *
 *   0.000123456  4242/4242  enter        main
 *   0.000124001  4242/4242  enter          fib
 *
 * Times are seconds since the earliest process start.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli-common.h"

struct depth {
	uint32_t pid, tid;
	int depth;
};

struct dump_opts {
	int all;
	long long pid, tid, max;
};

static void help(FILE *out)
{
	fprintf(out, "Usage: ppv-analyze dump [OPTIONS] TRACE\n\n"
		     "Print every event of TRACE in time order, symbolized.\n\n"
		     "Options:\n"
		     "  -a, --all        also print clock calibrations and watermarks\n"
		     "  -p, --pid PID    only this process\n"
		     "  -t, --tid TID    only this thread\n"
		     "  -n, --max N      stop after N events\n"
		     "  -h, --help       this help\n");
}

static int *depth_of(struct depth **v, size_t *n, uint32_t pid, uint32_t tid)
{
	struct depth *d;

	for (size_t i = *n; i-- > 0;)
		if ((*v)[i].tid == tid && (*v)[i].pid == pid)
			return &(*v)[i].depth;
	d = realloc(*v, (*n + 1) * sizeof(*d));
	if (!d)
		return NULL;
	*v = d;
	d[*n] = (struct depth){ pid, tid, 0 };
	return &d[(*n)++].depth;
}

/* Deep recursion would print megabytes of spaces: past this depth the
 * indentation stops growing and the depth is shown as a number. */
#define MAX_INDENT 40

static void print_detail(struct ppv_trace *t, const struct ppv_event *ev, int depth)
{
	char sym[512];

	if (depth > MAX_INDENT) {
		printf("[depth %d] ", depth);
		depth = MAX_INDENT;
	}
	switch (ev->type) {
	case PPV_EVENT_ENTER:
	case PPV_EVENT_EXIT:
		printf("%*s%s", 2 * depth, "",
		       ppv_trace_format_symbol(t, ev->pid, ev->func.addr, sym, sizeof(sym)));
		break;
	case PPV_EVENT_SCOPE_ENTER:
	case PPV_EVENT_SCOPE_EXIT:
		printf("%*s[%s]", 2 * depth, "", ev->scope.name);
		break;
	case PPV_EVENT_IO:
		printf("kind=%s op=%s fd=%d class=%s name=\"%s\" bytes=%" PRIu64
		       " dur=%.6fms err=%d",
		       ppv_io_kind_name(ev->io.kind), ppv_io_op_name(ev->io.op), ev->io.fd,
		       ppv_fd_class_name(ev->io.fdclass), ev->io.name ? ev->io.name : "",
		       ev->io.bytes, (double)(ev->ts - ev->io.start) / 1e6, ev->io.err);
		break;
	case PPV_EVENT_ALLOC:
	case PPV_EVENT_FREE:
		printf("%s addr=0x%" PRIx64 " size=%" PRIu64, ppv_alloc_kind_name(ev->alloc.kind),
		       ev->alloc.addr, ev->alloc.size);
		break;
	case PPV_EVENT_MEMSTAT:
		printf("rss=%" PRIu64 " peak=%" PRIu64, ev->memstat.rss, ev->memstat.peak_rss);
		break;
	case PPV_EVENT_ERROR:
		printf("code=%" PRId64, ev->error.code);
		break;
	case PPV_EVENT_THREAD_START:
		printf("%s", ev->thread.name ? ev->thread.name : "");
		break;
	case PPV_EVENT_MODULE_LOAD:
		printf("0x%" PRIx64 " %s", ev->module.base, ev->module.path);
		break;
	case PPV_EVENT_MODULE_UNLOAD:
		printf("0x%" PRIx64, ev->module.base);
		break;
	case PPV_EVENT_LOSS:
		printf("%" PRIu64 " events lost", ev->loss.count);
		break;
	case PPV_EVENT_CLOCK:
		printf("ticks=%" PRIu64 " ns=%" PRIu64 " mult=%" PRIu64, ev->clock.ticks,
		       ev->clock.ns, ev->clock.mult);
		break;
	default:
		break;
	}
}

static int dump(struct ppv_trace *t, const struct dump_opts *o)
{
	uint64_t origin = ppv_cli_origin(t), shown = 0;
	struct depth *depths = NULL;
	size_t ndepths = 0;
	struct ppv_event ev;
	int rc = 0;

	while ((o->max < 0 || shown < (uint64_t)o->max) && (rc = ppv_trace_next(t, &ev)) > 0) {
		int *d = depth_of(&depths, &ndepths, ev.pid, ev.tid), depth;

		if (!d) {
			rc = -1;
			break;
		}
		if (ev.type == PPV_EVENT_EXIT || ev.type == PPV_EVENT_SCOPE_EXIT)
			*d = *d > 0 ? *d - 1 : 0;
		depth = *d;
		if (ev.type == PPV_EVENT_ENTER || ev.type == PPV_EVENT_SCOPE_ENTER)
			(*d)++;
		if ((o->pid >= 0 && ev.pid != o->pid) || (o->tid >= 0 && ev.tid != o->tid))
			continue;
		if (!o->all && (ev.type == PPV_EVENT_CLOCK || ev.type == PPV_EVENT_SYNC))
			continue;
		printf("%14.9f  %u/%u  %-13s ", (double)(ev.ts - origin) / 1e9, ev.pid, ev.tid,
		       ppv_event_type_name(ev.type));
		print_detail(t, &ev, depth);
		printf("\n");
		shown++;
	}
	free(depths);
	return o->max >= 0 && shown >= (uint64_t)o->max ? 0 : rc;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },     { "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' }, { "max", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },    { 0 },
	};
	struct dump_opts o = { 0, -1, -1, -1 };
	struct ppv_trace *t;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+ap:t:n:h", opts, NULL)) != -1) {
		long long *dst = c == 'p' ? &o.pid : c == 't' ? &o.tid : &o.max;

		switch (c) {
		case 'a':
			o.all = 1;
			break;
		case 'p':
		case 't':
		case 'n':
			*dst = ppv_cli_number(optarg);
			if (*dst < 0)
				return ppv_cli_usage(&ppv_cmd_dump, "-%c needs a number, not '%s'", c,
						     optarg);
			break;
		case 'h':
			help(stdout);
			return PPV_EXIT_OK;
		default:
			return ppv_cli_usage(&ppv_cmd_dump, "unknown option");
		}
	}
	if (optind != argc - 1)
		return ppv_cli_usage(&ppv_cmd_dump, "expected one TRACE");
	t = ppv_cli_open(argv[optind]);
	if (!t)
		return PPV_EXIT_TRACE;
	rc = dump(t, &o);
	if (rc < 0)
		rc = ppv_cli_read_error(t);
	else
		rc = PPV_EXIT_OK;
	ppv_cli_warnings(t);
	ppv_trace_close(t);
	return rc;
}

const struct ppv_cli_cmd ppv_cmd_dump = {
	.name = "dump",
	.summary = "every event in time order, symbolized",
	.run = run,
	.help = help,
};
