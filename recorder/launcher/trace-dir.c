/* SPDX-License-Identifier: MIT */
/*
 * trace-dir.c - ppv-record's output directory, for either backend.
 *
 * Owns: creating it, refusing one that already holds a trace (native
 * *.ppv files and their symbol file, or LTTng's ust/ and kernel/ trees)
 * unless --force, and removing that trace with --force. Does not own what
 * is recorded into it.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace-dir.h"

static int is_trace_entry(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, "ust") == 0 || strcmp(name, "kernel") == 0 ||
	       strcmp(name, "symbols.ppvsym") == 0 || (n > 4 && strcmp(name + n - 4, ".ppv") == 0);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

int ppv_trace_dir_prepare(const char *dir, int force)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno != EEXIST || !(d = opendir(dir))) {
		fprintf(stderr, "ppv-record: cannot create the trace directory %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (!is_trace_entry(de->d_name))
			continue;
		if (!force) {
			fprintf(stderr, "ppv-record: %s already holds a trace; use --force to "
				"replace it, or -o to choose another directory\n", dir);
			closedir(d);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0) {
			fprintf(stderr, "ppv-record: cannot remove %s: %s\n", path, strerror(errno));
			closedir(d);
			return 1;
		}
	}
	closedir(d);
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "ppv-record: cannot write to the trace directory %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	return 0;
}
