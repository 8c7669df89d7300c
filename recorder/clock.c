/* SPDX-License-Identifier: MIT */
/*
 * clock.c - choice and calibration of the recorder's clock.
 *
 * Owns: the decision TSC vs CLOCK_MONOTONIC (cpuid's invariant-TSC bit,
 * overridable by PPV_CLOCK) and taking (ticks, ns) samples for the
 * calibration records the writer thread emits. Does not own: when to
 * calibrate (writer-thread.c) or the tick-to-ns conversion (the reader).
 */
#include <cpuid.h>
#include <string.h>

#include "clock.h"
#include "native-writer.h"

int ppv_clock_use_tsc;

__extension__ typedef unsigned __int128 u128;

static int tsc_is_invariant(void)
{
#if PPV_HAVE_TSC
	unsigned int eax, ebx, ecx, edx;

	if (__get_cpuid_max(0x80000000, NULL) < 0x80000007)
		return 0;
	__cpuid(0x80000007, eax, ebx, ecx, edx);
	return (edx >> 8) & 1; /* CPUID.80000007H:EDX[8] invariant TSC */
#else
	return 0;
#endif
}

int ppv_clock_init(const char *request)
{
	if (request && strcmp(request, "monotonic") == 0)
		ppv_clock_use_tsc = 0;
	else if (request && strcmp(request, "tsc") == 0)
		ppv_clock_use_tsc = PPV_HAVE_TSC;
	else
		ppv_clock_use_tsc = tsc_is_invariant();
	return ppv_clock_use_tsc ? PPV_CLOCK_TSC : PPV_CLOCK_MONOTONIC;
}

struct ppv_clock_point ppv_clock_sample(void)
{
	struct ppv_clock_point best = { 0, 0 };
	uint64_t best_gap = UINT64_MAX;

	if (!ppv_clock_use_tsc) {
		best.ns = ppv_clock_mono_ns();
		best.ticks = best.ns;
		return best;
	}
	/* Bracket the clock_gettime() between two TSC reads and keep the
	 * tightest of a few tries: a preemption in between would skew it. */
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = ppv_clock_ticks();
		uint64_t ns = ppv_clock_mono_ns();
		uint64_t t1 = ppv_clock_ticks();

		if (t1 - t0 < best_gap) {
			best_gap = t1 - t0;
			best.ticks = t0 + (t1 - t0) / 2;
			best.ns = ns;
		}
	}
	return best;
}

uint64_t ppv_clock_mult(struct ppv_clock_point a, struct ppv_clock_point b)
{
	if (!ppv_clock_use_tsc || b.ticks <= a.ticks || b.ns <= a.ns)
		return UINT64_C(1) << 32;
	return (uint64_t)(((u128)(b.ns - a.ns) << 32) / (b.ticks - a.ticks));
}
