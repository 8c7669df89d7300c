/* SPDX-License-Identifier: MIT */
/*
 * floor-hooks.c - the floor for bench/record-overhead.sh: the least an
 * in-process -finstrument-functions recorder can do per event, i.e. read
 * the TSC and store a 16-byte slot into a 1 MiB per-thread ring, with no
 * consumer, no checks and no file. Preloaded instead of the recorder, it
 * tells how much of ppv's cost per call is the clock read and the store
 * themselves. Not a recorder: nothing is ever written anywhere.
 *
 * Build: cc -O2 -shared -fPIC -fno-instrument-functions -o floor-hooks.so floor-hooks.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <x86intrin.h>

#define SLOTS 65536u /* 1 MiB of 16-byte slots, the recorder's default ring */

struct slot {
	uint64_t ticks;
	uint64_t word;
};

static __thread struct slot *ring __attribute__((tls_model("initial-exec")));
static __thread uint64_t head __attribute__((tls_model("initial-exec")));

#define NOINSTR __attribute__((no_instrument_function))

static NOINSTR __attribute__((noinline, cold)) void put_slow(uint64_t word)
{
	ring = calloc(SLOTS, sizeof(*ring));
	if (!ring)
		abort();
	ring[head++ & (SLOTS - 1)] = (struct slot){ __rdtsc(), word };
}

static inline NOINSTR void put(uint64_t word)
{
	struct slot *r = ring;

	if (__builtin_expect(!r, 0)) {
		put_slow(word);
		return;
	}
	r += head++ & (SLOTS - 1);
	r->ticks = __rdtsc();
	r->word = word;
}

NOINSTR void __cyg_profile_func_enter(void *fn, void *site)
{
	put((uintptr_t)fn | (UINT64_C(1) << 56));
}

NOINSTR void __cyg_profile_func_exit(void *fn, void *site)
{
	put((uintptr_t)fn | (UINT64_C(2) << 56));
}
