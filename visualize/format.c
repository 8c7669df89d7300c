/* SPDX-License-Identifier: MIT */
/*
 * format.c - formatting shared by every renderer: durations and byte
 * counts as short human-readable strings (public, <perprovis/ppv-render.h>)
 * and the private helpers of render-common.h (default options, percent of
 * run, display names, the caveat notes, the final write check).
 * Owns no report: each report is in its own render-*.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render-common.h"

/*
 * Two decimals in the largest unit that keeps the value >= 1 ("250.45 ms",
 * "1.20 s"), whole nanoseconds below a microsecond ("830 ns"). A value that
 * would round to 1000.00 of a unit moves to the next one.
 */
const char *ppv_format_duration(uint64_t ns, char *buf, size_t len)
{
	static const char *const units[] = { "us", "ms", "s" };
	double v = (double)ns / 1e3;
	size_t u = 0;

	if (ns < 1000) {
		snprintf(buf, len, "%" PRIu64 " ns", ns);
		return buf;
	}
	while (v >= 999.995 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1e3;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, units[u]);
	return buf;
}

const char *ppv_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes / 1024.0;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1023.995 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, units[u]);
	return buf;
}

int ppv_render_opts_fill(const struct ppv_render_opts *in, unsigned int default_limit,
			 struct ppv_render_opts *out)
{
	memset(out, 0, sizeof(*out));
	if (in) {
		if (in->sz < sizeof(size_t))
			return -EINVAL;
		memcpy(out, in, in->sz < sizeof(*out) ? in->sz : sizeof(*out));
	}
	out->sz = sizeof(*out);
	if ((unsigned int)out->sort > PPV_SORT_MEMORY || (unsigned int)out->chart_by > PPV_CHART_IO ||
	    (unsigned int)out->io_by > PPV_IO_BY_FUNCTION)
		return -EINVAL;
	if (isnan(out->min_percent) || out->min_percent < 0.0 || out->min_percent > 100.0)
		return -EINVAL;
	if (!out->limit)
		out->limit = default_limit;
	if (!out->width)
		out->width = PPV_RENDER_DEFAULT_WIDTH;
	return 0;
}

double ppv_render_percent(const struct ppv_profile *p, uint64_t ns)
{
	uint64_t total = ppv_profile_summary(p)->total_ns;

	return total ? 100.0 * (double)ns / (double)total : 0.0;
}

const char *ppv_render_func_name(const struct ppv_profile *p, uint32_t id)
{
	if (id == PPV_CCT_ROOT)
		return "(root)";
	if (id >= ppv_profile_func_count(p))
		return "?";
	return ppv_profile_func(p, id)->name;
}

int ppv_render_sorted(const struct ppv_profile *p, enum ppv_sort_key key,
		      const struct ppv_func_stats ***out, size_t *n)
{
	size_t count = ppv_profile_func_count(p), kept = 0;
	const struct ppv_func_stats **v = calloc(count ? count : 1, sizeof(*v));
	int rc;

	*out = NULL;
	*n = 0;
	if (!v)
		return -ENOMEM;
	rc = ppv_profile_sorted(p, key, v);
	if (rc < 0) {
		free(v);
		return rc;
	}
	for (int i = 0; i < rc; i++)
		if (v[i]->calls)
			v[kept++] = v[i];
	*out = v;
	*n = kept;
	return 0;
}

static int note(FILE *out, int n, const char *fmt, uint64_t v)
{
	if (!v)
		return n;
	if (!n)
		fputc('\n', out);
	fprintf(out, fmt, v);
	return n + 1;
}

int ppv_render_notes(const struct ppv_profile *p, FILE *out)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);
	int n = 0;

	n = note(out, n, "note: %" PRIu64 " events lost (dropped by the drop policy or "
		 "--max-size): counts and times are lower bounds\n", s->lost);
	n = note(out, n, "note: %" PRIu64 " calls unfinished (no exit recorded): "
		 "closed at the last timestamp seen\n", s->unfinished_calls);
	n = note(out, n, "note: %" PRIu64 " exits without an enter (recording began "
		 "mid-call): ignored\n", s->unmatched_exits);
	n = note(out, n, "note: %" PRIu64 " frames repaired (left by longjmp or an "
		 "exception): closed at their caller's exit\n", s->repaired_frames);
	n = note(out, n, "note: recording was paused %" PRIu64 " times: what ran "
		 "until each resume is missing\n", s->pauses);
	n = note(out, n, "note: %" PRIu64 " frames open at a pause: closed at the "
		 "pause\n", s->paused_frames);
	n = note(out, n, "note: %" PRIu64 " exits of frames entered before a pause or "
		 "an earlier rotated segment: ignored\n", s->resumed_exits);
	if (s->truncated) {
		if (!n)
			fputc('\n', out);
		fputs("note: the trace is truncated (a process file ends in a torn chunk): "
		      "its last events are missing\n", out);
		n++;
	}
	return n;
}

int ppv_render_end(FILE *out)
{
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}

uint64_t ppv_render_wall_ns(const struct ppv_profile *p, uint64_t ns)
{
	const struct ppv_profile_summary *s = ppv_profile_summary(p);
	uint64_t mono = s->start_ns, real = s->start_realtime_ns;

	for (size_t i = 0; i < ppv_profile_process_count(p); i++) {
		const struct ppv_process_info *pi = ppv_profile_process(p, i);

		if (!i || pi->start_ns < mono) {
			mono = pi->start_ns;
			real = pi->start_realtime_ns;
		}
	}
	if (ns >= mono)
		return real + (ns - mono);
	return real > mono - ns ? real - (mono - ns) : 0;
}

const char *ppv_format_wall(uint64_t realtime_ns, unsigned int digits, char *buf, size_t len)
{
	time_t sec = (time_t)(realtime_ns / 1000000000u);
	uint64_t frac = realtime_ns % 1000000000u;
	char date[32];
	struct tm tm;

	if (!gmtime_r(&sec, &tm))
		return NULL;
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (digits == 6)
		snprintf(buf, len, "%s.%06" PRIu64 "Z", date, frac / 1000u);
	else
		snprintf(buf, len, "%s.%03" PRIu64 "Z", date, frac / 1000000u);
	return buf;
}
