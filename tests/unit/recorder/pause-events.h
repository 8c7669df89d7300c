/* pause-events.h - a recorded trace's events in time order, and the
 * checks the pause and rotation tests make on them. */
#ifndef PPV_TEST_PAUSE_EVENTS_H
#define PPV_TEST_PAUSE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include <perprovis/ppv-trace.h>

struct pe_event {
	uint64_t ts, addr, order;
	uint32_t pid, tid;
	uint16_t type;
};

struct pe_trace {
	struct pe_event *ev;
	size_t n, cap;
	int files, complete;  /* complete: every file has its END chunk */
	uint64_t lost;        /* sum of LOSS events */
	uint64_t bytes;       /* of every .ppv file */
	char first_segment[32], dropped_events[32]; /* INFO of the first and last file */
	char why[256];        /* what a failed check saw */
};

/* Read every .ppv file of @dir (by segment order), events sorted by time. */
int pe_read(const char *dir, struct pe_trace *tr);
void pe_free(struct pe_trace *tr);
uint64_t pe_count(const struct pe_trace *tr, int type);
/* Completed calls of @addr: its ENTER events (of process @pid, or any: 0). */
uint64_t pe_calls(const struct pe_trace *tr, uint64_t addr);
uint64_t pe_calls_of(const struct pe_trace *tr, uint32_t pid, uint64_t addr);
uint64_t pe_count_of(const struct pe_trace *tr, uint32_t pid, int type);
/* 0 if PAUSE and RESUME alternate (PAUSE first) and no ENTER or EXIT lies
 * inside a paused interval; else -1 with tr->why. */
int pe_check_paused_intervals(struct pe_trace *tr);
/* 0 if, between two transitions, each thread's calls follow
 * call_pair()'s pattern without a gap; else -1 with tr->why. */
int pe_check_call_pattern(struct pe_trace *tr);

#endif
