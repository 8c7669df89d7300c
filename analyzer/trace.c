/* SPDX-License-Identifier: MIT */
/*
 * trace.c - struct ppv_trace: a trace directory (or one process file) read
 * as one stream of events in time order, with symbolization.
 *
 * Owns: finding the process files and the symbol file, each process's
 * reader and counters, and the merge. Does not own: decoding bytes
 * (formats/native-reader.c) or symbol lookup (symbolizer.c).
 *
 * Merge: a process's file holds its threads' events chunk by chunk, so an
 * event may follow later ones by up to one drain cycle. Each process keeps
 * the events it has read but not released, sorted by (ts, file order); a
 * SYNC watermark W releases those with ts < W (nothing later in the file
 * can be earlier). Across processes, the smallest released event goes
 * first. Memory is bounded by what one process writes between watermarks.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "native-reader.h"
#include "symbolizer.h"

struct pending {
	struct ppv_event ev;
	uint64_t seq;
};

struct proc {
	struct ppv_native_reader *r;
	struct ppv_process_info info;
	struct ppv_module_map *mods;
	char *file;
	char *exe, *cmdline;
	struct pending *buf;
	struct pending *tmp; /* merge scratch, as large as buf */
	size_t *runs;        /* run starts found by sort_waiting() */
	size_t nruns_cap;
	/* The writer's own records (clock, modules, losses) are stamped when
	 * it writes them, behind the threads' events: they wait here, sorted,
	 * so that the main buffer stays in order. Few at a time. */
	struct pending *side;
	size_t nside, side_cap;
	uint64_t watermark;  /* events below it may be returned */
	size_t head, ready, len, cap; /* released [head, ready), waiting [ready, len) */
	uint64_t seq, max_ts;
	int sorted, eof;
};

struct ppv_trace {
	struct proc *procs;
	size_t nprocs;
	struct ppv_symbolizer *sym;
	char err[1024];
	char *warnings;
	size_t wlen;
	int failed;
	struct ppv_event side_out; /* a side-queue event lent by _next_borrow() */
};

static _Thread_local char open_err[1024];

const char *ppv_trace_open_error(void)
{
	return open_err;
}

static void add_warning(struct ppv_trace *t, const char *msg)
{
	size_t n = strlen(msg);
	char *w = realloc(t->warnings, t->wlen + n + 2);

	if (!w)
		return;
	memcpy(w + t->wlen, msg, n);
	w[t->wlen + n] = '\n';
	w[t->wlen + n + 1] = '\0';
	t->warnings = w;
	t->wlen += n + 1;
}

static int add_proc(struct ppv_trace *t, const char *path)
{
	struct proc *v = realloc(t->procs, (t->nprocs + 1) * sizeof(*v));
	struct proc *p;
	const struct ppv_native_header *h;
	int err;

	if (!v)
		return -ENOMEM;
	t->procs = v;
	p = &t->procs[t->nprocs];
	memset(p, 0, sizeof(*p));
	err = ppv_native_reader_open(path, &p->r);
	if (err) {
		snprintf(open_err, sizeof(open_err), "%s", ppv_native_reader_open_error());
		return err;
	}
	t->nprocs++;
	h = ppv_native_reader_header(p->r);
	if (h->file_kind != PPV_FILE_PROCESS) {
		snprintf(open_err, sizeof(open_err), "%s: offset 14: file kind %u, expected a "
			 "process trace (1)", path, h->file_kind);
		return -EINVAL;
	}
	p->file = strdup(path);
	p->mods = ppv_module_map_new();
	if (!p->file || !p->mods)
		return -ENOMEM;
	p->exe = ppv_native_reader_info(p->r, "exe") ? strdup(ppv_native_reader_info(p->r, "exe"))
						      : NULL;
	p->cmdline = ppv_native_reader_info(p->r, "cmdline")
			     ? strdup(ppv_native_reader_info(p->r, "cmdline"))
			     : NULL;
	p->info.pid = h->pid;
	p->info.ppid = h->ppid;
	p->info.start_ns = h->start_ns;
	p->info.start_realtime_ns = h->start_realtime_ns;
	p->info.file = p->file;
	p->info.exe = p->exe;
	p->info.cmdline = p->cmdline;
	p->info.clock = h->clock_source == 0 ? "tsc" : "monotonic";
	p->sorted = 1;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .ppv files of @dir, sorted by name. */
static int list_dir(const char *dir, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char **nv;

		if (!ends_with(de->d_name, ".ppv"))
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		if (asprintf(&v[*n], "%s/%s", dir, de->d_name) < 0)
			break;
		(*n)++;
	}
	closedir(d);
	if (*n) /* an empty directory leaves v NULL */
		qsort(v, *n, sizeof(*v), cmp_names);
	*out = v;
	return 0;
}

