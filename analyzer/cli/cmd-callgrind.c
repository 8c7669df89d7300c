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
			rc = ppv_cli_other_option(&ppv_cmd_callgrind, c, optarg, ao);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int run(int argc, char **argv)
{
	struct ppv_analyze_opts ao = { .sz = sizeof(ao) };
	const char *file = NULL;
	int rc = parse_args(argc, argv, &ao, &file);

	if (rc)
		return rc < 0 ? PPV_EXIT_OK : rc;
	return ppv_cli_report(&ppv_cmd_callgrind, argc, argv, &ao, NULL, ppv_render_callgrind, file);
}

const struct ppv_cli_cmd ppv_cmd_callgrind = {
	.name = "callgrind",
	.summary = "the profile in callgrind format (KCachegrind, callgrind_annotate)",
	.run = run,
	.help = help,
};
