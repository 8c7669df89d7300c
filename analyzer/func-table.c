/* SPDX-License-Identifier: MIT */
/*
 * func-table.c - which function an address or a scope name is.
 *
 * Owns: the (pid, address) → function cache in front of the streaming
 * pass, merging addresses into one function by (module, symbol) so that
 * processes sharing a binary add up, demangling C++ names, the source
 * file:line of each function through libdw, and the -F/-N name matches.
 * Does not own: module maps and symbol tables (symbolizer.c) or statistics.
 *
 * Each distinct address is symbolized once, at first sight, while the
 * module map is the one in force at that moment (a later dlclose cannot
 * hide it). The hot path is a direct-mapped cache hit.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-symtab.h"
#include "profile-internal.h"

/* From the C++ runtime (libstdc++), as elfutils' tools use it. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

#define CACHE_SIZE 4096

struct addr_slot {
	uint64_t addr;
	uint32_t pid;
	uint32_t id; /* UINT32_MAX: empty */
};

struct name_slot {
	char *key; /* "kind\x1fmodule\x1fname" */
	uint32_t id;
};

struct dwarf_file {
	char *path;
	int fd;
	Dwarf *dw; /* NULL if the file has no usable debug info */
};

struct ppv_func_table {
	struct ppv_trace *trace;
	const struct ppv_analyze_opts *opts;
	struct ppv_func **funcs;
	size_t n, cap;
	struct addr_slot cache[CACHE_SIZE];
	struct addr_slot *addrs; /* open addressing, power of two */
	size_t addr_mask, naddrs;
	struct name_slot *names;
	size_t name_mask, nnames;
	struct dwarf_file *dwarfs;
	size_t ndwarfs;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = UINT64_C(1469598103934665603);

	while (*s)
		h = (h ^ (unsigned char)*s++) * UINT64_C(1099511628211);
	return h;
}

int ppv_func_table_new(struct ppv_trace *t, const struct ppv_analyze_opts *o,
		       struct ppv_func_table **out)
{
	struct ppv_func_table *ft = calloc(1, sizeof(*ft));

	if (!ft)
		return -ENOMEM;
	ft->trace = t;
	ft->opts = o;
	for (size_t i = 0; i < CACHE_SIZE; i++)
		ft->cache[i].id = UINT32_MAX;
	ft->addr_mask = 1023;
	ft->addrs = malloc((ft->addr_mask + 1) * sizeof(*ft->addrs));
	ft->name_mask = 1023;
	ft->names = calloc(ft->name_mask + 1, sizeof(*ft->names));
	if (!ft->addrs || !ft->names) {
		ppv_func_table_free(ft);
		return -ENOMEM;
	}
	for (size_t i = 0; i <= ft->addr_mask; i++)
		ft->addrs[i].id = UINT32_MAX;
	*out = ft;
	return 0;
}

void ppv_func_free(struct ppv_func *f)
{
	if (!f)
		return;
	ppv_hist_release(&f->hist);
	free(f->name_own);
	free(f->module_own);
	free(f->source_own);
	free(f->io_kind);
	free(f);
}

void ppv_func_table_free(struct ppv_func_table *ft)
{
	if (!ft)
		return;
	for (size_t i = 0; i < ft->n; i++)
		ppv_func_free(ft->funcs[i]);
	free(ft->funcs);
	free(ft->addrs);
	for (size_t i = 0; ft->names && i <= ft->name_mask; i++)
		free(ft->names[i].key);
	free(ft->names);
	for (size_t i = 0; i < ft->ndwarfs; i++) {
		dwarf_end(ft->dwarfs[i].dw);
		if (ft->dwarfs[i].fd >= 0)
			close(ft->dwarfs[i].fd);
		free(ft->dwarfs[i].path);
	}
	free(ft->dwarfs);
	free(ft);
}

size_t ppv_func_table_count(const struct ppv_func_table *ft)
{
	return ft->n;
}

struct ppv_func *ppv_func_table_get(struct ppv_func_table *ft, uint32_t id)
{
	return ft->funcs[id];
}

struct ppv_func **ppv_func_table_take(struct ppv_func_table *ft, size_t *n)
{
	struct ppv_func **v = ft->funcs;

	*n = ft->n;
	ft->funcs = NULL;
	ft->n = ft->cap = 0;
	return v;
}

/* The Dwarf handle of @path, opened once; NULL without debug info, or if
 * the file on disk is not the one recorded (build-id differs). */
