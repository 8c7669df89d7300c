/* SPDX-License-Identifier: MIT */
/*
 * filter-syms.c - the -F/-N patterns and the table of the functions they
 * match: sorted, immutable [start, end) address ranges with their match
 * bits, looked up by the enter hook when name filters are in force.
 *
 * Owns: parsing the patterns, matching a symbol (its name, and for C++ its
 * demangled name with and without the parameter list), scanning the loaded
 * modules (dl_iterate_phdr, then each file's symbols through filter-elf.c)
 * and publishing tables. Does not own: when a rescan happens (filter.c at
 * session start, filter-dl.c after dlopen).
 *
 * Building runs at session start or in a thread that just called dlopen:
 * malloc is allowed there (only __cxa_demangle uses it). Tables live in
 * mmap()ed memory and are published with an atomic pointer swap; an old
 * table is never unmapped, since a thread may be searching it: the memory
 * kept is bounded by the number of rescans (one per dlopen that loads
 * something, one per session whose patterns changed).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "filter.h"

#define PPV_FTAB_MODULES 1024
#define PPV_FTAB_NAMES (64u << 10)

struct frange {
	uint64_t start, end;
	uint32_t bits; /* PPV_FM_* */
	uint32_t mod;  /* index in the table's modules */
};

struct fmod {
	uint64_t bias;
	uint64_t name_hash;
};

struct ftab {
	size_t map_size;
	size_t n, nmods;
	struct fmod *mods;
	struct frange r[];
};

static _Atomic(struct ftab *) cur;
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ppv_fpat pats; /* the patterns of the current table */

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

/* ---- patterns ------------------------------------------------------------ */

/**
 * ppv_fpat_init() - split @text ("F:PATTERN\n" and "N:PATTERN\n" lines;
 * NULL or "" for none) into @p. Lines of another form are ignored.
 */
void ppv_fpat_init(struct ppv_fpat *p, const char *text)
{
	char *line, *next;

	memset(p, 0, sizeof(*p));
	if (!text)
		return;
	strncpy(p->buf, text, sizeof(p->buf) - 1);
	for (line = p->buf; *line && p->n < PPV_FPAT_MAX; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if ((line[0] != 'F' && line[0] != 'N') || line[1] != ':' || !line[2])
			continue;
		p->type[p->n] = line[0];
		p->pat[p->n++] = line + 2;
		if (line[0] == 'F')
			p->has_f = 1;
		else
			p->has_n = 1;
	}
}

/**
 * ppv_fpat_match() - which patterns @name matches (fnmatch(3) globs).
 * Return: PPV_FM_F if an -F pattern matches, PPV_FM_N if an -N pattern
 * does, both or neither. The caller lets -N win.
 */
unsigned int ppv_fpat_match(const struct ppv_fpat *p, const char *name)
{
	unsigned int m = 0;

	for (unsigned int i = 0; i < p->n; i++)
		if (fnmatch(p->pat[i], name, 0) == 0)
			m |= p->type[i] == 'N' ? PPV_FM_N : PPV_FM_F;
	return m;
}

/* "ns::f(int) const" -> "ns::f": cut at the '(' opening the last
 * parenthesized group. Return: 1 if @out holds a shorter name. */
static int strip_params(const char *name, char *out, size_t outsz)
{
	const char *close = strrchr(name, ')'), *p;
	int depth = 0;

	if (!close)
		return 0;
	for (p = close; p > name; p--) {
		depth += *p == ')' ? 1 : *p == '(' ? -1 : 0;
		if (depth == 0)
			break;
	}
	if (depth != 0 || p == name || (size_t)(p - name) >= outsz)
		return 0;
	memcpy(out, name, (size_t)(p - name));
	out[p - name] = '\0';
	return 1;
}

static demangle_fn demangler;

/* Use the C++ runtime's demangler if it is loaded (looked up again at each
 * rescan: a dlopen may have brought it). */
void ppv_fpat_find_demangler(void)
{
	*(void **)&demangler = dlsym(RTLD_DEFAULT, "__cxa_demangle");
	if (!demangler)
		dlerror(); /* the program's next dlerror() must not see our miss */
}

/**
 * ppv_fpat_match_symbol() - ppv_fpat_match() of a symbol: its own name,
 * and for a C++ name its demangled form with and without its parameters,
 * when the C++ runtime is loaded (else only the mangled name).
 * @dbuf/@dlen: a malloc()ed buffer __cxa_demangle may grow; the caller
 * frees it.
 */
