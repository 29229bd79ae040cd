/* Command-line parsing: the getopt_long table, defaults, validation, --help. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tlsdiag/options.h"
#include "tlsdiag/attr.h"
#include "tlsdiag/diag.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/rules.h"
#include "config.h"

enum { OPT_PROXY_PORT = 256, OPT_JSON, OPT_MAX_CONN, OPT_MAX_HS, OPT_LIST_FACTS, OPT_CA_FILE, OPT_CA_PATH,
       OPT_SYSTEM_CA, OPT_SERVER_NAME, OPT_IPHTTPS, OPT_EXPECT_ISSUER, OPT_EXPECT_FP, OPT_DUMP_CERTS, OPT_INSPECTION,
       OPT_FRESH, OPT_RULES, OPT_NO_DEFAULT_RULES, OPT_LIST_RULES, OPT_EXPLAIN, OPT_EXPECT,
       OPT_MAX_CERTS, OPT_MAX_BYTES, OPT_MAX_MEMORY, OPT_WRITE_ALL, OPT_MAX_WRITE, OPT_ONLY_PORTS };

static const struct option long_opts[] = {
	{ "filter", required_argument, NULL, 'f' },
	{ "port", required_argument, NULL, 'p' },
	{ "proxy-port", required_argument, NULL, OPT_PROXY_PORT },
	{ "only-ports", no_argument, NULL, OPT_ONLY_PORTS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONN },
	{ "max-handshake", required_argument, NULL, OPT_MAX_HS },
	{ "max-certs", required_argument, NULL, OPT_MAX_CERTS },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "write", required_argument, NULL, 'w' },
	{ "write-all", no_argument, NULL, OPT_WRITE_ALL },
	{ "max-write-packets", required_argument, NULL, OPT_MAX_WRITE },
	{ "list-facts", no_argument, NULL, OPT_LIST_FACTS },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "ca-path", required_argument, NULL, OPT_CA_PATH },
	{ "system-ca", no_argument, NULL, OPT_SYSTEM_CA },
	{ "server-name", required_argument, NULL, OPT_SERVER_NAME },
	{ "iphttps", no_argument, NULL, OPT_IPHTTPS },
	{ "expect-issuer", required_argument, NULL, OPT_EXPECT_ISSUER },
	{ "expect-fingerprint", required_argument, NULL, OPT_EXPECT_FP },
	{ "dump-certs", required_argument, NULL, OPT_DUMP_CERTS },
	{ "inspection-list", required_argument, NULL, OPT_INSPECTION },
	{ "fresh-minutes", required_argument, NULL, OPT_FRESH },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "no-default-rules", no_argument, NULL, OPT_NO_DEFAULT_RULES },
	{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: tlsdiag [options] FILE...      analyze capture files ('-' reads stdin)\n"
	       "       tlsdiag [options] -i INTERFACE  analyze live traffic until interrupted\n"
	       "\n"
	       "Tells why TLS handshakes failed (DirectAccess IP-HTTPS first): one block per\n"
	       "TCP connection to the analyzed ports, with its messages, the stage reached and\n"
	       "a diagnosis with the Windows error, the evidence frames and the remedy.\n"
	       "\n"
	       "Options:\n"
	       "  -p, --port LIST          TLS ports to analyze (default 443; e.g. 443,8443,9000-9010)\n"
	       "      --proxy-port LIST    HTTP proxy ports, CONNECT followed (default 8080,3128)\n"
	       "      --only-ports         only the -p and proxy ports: no TLS found by content on\n"
	       "                           other ports (default: a connection opening with a\n"
	       "                           ClientHello is analyzed whatever its port)\n"
	       "  -f, --filter EXPR        BPF filter applied to every packet first\n"
	       "      --json               JSON Lines: one object per connection, a summary last\n"
	       "  -i, --interface IFACE    capture live on IFACE (Ctrl-C ends and reports)\n"
	       "  -c, --count N            stop after N packets of each input\n"
	       "      --max-connections N  concurrent connections followed (default %d)\n"
	       "      --max-handshake N    largest handshake message kept, bytes (default 65536)\n"
	       "      --max-certs N        certificates kept per chain (default %d)\n"
	       "      --max-bytes N        bytes read per direction of a connection (default %u)\n"
	       "      --max-memory MIB     heap in use beyond which new connections are not\n"
	       "                           followed (default %d MiB)\n"
	       "  -w, --write FILE         write the packets of every connection not diagnosed\n"
	       "                           ok to FILE (pcapng), for Wireshark\n"
	       "      --write-all          with -w: the packets of every analyzed connection\n"
	       "      --max-write-packets N  packets held for -w at once (default %d)\n"
	       "\n"
	       "Certificates (judged at the capture's time, never today's):\n"
	       "      --ca-file FILE       trust anchors the client would have (PEM)\n"
	       "      --ca-path DIR        the same, as an OpenSSL hashed directory\n"
	       "      --system-ca          the system's trust store (default: no anchors)\n"
	       "      --server-name NAME   the name the client expects (default: SNI, else Host)\n"
	       "      --iphttps            every connection is IP-HTTPS (else: known by its request,\n"
	       "                           its NULL suites or Microsoft-HTTPAPI answering)\n"
	       "      --expect-issuer TEXT the issuer our server's certificate has (repeatable)\n"
	       "      --expect-fingerprint SHA256  our server's certificate (repeatable)\n"
	       "      --dump-certs DIR     write every certificate as DIR/<sha256>.pem\n"
	       "      --inspection-list FILE  issuers of TLS-inspection products (PRODUCT|TEXT lines)\n"
	       "      --fresh-minutes N    a leaf valid since fewer minutes is 'minted on the fly' (30)\n"
	       "\n"
	       "Diagnosis (rules: doc/rules.md; verdicts: doc/diagnosis.md):\n"
	       "      --rules FILE         add rules after the defaults; same id replaces (repeatable)\n"
	       "      --no-default-rules   only the rules of --rules files\n"
	       "      --list-rules         list the rules in the order they are tried, and exit\n"
	       "      --explain            show, per connection, which rules matched and why\n"
	       "      --expect CATEGORY    regression mode: exit 0 only if every connection's\n"
	       "                           diagnosis is one of these (repeatable)\n"
	       "\n"
	       "      --list-facts         list the facts (JSON keys): name, type, meaning\n"
	       "  -h, --help               this text\n"
	       "  -V, --version            version\n"
	       "\n"
	       "Exit status: 0 every connection ok, 1 at least one failure diagnosed,\n"
	       "2 usage or input error (other inputs are still analyzed).\n"
	       "See tlsdiag(1) and doc/ for the facts, the JSON schema and the diagnoses.\n",
	       TD_DEFAULT_MAX_CONNECTIONS, TD_DEFAULT_MAX_CERTS, TD_DEFAULT_MAX_BYTES,
	       TD_DEFAULT_MAX_MEMORY_MIB, TD_DEFAULT_MAX_WRITE_PACKETS);
}

static void list_facts(void)
{
	for (size_t i = 0; i < td_facts_count; i++)
		printf("%-46s %-7s %s\n", td_facts_table[i].name, td_ftype_name(td_facts_table[i].type),
		       td_facts_table[i].doc);
}

bool td_ports_parse(const char *list, uint8_t *bits)
{
	const char *p = list;
	if (!*p)
		return false;
	while (*p) {
		char *end;
		errno = 0;
		unsigned long lo = strtoul(p, &end, 10), hi;
		if (end == p || errno || lo == 0 || lo > 65535)
			return false;
		hi = lo;
		p = end;
		if (*p == '-') {
			hi = strtoul(p + 1, &end, 10);
			if (end == p + 1 || hi < lo || hi > 65535)
				return false;
			p = end;
		}
		td_portset_add(bits, (uint16_t)lo, (uint16_t)hi);
		if (*p == ',')
			p++;
		else if (*p)
			return false;
	}
	return true;
}

static bool parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return false;
	*out = (size_t)v;
	return true;
}

/* A usage error: "what" and the offending argument. */
static enum td_parse_result usage(const char *what, const char *arg)
{
	td_error("%s \"%s\"", what, arg);
	fprintf(stderr, "Try 'tlsdiag --help'.\n");
	return TD_OPTS_USAGE;
}

