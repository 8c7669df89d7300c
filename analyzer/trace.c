/* SPDX-License-Identifier: MIT */
/*
 * trace.c - struct ppv_trace: a trace directory (or one process file) read
 * as one stream of events in time order, with symbolization.
 *
 * Owns: finding the process files and the symbol file, each process's
 * readers and counters (a process image split into segment files by
 * --max-size is one process, read as one stream), warnings, and
 * symbolization's entry points. Does not own: the time-order merge
 * (trace-merge.c), decoding bytes (formats/native-reader.c), CTF traces
 * (trace-ctf.c: a path with no *.ppv file but a CTF trace under it) or
 * symbol lookup (symbolizer.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "segment-name.h"
#include "trace-internal.h"

static _Thread_local char open_err[1024];

const char *ppv_trace_open_error(void)
{
	return open_err;
}

void ppv_trace_add_warning(struct ppv_trace *t, const char *msg)
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

static int add_proc(struct ppv_trace *t, const char *const *paths, size_t n)
{
	const char *path = paths[0];
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
	p->segs = calloc(n, sizeof(*p->segs));
	if (!p->segs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		p->segs[i] = strdup(paths[i]);
		if (!p->segs[i])
			return -ENOMEM;
		p->nsegs++;
	}
	p->info.segments = p->nsegs;
	p->info.segment_files = (const char *const *)p->segs;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

/* A process file: its path, the name of its image's first file
 * ("BASE.ppv", whichever segment it is) and its segment number. */
struct file_ent {
	char *path, *key;
	long long seg;
};

/* By image (in the order of their first files' names), then segment. */
static int cmp_files(const void *a, const void *b)
{
	const struct file_ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->seg > y->seg) - (x->seg < y->seg);
}

static int file_ent_set(struct file_ent *e, const char *dir, const char *name)
{
	size_t blen = 0;

	e->seg = ppv_segment_parse(name, &blen);
	if (asprintf(&e->path, "%s/%s", dir, name) < 0) {
		e->path = NULL;
		return -ENOMEM;
	}
	if (asprintf(&e->key, "%.*s.ppv", (int)blen, name) < 0) {
		free(e->path);
		return -ENOMEM;
	}
	return 0;
}

/* The .ppv files of @dir, sorted by image, then segment. */
static int list_dir(const char *dir, struct file_ent **out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct file_ent *v = NULL;

	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct file_ent *nv;

		if (!ends_with(de->d_name, ".ppv"))
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		if (file_ent_set(&v[*n], dir, de->d_name) < 0)
			break;
		(*n)++;
	}
	closedir(d);
	if (*n) /* an empty directory leaves v NULL */
		qsort(v, *n, sizeof(*v), cmp_files);
	*out = v;
	return 0;
}

/* Add the processes of @files: consecutive segments of one image are one. */
static int add_procs(struct ppv_trace *t, struct file_ent *files, size_t n)
{
	const char **paths = calloc(n ? n : 1, sizeof(*paths));
	int err = paths ? 0 : -ENOMEM;

	for (size_t i = 0, j; !err && i < n; i = j) {
		for (j = i; j < n && strcmp(files[j].key, files[i].key) == 0; j++)
			paths[j - i] = files[j].path;
		err = add_proc(t, paths, j - i);
	}
	free((void *)paths);
	return err;
}

