/* SPDX-License-Identifier: MIT */
/*
 * trace.c - struct ppv_trace: a trace directory (or one process file) read
 * as one stream of events in time order, with symbolization.
 *
 * Owns: finding the process files and the symbol file, each process's
 * reader and counters, warnings, and symbolization's entry points. Does
 * not own: the time-order merge (trace-merge.c), decoding bytes
 * (formats/native-reader.c), CTF traces (trace-ctf.c: a path with no
 * *.ppv file but a CTF trace under it) or symbol lookup (symbolizer.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
	/* CTF processes (no native reader) have no recording settings */
	return i < t->nprocs && t->procs[i].r ? ppv_native_reader_info(t->procs[i].r, key) : NULL;
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
