/* trace-read.h - read back what the recorder wrote, for the unit tests. */
#ifndef PPV_TEST_TRACE_READ_H
#define PPV_TEST_TRACE_READ_H

#include <stdint.h>

#include <perprovis/ppv-trace.h>

#define TR_MAX 64

struct tr_counts {
	int files;
	uint64_t by_type[PPV_EVENT_TYPE_COUNT];
	uint64_t lost;
	int complete;      /* every file ended with its END chunk */
	uint32_t pids[8];
	uint32_t ppids[8];
	/* enter/exit counts of up to TR_MAX distinct addresses */
	uint64_t addr[TR_MAX], enters[TR_MAX], exits[TR_MAX];
	int naddr;
	uint32_t tids[TR_MAX];
	int ntids;
	/* the last I/O, scope and error events seen */
	struct ppv_event io, scope_enter, error;
	char io_name[64], scope_name[64];
	uint64_t last_ts;
	int ts_backwards;  /* a thread's timestamps went backwards */
	char cmdline[256];
	char thread_names[512]; /* THREAD_START names, each followed by ';' */
};

/* Read every .ppv file of @dir; return 0 or a negative errno. */
int tr_read_dir(const char *dir, struct tr_counts *c);
uint64_t tr_enters(const struct tr_counts *c, uint64_t addr);
uint64_t tr_exits(const struct tr_counts *c, uint64_t addr);

/* A fresh temporary directory path (not created); free with tr_cleanup. */
char *tr_tmpdir(void);
void tr_cleanup(char *dir);

#endif