static Dwarf *dwarf_of(struct ppv_func_table *ft, const struct ppv_symbol *s)
{
	struct dwarf_file *v, *d;
	uint8_t bid[64];
	size_t len = 0;

	for (size_t i = 0; i < ft->ndwarfs; i++)
		if (strcmp(ft->dwarfs[i].path, s->module) == 0)
			return ft->dwarfs[i].dw;
	v = realloc(ft->dwarfs, (ft->ndwarfs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	ft->dwarfs = v;
	d = &v[ft->ndwarfs];
	d->path = strdup(s->module);
	d->fd = -1;
	d->dw = NULL;
	if (!d->path)
		return NULL;
	ft->ndwarfs++;
	if (ppv_elf_build_id(s->module, bid, sizeof(bid), &len) < 0 || len != s->build_id_len ||
	    (len && memcmp(bid, s->build_id, len) != 0))
		return NULL;
	d->fd = open(s->module, O_RDONLY | O_CLOEXEC);
	if (d->fd >= 0)
		d->dw = dwarf_begin(d->fd, DWARF_C_READ);
	return d->dw;
}

/* "file:line" where the function at ELF address @vaddr is declared. */
static char *source_of(struct ppv_func_table *ft, const struct ppv_symbol *s)
{
	Dwarf *dw = dwarf_of(ft, s);
	Dwarf_Addr vaddr = s->start - s->bias;
	Dwarf_Die cu, *scopes = NULL;
	const char *file = NULL;
	int line = 0, n;
	char *out = NULL;

	if (!dw || !dwarf_addrdie(dw, vaddr, &cu))
		return NULL;
	n = dwarf_getscopes(&cu, vaddr, &scopes);
	for (int i = 0; i < n; i++) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			file = dwarf_decl_file(&scopes[i]);
			dwarf_decl_line(&scopes[i], &line);
			break;
		}
	}
	free(scopes);
	if (!file) {
		Dwarf_Line *l = dwarf_getsrc_die(&cu, vaddr);

		if (l) {
			file = dwarf_linesrc(l, NULL, NULL);
			dwarf_lineno(l, &line);
		}
	}
	if (file && asprintf(&out, "%s:%d", file, line) < 0)
		out = NULL;
	return out;
}

static int grow_names(struct ppv_func_table *ft)
{
	struct name_slot *old = ft->names;
	size_t omask = ft->name_mask;

	ft->name_mask = 2 * omask + 1;
	ft->names = calloc(ft->name_mask + 1, sizeof(*ft->names));
	if (!ft->names) {
		ft->names = old;
		ft->name_mask = omask;
		return -ENOMEM;
	}
	for (size_t i = 0; i <= omask; i++) {
		if (old[i].key) {
			size_t j = str_hash(old[i].key) & ft->name_mask;

			while (ft->names[j].key)
				j = (j + 1) & ft->name_mask;
			ft->names[j] = old[i];
		}
	}
	free(old);
	return 0;
}

