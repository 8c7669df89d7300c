/* data-fixture.h - the chart, I/O and JSON tests' standard run (see
 * tests/unit/common/synth-trace.h), profiled. */
#ifndef PPV_TEST_DATA_FIXTURE_H
#define PPV_TEST_DATA_FIXTURE_H

#include "synth-trace.h"

static inline void df_standard(struct synth *s)
{
	static const struct synth_run r = { "synthetic --run", "helper", "/tmp/out.log", -1 };

	synth_standard(s, &r);
	synth_profile(s);
}

#endif
