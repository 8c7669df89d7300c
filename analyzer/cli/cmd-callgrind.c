/* SPDX-License-Identifier: MIT */
/*
 * cmd-callgrind.c - `ppv-analyze callgrind`: the profile in callgrind
 * format for KCachegrind and callgrind_annotate, to stdout or a file.
 * Owns the command's options and the output file (removed again if the
 * profile cannot be written); the format is ppv_render_callgrind().
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli-common.h"

static void help(FILE *out)
{
	fprintf(out,
		"Usage: ppv-analyze callgrind [OPTIONS] TRACE\n\n"
		"Write the profile of TRACE in callgrind format, for KCachegrind,\n"
		"QCachegrind and callgrind_annotate: events ns (time), ioB (I/O bytes)\n"
		"and errors; self cost per function at its source line, inclusive cost\n"
		"per call edge.\n\n"
		"Options:\n"
		"  -o, --output FILE      write to FILE instead of stdout\n"
		"                         (KCachegrind lists files named callgrind.out.*)\n"
		"  -h, --help             show this help\n\n" PPV_CLI_COMMON_HELP);
}

static int parse_args(int argc, char **argv, struct ppv_analyze_opts *ao, const char **file)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		PPV_CLI_COMMON_LONGOPTS,
		{ 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "ho:" PPV_CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return -1;
		case 'o':
			*file = optarg;
			break;
		default:
			rc = ppv_cli_common_option(&ppv_cmd_callgrind, c, optarg, ao);
			if (rc < 0)
				return PPV_EXIT_USAGE;
			if (rc == 0)
				return ppv_cli_usage(&ppv_cmd_callgrind, "unknown option");
		}
	}
	return 0;
}

/* Render into @file (NULL or "-": stdout); a file is removed if anything fails. */
static int write_profile(const struct ppv_profile *p, const char *file)
{
	FILE *out = ppv_cli_out_open(&ppv_cmd_callgrind, file);

	if (!out)
		return PPV_EXIT_TRACE;
	return ppv_cli_render_status(&ppv_cmd_callgrind,
				     ppv_cli_out_close(out, file, ppv_render_callgrind(p, NULL, out)));
}

static int run(int argc, char **argv)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	const char *path, *file = NULL;
	struct ppv_profile *p;
	struct ppv_trace *t;
	int rc = parse_args(argc, argv, &ao, &file);

	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	path = ppv_cli_trace_arg(&ppv_cmd_callgrind, argc, argv);
	if (!path)
		return PPV_EXIT_USAGE;
	rc = ppv_cli_analyze(path, &ao, &t, &p);
	if (rc != PPV_EXIT_OK)
		return rc;
	rc = write_profile(p, file);
	ppv_cli_analyze_end(t, p);
	return rc;
}

const struct ppv_cli_cmd ppv_cmd_callgrind = {
	.name = "callgrind",
	.summary = "the profile in callgrind format (KCachegrind, callgrind_annotate)",
	.run = run,
	.help = help,
};