unsigned int ppv_fpat_match_symbol(const struct ppv_fpat *p, const char *sym, char **dbuf,
				   size_t *dlen)
{
	unsigned int m = ppv_fpat_match(p, sym);
	char base[1024], *d;
	int status = -1;

	if (sym[0] != '_' || sym[1] != 'Z' || !demangler)
		return m;
	d = demangler(sym, *dbuf, dlen, &status);
	if (!d || status != 0)
		return m;
	*dbuf = d;
	m |= ppv_fpat_match(p, d);
	if (strip_params(d, base, sizeof(base)))
		m |= ppv_fpat_match(p, base);
	return m;
}

/* ---- building ------------------------------------------------------------ */

struct builder {
	struct frange *r;
	size_t n, cap;
	struct fmod mods[PPV_FTAB_MODULES];
	const char *names[PPV_FTAB_MODULES];
	size_t nmods;
	char namebuf[PPV_FTAB_NAMES];
	size_t nameused;
	uint64_t bias;   /* of the module being scanned */
	uint32_t mod;
	char *dbuf;
	size_t dlen;
	int nomem;
};

static struct builder bld; /* used under build_lock only */

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int grow(struct builder *b)
{
	size_t cap = b->cap ? 2 * b->cap : 4096;
	struct frange *r = mmap(NULL, cap * sizeof(*r), PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return -1;
	if (b->r) {
		memcpy(r, b->r, b->n * sizeof(*r));
		munmap(b->r, b->cap * sizeof(*r));
	}
	b->r = r;
	b->cap = cap;
	return 0;
}

static int add_range(struct builder *b, uint64_t start, uint64_t end, uint32_t bits, uint32_t mod)
{
	if (b->n == b->cap && grow(b) < 0) {
		b->nomem = 1;
		return -1;
	}
	b->r[b->n++] = (struct frange){ start, end, bits, mod };
	return 0;
}

static void on_symbol(void *arg, const char *name, uint64_t value, uint64_t size)
{
	struct builder *b = arg;
	unsigned int m = ppv_fpat_match_symbol(&pats, name, &b->dbuf, &b->dlen);

	if (m)
		add_range(b, value + b->bias, value + b->bias + (size ? size : 1), m, b->mod);
}

/* dl_iterate_phdr() callback: note each module's name and load bias (the
 * names are copied: a dlclose() in another thread may free them). */
static int list_module(struct dl_phdr_info *info, size_t size, void *data)
{
	struct builder *b = data;
	const char *name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name
								   : (b->nmods ? NULL : "/proc/self/exe");
	size_t len;

	(void)size;
	if (!name || b->nmods == PPV_FTAB_MODULES)
		return 0; /* the vDSO and nameless objects have no file to read */
	len = strlen(name) + 1;
	if (len > sizeof(b->namebuf) - b->nameused)
		return 1;
	memcpy(b->namebuf + b->nameused, name, len);
	b->names[b->nmods] = b->namebuf + b->nameused;
	b->nameused += len;
	b->mods[b->nmods].bias = info->dlpi_addr;
	b->mods[b->nmods].name_hash = hash_name(name);
	b->nmods++;
	return 0;
}

/* The module of @old with @m's identity, or -1. */
static long find_old(const struct ftab *old, const struct fmod *m)
{
	for (size_t i = 0; old && i < old->nmods; i++)
		if (old->mods[i].bias == m->bias && old->mods[i].name_hash == m->name_hash)
			return (long)i;
	return -1;
}

/* Gather the ranges of every loaded module: copied from @old for modules
 * it already covers, read from the file for the others. */
static void gather(struct builder *b, const struct ftab *old)
{
	for (size_t i = 0; i < b->nmods && !b->nomem; i++) {
		long o = find_old(old, &b->mods[i]);

		b->mod = (uint32_t)i;
		if (o < 0) {
			b->bias = b->mods[i].bias;
			ppv_elf_func_symbols(b->names[i], on_symbol, b);
			continue;
		}
		for (size_t k = 0; k < old->n; k++)
			if (old->r[k].mod == (uint32_t)o &&
			    add_range(b, old->r[k].start, old->r[k].end, old->r[k].bits, b->mod) < 0)
				break;
	}
}

static int before(const struct frange *a, const struct frange *b)
{
	return a->start < b->start;
}

/* Heapsort by start: no allocation, O(n log n) whatever the input. */
static void sift(struct frange *r, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		struct frange t;

		if (c >= n)
			return;
		if (c + 1 < n && before(&r[c], &r[c + 1]))
			c++;
		if (!before(&r[i], &r[c]))
			return;
		t = r[i];
		r[i] = r[c];
		r[c] = t;
		i = c;
	}
}

