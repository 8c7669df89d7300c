/* c-api.c - recording paused and resumed by the program itself:
 * phase_a() 100 times, ppv_pause(), phase_b() 100 times, ppv_resume(),
 * phase_c() 100 times. Linked with libppv-recorder and run under
 * ppv-record; prints what the calls returned. */
#include <errno.h>
#include <stdio.h>

#include <perprovis/ppv.h>

static volatile long sink;

__attribute__((noinline)) static void phase_a(int i)
{
	sink += i;
}

__attribute__((noinline)) static void phase_b(int i)
{
	sink += 2 * i;
}

__attribute__((noinline)) static void phase_c(int i)
{
	sink += 3 * i;
}

static const char *name(int rc)
{
	return rc == 0 ? "0" : rc == -EALREADY ? "-EALREADY" : "other";
}

int main(void)
{
	int r1, r2, r3, r4, r5;

	for (int i = 0; i < 100; i++)
		phase_a(i);
	r1 = ppv_pause();
	r2 = ppv_pause();
	for (int i = 0; i < 100; i++)
		phase_b(i);
	r3 = ppv_resume();
	r4 = ppv_resume();
	for (int i = 0; i < 100; i++)
		phase_c(i);
	r5 = ppv_stop() == 0 ? ppv_pause() : 1;
	printf("pause %s, again %s; resume %s, again %s; after stop %s\n", name(r1), name(r2),
	       name(r3), name(r4), name(r5));
	printf("sink %ld\n", sink);
	return 0;
}
