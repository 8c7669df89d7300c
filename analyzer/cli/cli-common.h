/* SPDX-License-Identifier: MIT */
/*
 * cli-common.h - what every ppv-analyze subcommand shares: exit codes,
 * opening a trace with a clear error, printing warnings, small formatting.
 */
#ifndef PPV_CLI_COMMON_H
#define PPV_CLI_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-trace.h>

enum ppv_cli_exit {
	PPV_EXIT_OK = 0,
	PPV_EXIT_TRACE = 1, /* the trace could not be read */
	PPV_EXIT_USAGE = 2,
};

struct ppv_cli_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);
};

extern const struct ppv_cli_cmd ppv_cmd_info;
extern const struct ppv_cli_cmd ppv_cmd_dump;

/* Open @path or print "ppv-analyze: error: ..." and return NULL. */
struct ppv_trace *ppv_cli_open(const char *path);
/* Print the trace's warnings to stderr, each prefixed. */
void ppv_cli_warnings(const struct ppv_trace *t);
/* Print a read error and return PPV_EXIT_TRACE. */
int ppv_cli_read_error(const struct ppv_trace *t);
/* "Usage: ..." for @cmd on stderr; returns PPV_EXIT_USAGE. */
int ppv_cli_usage(const struct ppv_cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The earliest start of any process (ns), the origin of relative times. */
uint64_t ppv_cli_origin(const struct ppv_trace *t);
/* Parse a non-negative integer option; return -1 if it is not one. */
long long ppv_cli_number(const char *s);

#endif
