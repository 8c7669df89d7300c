/* test-io-class.c - automatic I/O in the analyzer's pass: rows by
 * descriptor class, by operation and by name with exact figures; EAGAIN,
 * EINPROGRESS and EINTR counted as "would block", not as errors, in every
 * row, in the function and in the summary; real failures counted as
 * errors of their kind, class, operation and function. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "synth-trace.h"

#define TID 100u

/* One operation each, inside "server" (times in ns from 1000 on). */
static void io_run(struct synth *s)
{
	synth_begin(s, "io --run");
	synth_scope(s, TID, 0, "server", 1);
	synth_io_op(s, TID, 1000, 2000, PPV_IO_FILE_READ, PPV_IO_OP_READ, PPV_FD_FILE, "/data/in",
		    4096, 0);
	synth_io_op(s, TID, 2000, 4000, PPV_IO_NETWORK, PPV_IO_OP_WRITE, PPV_FD_TCP,
		    "10.0.0.1:80", 100, 0);
	synth_io_op(s, TID, 4000, 4500, PPV_IO_NETWORK, PPV_IO_OP_READ, PPV_FD_TCP,
		    "10.0.0.1:80", 0, EAGAIN);
	synth_io_op(s, TID, 5000, 8000, PPV_IO_NETWORK, PPV_IO_OP_CONNECT, PPV_FD_TCP,
		    "10.0.0.2:443", 0, EINPROGRESS);
	synth_io_op(s, TID, 8000, 8100, PPV_IO_PIPE, PPV_IO_OP_READ, PPV_FD_PIPE, NULL, 10, EINTR);
	synth_io_op(s, TID, 8100, 8300, PPV_IO_OTHER, PPV_IO_OP_WRITE, PPV_FD_TTY, NULL, 20, EBADF);
	synth_io(s, TID, 9000, 13000, PPV_IO_DATABASE, "query", 500, ETIMEDOUT);
	synth_io_op(s, TID, 13000, 13300, PPV_IO_FILE_READ, PPV_IO_OP_OPEN, PPV_FD_FILE,
		    "/data/in", 0, ENOENT);
	synth_scope(s, TID, 20000, "server", 0);
	synth_end(s);
}

struct row {
	uint64_t ops, bytes, ns, errors, would_block;
};

static void expect_row(const struct ppv_io_stats *r, struct row e, const char *what)
{
	cr_expect_eq(r->ops, e.ops, "%s ops %lu", what, r->ops);
	cr_expect_eq(r->bytes, e.bytes, "%s bytes %lu", what, r->bytes);
	cr_expect_eq(r->total_ns, e.ns, "%s ns %lu", what, r->total_ns);
	cr_expect_eq(r->errors, e.errors, "%s errors %lu", what, r->errors);
	cr_expect_eq(r->would_block, e.would_block, "%s would_block %lu", what, r->would_block);
}

Test(io_class, rows_by_descriptor_class)
{
	struct synth s;
	const struct ppv_io_stats *v;
	size_t n;

	io_run(&s);
	v = ppv_profile_io_by_class(s.p, &n);
	cr_assert_eq(n, 5);
	cr_expect_eq(v[0].fdclass, PPV_FD_UNKNOWN);
	expect_row(&v[0], (struct row){ 1, 500, 4000, 1, 0 }, "unknown");
	cr_expect_eq(v[1].fdclass, PPV_FD_FILE);
	expect_row(&v[1], (struct row){ 2, 4096, 1300, 1, 0 }, "file");
	cr_expect_eq(v[2].fdclass, PPV_FD_TCP);
	expect_row(&v[2], (struct row){ 3, 100, 5500, 0, 2 }, "tcp");
	cr_expect_eq(v[3].fdclass, PPV_FD_PIPE);
	expect_row(&v[3], (struct row){ 1, 10, 100, 0, 1 }, "pipe");
	cr_expect_eq(v[4].fdclass, PPV_FD_TTY);
	expect_row(&v[4], (struct row){ 1, 20, 200, 1, 0 }, "tty");
	cr_expect_eq(v[2].min_ns, 500);
	cr_expect_eq(v[2].max_ns, 3000);
	cr_expect_eq(v[2].func, PPV_CCT_ROOT);
	synth_close(&s);
}

