/* pause-events.c - read a recorded trace's events in time order, through
 * formats/' native reader, and check them against its PAUSE/RESUME. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native-reader.h"
#include "pause-events.h"
#include "segment-name.h"

static int push(struct pe_trace *tr, const struct ppv_event *ev)
{
	struct pe_event *e;

	if (tr->n == tr->cap) {
		size_t cap = tr->cap ? 2 * tr->cap : 4096;
		struct pe_event *v = realloc(tr->ev, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		tr->ev = v;
		tr->cap = cap;
	}
	e = &tr->ev[tr->n];
	e->ts = ev->ts;
	e->pid = ev->pid;
	e->tid = ev->tid;
	e->type = ev->type;
	e->addr = ev->type == PPV_EVENT_ENTER || ev->type == PPV_EVENT_EXIT ? ev->func.addr : 0;
	e->order = tr->n++;
	return 0;
}

static int read_file(const char *path, struct pe_trace *tr, int first)
{
	struct ppv_native_reader *r;
	struct ppv_event ev;
	struct stat st;
	const char *v;
	int rc = ppv_native_reader_open(path, &r);

	if (rc)
		return rc;
	if (stat(path, &st) == 0)
		tr->bytes += (uint64_t)st.st_size;
	while ((rc = ppv_native_reader_next(r, &ev)) > 0) {
		if (ev.type == PPV_EVENT_LOSS)
			tr->lost += ev.loss.count;
		if (push(tr, &ev))
			rc = -ENOMEM;
	}
	if (first && (v = ppv_native_reader_info(r, "segment")))
		snprintf(tr->first_segment, sizeof(tr->first_segment), "%s", v);
	if ((v = ppv_native_reader_info(r, "dropped_events")))
		snprintf(tr->dropped_events, sizeof(tr->dropped_events), "%s", v);
	tr->complete &= ppv_native_reader_stats(r)->complete;
	tr->files++;
	ppv_native_reader_close(r);
	return rc;
}

static int by_time(const void *a, const void *b)
{
	const struct pe_event *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct name_seg {
	char name[256];
	long long seg;
};

static int by_segment(const void *a, const void *b)
{
	const struct name_seg *x = a, *y = b;

	return (x->seg > y->seg) - (x->seg < y->seg);
}

int pe_read(const char *dir, struct pe_trace *tr)
{
	struct name_seg names[64];
	size_t n = 0, blen;
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];
	int rc = 0;

	memset(tr, 0, sizeof(*tr));
	tr->complete = 1;
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < 64) {
		long long k = ppv_segment_parse(de->d_name, &blen);

		if (k < 0)
			continue;
		snprintf(names[n].name, sizeof(names[n].name), "%s", de->d_name);
		names[n++].seg = k;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_segment);
	for (size_t i = 0; !rc && i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i].name);
		rc = read_file(path, tr, i == 0);
	}
	if (tr->n)
		qsort(tr->ev, tr->n, sizeof(*tr->ev), by_time);
	return rc;
}

void pe_free(struct pe_trace *tr)
{
	free(tr->ev);
	tr->ev = NULL;
}

uint64_t pe_count_of(const struct pe_trace *tr, uint32_t pid, int type)
{
	uint64_t c = 0;

	for (size_t i = 0; i < tr->n; i++)
		c += tr->ev[i].type == type && (!pid || tr->ev[i].pid == pid);
	return c;
}

uint64_t pe_count(const struct pe_trace *tr, int type)
{
	return pe_count_of(tr, 0, type);
}

uint64_t pe_calls_of(const struct pe_trace *tr, uint32_t pid, uint64_t addr)
{
	uint64_t c = 0;

	for (size_t i = 0; i < tr->n; i++)
		c += tr->ev[i].type == PPV_EVENT_ENTER && tr->ev[i].addr == addr &&
		     (!pid || tr->ev[i].pid == pid);
	return c;
}

uint64_t pe_calls(const struct pe_trace *tr, uint64_t addr)
{
	return pe_calls_of(tr, 0, addr);
}

int pe_check_paused_intervals(struct pe_trace *tr)
{
	int paused = 0;

	for (size_t i = 0; i < tr->n; i++) {
		const struct pe_event *e = &tr->ev[i];

		if (e->type == PPV_EVENT_PAUSE || e->type == PPV_EVENT_RESUME) {
			if ((e->type == PPV_EVENT_PAUSE) == paused) {
				snprintf(tr->why, sizeof(tr->why), "event %zu: %s while %s", i,
					 paused ? "PAUSE" : "RESUME", paused ? "paused" : "recording");
				return -1;
			}
			paused = e->type == PPV_EVENT_PAUSE;
		} else if (paused && (e->type == PPV_EVENT_ENTER || e->type == PPV_EVENT_EXIT)) {
			snprintf(tr->why, sizeof(tr->why), "event %zu (tid %u, ts %llu) recorded while "
				 "paused", i, e->tid, (unsigned long long)e->ts);
			return -1;
		}
	}
	return 0;
}

/* Position of @e in call_pair()'s cycle (enter A, enter B, exit B, exit A),
 * A = FN(t, 0) and B = FN(t, 1); -1 if it is not one of them. */
static int position(const struct pe_event *e)
{
	int b = (e->addr & 0xf00) == 0x100;

	if (e->type == PPV_EVENT_ENTER)
		return b ? 1 : 0;
	if (e->type == PPV_EVENT_EXIT)
		return b ? 2 : 3;
	return -1;
}

int pe_check_call_pattern(struct pe_trace *tr)
{
	struct {
		uint32_t tid;
		int last;
	} th[64];
	size_t nth = 0;

	for (size_t i = 0; i < tr->n; i++) {
		const struct pe_event *e = &tr->ev[i];
		int p = position(e);
		size_t k;

		if (e->type == PPV_EVENT_PAUSE || e->type == PPV_EVENT_RESUME) {
			for (k = 0; k < nth; k++)
				th[k].last = -1;
			continue;
		}
		if (p < 0)
			continue;
		for (k = 0; k < nth && th[k].tid != e->tid; k++)
			;
		if (k == nth) {
			if (nth == 64)
				continue;
			th[nth].tid = e->tid;
			th[nth++].last = -1;
		}
		if (th[k].last >= 0 && p != (th[k].last + 1) % 4) {
			snprintf(tr->why, sizeof(tr->why), "event %zu (tid %u): step %d after step %d: "
				 "an event is missing or repeated", i, e->tid, p, th[k].last);
			return -1;
		}
		th[k].last = p;
	}
	return 0;
}