static int64_t add_func(struct ppv_func_table *ft, enum ppv_frame_kind kind, const char *name,
			const char *module)
{
	struct ppv_func *f;

	if (ft->n == ft->cap) {
		size_t cap = ft->cap ? 2 * ft->cap : 256;
		struct ppv_func **v = realloc(ft->funcs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ft->funcs = v;
		ft->cap = cap;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->name_own = strdup(name);
	f->module_own = module ? strdup(module) : NULL;
	if (!f->name_own || (module && !f->module_own)) {
		ppv_func_free(f);
		return -ENOMEM;
	}
	f->pub.id = (uint32_t)ft->n;
	f->pub.kind = kind;
	f->pub.name = f->name_own;
	f->pub.module = f->module_own;
	f->pub.hist = &f->hist;
	f->excluded = ft->opts->exclude && fnmatch(ft->opts->exclude, name, 0) == 0;
	f->focus = ft->opts->function && fnmatch(ft->opts->function, name, 0) == 0;
	ft->funcs[ft->n] = f;
	return (int64_t)ft->n++;
}

/* The function keyed "kind\x1fmodule\x1fname", or -ENOENT. */
static int64_t name_lookup(const struct ppv_func_table *ft, const char *key)
{
	size_t j = str_hash(key) & ft->name_mask;

	while (ft->names[j].key) {
		if (strcmp(ft->names[j].key, key) == 0)
			return ft->names[j].id;
		j = (j + 1) & ft->name_mask;
	}
	return -ENOENT;
}

static int64_t intern(struct ppv_func_table *ft, enum ppv_frame_kind kind, const char *name,
		      const char *module, const struct ppv_symbol *sym)
{
	char *key;
	int64_t id;
	size_t j;

	if (asprintf(&key, "%d\x1f%s\x1f%s", (int)kind, module ? module : "", name) < 0)
		return -ENOMEM;
	id = name_lookup(ft, key);
	if (id >= 0) {
		free(key);
		return id;
	}
	if (2 * (ft->nnames + 1) > ft->name_mask && grow_names(ft)) {
		free(key);
		return -ENOMEM;
	}
	id = add_func(ft, kind, name, module);
	if (id < 0) {
		free(key);
		return id;
	}
	if (sym && sym->name)
		ft->funcs[id]->source_own = source_of(ft, sym);
	ft->funcs[id]->pub.source = ft->funcs[id]->source_own;
	j = str_hash(key) & ft->name_mask;
	while (ft->names[j].key)
		j = (j + 1) & ft->name_mask;
	ft->names[j].key = key;
	ft->names[j].id = (uint32_t)id;
	ft->nnames++;
	return id;
}

static int64_t symbolize(struct ppv_func_table *ft, uint32_t pid, uint64_t addr)
{
	struct ppv_symbol s;
	char buf[512], *dem = NULL;
	const char *name;
	int64_t id;

	if (ppv_trace_symbolize(ft->trace, pid, addr, &s) == 0) {
		int status = -1;

		if (strncmp(s.name, "_Z", 2) == 0)
			dem = __cxa_demangle(s.name, NULL, NULL, &status);
		name = dem && status == 0 ? dem : s.name;
	} else {
		name = ppv_trace_format_symbol(ft->trace, pid, addr, buf, sizeof(buf));
	}
	/* an address without a symbol keeps its module in the key: two modules
	 * with one basename must not merge at equal offsets */
	id = intern(ft, PPV_FRAME_FUNCTION, name, s.module, &s);
	free(dem);
	return id;
}

static int grow_addrs(struct ppv_func_table *ft)
{
	struct addr_slot *old = ft->addrs;
	size_t omask = ft->addr_mask;

	ft->addr_mask = 2 * omask + 1;
	ft->addrs = malloc((ft->addr_mask + 1) * sizeof(*ft->addrs));
	if (!ft->addrs) {
		ft->addrs = old;
		ft->addr_mask = omask;
		return -ENOMEM;
	}
	for (size_t i = 0; i <= ft->addr_mask; i++)
		ft->addrs[i].id = UINT32_MAX;
	for (size_t i = 0; i <= omask; i++) {
		if (old[i].id != UINT32_MAX) {
			size_t j = mix(old[i].addr ^ ((uint64_t)old[i].pid << 48)) & ft->addr_mask;

			while (ft->addrs[j].id != UINT32_MAX)
				j = (j + 1) & ft->addr_mask;
			ft->addrs[j] = old[i];
		}
	}
	free(old);
	return 0;
}

int64_t ppv_func_table_addr(struct ppv_func_table *ft, uint32_t pid, uint64_t addr)
{
	uint64_t h = mix(addr ^ ((uint64_t)pid << 48));
	struct addr_slot *c = &ft->cache[h & (CACHE_SIZE - 1)];
	size_t j;
	int64_t id;

	if (c->addr == addr && c->pid == pid && c->id != UINT32_MAX)
		return c->id;
	for (j = h & ft->addr_mask; ft->addrs[j].id != UINT32_MAX; j = (j + 1) & ft->addr_mask) {
		if (ft->addrs[j].addr == addr && ft->addrs[j].pid == pid) {
			*c = ft->addrs[j];
			return c->id;
		}
	}
	id = symbolize(ft, pid, addr);
	if (id < 0)
		return id;
	if (2 * (ft->naddrs + 1) > ft->addr_mask) {
		if (grow_addrs(ft))
			return -ENOMEM;
		for (j = h & ft->addr_mask; ft->addrs[j].id != UINT32_MAX;)
			j = (j + 1) & ft->addr_mask;
	}
	ft->addrs[j] = (struct addr_slot){ .addr = addr, .pid = pid, .id = (uint32_t)id };
	ft->naddrs++;
	*c = ft->addrs[j];
	return id;
}

int64_t ppv_func_table_scope(struct ppv_func_table *ft, const char *name)
{
	/* Scope names are string pointers borrowed from the reader, distinct per
	 * process file: the pointer serves as a cache key with pid 0 and a tag
	 * bit no user-space address has. */
	uint64_t key = (uint64_t)(uintptr_t)name | (UINT64_C(1) << 63);
	uint64_t h = mix(key);
	struct addr_slot *c = &ft->cache[h & (CACHE_SIZE - 1)];
	int64_t id;

	if (c->addr == key && c->pid == 0 && c->id != UINT32_MAX)
		return c->id;
	id = intern(ft, PPV_FRAME_SCOPE, name ? name : "(unnamed scope)", NULL, NULL);
	if (id >= 0)
		*c = (struct addr_slot){ .addr = key, .pid = 0, .id = (uint32_t)id };
	return id;
}
