/* SPDX-License-Identifier: MIT */
/*
 * func-sort.c - ordering functions for reports, and the names of sort keys
 * and I/O kinds.
 *
 * Owns: what each sort key measures (so every report ranks alike). Does
 * not own: the statistics (profile.c) or their presentation (visualize/).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile-internal.h"

static const char *const sort_names[] = {
	[PPV_SORT_TOTAL] = "total", [PPV_SORT_SELF] = "self",	  [PPV_SORT_CALLS] = "calls",
	[PPV_SORT_AVG] = "avg",	    [PPV_SORT_MAX] = "max",	  [PPV_SORT_P99] = "p99",
	[PPV_SORT_ERRORS] = "errors", [PPV_SORT_IO] = "io",	  [PPV_SORT_MEMORY] = "memory",
};

PPV_API int ppv_sort_key_parse(const char *s, enum ppv_sort_key *out)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++) {
		if (strcmp(s, sort_names[i]) == 0) {
			*out = (enum ppv_sort_key)i;
			return 0;
		}
	}
	return -EINVAL;
}

static uint64_t measure(const struct ppv_func_stats *f, enum ppv_sort_key key)
{
	switch (key) {
	case PPV_SORT_SELF:
		return f->self_ns;
	case PPV_SORT_CALLS:
		return f->calls;
	case PPV_SORT_AVG:
		return f->avg_ns;
	case PPV_SORT_MAX:
		return f->max_ns;
	case PPV_SORT_P99:
		return ppv_hist_percentile(f->hist, 0.99);
	case PPV_SORT_ERRORS:
		return f->errors;
	case PPV_SORT_IO:
		return f->io_bytes;
	case PPV_SORT_MEMORY:
		return f->alloc_bytes_incl;
	default:
		return f->total_ns;
	}
}

struct keyed {
	uint64_t v;
	const struct ppv_func_stats *f;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c;

	if (x->v != y->v)
		return x->v < y->v ? 1 : -1;
	c = strcmp(x->f->name, y->f->name);
	return c ? c : (x->f->id < y->f->id ? -1 : 1);
}

PPV_API int ppv_profile_sorted(const struct ppv_profile *p, enum ppv_sort_key key,
			       const struct ppv_func_stats **out)
{
	struct keyed *v;
	size_t n = 0;

	if ((unsigned int)key > PPV_SORT_MEMORY)
		return -EINVAL;
	v = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < p->nfuncs; i++) {
		const struct ppv_func_stats *f = &p->funcs[i]->pub;

		/* seen only in an unmatched exit, or only outside -F: nothing to rank */
		if (f->calls || f->errors || f->io_ops)
			v[n++] = (struct keyed){ measure(f, key), f };
	}
	qsort(v, n, sizeof(*v), cmp_keyed);
	for (size_t i = 0; i < n; i++)
		out[i] = v[i].f;
	free(v);
	return (int)n;
}

PPV_API const char *ppv_io_kind_name(unsigned int kind)
{
	static const char *const names[] = {
		[PPV_IO_OTHER] = "other",     [PPV_IO_FILE_READ] = "file-read",
		[PPV_IO_FILE_WRITE] = "file-write", [PPV_IO_NETWORK] = "network",
		[PPV_IO_DATABASE] = "database", [PPV_IO_PIPE] = "pipe",
		[PPV_IO_CUSTOM] = "custom",
	};

	return kind < PPV_IO_KIND_COUNT && names[kind] ? names[kind] : "unknown";
}
