/* test-corrupt.c - the reader on bad input: empty, foreign, future,
 * corrupt and torn files get clear errors or a clean early end, never a
 * crash; unknown chunks and records are skipped as the format promises. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "helpers.h"
#include "native-format.h"

static char *path;

static void setup(void)
{
	path = th_path("t.ppv");
}

static void teardown(void)
{
	th_remove(path);
}

TestSuite(native_reader_errors, .init = setup, .fini = teardown);

/* A valid file of @n enter/exit pairs in small chunks. */
static void write_valid(int n)
{
	struct ppv_native_writer *w = th_writer(path, 4096);

	for (int i = 0; i < n; i++) {
		struct ppv_event e = { .type = i % 2 ? PPV_EVENT_EXIT : PPV_EVENT_ENTER, .tid = 3,
				       .ts = 100 + (uint64_t)i * 10, .func = { 0x401000 } };

		cr_assert_eq(ppv_native_writer_append(w, &e), 0);
	}
	cr_assert_eq(ppv_native_writer_close(w), 0);
}

static int open_rc(void)
{
	struct ppv_native_reader *r;
	int rc = ppv_native_reader_open(path, &r);

	ppv_native_reader_close(r);
	return rc;
}

Test(native_reader_errors, rejects_an_empty_file)
{
	th_spit(path, (const uint8_t *)"", 0);
	cr_assert_eq(open_rc(), -EINVAL);
	cr_assert(strstr(ppv_native_reader_open_error(), "empty file"), "%s",
		  ppv_native_reader_open_error());
	cr_assert(strstr(ppv_native_reader_open_error(), path));
}

Test(native_reader_errors, rejects_a_foreign_file)
{
	th_spit(path, (const uint8_t *)"#!/bin/sh\necho hello, this is not a trace\n", 40);
	cr_assert_eq(open_rc(), -EINVAL);
	cr_assert(strstr(ppv_native_reader_open_error(), "bad magic"));
}

Test(native_reader_errors, rejects_a_short_header)
{
	th_spit(path, (const uint8_t *)PPV_MAGIC "\1\0", 10);
	cr_assert_eq(open_rc(), -EINVAL);
	cr_assert(strstr(ppv_native_reader_open_error(), "truncated header"));
}

Test(native_reader_errors, rejects_a_future_major_version)
{
	size_t len;
	uint8_t *buf;

	write_valid(10);
	buf = th_slurp(path, &len);
	ppv_le16_store(buf + PPV_HDR_MAJOR, 2);
	ppv_le32_store(buf + PPV_HDR_CRC, ppv_crc32c(0, buf, PPV_HDR_CRC));
	th_spit(path, buf, len);
	free(buf);
	cr_assert_eq(open_rc(), -ENOTSUP);
	cr_assert(strstr(ppv_native_reader_open_error(), "format version 2."), "%s",
		  ppv_native_reader_open_error());
}

Test(native_reader_errors, rejects_a_bad_header_checksum)
{
	size_t len;
	uint8_t *buf;

	write_valid(10);
	buf = th_slurp(path, &len);
	buf[PPV_HDR_PID] ^= 1;
	th_spit(path, buf, len);
	free(buf);
	cr_assert_eq(open_rc(), -EINVAL);
	cr_assert(strstr(ppv_native_reader_open_error(), "header checksum"));
}

Test(native_reader_errors, rejects_a_bad_chunk_checksum_with_its_offset)
{
	size_t len;
	uint8_t *buf;

	write_valid(10);
	buf = th_slurp(path, &len);
	buf[len - 48 - 3] ^= 0x5a; /* the END chunk is the last 48 bytes: hit the EVENTS one */
	th_spit(path, buf, len);
	free(buf);
	cr_assert_eq(th_count(path, NULL, NULL), -EINVAL);
	{
		struct ppv_native_reader *r;
		struct ppv_event ev;

		cr_assert_eq(ppv_native_reader_open(path, &r), 0);
		while (ppv_native_reader_next(r, &ev) > 0)
			;
		cr_assert(strstr(ppv_native_reader_last_error(r), "offset"), "%s",
			  ppv_native_reader_last_error(r));
		ppv_native_reader_close(r);
	}
}

/* Frame @raw as a chunk of @type (zstd-compressed if @zstd). */
static size_t make_chunk(uint8_t *out, unsigned int type, const uint8_t *raw, size_t len, int zstd)
{
	size_t stored = len;

	if (zstd)
		stored = ZSTD_compress(out + PPV_CHUNK_HDR, 4096, raw, len, 1);
	else
		memcpy(out + PPV_CHUNK_HDR, raw, len);
	ppv_le32_store(out, PPV_CHUNK_MAGIC);
	ppv_le16_store(out + PPV_CHUNK_TYPE, (uint16_t)type);
	ppv_le16_store(out + PPV_CHUNK_FLAGS, zstd ? PPV_CHUNK_F_ZSTD : 0);
	ppv_le32_store(out + PPV_CHUNK_STORED, (uint32_t)stored);
	ppv_le32_store(out + PPV_CHUNK_RAW, (uint32_t)len);
	ppv_le32_store(out + PPV_CHUNK_SEQ, 0);
	ppv_le32_store(out + PPV_CHUNK_CRC,
		       ppv_crc32c(ppv_crc32c(0, out, PPV_CHUNK_CRC), out + PPV_CHUNK_HDR, stored));
	return PPV_CHUNK_HDR + stored;
}