static int open_dir(struct ppv_trace *t, const char *dir)
{
	char **files = NULL, *symfile = NULL;
	size_t n = 0;
	int err = list_dir(dir, &files, &n);

	if (!err && n == 0) {
		snprintf(open_err, sizeof(open_err), "%s: no process files (*.ppv) in this "
			 "directory: not a PerProVis trace", dir);
		err = -EINVAL;
	} else if (err) {
		snprintf(open_err, sizeof(open_err), "%s: cannot read directory: %s", dir,
			 strerror(-err));
	}
	for (size_t i = 0; i < n; i++) {
		if (!err)
			err = add_proc(t, files[i]);
		free(files[i]);
	}
	free(files);
	if (err)
		return err;
	if (asprintf(&symfile, "%s/symbols.ppvsym", dir) < 0)
		return -ENOMEM;
	err = ppv_symbolizer_new(symfile, &t->sym);
	if (err)
		snprintf(open_err, sizeof(open_err), "%s: %s", symfile,
			 err == -ENOTSUP ? "format version not supported" : "corrupt symbol file");
	free(symfile);
	return err;
}

static int open_file(struct ppv_trace *t, const char *path)
{
	char *dir = strdup(path), *slash, *symfile = NULL;
	int err;

	if (!dir)
		return -ENOMEM;
	err = add_proc(t, path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!err && asprintf(&symfile, "%s/symbols.ppvsym", slash ? dir : ".") < 0)
		err = -ENOMEM;
	if (!err)
		err = ppv_symbolizer_new(symfile, &t->sym);
	free(symfile);
	free(dir);
	return err;
}

PPV_API int ppv_trace_open(const char *path, struct ppv_trace **out)
{
	struct ppv_trace *t = calloc(1, sizeof(*t));
	struct stat st;
	int err;

	*out = NULL;
	open_err[0] = '\0';
	if (!t)
		return -ENOMEM;
	if (stat(path, &st) < 0) {
		err = -errno;
		snprintf(open_err, sizeof(open_err), "%s: %s", path, strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		err = open_dir(t, path);
	} else {
		err = open_file(t, path);
	}
	if (err) {
		if (!open_err[0])
			snprintf(open_err, sizeof(open_err), "%s: %s", path, ppv_strerror(err));
		ppv_trace_close(t);
		return err;
	}
	*out = t;
	return 0;
}

PPV_API void ppv_trace_close(struct ppv_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nprocs; i++) {
		ppv_native_reader_close(t->procs[i].r);
		ppv_module_map_free(t->procs[i].mods);
		free(t->procs[i].buf);
		free(t->procs[i].tmp);
		free(t->procs[i].runs);
		free(t->procs[i].side);
		free(t->procs[i].file);
		free(t->procs[i].exe);
		free(t->procs[i].cmdline);
	}
	free(t->procs);
	ppv_symbolizer_free(t->sym);
	free(t->warnings);
	free(t);
}

static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->ev.ts != y->ev.ts)
		return x->ev.ts < y->ev.ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Merge the sorted runs [src+r[i], src+r[i+1]) pairwise into dst; return
 * the new run count (r updated in place). Ties keep file order: left first. */
