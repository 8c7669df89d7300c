/* SPDX-License-Identifier: MIT */
/*
 * symbolizer.c - from a runtime address to a function name.
 *
 * Owns: per-process module maps (built from MODULE_LOAD/UNLOAD events), the
 * cache of symbol tables shared by all processes, and the lookup order:
 * the table embedded in the trace (matched by build-id, else by path),
 * then the ELF file on disk if its build-id still matches. Does not own:
 * reading ELF (formats/elf-symtab.c) or the symbol file's bytes
 * (formats/symbols-file.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf-symtab.h"
#include "symbolizer.h"
#include "symbols-file.h"

/* A loaded table, shared by every process that maps the module. */
struct table {
	char *key_path;
	uint8_t key_bid[64];
	uint32_t key_bid_len;
	const struct ppv_symtab *tab; /* borrowed from the symbol file, or &own */
	struct ppv_symtab own;
	const char *origin;           /* "embedded", "file", "none" */
};

struct ppv_symbolizer {
	struct ppv_symbols_file *file;
	struct table **tables; /* each allocated once: modules point at them */
	size_t ntables;
};

struct module {
	struct ppv_module_info info;
	char *path;
	uint8_t bid[64];
	struct table *table; /* NULL until first looked up */
};

struct ppv_module_map {
	struct module *mods;
	size_t n, cap;
	size_t last; /* index of the last hit */
};

int ppv_symbolizer_new(const char *symfile, struct ppv_symbolizer **out)
{
	struct ppv_symbolizer *s = calloc(1, sizeof(*s));
	int err = 0;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	if (symfile)
		err = ppv_symbols_file_read(symfile, &s->file);
	if (err && err != -ENOENT) {
		ppv_symbolizer_free(s);
		return err;
	}
	*out = s;
	return 0;
}

void ppv_symbolizer_free(struct ppv_symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++) {
		free(s->tables[i]->key_path);
		if (s->tables[i]->tab == &s->tables[i]->own)
			ppv_elf_symtab_release(&s->tables[i]->own);
		free(s->tables[i]);
	}
	free(s->tables);
	ppv_symbols_file_free(s->file);
	free(s);
}

size_t ppv_symbolizer_embedded_count(const struct ppv_symbolizer *s)
{
	return s->file ? ppv_symbols_file_count(s->file) : 0;
}

static const struct ppv_symtab *find_embedded(const struct ppv_symbolizer *s,
					      const struct module *m)
{
	size_t n = ppv_symbolizer_embedded_count(s);

	for (size_t i = 0; i < n; i++) {
		const struct ppv_symtab *t = ppv_symbols_file_borrow(s->file, i);

		if (m->info.build_id_len && t->build_id_len == m->info.build_id_len &&
		    memcmp(t->build_id, m->info.build_id, t->build_id_len) == 0)
			return t;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ppv_symtab *t = ppv_symbols_file_borrow(s->file, i);

		if (!m->info.build_id_len && !t->build_id_len && t->path && m->path &&
		    strcmp(t->path, m->path) == 0)
			return t;
	}
	return NULL;
}

/* The module's file on disk, if it is still the one that was recorded. */
static void load_from_disk(struct table *t, const struct module *m)
{
	uint8_t bid[64];
	size_t len;

	t->origin = "none";
	if (!m->path || m->path[0] != '/' ||
	    ppv_elf_build_id(m->path, bid, sizeof(bid), &len) < 0)
		return;
	if (len != m->info.build_id_len || memcmp(bid, m->info.build_id, len) != 0)
		return;
	if (ppv_elf_symtab_load(m->path, &t->own) == 0) {
		t->tab = &t->own;
		t->origin = "file";
	}
}

static struct table *table_for(struct ppv_symbolizer *s, struct module *m)
{
	struct table **v, *t;

	for (size_t i = 0; i < s->ntables; i++) {
		t = s->tables[i];
		if (t->key_bid_len == m->info.build_id_len &&
		    memcmp(t->key_bid, m->bid, t->key_bid_len) == 0 &&
		    strcmp(t->key_path, m->path ? m->path : "") == 0)
			return t;
	}
	v = realloc(s->tables, (s->ntables + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->tables = v;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->key_path = strdup(m->path ? m->path : ""))) {
		free(t);
		return NULL;
	}
	memcpy(t->key_bid, m->bid, m->info.build_id_len);
	t->key_bid_len = m->info.build_id_len;
	s->tables[s->ntables++] = t;
	t->tab = find_embedded(s, m);
	if (t->tab)
		t->origin = "embedded";
	else
		load_from_disk(t, m);
	return t;
}

