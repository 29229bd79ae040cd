/* tlsdiag: parse the options, run the analysis, return its exit status. */
#include <stdio.h>
#include "tlsdiag/analyze.h"
#include "tlsdiag/capture.h"
#include "tlsdiag/diag.h"
#include "tlsdiag/options.h"

/* -D: the interfaces, as tcpdump lists them. */
static int list_interfaces(void)
{
	char err[512];
	if (!td_capture_list(stdout, err, sizeof(err))) {
		td_error("%s", err);
		return 2;
	}
	return 0;
}

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
	if (o.list_interfaces)
		return list_interfaces();
	return o.list_rules ? td_list_rules(&o) : td_analyze(&o);
}
