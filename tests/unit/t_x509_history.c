/* The run's memory of names and issuers (src/x509_history.c). */
#include <stdio.h>
#include <string.h>
#include "tlsdiag/x509_history.h"
#include "tap.h"

static struct td_cert_info leaf;

/* A server chain of one parsed leaf from issuer. */
static struct td_chain_facts chain(const char *issuer)
{
	struct td_chain_facts c = { .seen = true, .n = 1, .certs = &leaf };
	memset(&leaf, 0, sizeof(leaf));
	leaf.parsed = true;
	snprintf(leaf.issuer, sizeof(leaf.issuer), "%s", issuer);
	return c;
}

static void test_issuer_changed(void)
{
	struct td_x509_history *h = td_x509_history_new();
	struct td_chain_facts c = chain("CN=Contoso Issuing CA");
	td_x509_history_note(h, "vpn.contoso.test", true, true, &c);
	is_str(c.earlier_issuer, "", "first connection to a name: nothing earlier");
	ok(!c.client_cert_dropped, "first connection: no request dropped");
	c = chain("CN=Contoso Issuing CA");
	td_x509_history_note(h, "vpn.contoso.test", true, true, &c);
	is_str(c.earlier_issuer, "", "the same issuer again: no change");
	c = chain("CN=Gateway CA");
	td_x509_history_note(h, "vpn.contoso.test", true, false, &c);
	is_str(c.earlier_issuer, "CN=Contoso Issuing CA", "another issuer for the name: the earlier one named");
	ok(c.client_cert_dropped, "TLS 1.2, no CertificateRequest where earlier ones had it");
	c = chain("CN=Gateway CA");
	td_x509_history_note(h, "vpn.contoso.test", false, false, &c);
	ok(!c.client_cert_dropped, "TLS 1.3 hides the request: not counted as dropped");
	is_str(c.earlier_issuer, "CN=Contoso Issuing CA", "the first issuer stays the reference");
	c = chain("CN=Gateway CA");
	td_x509_history_note(h, "", true, false, &c);
	is_str(c.earlier_issuer, "", "no name: not compared");
	td_x509_history_free(h);
}

static void test_one_issuer_for_all(void)
{
	struct td_x509_history *h = td_x509_history_new();
	static const char *const names[] = { "www.contoso.test", "mail.contoso.test", "news.example",
					     "shop.fabrikam.test", "a.b.tailspin.test" };
	struct td_chain_facts c;
	for (size_t i = 0; i < 5; i++) {
		c = chain("CN=Gateway CA");
		td_x509_history_note(h, names[i], true, false, &c);
	}
	is_int(c.issuer_sites, 4, "five names under four sites: 4 unrelated sites");
	ok(c.only_issuer, "every leaf so far from the one issuer");
	c = chain("CN=R3, O=Let's Encrypt");
	td_x509_history_note(h, "blog.example", true, false, &c);
	is_int(c.issuer_sites, 1, "another issuer: its own count");
	ok(!c.only_issuer, "two issuers in the run: not the only one");
	c = chain("CN=Gateway CA");
	td_x509_history_note(h, "new.site.test", true, false, &c);
	ok(!c.only_issuer, "once a second issuer was seen, no longer the only one");
	td_x509_history_free(h);
}

static void test_bounded(void)
{
	struct td_x509_history *h = td_x509_history_new();
	char name[64], issuer[64];
	struct td_chain_facts c;
	/* More names and issuers than the tables hold: no crash, still answers. */
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "host%d.site%d.test", i, i);
		snprintf(issuer, sizeof(issuer), "CN=CA %d", i % 700);
		c = chain(issuer);
		td_x509_history_note(h, name, true, i % 2, &c);
	}
	ok(c.issuer_sites <= 8, "sites per issuer capped");
	ok(!c.only_issuer, "a full table never claims the only issuer");
	char longname[400];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	c = chain("CN=X");
	td_x509_history_note(h, longname, true, false, &c);
	ok(1, "a name longer than a key is cut, not overrun");
	td_x509_history_free(h);
	td_x509_history_note(NULL, "x", true, false, &c);
	ok(1, "no history: nothing noted");
}

int main(void)
{
	test_issuer_changed();
	test_one_issuer_for_all();
	test_bounded();
	return done_testing();
}
