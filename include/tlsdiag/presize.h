/*
 * How many TCP streams libnids may have to hold for the given capture
 * files. libnids allocates and touches its whole stream table in tcp_init
 * (288 bytes a stream: 29 MiB and 0.17 s for the default 100 000
 * connections), and a table cannot grow, so a short capture paid for the
 * largest one. libnids opens a stream only on a SYN without ACK and RST:
 * their number across the inputs bounds the streams it ever holds.
 */
#ifndef TLSDIAG_PRESIZE_H
#define TLSDIAG_PRESIZE_H

#include <stddef.h>

/* Inputs larger than this together are not pre-read: the table's fixed cost
 * is then small against the analysis, and reading twice is not. */
#define TD_PRESIZE_MAX_BYTES ((long long)256 << 20)

/* The table size to use: the number of SYNs (first IPv4 fragments counted
 * too: they may carry one) in the files, at most max; max itself when a
 * file is stdin, not a regular file, unreadable, or the files together are
 * larger than TD_PRESIZE_MAX_BYTES. Never below 16. */
size_t td_presize_streams(const char *const *files, int n_files, size_t max);

#endif