Test(native_reader_errors, skips_unknown_chunks_and_records)
{
	/* THREAD tid=1 base=100; unknown record 0x7f "abc"; ENTER dt=5 addr+0x800 */
	static const uint8_t events[] = { 0x01, 1, 100, 0x7f, 3, 'a', 'b', 'c', 0x02, 5,
					  0x80, 0x20 };
	uint8_t file[8192];
	size_t len;
	uint8_t *valid;
	int complete;

	write_valid(0); /* header + END */
	valid = th_slurp(path, &len);
	memcpy(file, valid, PPV_HEADER_SIZE);
	len = PPV_HEADER_SIZE;
	len += make_chunk(file + len, 99, (const uint8_t *)"future", 6, 0);
	len += make_chunk(file + len, PPV_CHUNK_EVENTS, events, sizeof(events), 1);
	th_spit(path, file, len);
	free(valid);
	{
		struct ppv_native_reader *r;
		struct ppv_event ev;

		cr_assert_eq(ppv_native_reader_open(path, &r), 0);
		cr_assert_eq(ppv_native_reader_next(r, &ev), 1);
		cr_assert_eq(ev.type, PPV_EVENT_ENTER);
		cr_assert_eq(ev.tid, 1);
		cr_assert_eq(ev.ts, 105);
		cr_assert_eq(ev.func.addr, 0x800);
		cr_assert_eq(ppv_native_reader_next(r, &ev), 0);
		cr_assert_eq(ppv_native_reader_stats(r)->skipped_chunks, 1);
		ppv_native_reader_close(r);
	}
	cr_assert_eq(th_count(path, NULL, &complete), 1);
	cr_assert_eq(complete, 0, "no END chunk was written");
}

Test(native_reader_errors, rejects_a_record_that_runs_past_its_chunk)
{
	static const uint8_t events[] = { 0x01, 1, 100, 0x40, 50, 1 };
	uint8_t file[8192];
	size_t len = PPV_HEADER_SIZE;
	uint8_t *valid;

	write_valid(0);
	valid = th_slurp(path, &len);
	memcpy(file, valid, PPV_HEADER_SIZE);
	len = PPV_HEADER_SIZE + make_chunk(file + PPV_HEADER_SIZE, PPV_CHUNK_EVENTS, events,
					   sizeof(events), 1);
	th_spit(path, file, len);
	free(valid);
	cr_assert_eq(th_count(path, NULL, NULL), -EINVAL);
}

Test(native_reader_errors, ends_cleanly_at_any_truncation)
{
	size_t len;
	uint8_t *buf;
	long full;

	write_valid(3000);
	full = th_count(path, NULL, NULL);
	cr_assert_eq(full, 3000);
	buf = th_slurp(path, &len);
	for (size_t cut = PPV_HEADER_SIZE; cut < len; cut += 7) {
		int torn = 0;
		long n;

		th_spit(path, buf, cut);
		n = th_count(path, &torn, NULL);
		cr_assert_geq(n, 0, "cut at %zu: error %ld instead of an early end", cut, n);
		cr_assert_leq(n, full);
		if (n < full)
			cr_assert(torn || n >= 0);
	}
	free(buf);
}

Test(native_reader_errors, survives_random_corruption)
{
	size_t len;
	uint8_t *buf, *copy;

	write_valid(2000);
	buf = th_slurp(path, &len);
	copy = malloc(len);
	srand(1234);
	for (int iter = 0; iter < 2000; iter++) {
		memcpy(copy, buf, len);
		for (int k = 0; k < 1 + iter % 4; k++)
			copy[(size_t)rand() % len] ^= (uint8_t)(1 + rand() % 255);
		th_spit(path, copy, len);
		(void)th_count(path, NULL, NULL); /* any result but a crash is fine */
	}
	free(copy);
	free(buf);
}

/* Random records inside correctly framed chunks: the checksum passes, so
 * this exercises the record decoder's bounds checks. */
Test(native_reader_errors, survives_random_records)
{
	static const uint8_t tags[] = { 0x01, 0x02, 0x03, 0x40, 0x41, 0x42, 0x43, 0x44,
					0x45, 0x46, 0x50, 0x51, 0x52, 0x53, 0x54, 0x7f };
	uint8_t file[16384], raw[2048];
	size_t len;
	uint8_t *valid;

	write_valid(0);
	valid = th_slurp(path, &len);
	memcpy(file, valid, PPV_HEADER_SIZE);
	free(valid);
	srand(99);
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = 1 + (size_t)rand() % sizeof(raw);

		for (size_t i = 0; i < n; i++)
			raw[i] = rand() % 3 ? (uint8_t)(rand() % 40) : tags[rand() % sizeof(tags)];
		len = PPV_HEADER_SIZE + make_chunk(file + PPV_HEADER_SIZE, PPV_CHUNK_EVENTS, raw, n, 1);
		th_spit(path, file, len);
		(void)th_count(path, NULL, NULL);
	}
}
