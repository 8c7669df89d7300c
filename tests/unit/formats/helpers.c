/* helpers.c - temporary files and trace writing for the formats tests. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

char *th_path(const char *name)
{
	char tmpl[] = "/tmp/ppv-fmt-test.XXXXXX";
	char *dir = mkdtemp(tmpl), *out;

	cr_assert_not_null(dir);
	cr_assert_geq(asprintf(&out, "%s/%s", dir, name), 0);
	return out;
}

void th_remove(char *path)
{
	char *slash = strrchr(path, '/');

	unlink(path);
	if (slash) {
		*slash = '\0';
		rmdir(path);
	}
	free(path);
}

struct ppv_native_writer *th_writer(const char *path, size_t chunk_size)
{
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = 42, .ppid = 1, .start_ns = 1000,
				     .start_realtime_ns = 1700000000000000000ull,
				     .clock_source = PPV_CLOCK_MONOTONIC,
				     .chunk_size = chunk_size };
	struct ppv_native_writer *w;

	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(o.fd, 0);
	cr_assert_eq(ppv_native_writer_open(&o, &w), 0);
	return w;
}

uint8_t *th_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void th_spit(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
}

long th_count(const char *path, int *torn, int *complete)
{
	struct ppv_native_reader *r;
	struct ppv_event ev;
	long n = 0;
	int rc = ppv_native_reader_open(path, &r);

	if (rc)
		return rc;
	while ((rc = ppv_native_reader_next(r, &ev)) > 0)
		n++;
	if (torn)
		*torn = ppv_native_reader_stats(r)->torn;
	if (complete)
		*complete = ppv_native_reader_stats(r)->complete;
	ppv_native_reader_close(r);
	return rc < 0 ? rc : n;
}
