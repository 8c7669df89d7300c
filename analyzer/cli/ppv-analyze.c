/* SPDX-License-Identifier: MIT */
/*
 * ppv-analyze.c - the analyzer's command-line front end: finds the
 * subcommand and hands it the rest of the arguments. Each subcommand lives
 * in cmd-<name>.c; the analysis itself is in the analyzer library.
 */
#include <stdio.h>
#include <string.h>

#include <perprovis/ppv.h>

#include "cli-common.h"

static const struct ppv_cli_cmd *const commands[] = {
	&ppv_cmd_summary,
	&ppv_cmd_hotspots,
	&ppv_cmd_chart,
	&ppv_cmd_tree,
	&ppv_cmd_callgraph,
	&ppv_cmd_io,
	&ppv_cmd_memory,
	&ppv_cmd_json,
	&ppv_cmd_flame,
	&ppv_cmd_timeline,
	&ppv_cmd_callgrind,
	&ppv_cmd_diff,
	&ppv_cmd_report,
	&ppv_cmd_info,
	&ppv_cmd_dump,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "Usage: ppv-analyze [-h|--help] [-V|--version] COMMAND [OPTIONS] TRACE\n"
		     "       ppv-analyze help COMMAND\n\n"
		     "Analyze a PerProVis trace (a directory written by ppv-record, or one of\n"
		     "its .ppv files).\n\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nExit status: 0 success, 1 the trace could not be read, 2 bad usage.\n"
		     "See ppv-analyze(1).\n");
}

static const struct ppv_cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct ppv_cli_cmd *cmd;
	char prog[64];

	if (argc < 2) {
		usage(stderr);
		return PPV_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return PPV_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("ppv-analyze (PerProVis) %s\n", PPV_VERSION_STRING);
		return PPV_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return PPV_EXIT_OK;
		}
		cmd = find(argv[2]);
		if (!cmd) {
			fprintf(stderr, "ppv-analyze: unknown command '%s'\n", argv[2]);
			return PPV_EXIT_USAGE;
		}
		cmd->help(stdout);
		return PPV_EXIT_OK;
	}
	cmd = find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "ppv-analyze: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return PPV_EXIT_USAGE;
	}
	/* getopt prefixes its own messages with argv[0] */
	snprintf(prog, sizeof(prog), "ppv-analyze %s", cmd->name);
	argv[1] = prog;
	return cmd->run(argc - 1, argv + 1);
}
