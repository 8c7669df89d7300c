/* html-fixture.h - the HTML report tests' standard run (see
 * tests/unit/common/synth-trace.h): its helper scope and its output path
 * carry characters HTML must escape. Profiled. */
#ifndef PPV_TEST_HTML_FIXTURE_H
#define PPV_TEST_HTML_FIXTURE_H

#include "synth-trace.h"

#define HF_CMDLINE "synthetic --run <x>"
#define HF_NASTY "a<b>&\"c\""
#define HF_NASTY_ESCAPED "a&lt;b&gt;&amp;&quot;c&quot;"

static inline void hf_standard(struct synth *s)
{
	static const struct synth_run r = { HF_CMDLINE, HF_NASTY, "/tmp/<out>.log", -1 };

	synth_standard(s, &r);
	synth_profile(s);
}

#endif