Test(io_class, rows_by_operation)
{
	struct synth s;
	const struct ppv_io_stats *v;
	size_t n;

	io_run(&s);
	v = ppv_profile_io_by_op(s.p, &n);
	cr_assert_eq(n, 5);
	cr_expect_eq(v[0].op, PPV_IO_OP_NONE);
	expect_row(&v[0], (struct row){ 1, 500, 4000, 1, 0 }, "explicit");
	cr_expect_eq(v[1].op, PPV_IO_OP_READ);
	expect_row(&v[1], (struct row){ 3, 4106, 1600, 0, 2 }, "read");
	cr_expect_eq(v[2].op, PPV_IO_OP_WRITE);
	expect_row(&v[2], (struct row){ 2, 120, 2200, 1, 0 }, "write");
	cr_expect_eq(v[3].op, PPV_IO_OP_OPEN);
	expect_row(&v[3], (struct row){ 1, 0, 300, 1, 0 }, "open");
	cr_expect_eq(v[4].op, PPV_IO_OP_CONNECT);
	expect_row(&v[4], (struct row){ 1, 0, 3000, 0, 1 }, "connect");
	cr_expect_eq(v[1].avg_ns, 533);
	synth_close(&s);
}

Test(io_class, rows_by_name_and_kind)
{
	struct synth s;
	const struct ppv_io_stats *v;
	size_t n;

	io_run(&s);
	v = ppv_profile_io_by_name(s.p, &n);
	cr_assert_eq(n, 4);
	cr_expect_str_eq(v[0].name, "query");
	expect_row(&v[0], (struct row){ 1, 500, 4000, 1, 0 }, "query");
	cr_expect_str_eq(v[1].name, "10.0.0.2:443");
	expect_row(&v[1], (struct row){ 1, 0, 3000, 0, 1 }, "443");
	cr_expect_str_eq(v[2].name, "10.0.0.1:80");
	expect_row(&v[2], (struct row){ 2, 100, 2500, 0, 1 }, "80");
	cr_expect_str_eq(v[3].name, "/data/in");
	expect_row(&v[3], (struct row){ 2, 4096, 1300, 1, 0 }, "/data/in");
	cr_expect(fabs(v[3].mb_per_s - 4096.0 * 1e3 / 1300.0) < 1e-9);
	v = ppv_profile_io_by_kind(s.p, &n);
	cr_assert_eq(n, 5); /* other, file-read, network, database, pipe */
	cr_expect_eq(v[2].kind, PPV_IO_NETWORK);
	expect_row(&v[2], (struct row){ 3, 100, 5500, 0, 2 }, "network");
	expect_row(ppv_profile_io_total(s.p), (struct row){ 8, 4726, 11100, 3, 3 }, "total");
	synth_close(&s);
}

Test(io_class, would_block_is_not_an_error_of_the_function)
{
	struct synth s;
	const struct ppv_func_stats *f;
	const struct ppv_profile_summary *sum;
	const struct ppv_io_stats *v;
	size_t n;

	io_run(&s);
	f = ppv_profile_func(s.p, ppv_profile_cct_root(s.p)->first_child->func);
	cr_assert_str_eq(f->name, "server");
	cr_expect_eq(f->io_ops, 8);
	cr_expect_eq(f->io_errors, 3);
	cr_expect_eq(f->errors, 3);
	cr_expect_eq(f->io_would_block, 3);
	cr_expect_eq(ppv_profile_cct_root(s.p)->first_child->errors, 3);
	sum = ppv_profile_summary(s.p);
	cr_expect_eq(sum->errors, 3);
	cr_expect_eq(sum->io_would_block, 3);
	v = ppv_profile_io_by_func(s.p, &n);
	cr_assert_eq(n, 5);
	cr_expect_eq(v[0].kind, PPV_IO_NETWORK); /* 5500 ns */
	expect_row(&v[0], (struct row){ 3, 100, 5500, 0, 2 }, "server network");
	cr_expect(ppv_io_would_block(EAGAIN) && ppv_io_would_block(EWOULDBLOCK) &&
		  ppv_io_would_block(EINPROGRESS) && ppv_io_would_block(EINTR));
	cr_expect(!ppv_io_would_block(0) && !ppv_io_would_block(ENOENT));
	synth_close(&s);
}
