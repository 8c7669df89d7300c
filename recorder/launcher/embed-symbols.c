/* SPDX-License-Identifier: MIT */
/*
 * embed-symbols.c - ppv-record's last step: make the trace self-contained.
 *
 * Owns: finding the distinct modules (by build-id, else path) in every
 * process file's module index, or its MODULE_LOAD events, checking that the file on disk is
 * still the one that ran, and writing symbols.ppvsym. Does not own: the
 * bytes of either file (formats/) or ELF parsing (formats/elf-symtab.c).
 *
 * Every segment file of a trace split by --max-size names all the modules
 * mapped when it began, so reading each file finds them all even when the
 * first segments are deleted; the segments of one image count as one
 * process.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elf-symtab.h"
#include "embed-symbols.h"
#include "module-index.h"
#include "native-reader.h"
#include "segment-name.h"
#include "symbols-file.h"

struct module {
	char *path;
	uint8_t bid[64];
	uint32_t bid_len;
};

struct modules {
	struct module *v;
	size_t n;
};

static int same(const struct module *m, const struct ppv_event *ev)
{
	if (m->bid_len || ev->module.build_id_len)
		return m->bid_len == ev->module.build_id_len &&
		       memcmp(m->bid, ev->module.build_id, m->bid_len) == 0;
	return strcmp(m->path, ev->module.path ? ev->module.path : "") == 0;
}

static void note_module(struct modules *ms, const struct ppv_event *ev)
{
	struct module *v;

	for (size_t i = 0; i < ms->n; i++)
		if (same(&ms->v[i], ev))
			return;
	v = realloc(ms->v, (ms->n + 1) * sizeof(*v));
	if (!v)
		return;
	ms->v = v;
	v = &ms->v[ms->n];
	memset(v, 0, sizeof(*v));
	v->path = strdup(ev->module.path ? ev->module.path : "");
	v->bid_len = ev->module.build_id_len > 64 ? 64 : ev->module.build_id_len;
	memcpy(v->bid, ev->module.build_id, v->bid_len);
	if (v->path)
		ms->n++;
}

static void note_indexed(const struct ppv_module_ref *m, void *arg)
{
	struct ppv_event ev = { .type = PPV_EVENT_MODULE_LOAD };

	ev.module.path = m->path;
	ev.module.build_id = m->build_id;
	ev.module.build_id_len = m->build_id_len;
	note_module(arg, &ev);
}

/*
 * A process that exited normally ends its file with a module index and
 * its totals: read those (chunk headers and two small payloads). Decoding
 * every event, the fallback for a process that crashed, cost as much as
 * recording did (about 15 ns per call).
 */
/* A tree of many processes that were killed has a torn file each: the
 * first few warnings say what happened, ppv_embed_symbols() counts the rest. */
#define MAX_WARNINGS 5

static void warn(struct ppv_embed_summary *sum, const char *msg)
{
	if (sum->warnings++ < MAX_WARNINGS)
		fprintf(stderr, "ppv-record: warning: %s\n", msg);
}

static void scan_file(const char *path, struct modules *ms, struct ppv_embed_summary *sum)
{
	struct ppv_native_reader *r;
	struct ppv_file_totals tot;
	struct ppv_event ev;
	struct stat st;
	int rc;

	if (ppv_module_index_read(path, note_indexed, ms, &tot) == 0) {
		sum->bytes += tot.bytes;
		sum->events += tot.events;
		sum->lost += tot.lost;
		return;
	}
	if (stat(path, &st) == 0)
		sum->bytes += (uint64_t)st.st_size;
	if (ppv_native_reader_open(path, &r) < 0) {
		warn(sum, ppv_native_reader_open_error());
		return;
	}
	while ((rc = ppv_native_reader_next(r, &ev)) > 0) {
		sum->events++;
		if (ev.type == PPV_EVENT_MODULE_LOAD)
			note_module(ms, &ev);
	}
	sum->lost += ppv_native_reader_stats(r)->lost;
	if (rc < 0)
		warn(sum, ppv_native_reader_last_error(r));
	else if (ppv_native_reader_warning(r))
		warn(sum, ppv_native_reader_warning(r));
	ppv_native_reader_close(r);
}

/* Load @m's table if the file on disk is the module that ran. */
static int load_table(const struct module *m, struct ppv_symtab *tab)
{
	uint8_t bid[64];
	size_t len;

	if (m->path[0] != '/' || ppv_elf_build_id(m->path, bid, sizeof(bid), &len) < 0)
		return -ENOENT;
	if (len != m->bid_len || memcmp(bid, m->bid, len) != 0) {
		fprintf(stderr, "ppv-record: warning: %s changed since it was recorded (build-id "
			"mismatch); its symbols are not embedded\n", m->path);
		return -ESTALE;
	}
	return ppv_elf_symtab_load(m->path, tab);
}

/* Count @name's process image once (BASE.ppv and BASE.sK.ppv are one),
 * and its process once (PID and PID-N, the images an exec left, are one). */
static void count_process(const char *name, size_t baselen, char ***bases, size_t *n,
			  struct ppv_embed_summary *sum)
{
	size_t pidlen = strcspn(name, "-.");
	int new_pid = 1;
	char **v;

	for (size_t i = 0; i < *n; i++) {
		if (strlen((*bases)[i]) == baselen && memcmp((*bases)[i], name, baselen) == 0)
			return;
		if (strcspn((*bases)[i], "-.") == pidlen && memcmp((*bases)[i], name, pidlen) == 0)
			new_pid = 0;
	}
	sum->images++;
	sum->processes += new_pid;
	v = realloc(*bases, (*n + 1) * sizeof(*v));
	if (!v)
		return;
	*bases = v;
	v[*n] = strndup(name, baselen);
	if (v[*n])
		(*n)++;
}

static int scan_dir(const char *dir, struct modules *ms, struct ppv_embed_summary *sum)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096], **bases = NULL;
	size_t nbases = 0, baselen;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (ppv_segment_parse(de->d_name, &baselen) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		count_process(de->d_name, baselen, &bases, &nbases, sum);
		scan_file(path, ms, sum);
	}
	closedir(d);
	for (size_t i = 0; i < nbases; i++)
		free(bases[i]);
	free(bases);
	return 0;
}

int ppv_embed_symbols(const char *dir, struct ppv_embed_summary *sum)
{
	struct modules ms = { NULL, 0 };
	struct ppv_symtab *tabs;
	char path[4096];
	size_t k = 0;
	int err;

	memset(sum, 0, sizeof(*sum));
	err = scan_dir(dir, &ms, sum);
	if (sum->warnings > MAX_WARNINGS)
		fprintf(stderr, "ppv-record: warning: and %u more warnings like these\n",
			sum->warnings - MAX_WARNINGS);
	tabs = calloc(ms.n ? ms.n : 1, sizeof(*tabs));
	if (!err && !tabs)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < ms.n; i++)
		if (load_table(&ms.v[i], &tabs[k]) == 0)
			k++;
	sum->modules = (unsigned int)ms.n;
	sum->embedded = (unsigned int)k;
	snprintf(path, sizeof(path), "%s/symbols.ppvsym", dir);
	if (!err)
		err = ppv_symbols_file_write(path, tabs, k);
	for (size_t i = 0; i < k; i++)
		ppv_elf_symtab_release(&tabs[i]);
	for (size_t i = 0; i < ms.n; i++)
		free(ms.v[i].path);
	free(ms.v);
	free(tabs);
	return err;
}