struct ppv_module_map *ppv_module_map_new(void)
{
	return calloc(1, sizeof(struct ppv_module_map));
}

void ppv_module_map_free(struct ppv_module_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->mods[i].path);
	free(m->mods);
	free(m);
}

static int module_add(struct ppv_module_map *m, const struct ppv_event *ev)
{
	struct module *mod;
	uint32_t blen = ev->module.build_id_len > 64 ? 64 : ev->module.build_id_len;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		struct module *v = realloc(m->mods, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->mods = v;
		m->cap = cap;
	}
	mod = &m->mods[m->n];
	memset(mod, 0, sizeof(*mod));
	mod->path = strdup(ev->module.path ? ev->module.path : "");
	if (!mod->path)
		return -ENOMEM;
	memcpy(mod->bid, ev->module.build_id, blen);
	mod->info.path = mod->path;
	mod->info.base = ev->module.base;
	mod->info.size = ev->module.size;
	mod->info.bias = ev->module.bias;
	mod->info.build_id = mod->bid;
	mod->info.build_id_len = blen;
	mod->info.symbols = "unresolved";
	m->n++;
	return 0;
}

int ppv_module_map_apply(struct ppv_module_map *m, const struct ppv_event *ev)
{
	/* Unloaded modules stay: events read before the unload may still be
	 * looked up later. A new module at an overlapping range wins, since
	 * lookups scan from the newest. */
	if (ev->type == PPV_EVENT_MODULE_UNLOAD) {
		for (size_t i = m->n; i-- > 0;)
			if (m->mods[i].info.base == ev->module.base) {
				m->mods[i].info.unloaded = 1;
				break;
			}
		return 0;
	}
	return module_add(m, ev);
}

size_t ppv_module_map_count(const struct ppv_module_map *m)
{
	return m->n;
}

static void resolve(struct ppv_symbolizer *s, struct module *mod)
{
	if (mod->table)
		return;
	mod->table = table_for(s, mod);
	if (!mod->table)
		return;
	mod->info.symbols = mod->table->origin;
	mod->info.nsyms = mod->table->tab ? mod->table->tab->count : 0;
}

void ppv_module_map_get(struct ppv_symbolizer *s, struct ppv_module_map *m, size_t i,
			struct ppv_module_info *out)
{
	resolve(s, &m->mods[i]);
	*out = m->mods[i].info;
}

static struct module *module_at(struct ppv_module_map *m, uint64_t addr)
{
	struct module *last = m->n ? &m->mods[m->last] : NULL;

	if (last && addr - last->info.base < last->info.size)
		return last;
	for (size_t i = m->n; i-- > 0;) {
		if (addr - m->mods[i].info.base < m->mods[i].info.size) {
			m->last = i;
			return &m->mods[i];
		}
	}
	return NULL;
}

static const struct ppv_sym *sym_at(const struct ppv_symtab *t, uint64_t vaddr)
{
	size_t lo = 0, hi = t->count;

	while (lo < hi) { /* first symbol with addr > vaddr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (vaddr - t->syms[lo - 1].addr >= (t->syms[lo - 1].size ? t->syms[lo - 1].size : 1))
		return NULL;
	return &t->syms[lo - 1];
}

int ppv_symbolizer_lookup(struct ppv_symbolizer *s, struct ppv_module_map *m, uint64_t addr,
			  struct ppv_symbol *out)
{
	struct module *mod = m ? module_at(m, addr) : NULL;
	const struct ppv_sym *sym;

	memset(out, 0, sizeof(*out));
	if (!mod)
		return -ENOENT;
	out->module = mod->path;
	out->offset = addr - mod->info.bias;
	out->bias = mod->info.bias;
	out->build_id = mod->info.build_id_len ? mod->bid : NULL;
	out->build_id_len = mod->info.build_id_len;
	resolve(s, mod);
	if (!mod->table || !mod->table->tab)
		return -ENOENT;
	sym = sym_at(mod->table->tab, addr - mod->info.bias);
	if (!sym)
		return -ENOENT;
	out->name = sym->name;
	out->start = sym->addr + mod->info.bias;
	out->size = sym->size;
	out->offset = addr - out->start;
	return 0;
}
