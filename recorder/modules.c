/* SPDX-License-Identifier: MIT */
/*
 * modules.c - the module map: which executable and shared objects are
 * mapped where, with their build-ids, as MODULE_LOAD/UNLOAD events.
 *
 * Owns: scanning dl_iterate_phdr() and noticing dlopen/dlclose through
 * glibc's dlpi_adds/dlpi_subs counters. Does not own: symbols (ppv-record
 * embeds them after the run) or event encoding.
 *
 * dlopen() is deliberately not interposed: a wrapper would become the
 * "caller" glibc uses for $ORIGIN and RUNPATH, changing what the program
 * loads. The writer thread checks the counters at the start of every cycle
 * instead, so a module loaded before a cycle is announced before any event
 * of that cycle. Called with the writer lock held.
 */
#include <elf.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "native-writer.h"
#include "recorder.h"

#define PPV_MAX_MODULES 1024
#define PPV_MAX_BUILD_ID 32

struct module {
	uint64_t base, size, bias;
	uint8_t build_id[PPV_MAX_BUILD_ID];
	uint32_t build_id_len;
	int seen;
};

static struct module known[PPV_MAX_MODULES];
static size_t nknown;
static unsigned long long last_adds, last_subs;
static int scanned;
static char exe_path[PATH_MAX];

void ppv_modules_reset(void)
{
	nknown = 0;
	scanned = 0;
	last_adds = last_subs = 0;
}

static int counters_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	unsigned long long *c = data;

	if (size < offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs))
		return 1;
	c[0] = info->dlpi_adds;
	c[1] = info->dlpi_subs;
	return 1; /* the counters are global: one object is enough */
}

static void find_build_id(const struct dl_phdr_info *info, struct module *m)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const void *)p;
			size_t name = (n->n_namesz + 3) & ~(size_t)3;
			size_t desc = (n->n_descsz + 3) & ~(size_t)3;
			const char *d = p + sizeof(*n) + name;

			if (d + desc > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(p + sizeof(*n), "GNU", 4) == 0 && n->n_descsz <= PPV_MAX_BUILD_ID) {
				memcpy(m->build_id, d, n->n_descsz);
				m->build_id_len = n->n_descsz;
				return;
			}
			p = d + desc;
		}
	}
}

static const char *module_path(const struct dl_phdr_info *info)
{
	if (info->dlpi_name && info->dlpi_name[0])
		return info->dlpi_name;
	if (!exe_path[0]) {
		ssize_t n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);

		if (n <= 0)
			return NULL;
		exe_path[n] = '\0';
	}
	return exe_path;
}

static struct module *lookup(uint64_t base)
{
	for (size_t i = 0; i < nknown; i++)
		if (known[i].base == base)
			return &known[i];
	return NULL;
}

static void emit_load(const struct module *m, const char *path)
{
	struct ppv_event ev = { .type = PPV_EVENT_MODULE_LOAD };

	ev.ts = ppv_clock_ticks();
	ev.module.base = m->base;
	ev.module.size = m->size;
	ev.module.bias = m->bias;
	ev.module.path = path;
	ev.module.build_id = m->build_id;
	ev.module.build_id_len = m->build_id_len;
	ppv_native_writer_append(ppv_writer_borrow_native(), &ev);
}

static int scan_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	const char *path = module_path(info);
	struct module *m;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < lo)
			lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
			hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (!path || hi <= lo)
		return 0;
	m = lookup(lo);
	if (m) {
		m->seen = 1;
		return 0;
	}
	if (nknown == PPV_MAX_MODULES)
		return 0;
	m = &known[nknown++];
	memset(m, 0, sizeof(*m));
	m->base = lo;
	m->size = hi - lo;
	m->bias = info->dlpi_addr;
	m->seen = 1;
	find_build_id(info, m);
	emit_load(m, path);
	return 0;
}

/**
 * ppv_modules_scan() - announce modules mapped since the last scan and,
 * with @emit_unloads, those gone. Cheap when nothing changed.
 */
int ppv_modules_scan(int emit_unloads)
{
	unsigned long long c[2] = { 0, 0 };

	dl_iterate_phdr(counters_cb, c);
	if (scanned && c[0] == last_adds && c[1] == last_subs)
		return 0;
	scanned = 1;
	last_adds = c[0];
	last_subs = c[1];
	for (size_t i = 0; i < nknown; i++)
		known[i].seen = 0;
	dl_iterate_phdr(scan_cb, NULL);
	for (size_t i = 0; i < nknown;) {
		struct ppv_event ev = { .type = PPV_EVENT_MODULE_UNLOAD };

		if (known[i].seen) {
			i++;
			continue;
		}
		if (emit_unloads) {
			ev.ts = ppv_clock_ticks();
			ev.module.base = known[i].base;
			ppv_native_writer_append(ppv_writer_borrow_native(), &ev);
		}
		known[i] = known[--nknown];
	}
	return 0;
}
