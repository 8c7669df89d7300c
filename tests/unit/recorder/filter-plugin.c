/* filter-plugin.c - a module test-filter-syms.c opens with dlopen(): its
 * functions must reach the -F table after the dlopen() wrapper's rescan. */
__attribute__((noinline)) void fp_leaf(void);
void fp_work(void);

static volatile int fp_sink;

__attribute__((noinline)) void fp_leaf(void)
{
	fp_sink++;
}

void fp_work(void)
{
	fp_leaf();
}
