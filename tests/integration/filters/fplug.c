/* fplug.c - a plugin for s-filters, built twice: PLUG(x) names its
 * functions plug_a_* or plug_b_*. */
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(CAT(plug_, PLUG), name)

static volatile int plug_sink;

__attribute__((noinline)) void FN(_leaf)(void);
void FN(_run)(void);

__attribute__((noinline)) void FN(_leaf)(void)
{
	plug_sink++;
}

void FN(_run)(void)
{
	FN(_leaf)();
}
