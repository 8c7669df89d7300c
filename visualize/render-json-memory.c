/* SPDX-License-Identifier: MIT */
/*
 * render-json-memory.c - the "memory" object of the JSON report
 * (docs/report-schema.md): whether allocations were recorded, the totals,
 * one row per process, and the blocks never freed by call path, each path
 * the function keys from the outermost frame to the allocating one.
 * Owns: that object's layout. Does not own: the figures (the analyzer) or
 * the rest of the report (render-json.c).
 */
#include <stdint.h>

#include "render-json.h"

static json_int_t ju(uint64_t v)
{
	return v > INT64_MAX ? (json_int_t)INT64_MAX : (json_int_t)v;
}

static json_t *stats_json(const struct ppv_memory_stats *m)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "events", ju(m->events),
			 "alloc_count", ju(m->alloc_count),
			 "alloc_bytes", ju(m->alloc_bytes),
			 "free_count", ju(m->free_count),
			 "freed_bytes", ju(m->freed_bytes),
			 "live_count", ju(m->live_count),
			 "live_bytes", ju(m->live_bytes),
			 "peak_bytes", ju(m->peak_bytes),
			 "unmatched_frees", ju(m->unmatched_frees),
			 "unseen_frees", ju(m->unseen_frees),
			 "outside_count", ju(m->outside_count),
			 "outside_bytes", ju(m->outside_bytes),
			 "rss_samples", ju(m->rss_samples),
			 "rss_bytes", ju(m->rss_bytes),
			 "peak_rss", ju(m->peak_rss));
}

static json_t *processes_json(const struct ppv_profile *p)
{
	size_t n;
	const struct ppv_memory_stats *v = ppv_profile_memory_by_process(p, &n);
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		json_t *row = stats_json(&v[i]);

		if (!row || json_object_set_new(row, "pid", json_integer(v[i].pid)) < 0 ||
		    json_array_append_new(arr, row) < 0) {
			json_decref(row);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The path's function keys, outermost first; [] for the root. */
static json_t *path_json(const struct ppv_cct_node *n, const char *const *keys)
{
	json_t *arr = json_array();

	for (; arr && n->parent; n = n->parent) {
		if (json_array_insert_new(arr, 0, json_string(keys[n->func])) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *leaks_json(const struct ppv_profile *p, const char *const *keys)
{
	size_t n;
	const struct ppv_leak *l = ppv_profile_leaks(p, &n);
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		json_t *row = json_pack("{s:I, s:I, s:o}", "bytes", ju(l[i].bytes), "count",
					ju(l[i].count), "path", path_json(l[i].node, keys));

		if (!row || json_array_append_new(arr, row) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *ppv_json_memory(const struct ppv_profile *p, const char *const *keys)
{
	const struct ppv_memory_stats *m = ppv_profile_memory_total(p);

	/* "o" steals each value and fails on NULL, releasing the others */
	return json_pack("{s:b, s:o, s:o, s:o}", "recorded", m->events != 0, "total",
			 stats_json(m), "by_process", processes_json(p), "leaks",
			 leaks_json(p, keys));
}
