/* SPDX-License-Identifier: MIT */
/*
 * hist.c - bounded log-linear histograms of call durations, for
 * percentiles without storing samples.
 *
 * Owns: bucketing and quantile lookup. Values below 128 have a bucket each;
 * above, every power of two [2^e, 2^(e+1)) is cut into 128 equal buckets,
 * so a bucket's width is at most 1/128 of its lower bound and the midpoint
 * reported is within 1/256 (0.4%) of any value in it. A group (one power of
 * two, 1 KiB) is allocated the first time a value falls in it: a function
 * whose calls span three orders of magnitude costs about 10 KiB.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "profile-internal.h"

static unsigned int bucket_of(uint64_t v, unsigned int *group)
{
	unsigned int e, idx;

	if (v < PPV_HIST_SUB) {
		*group = 0;
		return (unsigned int)v;
	}
	e = 63u - (unsigned int)__builtin_clzll(v); /* >= 7 */
	idx = (unsigned int)((v >> (e - 7)) & (PPV_HIST_SUB - 1));
	*group = e - 6;
	return idx;
}

/* Lowest value of bucket @b of group @g, and the bucket's width. */
static uint64_t bucket_low(unsigned int g, unsigned int b, uint64_t *width)
{
	unsigned int e;

	if (g == 0) {
		*width = 1;
		return b;
	}
	e = g + 6;
	*width = UINT64_C(1) << (e - 7);
	return (UINT64_C(1) << e) + (uint64_t)b * *width;
}

int ppv_hist_add(struct ppv_hist *h, uint64_t v)
{
	unsigned int g, b = bucket_of(v, &g);

	if (!h->group[g]) {
		h->group[g] = calloc(PPV_HIST_SUB, sizeof(uint64_t));
		if (!h->group[g])
			return -ENOMEM;
	}
	h->group[g][b]++;
	if (!h->count || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	return 0;
}

void ppv_hist_release(struct ppv_hist *h)
{
	for (unsigned int g = 0; g < PPV_HIST_GROUPS; g++)
		free(h->group[g]);
}

PPV_API uint64_t ppv_hist_count(const struct ppv_hist *h)
{
	return h ? h->count : 0;
}

PPV_API uint64_t ppv_hist_percentile(const struct ppv_hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (!h || !h->count || !(q > 0))
		return 0;
	if (q >= 1)
		return h->max;
	rank = (uint64_t)ceil(q * (double)h->count);
	for (unsigned int g = 0; g < PPV_HIST_GROUPS; g++) {
		if (!h->group[g])
			continue;
		for (unsigned int b = 0; b < PPV_HIST_SUB; b++) {
			uint64_t width, low, mid;

			seen += h->group[g][b];
			if (seen < rank)
				continue;
			low = bucket_low(g, b, &width);
			mid = low + width / 2;
			/* the extremes are known exactly */
			return mid < h->min ? h->min : mid > h->max ? h->max : mid;
		}
	}
	return h->max;
}

PPV_API uint64_t ppv_profile_min_duration_for(const struct ppv_profile *p, uint64_t max_calls)
{
	uint64_t seen = 0, low = 0, width;

	/* Walk every function's buckets together, longest first, until one
	 * more bucket would pass @max_calls: calls in the buckets already
	 * walked all last at least the last one's lower bound. */
	for (unsigned int g = PPV_HIST_GROUPS; g-- > 0;) {
		for (unsigned int b = PPV_HIST_SUB; b-- > 0;) {
			uint64_t n = 0;

			for (size_t i = 0; i < p->nfuncs; i++) {
				const struct ppv_hist *h = &p->funcs[i]->hist;

				n += h->group[g] ? h->group[g][b] : 0;
			}
			if (!n)
				continue;
			if (seen + n > max_calls) {
				if (seen)
					return low;
				/* not even the longest calls fit: keep none */
				return bucket_low(g, b, &width) + width;
			}
			seen += n;
			low = bucket_low(g, b, &width);
		}
	}
	return 0;
}
