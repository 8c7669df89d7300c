/* growable.c - a small instrumented program for the memory diff tests:
 * main handles 20 "requests", each parsed (a 256-byte buffer), transformed
 * (a 1 KiB table) and emitted; every block is freed. `growable --grow`
 * makes parse() allocate an extra 64 KiB per call (1.25 MiB in all), so a
 * growth in parse()'s allocations is unmistakable; nothing else changes.
 * Built with -fno-builtin so the compiler keeps every malloc/free pair. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUESTS 20
#define EXTRA (64 * 1024)

static int grow;
static volatile unsigned long sink;

/* A macro, not a function: the allocation must happen in the caller's frame. */
#define XMALLOC(p, n)                       \
	do {                                \
		(p) = malloc(n);            \
		if (!(p)) {                 \
			perror("growable"); \
			exit(1);            \
		}                           \
		memset((p), 0x5a, (n));     \
	} while (0)

static unsigned long parse(int i)
{
	unsigned char *buf, *extra = NULL;
	unsigned long h;

	XMALLOC(buf, 256);
	if (grow)
		XMALLOC(extra, EXTRA);
	h = (unsigned long)i + buf[i % 256] + (extra ? extra[i] : 0);
	free(extra);
	free(buf);
	return h;
}

static unsigned long transform(unsigned long v)
{
	unsigned long *table;

	XMALLOC(table, 128 * sizeof(*table));
	for (int i = 0; i < 128; i++)
		table[i] = v * 6364136223846793005ul + (unsigned long)i;
	v = table[v % 128];
	free(table);
	return v;
}

static void emit(unsigned long v)
{
	sink += v;
}

int main(int argc, char **argv)
{
	grow = argc > 1 && strcmp(argv[1], "--grow") == 0;
	for (int i = 0; i < REQUESTS; i++)
		emit(transform(parse(i)));
	printf("%lu\n", sink);
	return 0;
}
