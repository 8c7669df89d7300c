/* trace-read.c - read back what the recorder wrote, for the unit tests:
 * counts per event type and per function address, through formats/'
 * native reader. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native-reader.h"
#include "trace-read.h"

static void count_func(struct tr_counts *c, const struct ppv_event *ev)
{
	int i;

	for (i = 0; i < c->naddr; i++)
		if (c->addr[i] == ev->func.addr)
			break;
	if (i == c->naddr) {
		if (c->naddr == TR_MAX)
			return;
		c->addr[c->naddr++] = ev->func.addr;
	}
	if (ev->type == PPV_EVENT_ENTER)
		c->enters[i]++;
	else
		c->exits[i]++;
}

static void note_tid(struct tr_counts *c, uint32_t tid)
{
	for (int i = 0; i < c->ntids; i++)
		if (c->tids[i] == tid)
			return;
	if (c->ntids < TR_MAX)
		c->tids[c->ntids++] = tid;
}

static void on_event(struct tr_counts *c, const struct ppv_event *ev)
{
	if (ev->type < PPV_EVENT_TYPE_COUNT)
		c->by_type[ev->type]++;
	switch (ev->type) {
	case PPV_EVENT_ENTER:
	case PPV_EVENT_EXIT:
		count_func(c, ev);
		note_tid(c, ev->tid);
		break;
	case PPV_EVENT_IO:
		c->io = *ev;
		snprintf(c->io_name, sizeof(c->io_name), "%s", ev->io.name ? ev->io.name : "");
		break;
	case PPV_EVENT_SCOPE_ENTER:
		c->scope_enter = *ev;
		snprintf(c->scope_name, sizeof(c->scope_name), "%s", ev->scope.name);
		break;
	case PPV_EVENT_ERROR:
		c->error = *ev;
		break;
	case PPV_EVENT_THREAD_START: {
		size_t n = strlen(c->thread_names);

		snprintf(c->thread_names + n, sizeof(c->thread_names) - n, "%s;",
			 ev->thread.name ? ev->thread.name : "");
		break;
	}
	default:
		break;
	}
}

static int read_file(const char *path, struct tr_counts *c)
{
	struct ppv_native_reader *r;
	struct ppv_event ev;
	int err = ppv_native_reader_open(path, &r);
	const char *cmd;

	if (err)
		return err;
	if (c->files < 8) {
		c->pids[c->files] = ppv_native_reader_header(r)->pid;
		c->ppids[c->files] = ppv_native_reader_header(r)->ppid;
	}
	while ((err = ppv_native_reader_next(r, &ev)) > 0)
		on_event(c, &ev);
	cmd = ppv_native_reader_info(r, "cmdline");
	if (cmd)
		snprintf(c->cmdline, sizeof(c->cmdline), "%s", cmd);
	c->lost += ppv_native_reader_stats(r)->lost;
	if (!ppv_native_reader_stats(r)->complete)
		c->complete = 0;
	ppv_native_reader_close(r);
	c->files++;
	return err;
}

int tr_read_dir(const char *dir, struct tr_counts *c)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->complete = 1;
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n < 5 || strcmp(de->d_name + n - 4, ".ppv") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		err = read_file(path, c);
	}
	closedir(d);
	return err;
}

uint64_t tr_enters(const struct tr_counts *c, uint64_t addr)
{
	for (int i = 0; i < c->naddr; i++)
		if (c->addr[i] == addr)
			return c->enters[i];
	return 0;
}

uint64_t tr_exits(const struct tr_counts *c, uint64_t addr)
{
	for (int i = 0; i < c->naddr; i++)
		if (c->addr[i] == addr)
			return c->exits[i];
	return 0;
}

char *tr_tmpdir(void)
{
	char tmpl[] = "/tmp/ppv-rec-test.XXXXXX";
	char *d = mkdtemp(tmpl);
	char *out;

	if (!d)
		return NULL;
	rmdir(d); /* the recorder creates it */
	out = malloc(strlen(d) + 8);
	sprintf(out, "%s/trace", d);
	mkdir(d, 0700);
	return out;
}

void tr_cleanup(char *dir)
{
	char cmd[4200];
	char *slash;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(dir);
}
