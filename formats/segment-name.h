/* SPDX-License-Identifier: MIT */
/*
 * segment-name.h - names of the files one process image writes when its
 * trace is split into segments (ppv-record --max-size, docs/format.md
 * section 1): BASE.ppv is segment 0, BASE.s1.ppv segment 1, and so on,
 * where BASE is "PID" or, after an exec, "PID-N". Shared by the recorder
 * (which writes them), ppv-record and the analyzer (which group them).
 */
#ifndef PPV_FORMATS_SEGMENT_NAME_H
#define PPV_FORMATS_SEGMENT_NAME_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Write the name of segment @k of @base into @buf. Return: as snprintf. */
static inline int ppv_segment_name(char *buf, size_t len, const char *base, uint64_t k)
{
	if (k == 0)
		return snprintf(buf, len, "%s.ppv", base);
	return snprintf(buf, len, "%s.s%llu.ppv", base, (unsigned long long)k);
}

/**
 * ppv_segment_parse() - split a file name into its base and segment number.
 * @name:    a file name (or path) ending in ".ppv".
 * @baselen: receives the length of the base (what precedes ".ppv" or
 *           ".sK.ppv").
 *
 * Return: the segment number (0 for a name without ".sK"), or -1 if @name
 * does not end in ".ppv" or has nothing before it.
 */
static inline long long ppv_segment_parse(const char *name, size_t *baselen)
{
	size_t n = strlen(name), i;
	unsigned long long k = 0, scale = 1;

	if (n <= 4 || strcmp(name + n - 4, ".ppv") != 0)
		return -1;
	n -= 4;
	*baselen = n;
	for (i = n; i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9' && n - i < 18; i--) {
		k += (unsigned long long)(name[i - 1] - '0') * scale;
		scale *= 10;
	}
	/* ".s" then digits (no leading zero), and a base before it */
	if (i == n || i < 3 || name[i - 1] != 's' || name[i - 2] != '.' ||
	    (name[i] == '0'))
		return 0;
	*baselen = i - 2;
	return (long long)k;
}

#endif
