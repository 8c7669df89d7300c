/* SPDX-License-Identifier: MIT */
/*
 * render-json.h - private to the JSON report: the parts of it written by
 * other files than render-json.c. Not installed.
 */
#ifndef PPV_RENDER_JSON_H
#define PPV_RENDER_JSON_H

#include <jansson.h>

#include <perprovis/ppv-analyze.h>

/*
 * ppv_json_memory() - the report's "memory" object: totals, per-process
 * rows and leaks by call path, functions named by @keys (their keys in
 * function_profiles, by function id).
 * Return: a new reference, or NULL without memory.
 */
json_t *ppv_json_memory(const struct ppv_profile *p, const char *const *keys);

#endif /* PPV_RENDER_JSON_H */
