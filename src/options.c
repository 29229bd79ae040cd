/* Command-line parsing: the getopt_long table, defaults, validation, --help. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tlsdiag/options.h"
#include "tlsdiag/attr.h"
#include "tlsdiag/capture.h"
#include "tlsdiag/diag.h"
#include "tlsdiag/factdesc.h"
#include "tlsdiag/report_ladder.h"
#include "tlsdiag/rules.h"
#include "config.h"

enum { OPT_PROXY_PORT = 256, OPT_JSON, OPT_MAX_CONN, OPT_MAX_HS, OPT_LIST_FACTS, OPT_CA_FILE, OPT_CA_PATH,
       OPT_SYSTEM_CA, OPT_SERVER_NAME, OPT_IPHTTPS, OPT_EXPECT_ISSUER, OPT_EXPECT_FP, OPT_DUMP_CERTS, OPT_INSPECTION,
       OPT_FRESH, OPT_RULES, OPT_NO_DEFAULT_RULES, OPT_LIST_RULES, OPT_EXPLAIN, OPT_EXPECT,
       OPT_MAX_CERTS, OPT_MAX_BYTES, OPT_MAX_MEMORY, OPT_WRITE_ALL, OPT_MAX_WRITE, OPT_STATS, OPT_NO_PROMISC,
       OPT_HS_TIMEOUT, OPT_IDLE_TIMEOUT, OPT_NO_PROGRESS, OPT_LADDER, OPT_ASCII, OPT_COLOR, OPT_HTML,
       OPT_ONLY_PORTS };

static const struct option long_opts[] = {
	{ "filter", required_argument, NULL, 'f' },
	{ "port", required_argument, NULL, 'p' },
	{ "proxy-port", required_argument, NULL, OPT_PROXY_PORT },
	{ "only-ports", no_argument, NULL, OPT_ONLY_PORTS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "list-interfaces", no_argument, NULL, 'D' },
	{ "snapshot-length", required_argument, NULL, 's' },
	{ "no-promisc", no_argument, NULL, OPT_NO_PROMISC },
	{ "no-promiscuous-mode", no_argument, NULL, OPT_NO_PROMISC },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "handshake-timeout", required_argument, NULL, OPT_HS_TIMEOUT },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONN },
	{ "max-handshake", required_argument, NULL, OPT_MAX_HS },
	{ "max-certs", required_argument, NULL, OPT_MAX_CERTS },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "write", required_argument, NULL, 'w' },
	{ "write-all", no_argument, NULL, OPT_WRITE_ALL },
	{ "max-write-packets", required_argument, NULL, OPT_MAX_WRITE },
	{ "ladder", no_argument, NULL, OPT_LADDER },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "html", required_argument, NULL, OPT_HTML },
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
	       "       tlsdiag [options] -i INTERFACE [FILTER EXPRESSION]\n"
	       "                                       analyze live traffic until interrupted\n"
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
	       "  -i, --interface IFACE    capture live on IFACE (Ctrl-C ends and reports); words\n"
	       "                           after the options are a BPF filter, as with tcpdump\n"
	       "  -r FILE                  read FILE (as a file argument; repeatable)\n"
	       "  -c, --count N            stop after N packets, all inputs together\n"
	       "  -D, --list-interfaces    list the interfaces -i can capture on, and exit\n"
	       "  -s, --snapshot-length N  live: bytes kept per packet (default %d)\n"
	       "      --no-promisc         live: do not put the interface into promiscuous mode\n"
	       "      --no-promiscuous-mode  the same\n"
	       "  -Z, --relinquish-privileges USER  live: become USER once the interface is open\n"
	       "                           (before any packet is read; files: before reading);\n"
	       "                           -Z root: no drop\n"
	       "      --stats SECONDS      a status line on stderr every SECONDS (SIGUSR1: now)\n"
	       "  -l                       line-buffered output (each verdict as it is written)\n"
	       "  -j, --jobs N             files: 2 judges finished connections on a thread\n"
	       "                           beside the reading (the default with 2 CPUs or more),\n"
	       "                           1 does it all on one; the output is the same\n"
	       "  -q, --quiet              only the connections not diagnosed ok; -qq: only the\n"
	       "                           summary\n"
	       "      --no-progress        no progress line for files on a terminal (stderr)\n"
	       "      --handshake-timeout SECONDS  decide a handshake with no packet for this\n"
	       "                           long (default %u; 0: only at the end of the input)\n"
	       "      --idle-timeout SECONDS  retire a decided connection with no packet for this\n"
	       "                           long (default %u; 0: never)\n"
	       "      --max-connections N  concurrent connections followed (default %d)\n"
	       "      --max-handshake N    largest handshake message kept, bytes (default 65536)\n"
	       "      --max-certs N        certificates kept per chain (default %d)\n"
	       "      --max-bytes N        bytes read per direction of a connection (default %u)\n"
	       "      --max-memory MIB     heap in use beyond which new connections are not\n"
	       "                           followed (default %d MiB)\n"
	       "  -w, --write FILE         write the packets of every connection not diagnosed\n"
	       "                           ok to FILE (pcapng), for Wireshark\n"
	       "      --write-all          with -w: the packets of every analyzed connection\n"
	       "  -C MB                    with -w: a new file after MB megabytes (FILE, FILE1 ...)\n"
	       "  -G SECONDS               with -w: a new file every SECONDS; FILE is a strftime\n"
	       "                           pattern (fail-%%Y%%m%%d-%%H.pcapng); SIGHUP reopens FILE\n"
	       "      --max-write-packets N  packets held for -w at once (default %d)\n"
	       "\n"
	       "Pictures:\n"
	       "      --ladder             a ladder diagram under each connection's block\n"
	       "      --ascii              the ladder in ASCII instead of box characters\n"
	       "      --color WHEN         colour the decisive step: auto (a terminal), always, never\n"
	       "      --html FILE          a self-contained HTML report: summary, table, ladders\n"
	       "\n",
	       TD_CAPTURE_SNAPLEN, TD_DEFAULT_HS_TIMEOUT, TD_DEFAULT_IDLE_TIMEOUT,
	       TD_DEFAULT_MAX_CONNECTIONS, TD_DEFAULT_MAX_CERTS, TD_DEFAULT_MAX_BYTES,
	       TD_DEFAULT_MAX_MEMORY_MIB, TD_DEFAULT_MAX_WRITE_PACKETS);
	/* Two pieces: C99 promises string literals of 4095 bytes only. */
	printf("Certificates (judged at the capture's time, never today's):\n"
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
	       "See tlsdiag(1) and doc/ for the facts, the JSON schema and the diagnoses.\n");