enum td_parse_result td_options_parse(int argc, char **argv, struct td_options *o)
{
	bool ports_set = false, proxy_set = false, only_ports = false;
	size_t n;
	memset(o, 0, sizeof(*o));
	o->max_connections = TD_DEFAULT_MAX_CONNECTIONS;
	o->hs_max = 65536;
	o->max_certs = TD_DEFAULT_MAX_CERTS;
	o->max_bytes = TD_DEFAULT_MAX_BYTES;
	o->max_memory_mib = TD_DEFAULT_MAX_MEMORY_MIB;
	o->max_write_packets = TD_DEFAULT_MAX_WRITE_PACKETS;
	int c;
	while ((c = getopt_long(argc, argv, "f:p:i:c:w:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->filter = optarg;
			break;
		case 'p':
			ports_set = true;
			if (!td_ports_parse(optarg, o->ports.tls))
				return usage("bad port list (want e.g. 443,8443,9000-9010):", optarg);
			break;
		case OPT_PROXY_PORT:
			proxy_set = true;
			if (!td_ports_parse(optarg, o->ports.proxy))
				return usage("bad proxy port list:", optarg);
			break;
		case OPT_ONLY_PORTS:
			only_ports = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'c':
			if (!parse_size(optarg, 1, SIZE_MAX, &n))
				return usage("bad packet count:", optarg);
			o->count = n;
			break;
		case OPT_MAX_CONN:
			if (!parse_size(optarg, 16, 10000000, &o->max_connections))
				return usage("bad --max-connections (16 to 10000000):", optarg);
			o->max_connections_given = true;
			break;
		case OPT_MAX_HS:
			if (!parse_size(optarg, 1024, 16777215, &o->hs_max))
				return usage("bad --max-handshake (1024 to 16777215):", optarg);
			break;
		case OPT_MAX_CERTS:
			if (!parse_size(optarg, 1, TD_MAX_CERTS, &o->max_certs))
				return usage("bad --max-certs (1 to 256):", optarg);
			break;
		case OPT_MAX_BYTES:
			if (!parse_size(optarg, 65536, SIZE_MAX, &n))
				return usage("bad --max-bytes (65536 or more):", optarg);
			o->max_bytes = n;
			break;
		case OPT_MAX_MEMORY:
			if (!parse_size(optarg, 64, 1048576, &o->max_memory_mib))
				return usage("bad --max-memory (64 to 1048576 MiB):", optarg);
			break;
		case 'w':
			o->write_file = optarg;
			break;
		case OPT_WRITE_ALL:
			o->write_all = true;
			break;
		case OPT_MAX_WRITE:
			if (!parse_size(optarg, 1, 100000000, &o->max_write_packets))
				return usage("bad --max-write-packets (1 to 100000000):", optarg);
			break;
		case OPT_CA_FILE:
			o->x509.ca_file = optarg;
			break;
		case OPT_CA_PATH:
			o->x509.ca_path = optarg;
			break;
		case OPT_SYSTEM_CA:
			o->x509.system_ca = true;
			break;
		case OPT_SERVER_NAME:
			o->x509.server_name = optarg;
			break;
		case OPT_IPHTTPS:
			o->iphttps = true;
			break;
		case OPT_EXPECT_ISSUER:
			if (o->x509.n_expect_issuer == TD_ARRAY_LEN(o->x509.expect_issuer))
				return usage("too many --expect-issuer (8 at most):", optarg);
			o->x509.expect_issuer[o->x509.n_expect_issuer++] = optarg;
			break;
		case OPT_EXPECT_FP:
			if (o->x509.n_expect_fingerprint == TD_ARRAY_LEN(o->x509.expect_fingerprint))
				return usage("too many --expect-fingerprint (8 at most):", optarg);
			o->x509.expect_fingerprint[o->x509.n_expect_fingerprint++] = optarg;
			break;
		case OPT_DUMP_CERTS:
			o->x509.dump_dir = optarg;
			break;
		case OPT_INSPECTION:
			o->x509.inspection_list = optarg;
			break;
		case OPT_FRESH:
			if (!parse_size(optarg, 1, 1440000, &n))
				return usage("bad --fresh-minutes:", optarg);
			o->x509.fresh_minutes = (uint32_t)n;
			break;
		case OPT_RULES:
			if (o->n_rule_files == TD_ARRAY_LEN(o->rule_files))
				return usage("too many --rules (16 at most):", optarg);
			o->rule_files[o->n_rule_files++] = optarg;
			break;
		case OPT_NO_DEFAULT_RULES:
			o->no_default_rules = true;
			break;
		case OPT_LIST_RULES:
			o->list_rules = true;
			break;
		case OPT_EXPLAIN:
			o->explain = true;
			break;
		case OPT_EXPECT:
			if (o->n_expect == TD_ARRAY_LEN(o->expect))
				return usage("too many --expect (32 at most):", optarg);
			if (!td_category_known(optarg, false))
				return usage("--expect: not a diagnosis category (see doc/rules.md):", optarg);
			o->expect[o->n_expect++] = optarg;
			break;
		case OPT_LIST_FACTS:
			list_facts();
			return TD_OPTS_EXIT_OK;
		case 'h':
			help();
			return TD_OPTS_EXIT_OK;
		case 'V':
			printf("tlsdiag %s\n", PACKAGE_VERSION);
			return TD_OPTS_EXIT_OK;
		default:
			fprintf(stderr, "Try 'tlsdiag --help'.\n");
			return TD_OPTS_USAGE;
		}
	}
	if (!ports_set)
		td_portset_add(o->ports.tls, 443, 443);
	o->ports.by_content = !only_ports;
	if (!proxy_set) {
		td_portset_add(o->ports.proxy, 8080, 8080);
		td_portset_add(o->ports.proxy, 3128, 3128);
	}
	/* The installed, editable inspection list, when there is one. */
	if (!o->x509.inspection_list && access(TD_PKGDATADIR "/inspection-issuers.txt", R_OK) == 0)
		o->x509.inspection_list = TD_PKGDATADIR "/inspection-issuers.txt";
	o->files = argv + optind;
	o->n_files = argc - optind;
	if (o->list_rules)
		return TD_OPTS_RUN;
	if (!o->iface && o->n_files == 0) {
		td_error("no capture file given (use '-' for stdin, -i for live)");
		fprintf(stderr, "Try 'tlsdiag --help'.\n");
		return TD_OPTS_USAGE;
	}
	if (o->write_all && !o->write_file)
		return usage("--write-all needs -w FILE; got", "--write-all");
	if (o->iface && o->n_files > 0)
		return usage("give either -i INTERFACE or capture files, not both; got file", o->files[0]);
	return TD_OPTS_RUN;
}
