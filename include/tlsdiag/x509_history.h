/*
 * Signals across the connections of one run (src/x509_history.c): the
 * issuer a name had before, how many unrelated sites a leaf's issuer signed
 * for, a name that stopped asking for a client certificate.
 */
#ifndef TLSDIAG_X509_HISTORY_H
#define TLSDIAG_X509_HISTORY_H

#include <stdbool.h>
#include "tlsdiag/x509.h"

struct td_x509_history;

struct td_x509_history *td_x509_history_new(void);
void td_x509_history_free(struct td_x509_history *h);

/* Compare the server chain c of a connection to `name` with the earlier
 * ones and remember it; sets c->earlier_issuer, c->client_cert_dropped,
 * c->issuer_sites and c->only_issuer. tls12: the server's flight was seen
 * in the clear (TLS 1.2 or older), so asked_client_cert means something. */
void td_x509_history_note(struct td_x509_history *h, const char *name, bool tls12, bool asked_client_cert,
			  struct td_chain_facts *c);

#endif