#ifdef TD_DEFAULT_USER
	printf("This build, run as root, becomes %s without -Z (-Z root keeps root).\n", TD_DEFAULT_USER);
#endif
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

static bool parse_color(const char *s, int *out)
{
	static const char *const names[] = { [TD_COLOR_AUTO] = "auto", [TD_COLOR_ALWAYS] = "always",
					     [TD_COLOR_NEVER] = "never" };
	for (size_t i = 0; i < TD_ARRAY_LEN(names); i++)
		if (!strcmp(s, names[i])) {
			*out = (int)i;
			return true;
		}
	return false;
}

/* A usage error: "what" and the offending argument. */
static enum td_parse_result usage(const char *what, const char *arg)
{
	td_error("%s \"%s\"", what, arg);
	fprintf(stderr, "Try 'tlsdiag --help'.\n");
	return TD_OPTS_USAGE;
}

/* -i: the words after the options are a BPF filter expression, joined by
 * spaces as tcpdump does; -f gives one too, so not both. */
static enum td_parse_result live_args(int argc, char **argv, struct td_options *o)
{
	if (o->n_read_files)
		return usage("give either -i INTERFACE or capture files, not both; got -r", o->read_files[0]);
	if (optind == argc)
		return TD_OPTS_RUN;
	if (o->filter)
		return usage("give the filter with -f or after the options, not both; got", argv[optind]);
	size_t used = 0;
	for (int i = optind; i < argc; i++) {
		size_t len = strlen(argv[i]);
		if (len + 2 > sizeof(o->filter_buf) - used)
			return usage("filter expression too long (4095 bytes at most):", argv[optind]);
		if (used)
			o->filter_buf[used++] = ' ';
		memcpy(o->filter_buf + used, argv[i], len + 1);
		used += len;
	}
	o->filter = o->filter_buf;
	return TD_OPTS_RUN;
}

/* The inputs: -r files first, in order, then the file arguments. */
static bool file_list(int argc, char **argv, struct td_options *o)
{
	size_t n = o->n_read_files + (size_t)(argc - optind);
	if (o->n_read_files == 0) {
		o->files = argv + optind;
		o->n_files = argc - optind;
		return true;
	}
	/* Lives as long as the options (main's static struct): freed at exit. */
	char **all = calloc(n + 1, sizeof(*all));
	if (!all) {
		td_error("out of memory");
		return false;
	}
	for (size_t i = 0; i < o->n_read_files; i++)
		all[i] = o->read_files[i];
	for (int i = optind; i < argc; i++)
		all[o->n_read_files + (size_t)(i - optind)] = argv[i];
	o->files = all;
	o->n_files = (int)n;
	return true;
}

/* As tcpdump built --with-user: a tlsdiag built with configure
 * --with-user=NAME and run as root becomes NAME without -Z. "-Z root" keeps
 * root (and is no drop at all, whatever the build). */
