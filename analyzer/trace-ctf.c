/* SPDX-License-Identifier: MIT */
/*
 * trace-ctf.c - a struct ppv_trace backed by CTF traces (LTTng), read
 * through formats/ctf-reader.c.
 *
 * Owns: opening the CTF reader for a path without *.ppv files, turning the
 * processes it reports into the trace's processes as they appear (their
 * counters and module maps follow the events handed out), and its
 * warnings. Does not own: decoding (formats/ctf-reader.c; babeltrace2's
 * muxer already merges in time order) or symbol lookup (symbolizer.c).
 * Without babeltrace2 (PPV_HAVE_CTF undefined) it only recognizes a CTF
 * trace, to say that this build cannot read it.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace-internal.h"

#ifdef PPV_HAVE_CTF

#include "ctf-reader.h"

struct ppv_trace_ctf {
	struct ppv_ctf_reader *r;
	struct ppv_event ev; /* lent by ppv_trace_ctf_next() */
	char *path;
	size_t last;         /* index of the process of the previous event */
	int done;
};

void ppv_trace_ctf_close(struct ppv_trace *t)
{
	if (!t->ctf)
		return;
	ppv_ctf_reader_close(t->ctf->r);
	free(t->ctf->path);
	free(t->ctf);
	t->ctf = NULL;
}

/* Processes the reader has seen and the trace does not list yet. */
static int add_new_procs(struct ppv_trace *t)
{
	struct ppv_trace_ctf *c = t->ctf;
	size_t n = ppv_ctf_reader_process_count(c->r);

	while (t->nprocs < n) {
		const struct ppv_ctf_process *cp = ppv_ctf_reader_process(c->r, t->nprocs);
		struct proc *v = realloc(t->procs, (t->nprocs + 1) * sizeof(*v));
		struct proc *p;

		if (!v)
			return -ENOMEM;
		t->procs = v;
		p = &t->procs[t->nprocs];
		memset(p, 0, sizeof(*p));
		p->mods = ppv_module_map_new();
		p->file = strdup(c->path);
		t->nprocs++;
		if (!p->mods || !p->file)
			return -ENOMEM;
		p->info.pid = cp->pid;
		p->info.start_ns = cp->first_ns;
		p->info.start_realtime_ns = ppv_ctf_reader_unix_epoch(c->r) ? cp->first_ns : 0;
		p->info.file = p->file;
		p->info.cmdline = cp->procname;
		p->info.clock = "ctf";
		p->info.complete = 1; /* losses are LOSS events; there is no end record */
	}
	return 0;
}

int ppv_trace_ctf_open(struct ppv_trace *t, const char *path, char *err, size_t errlen)
{
	int rc;

	t->ctf = calloc(1, sizeof(*t->ctf));
	if (!t->ctf)
		return -ENOMEM;
	t->ctf->path = strdup(path);
	if (!t->ctf->path)
		return -ENOMEM;
	rc = ppv_ctf_reader_open(path, &t->ctf->r);
	if (rc) {
		if (rc != -ENOENT)
			snprintf(err, errlen, "%s", ppv_ctf_reader_open_error());
		ppv_trace_ctf_close(t); /* -ENOENT: @t may be opened otherwise */
		return rc;
	}
	rc = ppv_symbolizer_new(NULL, &t->sym);
	if (!rc)
		rc = add_new_procs(t);
	if (rc)
		snprintf(err, errlen, "%s: %s", path, ppv_strerror(rc));
	return rc;
}

int ppv_trace_ctf_next(struct ppv_trace *t, const struct ppv_event **out)
{
	struct ppv_trace_ctf *c = t->ctf;
	const struct ppv_ctf_process *cp;
	struct proc *p;
	int rc;

	if (t->failed)
		return t->failed;
	rc = ppv_ctf_reader_next(c->r, &c->ev);
	if (rc == 0 && !c->done) {
		const char *w = ppv_ctf_reader_warnings(c->r);

		c->done = 1;
		while (*w) {
			const char *nl = strchr(w, '\n');
			char line[512];

			int n = nl ? (int)(nl - w) : (int)strlen(w);

			snprintf(line, sizeof(line), "%.*s", n, w);
			ppv_trace_add_warning(t, line);
			w = nl ? nl + 1 : w + strlen(w);
		}
	}
	if (rc <= 0) {
		if (rc < 0) {
			snprintf(t->err, sizeof(t->err), "%s: %s", c->path,
				 ppv_ctf_reader_last_error(c->r));
			t->failed = rc;
		}
		return rc;
	}
	rc = add_new_procs(t);
	if (rc)
		return t->failed = rc;
	if (c->last >= t->nprocs || t->procs[c->last].info.pid != c->ev.pid)
		for (c->last = 0; c->last < t->nprocs; c->last++)
			if (t->procs[c->last].info.pid == c->ev.pid)
				break;
	if (c->last < t->nprocs) {
		p = &t->procs[c->last];
		cp = ppv_ctf_reader_process(c->r, c->last);
		p->info.end_ns = cp->last_ns;
		p->info.events = cp->events;
		p->info.lost = cp->lost;
		p->info.cmdline = cp->procname;
		if ((c->ev.type == PPV_EVENT_MODULE_LOAD ||
		     c->ev.type == PPV_EVENT_MODULE_UNLOAD) &&
		    ppv_module_map_apply(p->mods, &c->ev) < 0)
			return t->failed = -ENOMEM;
	}
	*out = &c->ev;
	return 1;
}

#else /* !PPV_HAVE_CTF */

static int found;

static int find_metadata(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	found = type == FTW_F && strcmp(path + ftw->base, "metadata") == 0;
	return found;
}

int ppv_trace_ctf_open(struct ppv_trace *t, const char *path, char *err, size_t errlen)
{
	struct stat st;
	char *meta = NULL;

	(void)t;
	found = 0;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		nftw(path, find_metadata, 16, FTW_PHYS);
	} else {
		const char *slash = strrchr(path, '/');

		if (asprintf(&meta, "%.*s/metadata", slash ? (int)(slash - path) : 1,
			     slash ? path : ".") < 0)
			return -ENOMEM;
		found = stat(meta, &st) == 0 && S_ISREG(st.st_mode);
		free(meta);
	}
	if (!found)
		return -ENOENT;
	snprintf(err, errlen, "%s: a CTF trace (LTTng), but this ppv-analyze was built without "
		 "CTF support (babeltrace2): rebuild with libbabeltrace2-dev installed "
		 "(meson -Dctf=enabled)", path);
	return -ENOTSUP;
}

int ppv_trace_ctf_next(struct ppv_trace *t, const struct ppv_event **out)
{
	(void)t;
	(void)out;
	return -ENOTSUP; /* never opened */
}

void ppv_trace_ctf_close(struct ppv_trace *t)
{
	(void)t;
}

#endif
