/* SPDX-License-Identifier: MIT */
/*
 * cli-common.c - helpers shared by ppv-analyze's subcommands: opening a
 * trace with a message that names the file and offset, warnings, usage
 * errors and exit codes. No analysis happens here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli-common.h"

struct ppv_trace *ppv_cli_open(const char *path)
{
	struct ppv_trace *t;

	if (ppv_trace_open(path, &t) < 0) {
		fprintf(stderr, "ppv-analyze: error: %s\n", ppv_trace_open_error());
		return NULL;
	}
	return t;
}

void ppv_cli_warnings(const struct ppv_trace *t)
{
	const char *w = ppv_trace_warnings(t);

	while (*w) {
		const char *nl = strchr(w, '\n');
		int n = nl ? (int)(nl - w) : (int)strlen(w);

		fprintf(stderr, "ppv-analyze: warning: %.*s\n", n, w);
		w += n + (nl ? 1 : 0);
	}
}

int ppv_cli_read_error(const struct ppv_trace *t)
{
	fprintf(stderr, "ppv-analyze: error: %s\n", ppv_trace_last_error(t));
	return PPV_EXIT_TRACE;
}

int ppv_cli_usage(const struct ppv_cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ppv-analyze %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	cmd->help(stderr);
	return PPV_EXIT_USAGE;
}

uint64_t ppv_cli_origin(const struct ppv_trace *t)
{
	uint64_t o = UINT64_MAX;

	for (size_t i = 0; i < ppv_trace_process_count(t); i++) {
		const struct ppv_process_info *p = ppv_trace_borrow_process(t, i);

		if (p->start_ns < o)
			o = p->start_ns;
	}
	return o == UINT64_MAX ? 0 : o;
}

long long ppv_cli_number(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return -1;
	return v;
}
