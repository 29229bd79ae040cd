/* tlsdiag: parse the options, run the analysis, return its exit status. */
#include "tlsdiag/analyze.h"
#include "tlsdiag/options.h"

int main(int argc, char **argv)
{
	static struct td_options o; /* port bitmaps: 16 KiB, off the stack */
	switch (td_options_parse(argc, argv, &o)) {
	case TD_OPTS_EXIT_OK:
		return 0;
	case TD_OPTS_USAGE:
		return 2;
	case TD_OPTS_RUN:
		break;
	}
	return o.list_rules ? td_list_rules(&o) : td_analyze(&o);
}