static void default_user(struct td_options *o)
{
#ifdef TD_DEFAULT_USER
	if (!o->drop_user && geteuid() == 0)
		o->drop_user = TD_DEFAULT_USER;
#endif
	if (o->drop_user && strcmp(o->drop_user, "root") == 0)
		o->drop_user = NULL;
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
	o->hs_timeout = TD_DEFAULT_HS_TIMEOUT;
	o->idle_timeout = TD_DEFAULT_IDLE_TIMEOUT;
	int c;
	while ((c = getopt_long(argc, argv, "f:p:i:c:j:w:r:s:Z:C:G:DlqhV", long_opts, NULL)) != -1) {
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
		case 'r':
			if (o->n_read_files == TD_ARRAY_LEN(o->read_files))
				return usage("too many -r (64 at most; give more as arguments):", optarg);
			o->read_files[o->n_read_files++] = optarg;
			break;
		case 's':
			if (!parse_size(optarg, 0, TD_CAPTURE_SNAPLEN, &n))
				return usage("bad -s (0 to 262144; 0 is the default):", optarg);
			o->snaplen = n ? (int)n : TD_CAPTURE_SNAPLEN;
			o->snaplen_given = true;
			break;
		case 'D':
			o->list_interfaces = true;
			break;
		case OPT_NO_PROMISC:
			o->no_promisc = true;
			break;
		case 'Z':
			o->drop_user = optarg;
			break;
		case OPT_STATS:
			if (!parse_size(optarg, 1, 86400, &n))
				return usage("bad --stats (1 to 86400 seconds):", optarg);
			o->stats_interval = (unsigned)n;
			break;
		case 'l':
			o->line_buffered = true;
			break;
		case 'j':
			if (!parse_size(optarg, 1, 2, &n))
				return usage("bad -j (1 or 2: reading and judging are the two stages):", optarg);
			o->jobs = (unsigned)n;
			break;
		case 'q':
			if (o->quiet < 2)
				o->quiet++;
			break;
		case OPT_NO_PROGRESS:
			o->no_progress = true;
			break;
		case OPT_HS_TIMEOUT:
			if (!parse_size(optarg, 0, 86400, &n))
				return usage("bad --handshake-timeout (0 to 86400 seconds):", optarg);
			o->hs_timeout = (unsigned)n;
			break;
		case OPT_IDLE_TIMEOUT:
			if (!parse_size(optarg, 0, 8640000, &n))
				return usage("bad --idle-timeout (0 to 8640000 seconds):", optarg);
			o->idle_timeout = (unsigned)n;
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
		case 'C':
			if (!parse_size(optarg, 1, 1048576, &n))
				return usage("bad -C (1 to 1048576 MB):", optarg);
			o->rotate_mb = n;
			break;
		case 'G':
			if (!parse_size(optarg, 1, 31536000, &n))
				return usage("bad -G (1 to 31536000 seconds):", optarg);
			o->rotate_seconds = (unsigned)n;
			break;
		case OPT_WRITE_ALL:
			o->write_all = true;
			break;
		case OPT_MAX_WRITE:
			if (!parse_size(optarg, 1, 100000000, &o->max_write_packets))
				return usage("bad --max-write-packets (1 to 100000000):", optarg);
			break;
		case OPT_LADDER:
			o->ladder = true;
			break;
		case OPT_ASCII:
			o->ascii = true;
			break;
		case OPT_COLOR:
			if (!parse_color(optarg, &o->color))
				return usage("bad --color (auto, always or never):", optarg);
			break;
		case OPT_HTML:
			o->html_file = optarg;
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
	default_user(o);
	/* The installed, editable inspection list, when there is one. */
	if (!o->x509.inspection_list && access(TD_PKGDATADIR "/inspection-issuers.txt", R_OK) == 0)
		o->x509.inspection_list = TD_PKGDATADIR "/inspection-issuers.txt";
	if (o->list_rules || o->list_interfaces)
		return TD_OPTS_RUN;
	if (o->write_all && !o->write_file)
		return usage("--write-all needs -w FILE; got", "--write-all");
	if ((o->rotate_mb || o->rotate_seconds) && !o->write_file)
		return usage("-C and -G need -w FILE; got", o->rotate_mb ? "-C" : "-G");
	if (o->iface)
		return live_args(argc, argv, o);
	if (!file_list(argc, argv, o))
		return TD_OPTS_USAGE;
	if (o->n_files == 0) {
		td_error("no capture file given (use '-' for stdin, -i for live)");
		fprintf(stderr, "Try 'tlsdiag --help'.\n");
		return TD_OPTS_USAGE;
	}
	if (o->ladder && o->json)
		return usage("--ladder draws under the text report, not in JSON; got", "--json");
	return TD_OPTS_RUN;
}
