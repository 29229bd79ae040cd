/* The pipeline: capture -> tracker -> libnids -> tls -> facts -> classify -> report. */
#ifndef TLSDIAG_ANALYZE_H
#define TLSDIAG_ANALYZE_H

#include "tlsdiag/options.h"

/* Run the whole analysis; returns the exit status (0 all ok, 1 a failure
 * diagnosed, 2 a usage or input error). */
int td_analyze(const struct td_options *o);
/* --list-rules: the rules in the order they are tried; the exit status. */
int td_list_rules(const struct td_options *o);

#endif
