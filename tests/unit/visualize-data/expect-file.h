/* expect-file.h - compare a rendered report with an expected file in
 * tests/unit/visualize-data/expected/ (PPV_EXPECTED_DIR), printing both
 * on a difference. */
#ifndef PPV_TEST_EXPECT_FILE_H
#define PPV_TEST_EXPECT_FILE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void expect_file(const char *text, const char *name)
{
	char path[512], *want = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", PPV_EXPECTED_DIR, name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	n = getdelim(&want, &cap, '\0', f);
	fclose(f);
	cr_assert_geq(n, 0, "cannot read %s", path);
	cr_expect_str_eq(text, want, "%s differs; got:\n%s", name, text);
	free(want);
}

#endif