static size_t merge_pass(const struct pending *src, struct pending *dst, size_t *r, size_t nr)
{
	size_t out = 0;

	for (size_t i = 0; i < nr; i += 2) {
		size_t a = r[i], ae = r[i + 1], b = ae, be = i + 2 <= nr ? r[i + 2] : ae, d = a;

		if (i + 1 == nr) /* odd run out: copy */
			be = ae;
		while (a < ae && b < be)
			dst[d++] = cmp_pending(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
		while (a < ae)
			dst[d++] = src[a++];
		while (b < be)
			dst[d++] = src[b++];
		r[out++] = r[i];
	}
	r[out] = r[nr];
	return out;
}

/*
 * Sort the waiting events [ready, len). They arrive as a few sorted runs
 * (one per thread per drain cycle, plus the writer's bookkeeping records),
 * so a natural merge sort costs O(n log runs): a single-threaded trace is
 * one pass over the events.
 */
static int sort_waiting(struct proc *p)
{
	struct pending *a = p->buf + p->ready, *b;
	size_t n = p->len - p->ready, nr = 0;

	for (size_t i = 0; i < n; i++) {
		if (i && cmp_pending(&a[i], &a[i - 1]) >= 0)
			continue;
		if (nr + 2 > p->nruns_cap) {
			size_t cap = p->nruns_cap ? 2 * p->nruns_cap : 64;
			size_t *v = realloc(p->runs, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			p->runs = v;
			p->nruns_cap = cap;
		}
		p->runs[nr++] = i;
	}
	if (nr <= 1)
		return 0;
	p->runs[nr] = n;
	if (!p->tmp) {
		p->tmp = malloc(p->cap * sizeof(*p->tmp));
		if (!p->tmp)
			return -ENOMEM;
	}
	b = p->tmp + p->ready;
	while (nr > 1) {
		struct pending *t;

		nr = merge_pass(a, b, p->runs, nr);
		t = a, a = b, b = t;
	}
	if (a != p->buf + p->ready)
		memcpy(p->buf + p->ready, a, n * sizeof(*a));
	return 0;
}

/* Release the waiting events with ts < @watermark (all of them at EOF). */
static int release(struct proc *p, uint64_t watermark, int all)
{
	p->watermark = all ? UINT64_MAX : watermark;
	if (!p->sorted && sort_waiting(p))
		return -ENOMEM;
	p->sorted = 1;
	while (p->ready < p->len && (all || p->buf[p->ready].ev.ts < watermark))
		p->ready++;
	p->max_ts = p->ready < p->len ? p->buf[p->len - 1].ev.ts : 0;
	return 0;
}

static int is_bookkeeping(uint16_t type)
{
	return type == PPV_EVENT_CLOCK || type == PPV_EVENT_MODULE_LOAD ||
	       type == PPV_EVENT_MODULE_UNLOAD || type == PPV_EVENT_LOSS;
}

static int push_side(struct proc *p, const struct ppv_event *ev)
{
	size_t i = p->nside;

	if (p->nside == p->side_cap) {
		size_t cap = p->side_cap ? 2 * p->side_cap : 16;
		struct pending *v = realloc(p->side, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->side = v;
		p->side_cap = cap;
	}
	while (i > 0 && p->side[i - 1].ev.ts > ev->ts) {
		p->side[i] = p->side[i - 1];
		i--;
	}
	p->side[i].ev = *ev;
	p->side[i].seq = p->seq++;
	p->nside++;
	return 0;
}

/* The next event @p may return, from the buffer or the side queue. */
static struct pending *peek(struct proc *p, int *from_side)
{
	struct pending *m = p->head < p->ready ? &p->buf[p->head] : NULL;
	struct pending *s = p->nside && p->side[0].ev.ts < p->watermark ? &p->side[0] : NULL;

	*from_side = s && (!m || cmp_pending(s, m) < 0);
	return *from_side ? s : m;
}

/* Remove the next event of @p; return it, in the buffer or in @spare. */
static const struct ppv_event *take(struct proc *p, int from_side, struct ppv_event *spare)
{
	if (!from_side)
		return &p->buf[p->head++].ev;
	*spare = p->side[0].ev;
	memmove(p->side, p->side + 1, --p->nside * sizeof(*p->side));
	return spare;
}

/*
 * The slot the next event is decoded into, at the end of the buffer: events
 * are read in place, not copied in. Compacts once everything released is
 * consumed, but only when the waiting events fill at most a third of the
 * buffer: each event is then moved half a time on average, not once per
 * drain cycle. Pointers lent by ppv_trace_next_borrow() stay valid: this
 * runs only on the next call.
 */
static struct ppv_event *slot(struct proc *p)
{
	if (p->head > 0 && p->head == p->ready && p->len == p->cap &&
	    3 * (p->len - p->head) <= p->cap) {
		memmove(p->buf, p->buf + p->head, (p->len - p->head) * sizeof(*p->buf));
		p->len -= p->head;
		p->ready -= p->head;
		p->head = 0;
	}
	if (p->len == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 4096;
		struct pending *v = realloc(p->buf, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->buf = v;
		free(p->tmp); /* reallocated at the next sort, at the new size */
		p->tmp = NULL;
		p->cap = cap;
	}
	return &p->buf[p->len].ev;
}

/* Make the event decoded into slot() part of the waiting window. */
static void commit(struct proc *p)
{
	uint64_t ts = p->buf[p->len].ev.ts;

	if (ts < p->max_ts)
		p->sorted = 0;
	else
		p->max_ts = ts;
	p->buf[p->len].seq = p->seq++;
	p->len++;
}

static int fail(struct ppv_trace *t, int err, const char *msg)
{
	snprintf(t->err, sizeof(t->err), "%s", msg ? msg : ppv_strerror(err));
	t->failed = err;
	return err;
}

/* Read @p until something is released or the file ends. */
static int at_eof(struct ppv_trace *t, struct proc *p)
{
	const struct ppv_native_stats *st = ppv_native_reader_stats(p->r);

	p->eof = 1;
	p->info.complete = st->complete;
	if (ppv_native_reader_warning(p->r))
		add_warning(t, ppv_native_reader_warning(p->r));
	return release(p, 0, 1) ? fail(t, -ENOMEM, NULL) : 0;
}

/* Read @p until something is released or the file ends. */
static int fill(struct ppv_trace *t, struct proc *p)
{
	int side;

	while (!peek(p, &side) && !p->eof) {
		struct ppv_event *ev = slot(p);
		int rc;

		if (!ev)
			return fail(t, -ENOMEM, NULL);
		rc = ppv_native_reader_next(p->r, ev);
		if (rc < 0)
			return fail(t, rc, ppv_native_reader_last_error(p->r));
		if (rc == 0)
			return at_eof(t, p);
		if ((ev->type == PPV_EVENT_MODULE_LOAD || ev->type == PPV_EVENT_MODULE_UNLOAD) &&
		    ppv_module_map_apply(p->mods, ev) < 0)
			return fail(t, -ENOMEM, NULL);
		/* A watermark is the merge's own: it is stamped earlier than the
		 * chunk it ends, so keeping it would force a sort of the whole
		 * waiting window at every chunk. */
		if (ev->type == PPV_EVENT_SYNC) {
			if (release(p, ev->ts, 0))
				return fail(t, -ENOMEM, NULL);
		} else if (is_bookkeeping(ev->type)) {
			if (push_side(p, ev) < 0)
				return fail(t, -ENOMEM, NULL);
		} else {
			commit(p);
		}
	}
	return 0;
}

static const struct ppv_event *lend(struct proc *p, const struct ppv_event *ev)
{
	p->info.events++;
	if (ev->ts > p->info.end_ns)
		p->info.end_ns = ev->ts;
	if (ev->type == PPV_EVENT_LOSS)
		p->info.lost += ev->loss.count;
	return ev;
}

PPV_API int ppv_trace_next_borrow(struct ppv_trace *t, const struct ppv_event **out)
{
	struct proc *best = NULL;
	struct pending *best_ev = NULL;
	int best_side = 0;

	if (t->failed)
		return t->failed;
	/* One process whose next event is released and no bookkeeping record
	 * waits: the common case needs no comparison. */
	if (t->nprocs == 1 && !t->procs[0].nside && t->procs[0].head < t->procs[0].ready) {
		*out = lend(&t->procs[0], &t->procs[0].buf[t->procs[0].head++].ev);
		return 1;
	}
	for (size_t i = 0; i < t->nprocs; i++) {
		struct proc *p = &t->procs[i];
		struct pending *c;
		int err = fill(t, p), side;

		if (err)
			return err;
		c = peek(p, &side);
		if (c && (!best_ev || cmp_pending(c, best_ev) < 0)) {
			best = p;
			best_ev = c;
			best_side = side;
		}
	}
	if (!best)
		return 0;
	*out = lend(best, take(best, best_side, &t->side_out));
	return 1;
}

PPV_API int ppv_trace_next(struct ppv_trace *t, struct ppv_event *ev)
{
	const struct ppv_event *e;
	int rc = ppv_trace_next_borrow(t, &e);

	if (rc > 0)
		*ev = *e;
	return rc;
}

PPV_API const char *ppv_trace_last_error(const struct ppv_trace *t)
{
	return t->err[0] ? t->err : "no error";
}

PPV_API const char *ppv_trace_warnings(const struct ppv_trace *t)
{
	return t->warnings ? t->warnings : "";
}

PPV_API size_t ppv_trace_process_count(const struct ppv_trace *t)
{
	return t->nprocs;
}

PPV_API const struct ppv_process_info *ppv_trace_borrow_process(const struct ppv_trace *t,
								  size_t i)
{
	return i < t->nprocs ? &t->procs[i].info : NULL;
}

static struct proc *proc_of(struct ppv_trace *t, uint32_t pid)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].info.pid == pid)
			return &t->procs[i];
	return NULL;
}

PPV_API int ppv_trace_symbolize(struct ppv_trace *t, uint32_t pid, uint64_t addr,
				struct ppv_symbol *out)
{
	struct proc *p = proc_of(t, pid);

	return ppv_symbolizer_lookup(t->sym, p ? p->mods : NULL, addr, out);
}

PPV_API const char *ppv_trace_format_symbol(struct ppv_trace *t, uint32_t pid, uint64_t addr,
					    char *buf, size_t len)
{
	struct ppv_symbol s;

	if (ppv_trace_symbolize(t, pid, addr, &s) == 0) {
		snprintf(buf, len, "%s", s.name);
	} else if (s.module) {
		const char *base = strrchr(s.module, '/');

		snprintf(buf, len, "%s+0x%llx", base ? base + 1 : s.module,
			 (unsigned long long)s.offset);
	} else {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	}
	return buf;
}

PPV_API const char *ppv_trace_info(const struct ppv_trace *t, size_t i, const char *key)
{
	return i < t->nprocs ? ppv_native_reader_info(t->procs[i].r, key) : NULL;
}

PPV_API size_t ppv_trace_module_count(const struct ppv_trace *t, size_t i)
{
	return i < t->nprocs ? ppv_module_map_count(t->procs[i].mods) : 0;
}

PPV_API int ppv_trace_module(struct ppv_trace *t, size_t i, size_t m,
			     struct ppv_module_info *out)
{
	if (i >= t->nprocs || m >= ppv_module_map_count(t->procs[i].mods))
		return -ENOENT;
	ppv_module_map_get(t->sym, t->procs[i].mods, m, out);
	return 0;
}