static void sort_ranges(struct frange *r, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(r, i, n);
	for (size_t end = n; end-- > 1;) {
		struct frange t = r[0];

		r[0] = r[end];
		r[end] = t;
		sift(r, 0, end);
	}
}

/* Sort, merge aliases (same start: bits OR-ed), copy into a new table. */
static struct ftab *make_table(struct builder *b)
{
	size_t n = 0, size;
	struct ftab *t;

	sort_ranges(b->r, b->n);
	for (size_t i = 0; i < b->n; i++) {
		if (n && b->r[n - 1].start == b->r[i].start) {
			b->r[n - 1].bits |= b->r[i].bits;
			if (b->r[i].end > b->r[n - 1].end)
				b->r[n - 1].end = b->r[i].end;
			continue;
		}
		b->r[n++] = b->r[i];
	}
	size = sizeof(*t) + n * sizeof(struct frange) + b->nmods * sizeof(struct fmod);
	t = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	t->map_size = size;
	t->n = n;
	t->nmods = b->nmods;
	if (n)
		memcpy(t->r, b->r, n * sizeof(struct frange));
	t->mods = (struct fmod *)(t->r + n);
	memcpy(t->mods, b->mods, b->nmods * sizeof(struct fmod));
	return t;
}

/* Build a table of what is loaded now and publish it. build_lock held. */
static int rebuild(struct ftab *old)
{
	struct builder *b = &bld;
	struct ftab *t;

	b->n = b->nmods = b->nameused = 0;
	b->nomem = 0;
	dl_iterate_phdr(list_module, b);
	gather(b, old);
	free(b->dbuf);
	b->dbuf = NULL;
	b->dlen = 0;
	t = b->nomem ? NULL : make_table(b);
	if (!t)
		return -ENOMEM;
	atomic_store_explicit(&cur, t, memory_order_release);
	return (int)t->n;
}

/**
 * ppv_ftab_build() - scan every loaded module for the functions matching
 * the patterns of @text and publish their table.
 * Return: the number of functions in it, or a negative errno.
 */
/* A fork child may inherit the lock taken by a thread it does not have. */
static void build_after_fork_child(void)
{
	pthread_mutex_init(&build_lock, NULL);
	bld.dbuf = NULL; /* perhaps half-reallocated: leaked rather than freed */
	bld.dlen = 0;
}

int ppv_ftab_build(const char *text)
{
	static int atfork_done;
	int n;

	if (!atfork_done && pthread_atfork(NULL, NULL, build_after_fork_child) == 0)
		atfork_done = 1;
	/* dlsym() takes the loader's lock, which a thread inside dlopen() holds
	 * while it waits for build_lock in ppv_ftab_refresh(): look it up
	 * before taking build_lock. */
	ppv_fpat_find_demangler();
	pthread_mutex_lock(&build_lock);
	ppv_fpat_init(&pats, text);
	n = rebuild(NULL);
	pthread_mutex_unlock(&build_lock);
	return n;
}

/**
 * ppv_ftab_refresh() - after a dlopen(): add the modules loaded since the
 * last scan and forget those unloaded. Nothing to do without patterns.
 */
int ppv_ftab_refresh(void)
{
	int n = 0;

	ppv_fpat_find_demangler(); /* before build_lock: see ppv_ftab_build() */
	pthread_mutex_lock(&build_lock);
	if (pats.n)
		n = rebuild(atomic_load_explicit(&cur, memory_order_acquire));
	pthread_mutex_unlock(&build_lock);
	return n;
}

/* No name filter in this session: lookups find nothing. */
void ppv_ftab_clear(void)
{
	pthread_mutex_lock(&build_lock);
	memset(&pats, 0, sizeof(pats));
	atomic_store_explicit(&cur, NULL, memory_order_release);
	pthread_mutex_unlock(&build_lock);
}

size_t ppv_ftab_functions(void)
{
	const struct ftab *t = atomic_load_explicit(&cur, memory_order_acquire);

	return t ? t->n : 0;
}

/**
 * ppv_ftab_lookup() - the match bits of the function at @addr (the enter
 * hook's argument), by binary search of the current table. No lock, no
 * system call.
 */
unsigned int ppv_ftab_lookup(uint64_t addr)
{
	const struct ftab *t = atomic_load_explicit(&cur, memory_order_acquire);
	size_t lo = 0, hi;

	if (!t)
		return 0;
	hi = t->n;
	while (lo < hi) { /* the first range starting after addr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && addr < t->r[lo - 1].end ? t->r[lo - 1].bits : 0;
}