static int open_dir(struct ppv_trace *t, const char *dir)
{
	struct file_ent *files = NULL;
	char *symfile = NULL;
	size_t n = 0;
	int err = list_dir(dir, &files, &n);

	if (!err && n == 0) {
		free(files);
		err = ppv_trace_ctf_open(t, dir, open_err, sizeof(open_err));
		if (err != -ENOENT)
			return err;
		snprintf(open_err, sizeof(open_err), "%s: no process files (*.ppv) and no CTF "
			 "trace in this directory: not a PerProVis trace", dir);
		return -EINVAL;
	} else if (err) {
		snprintf(open_err, sizeof(open_err), "%s: cannot read directory: %s", dir,
			 strerror(-err));
	}
	if (!err)
		err = add_procs(t, files, n);
	for (size_t i = 0; i < n; i++) {
		free(files[i].path);
		free(files[i].key);
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
	err = add_proc(t, &path, 1);
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
		/* a file of a CTF trace stands for its directory */
		err = ends_with(path, ".ppv") ? -ENOENT : ppv_trace_ctf_open(t, path, open_err,
									   sizeof(open_err));
		if (err == -ENOENT)
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
	ppv_trace_ctf_close(t);
	for (size_t i = 0; i < t->nprocs; i++) {
		ppv_trace_proc_segments_free(&t->procs[i]);
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
	const struct ppv_native_reader *r;

	if (i >= t->nprocs)
		return NULL;
	/* A split trace's settings are its first file's: which segment the
	 * stream starts with, above all. */
	r = t->procs[i].first_r ? t->procs[i].first_r : t->procs[i].r;
	/* CTF processes (no native reader) have no recording settings */
	return r ? ppv_native_reader_info(r, key) : NULL;
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

/* ---- segments ----------------------------------------------------------- */

/* Close the retired readers no waiting event borrows from any more. */
static void release_retired(struct proc *p)
{
	uint64_t min = UINT64_MAX;
	size_t k = 0;

	for (size_t i = p->head; i < p->len; i++)
		if (p->buf[i].seq < min)
			min = p->buf[i].seq;
	for (size_t i = 0; i < p->nside; i++)
		if (p->side[i].seq < min)
			min = p->side[i].seq;
	for (size_t i = 0; i < p->nretired; i++) {
		if (p->retired[i].seq <= min)
			ppv_native_reader_close(p->retired[i].r);
		else
			p->retired[k++] = p->retired[i];
	}
	p->nretired = k;
}

/*
 * @p's current segment is read: continue with the next. The finished
 * reader stays open while events it decoded wait in the merge window
 * (their strings are its own); the first one stays for its INFO.
 */
static int next_segment(struct ppv_trace *t, struct proc *p)
{
	struct ppv_native_reader *r;
	int err;

	if (ppv_native_reader_warning(p->r))
		ppv_trace_add_warning(t, ppv_native_reader_warning(p->r));
	err = ppv_native_reader_open(p->segs[++p->seg], &r);
	if (err) {
		snprintf(p->seg_err, sizeof(p->seg_err), "%s", ppv_native_reader_open_error());
		return err;
	}
	if (ppv_native_reader_header(r)->pid != p->info.pid) {
		snprintf(p->seg_err, sizeof(p->seg_err), "%s: offset 16: pid %u, expected %u as in %s "
			 "(segments of one process)", p->segs[p->seg],
			 ppv_native_reader_header(r)->pid, p->info.pid, p->segs[0]);
		ppv_native_reader_close(r);
		return -EINVAL;
	}
	if (!p->first_r) {
		p->first_r = p->r;
	} else {
		struct retired_reader *v = realloc(p->retired, (p->nretired + 1) * sizeof(*v));

		if (!v) {
			ppv_native_reader_close(r);
			return -ENOMEM;
		}
		p->retired = v;
		p->retired[p->nretired++] = (struct retired_reader){ p->r, p->seq };
	}
	p->r = r;
	release_retired(p);
	return 0;
}

static int tid_index(const struct proc *p, uint32_t tid)
{
	for (size_t i = 0; i < p->ntids; i++)
		if (p->tids[i] == tid)
			return (int)i;
	return -1;
}

static int module_index(const struct proc *p, const struct ppv_event *ev)
{
	for (size_t i = 0; i < p->nmods_seen; i++)
		if (p->mods_seen[i].base == ev->module.base)
			return (int)i;
	return -1;
}

static int remember(void **v, size_t *n, size_t *cap, size_t size, const void *item)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		void *nv = realloc(*v, c * size);

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	memcpy((char *)*v + *n * size, item, size);
	(*n)++;
	return 0;
}

/*
 * Whether @ev only repeats what an earlier segment said: each segment
 * announces the threads alive and the modules mapped when it began, so
 * that it can be read alone once the earlier ones are deleted. Read
 * together, a thread announced twice would look like an exec'd image.
 * Return: 1 to skip @ev, 0 to keep it, -ENOMEM.
 */
static int repeated(struct proc *p, const struct ppv_event *ev)
{
	int i;

	switch (ev->type) {
	case PPV_EVENT_THREAD_START:
		if (tid_index(p, ev->tid) >= 0)
			return p->seg > 0;
		return remember((void **)&p->tids, &p->ntids, &p->tids_cap, sizeof(*p->tids),
				&ev->tid);
	case PPV_EVENT_THREAD_EXIT:
		i = tid_index(p, ev->tid);
		if (i >= 0)
			p->tids[i] = p->tids[--p->ntids];
		return 0;
	case PPV_EVENT_MODULE_LOAD: {
		struct seen_module m = { ev->module.base, ev->module.size, ev->module.bias };

		i = module_index(p, ev);
		if (i >= 0 && p->seg > 0 && p->mods_seen[i].size == m.size &&
		    p->mods_seen[i].bias == m.bias)
			return 1;
		if (i >= 0) {
			p->mods_seen[i] = m;
			return 0;
		}
		return remember((void **)&p->mods_seen, &p->nmods_seen, &p->mods_seen_cap,
				sizeof(m), &m);
	}
	case PPV_EVENT_MODULE_UNLOAD:
		i = module_index(p, ev);
		if (i >= 0)
			p->mods_seen[i] = p->mods_seen[--p->nmods_seen];
		return 0;
	default:
		return 0;
	}
}

int ppv_trace_proc_read(struct ppv_trace *t, struct proc *p, struct ppv_event *ev)
{
	for (;;) {
		int rc = ppv_native_reader_next(p->r, ev);

		if (rc == 0 && p->seg + 1 < p->nsegs) {
			rc = next_segment(t, p);
			if (rc < 0)
				return rc;
			continue;
		}
		if (rc <= 0 || p->nsegs < 2)
			return rc;
		if (p->nretired && !(++p->reads & 4095))
			release_retired(p);
		rc = repeated(p, ev);
		if (rc < 0)
			return rc;
		if (!rc)
			return 1;
	}
}

const char *ppv_trace_proc_error(const struct proc *p)
{
	return p->seg_err[0] ? p->seg_err : ppv_native_reader_last_error(p->r);
}

void ppv_trace_proc_segments_free(struct proc *p)
{
	for (size_t i = 0; i < p->nretired; i++)
		ppv_native_reader_close(p->retired[i].r);
	free(p->retired);
	ppv_native_reader_close(p->first_r);
	for (size_t i = 0; i < p->nsegs; i++)
		free(p->segs[i]);
	free(p->segs);
	free(p->tids);
	free(p->mods_seen);
}
