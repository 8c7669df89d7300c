/* make-golden.c - writes the tiny traces of tests/data/traces/: a valid
 * one and its broken variants. Run by hand when the format changes:
 *   build/tests/unit/formats/make-golden tests/data/traces
 * The output is deterministic (fixed pid, times and zstd level). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "crc32c.h"
#include "native-format.h"
#include "native-writer.h"

static void write_valid(const char *path)
{
	static const uint8_t bid[20] = { 0x11, 0x22, 0x33, 0x44 };
	struct ppv_writer_opts o = { .sz = sizeof(o), .pid = 4242, .ppid = 1, .start_ns = 1000000,
				     .start_realtime_ns = 1767225600000000000ull,
				     .clock_source = PPV_CLOCK_MONOTONIC };
	struct ppv_native_writer *w;
	struct ppv_event e;
	uint64_t ts = 1000000;

	o.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o.fd < 0 || ppv_native_writer_open(&o, &w))
		exit(1);
	ppv_native_writer_set_info(w, "cmdline", "golden --test");
	e = (struct ppv_event){ .type = PPV_EVENT_MODULE_LOAD, .ts = ts,
				.module = { 0x400000, 0x10000, 0, "/usr/bin/golden", bid, 20 } };
	ppv_native_writer_append(w, &e);
	e = (struct ppv_event){ .type = PPV_EVENT_THREAD_START, .tid = 4242, .ts = ts += 10,
				.thread = { "golden" } };
	ppv_native_writer_append(w, &e);
	for (int i = 0; i < 10; i++) {
		e = (struct ppv_event){ .type = PPV_EVENT_ENTER, .tid = 4242, .ts = ts += 100,
					.func = { 0x401000 + (uint64_t)(i % 3) * 0x40 } };
		ppv_native_writer_append(w, &e);
		e.type = PPV_EVENT_EXIT;
		e.ts = ts += 250;
		ppv_native_writer_append(w, &e);
	}
	e = (struct ppv_event){ .type = PPV_EVENT_SCOPE_ENTER, .tid = 4242, .ts = ts += 5,
				.scope = { "data_processing" } };
	ppv_native_writer_append(w, &e);
	e = (struct ppv_event){ .type = PPV_EVENT_IO, .tid = 4242, .ts = ts += 2000,
				.io = { .start = ts - 1500, .bytes = 4096, .name = "query_users",
					.fd = -1, .kind = 4 } };
	ppv_native_writer_append(w, &e);
	e = (struct ppv_event){ .type = PPV_EVENT_SCOPE_EXIT, .tid = 4242, .ts = ts += 5,
				.scope = { "data_processing" } };
	ppv_native_writer_append(w, &e);
	ppv_native_writer_flush(w, ts);
	if (ppv_native_writer_close(w))
		exit(1);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 16);

	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static void spit(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len)
		exit(1);
	fclose(f);
}

int main(int argc, char **argv)
{
	char path[4096];
	uint8_t *buf;
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: make-golden DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/valid.ppv", argv[1]);
	write_valid(path);
	buf = slurp(path, &len);
	/* cut inside the EVENTS chunk: header + INFO are whole */
	spit(argv[1], "truncated.ppv", buf, len - 60);
	buf[1] = 'X';
	spit(argv[1], "bad-magic.ppv", buf, len);
	buf[1] = 'P';
	ppv_le16_store(buf + PPV_HDR_MAJOR, 2);
	ppv_le32_store(buf + PPV_HDR_CRC, ppv_crc32c(0, buf, PPV_HDR_CRC));
	spit(argv[1], "future-version.ppv", buf, len);
	ppv_le16_store(buf + PPV_HDR_MAJOR, 1);
	ppv_le32_store(buf + PPV_HDR_CRC, ppv_crc32c(0, buf, PPV_HDR_CRC));
	buf[len - 50] ^= 0xff;
	spit(argv[1], "bad-crc.ppv", buf, len);
	free(buf);
	return 0;
}
