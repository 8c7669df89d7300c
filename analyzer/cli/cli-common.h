/* SPDX-License-Identifier: MIT */
/*
 * cli-common.h - what every ppv-analyze subcommand shares: exit codes,
 * opening a trace with a clear error, printing warnings, small formatting.
 */
#ifndef PPV_CLI_COMMON_H
#define PPV_CLI_COMMON_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <perprovis/ppv-analyze.h>
#include <perprovis/ppv-render.h>
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
extern const struct ppv_cli_cmd ppv_cmd_summary;
extern const struct ppv_cli_cmd ppv_cmd_hotspots;
extern const struct ppv_cli_cmd ppv_cmd_chart;
extern const struct ppv_cli_cmd ppv_cmd_tree;
extern const struct ppv_cli_cmd ppv_cmd_callgraph;
extern const struct ppv_cli_cmd ppv_cmd_io;
extern const struct ppv_cli_cmd ppv_cmd_memory;
extern const struct ppv_cli_cmd ppv_cmd_json;
extern const struct ppv_cli_cmd ppv_cmd_flame;
extern const struct ppv_cli_cmd ppv_cmd_timeline;
extern const struct ppv_cli_cmd ppv_cmd_callgrind;
extern const struct ppv_cli_cmd ppv_cmd_diff;
extern const struct ppv_cli_cmd ppv_cmd_report;

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


/*
 * Options every report command shares (they select what is analyzed). A
 * command puts PPV_CLI_COMMON_LONGOPTS in its getopt_long() table,
 * PPV_CLI_COMMON_SHORTOPTS in its optstring, hands each option it does not
 * know to ppv_cli_common_option(), and prints PPV_CLI_COMMON_HELP in its
 * help text.
 */
#define PPV_CLI_COMMON_SHORTOPTS "F:N:"
#define PPV_CLI_COMMON_LONGOPTS                                                        \
	{ "pid", required_argument, NULL, 0x100 },                                   \
	{ "thread", required_argument, NULL, 0x101 },                                \
	{ "function", required_argument, NULL, 'F' },                                \
	{ "exclude", required_argument, NULL, 'N' },                                 \
	{ "time-range", required_argument, NULL, 0x102 }
#define PPV_CLI_COMMON_HELP                                                            \
	"Selection (all reports):\n"                                                  \
	"  --pid PID              only this process\n"                                \
	"  --thread TID           only this thread\n"                                 \
	"  -F, --function PATTERN only calls inside functions matching PATTERN\n"      \
	"  -N, --exclude PATTERN  hide functions matching PATTERN (their time goes\n"  \
	"                         to their caller)\n"                                 \
	"  --time-range START,END only events in this window, as durations from the\n" \
	"                         trace's start (e.g. 1.5s,3s or ,200ms)\n"

/*
 * ppv_cli_common_option() - apply common option @opt (getopt's return) with
 * argument @arg to @o. Return: 1 if it was a common option, 0 if not, -1
 * (after printing usage) if its argument is bad.
 */
int ppv_cli_common_option(const struct ppv_cli_cmd *cmd, int opt, const char *arg,
			  struct ppv_analyze_opts *o);

/*
 * ppv_cli_other_option() - an option the command does not handle itself:
 * a common one, else "unknown option". Return: 0, or the exit code after
 * printing usage.
 */
int ppv_cli_other_option(const struct ppv_cli_cmd *cmd, int opt, const char *arg,
			 struct ppv_analyze_opts *o);

/*
 * ppv_cli_limit() - "-n N": a row count from 1 to 1000000 into *@out.
 * Return: 0, or the exit code after printing usage.
 */
int ppv_cli_limit(const struct ppv_cli_cmd *cmd, const char *arg, unsigned int *out);

/*
 * ppv_cli_parse_duration() - "250ms", "1.5s", "20us", "830ns", "2m" or a
 * bare number of ns. Return: 0, or -1 if @s is not a duration.
 */
int ppv_cli_parse_duration(const char *s, uint64_t *ns);

/*
 * ppv_cli_parse_size() - "256M", "1G", "64K", "512MiB" (powers of 1024) or a
 * bare number of bytes. Return: 0, or -1 if @s is not a size.
 */
int ppv_cli_parse_size(const char *s, uint64_t *bytes);

/*
 * ppv_cli_analyze() - open @path, build its profile with @o, print the
 * trace's warnings. Return: PPV_EXIT_OK with *@t and *@p set (free both
 * with ppv_cli_analyze_end()), or the exit code after printing the error.
 */
int ppv_cli_analyze(const char *path, const struct ppv_analyze_opts *o, struct ppv_trace **t,
		    struct ppv_profile **p);
void ppv_cli_analyze_end(struct ppv_trace *t, struct ppv_profile *p);

/*
 * ppv_cli_render_status() - map a renderer's return value to an exit code,
 * printing what went wrong.
 */
int ppv_cli_render_status(const struct ppv_cli_cmd *cmd, int rc);

/*
 * ppv_cli_report() - the rest of a report command once its options are
 * parsed: take the TRACE operand, build the profile with @ao, render it
 * with @render and @ro to @file (NULL or "-": stdout; see
 * ppv_cli_out_open()). Return: the exit code.
 */
typedef int (*ppv_cli_render_fn)(const struct ppv_profile *p, const struct ppv_render_opts *o,
				 FILE *out);
int ppv_cli_report(const struct ppv_cli_cmd *cmd, int argc, char **argv,
		   const struct ppv_analyze_opts *ao, const struct ppv_render_opts *ro,
		   ppv_cli_render_fn render, const char *file);

/*
 * ppv_cli_out_open() - where a report goes: stdout for NULL or "-", else
 * @file created or truncated; NULL after printing why it cannot be.
 * ppv_cli_out_close() - close it (not stdout) and, when @rc (a renderer's
 * result) or the close failed, remove @file: only a regular file, never a
 * device such as /dev/full. Return: @rc, or -EIO if only the close failed.
 */
FILE *ppv_cli_out_open(const struct ppv_cli_cmd *cmd, const char *file);
int ppv_cli_out_close(FILE *out, const char *file, int rc);

/* The single TRACE operand after the options, or usage error (NULL). */
const char *ppv_cli_trace_arg(const struct ppv_cli_cmd *cmd, int argc, char **argv);

#endif
