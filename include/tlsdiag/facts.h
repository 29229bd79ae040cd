/*
 * The facts of one TCP connection: everything the parsers observed, as
 * plain data. Parsers write here and never print; the classifier/rules and
 * reporters only read. Every field that is part of the public vocabulary
 * has a dotted name in the fact table (src/facts_table.c), which is the JSON
 * key and the rule language's name for it; doc/facts.md lists them all.
 *
 * Frame numbers are 1-based like Wireshark's; 0 means "not seen".
 */
#ifndef TLSDIAG_FACTS_H
#define TLSDIAG_FACTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Caps on what one connection keeps (documented in doc/tlsdiag.1, CAPS). */
#define TD_MAX_SUITES 256
#define TD_MAX_EXTS 64
#define TD_MAX_LIST16 64     /* groups, sigalgs, versions, key shares */
#define TD_MAX_SMALL 16      /* compression methods, point formats, cert types */
#define TD_MAX_CERTS 256     /* most certificates kept per chain (--max-certs) */
#define TD_CERTS_KEPT 16     /* certificates kept per chain by default */
#define TD_MAX_CA_NAMES 64   /* distinguished names kept from a CertificateRequest */
#define TD_MAX_EVENTS 96     /* messages listed per connection */
#define TD_STR_NAME 256      /* host names */
#define TD_STR_LINE 160      /* a quoted first line, HTTP fields */

enum td_dir { TD_DIR_C2S = 0, TD_DIR_S2C = 1 };

/* Who did something; also the value of tcp.reset_by / tcp.fin_by. */
enum td_who { TD_WHO_NONE = 0, TD_WHO_CLIENT = 1, TD_WHO_SERVER = 2, TD_WHO_BOTH = 3 };

/* How far the connection got, in order: the text report's "state reached". */
enum td_stage {
	TD_STAGE_SYN = 0,        /* SYN sent, nothing back */
	TD_STAGE_REFUSED,        /* RST answered the SYN */
	TD_STAGE_ESTABLISHED,    /* 3-way handshake, no payload */
	TD_STAGE_CLIENT_HELLO,   /* ClientHello sent */
	TD_STAGE_SERVER_HELLO,   /* ServerHello received */
	TD_STAGE_SERVER_DONE,    /* server's first flight complete (ServerHelloDone / TLS 1.3 encrypted flight) */
	TD_STAGE_CLIENT_FLIGHT,  /* client's second flight (key exchange / CCS / Finished) sent */
	TD_STAGE_HANDSHAKE_DONE, /* both Finished (or the encrypted equivalent) seen */
	TD_STAGE_APP_DATA,       /* application data flowed both ways */
	TD_STAGE__COUNT
};

/* One line of the per-connection message list. */
enum td_event_kind {
	TD_EV_SYN, TD_EV_SYN_ACK, TD_EV_RST, TD_EV_FIN,
	TD_EV_HANDSHAKE,      /* code = handshake type */
	TD_EV_CCS,
	TD_EV_ALERT,          /* code = level << 8 | description, or encrypted */
	TD_EV_APP_DATA,       /* arg = record length */
	TD_EV_ENCRYPTED_HS,   /* an encrypted handshake record (TLS 1.3 or after CCS) */
	TD_EV_HTTP_REQUEST,   /* readable HTTP request (NULL cipher or proxy) */
	TD_EV_HTTP_RESPONSE,
	TD_EV_NON_TLS,        /* bytes that are not TLS */
	TD_EV_SSLV2_HELLO,
	TD_EV_UNKNOWN_RECORD, /* code = content type */
	TD_EV_CAP,            /* a cap was hit (arg = which, enum td_cap) */
	TD_EV_PARSE_ERROR,    /* code = handshake type or 0, arg = enum td_err */
	TD_EV_PREAMBLE,       /* plaintext before TLS: code 0 the upgrade command, 1 the answer */
};

struct td_event {
	uint64_t frame;
	double ts;
	uint8_t dir;       /* enum td_dir */
	uint8_t kind;      /* enum td_event_kind */
	uint8_t encrypted; /* content could not be read */
	uint16_t code;
	uint32_t arg;
};

enum td_cap {
	TD_CAP_BYTES = 1,    /* per-direction bytes kept */
	TD_CAP_HS_MSG,       /* handshake message larger than kept */
	TD_CAP_CERTS,        /* more certificates than kept */
	TD_CAP_EVENTS,       /* more messages than listed */
	TD_CAP_LIST,         /* a list (suites, extensions...) longer than kept */
	TD_CAP_MEMORY,       /* --max-memory reached: payload no longer read */
	TD_CAP_WRITE,        /* -w: more packets than can be held */
	TD_CAP_COUNT
};

/* A DER blob copied out of the stream (certificates, CA names). */
struct td_blob {
	uint8_t *data;
	size_t len;
};

struct td_ip {
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
};

struct td_tcp_facts {
	struct td_ip client_ip, server_ip;
	uint16_t client_port, server_port;
	uint32_t syn_count;          /* SYNs from the client, retransmissions included */
	uint64_t syn_frame, synack_frame;
	double syn_ts, synack_ts;
	double syn_last_ts;          /* the last SYN (retransmission) from the client */
	uint8_t synack_ttl;          /* the server's IP TTL (hop limit) on the SYN-ACK */
	uint8_t reset_by;            /* enum td_who, first RST */
	uint64_t rst_frame;
	double rst_ts;
	uint8_t rst_ttl;
	bool rst_before_data;        /* RST before any payload in either direction */
	bool rst_answers_syn;        /* RST(+ACK) as the answer to the SYN */
	uint8_t fin_by;              /* enum td_who: who sent FIN (both possible) */
	uint8_t first_fin_by;        /* who closed first */
	uint64_t fin_frame_client, fin_frame_server;
	double fin_ts_client, fin_ts_server;
	uint64_t first_frame, last_frame;
	double first_ts, last_ts;
	uint64_t packets;
	uint64_t packets_dir[2];     /* of those, per direction (enum td_dir) */
	uint64_t bytes[2];           /* TCP payload bytes per direction (enum td_dir) */
	uint64_t first_data_frame[2];
	bool midstream;              /* no SYN seen: started before the capture */
	bool hole[2];                /* a segment missing from the capture that the peer got */
	uint64_t hole_frame[2];      /* where it shows: the segment after it, or the ACK past it */
	uint32_t not_captured[2];    /* bytes sent before a direction's first captured data, never in the capture */
	bool by_content;             /* on no analyzed port: followed from its ClientHello (TLS by content) */
	bool reassembled;            /* libnids followed the stream */
	bool ipv6_table_full;        /* IPv6: no synthetic IPv4 pair was free for libnids */
	uint64_t snapped_packets;    /* packets the capture cut short (snap length) */
	char not_reassembled_why[48];/* when not: "no 3-way handshake", "IPv6", "stream table full" */
};

struct td_client_hello {
	bool seen;
	bool sslv2;                  /* SSLv2-compatible ClientHello */
	uint64_t frame;
	double ts;
	uint16_t record_version;
	uint16_t version;            /* legacy_version */
	uint8_t session_id_len;
	uint16_t suites[TD_MAX_SUITES];
	uint16_t n_suites;
	uint16_t null_suites;        /* offered suites with NULL encryption */
	uint16_t non_null_suites;    /* offered real suites (GREASE and SCSV excluded) */
	uint8_t compression[TD_MAX_SMALL];
	uint8_t n_compression;
	uint16_t exts[TD_MAX_EXTS];
	uint16_t n_exts;
	char sni[TD_STR_NAME];
	char alpn[TD_STR_LINE];      /* protocols joined with ',' */
	uint8_t alpn_first[255];     /* the first protocol, raw (for JA4) */
	uint8_t alpn_first_len;
	uint16_t versions[TD_MAX_LIST16];
	uint8_t n_versions;
	uint16_t groups[TD_MAX_LIST16];
	uint8_t n_groups;
	uint16_t sigalgs[TD_MAX_LIST16];
	uint8_t n_sigalgs;
	uint16_t key_shares[TD_MAX_LIST16];
	uint8_t n_key_shares;
	uint8_t ec_formats[TD_MAX_SMALL];
	uint8_t n_ec_formats;
	uint16_t grease;             /* GREASE values seen anywhere in the hello */
	uint16_t max_version;        /* highest version offered (supported_versions or legacy) */
	char ja3[2048];
	char ja3_hash[33];
	char ja4[64];
	char ja4_r[2048];
};

struct td_server_hello {
	bool seen;
	bool hrr;                    /* HelloRetryRequest */
	uint64_t frame;
	double ts;
	uint16_t version;            /* legacy_version */
	uint16_t selected_version;   /* supported_versions, or version */
	uint16_t suite;
	uint8_t compression;
	uint8_t session_id_len;
	uint16_t exts[TD_MAX_EXTS];
	uint16_t n_exts;
	char alpn[TD_STR_LINE];
	uint16_t key_share_group;
	bool null_cipher;            /* the chosen suite has NULL encryption */
	char ja3s[512];
	char ja3s_hash[33];
};

struct td_cert_chain {
	bool seen;
	uint64_t frame;
	double ts;                   /* certificates are judged at this time */
	uint32_t count;              /* certificates in the message (may exceed kept) */
	struct td_blob *certs;       /* kept ones: up to the connection's max_certs */
	uint16_t kept;
	bool empty;                  /* a Certificate message with no certificates */
};

struct td_cert_request {
	bool seen;
	uint64_t frame;
	uint8_t types[TD_MAX_SMALL];
	uint8_t n_types;
	uint16_t sigalgs[TD_MAX_LIST16];
	uint8_t n_sigalgs;
	uint16_t n_ca_names;         /* names in the message (may exceed kept) */
	struct td_blob ca_names[TD_MAX_CA_NAMES];
	uint16_t kept_ca_names;
};

struct td_key_exchange {
	bool seen;
	uint64_t frame;
	uint16_t dh_bits;            /* DHE prime size */
	uint16_t ecdhe_group;        /* named curve */
};

struct td_alert {
	bool seen;
	uint64_t frame;
	double ts;
	bool encrypted;              /* sent after the keys changed: level/description unreadable */
	uint8_t level;               /* 1 warning, 2 fatal */
	uint8_t description;
	bool before_server_hello;    /* sent before any ServerHello was seen */
};

struct td_http_req {
	bool seen;
	uint64_t frame;
	char method[24];
	char uri[TD_STR_LINE];
	char host[TD_STR_NAME];
	char content_length[24];     /* kept as text: IP-HTTPS sends 2^64-1 */
	char user_agent[TD_STR_LINE];
};

struct td_http_resp {
	bool seen;
	uint64_t frame;
	uint16_t status;
	char status_line[TD_STR_LINE];
	char server[TD_STR_LINE];
	char content_length[24];
};

/* The plaintext before TLS (STARTTLS and friends, SOCKS; src/tls_preamble.c). */
struct td_preamble_facts {
	char protocol[12];           /* smtp, imap, pop3, ftp, ldap, xmpp, nntp, irc, postgresql, mysql, rdp, socks4, socks5 */
	uint64_t command_frame;      /* the upgrade command (SOCKS: the CONNECT request) */
	char command[TD_STR_LINE];   /* as text; binary ones described */
	uint64_t answer_frame;       /* the server's answer to it */
	uint32_t code;               /* its reply code (SMTP 454, LDAP resultCode, SOCKS reply ...) */
	bool has_code;
	char text[TD_STR_LINE];      /* its text */
	bool accepted, refused;      /* what the answer said; neither before it */
	char target[TD_STR_NAME];    /* SOCKS: host:port asked for */
};

/* An SSLv2 session (src/tls_sslv2.c). */
struct td_sslv2_facts {
	char client_ciphers[TD_STR_LINE]; /* the CLIENT-HELLO's SSLv2 cipher kinds, by name */
	bool session_id_hit;         /* SERVER-HELLO: the session was resumed */
	uint16_t server_version;
	char server_ciphers[TD_STR_LINE]; /* the SERVER-HELLO's cipher kinds */
	uint64_t master_key_frame;   /* CLIENT-MASTER-KEY */
	char cipher[48];             /* the kind the client chose in it */
	uint32_t encrypted_records[2];
	uint64_t error_frame;        /* the first ERROR message */
	uint16_t error_code;
	uint8_t error_by;            /* enum td_who */
};

struct td_tls_dir_facts {
	uint32_t records;
	uint32_t unknown_records;    /* records of an unknown content type */
	uint32_t app_records;
	uint64_t app_bytes;
	uint64_t first_app_frame;
	bool ccs_seen;
	uint64_t ccs_frame;
	bool finished_seen;          /* a readable Finished, or the first record after CCS */
	uint64_t finished_frame;
	bool encrypted_finished;     /* the Finished was inferred from an encrypted record */
	struct td_alert alert;       /* the first alert in this direction */
	uint32_t alerts;
	uint32_t encrypted_hs_records;
	uint32_t resync_skipped;     /* started before the capture inside a record: bytes passed over */
	bool parse_error;
	char parse_error_text[TD_STR_LINE];
	uint64_t parse_error_frame;
};

struct td_x509_facts;

/* Everything read from the payload; allocated on the first payload byte so a
 * SYN flood costs only struct td_facts per connection. */
struct td_tls_facts {
	bool tls_seen;               /* at least one well-formed TLS record */
	bool snapped;                /* read from record heads of cut segments (src/tls_snap.c) */
	struct td_tls_dir_facts dir[2];
	struct td_client_hello ch;
	struct td_server_hello sh;
	uint64_t hrr_frame;          /* a HelloRetryRequest came first (sh is the later ServerHello) */
	uint16_t hrr_group;          /* the group it asked for */
	struct td_cert_chain server_certs;
	struct td_cert_request cert_request;
	struct td_key_exchange ske;
	bool server_hello_done;
	uint64_t server_hello_done_frame;
	struct td_cert_chain client_certs;
	bool client_key_exchange;
	uint64_t client_key_exchange_frame;
	bool certificate_verify;
	uint64_t certificate_verify_frame;
	uint32_t new_session_tickets;
	bool encrypted_extensions;   /* TLS 1.3 server flight (readable only in theory) */
	bool null_plaintext;         /* records after CCS were read as NULL-cipher plaintext */

	/* HTTP: inside a NULL-cipher session, plain on the proxy port, or the CONNECT */
	struct td_http_req http_req;
	struct td_http_resp http_resp;
	bool sstp_seen;              /* SSTP_DUPLEX_POST request */
	struct td_http_req proxy_req;    /* CONNECT host:port */
	struct td_http_resp proxy_resp;
	bool tunnel_open;            /* 2xx to the CONNECT: TLS follows */

	uint64_t sslv2_server_hello_frame; /* the server answered in SSLv2 (not followed further) */

	struct td_sslv2_facts sslv2;
	struct td_preamble_facts preamble;

	/* Bytes that are not TLS */
	bool non_tls[2];
	uint64_t non_tls_frame[2];
	char non_tls_line[2][TD_STR_LINE];

	struct td_event events[TD_MAX_EVENTS];
	uint16_t n_events;
};

/* Facts computed from the others once the connection is over (src/derive.c),
 * for the rules: patterns and mappings not read off the wire directly. */
struct td_derived {
	bool handshake_complete;     /* both Finished seen (read or inferred) */
	bool rst_ttl_differs;        /* the RST's TTL differs from the SYN-ACK's: likely injected */
	char alert_windows[2][16];   /* Schannel's error on receiving each side's alert */
	char pattern[48];            /* a named pattern of encrypted records (doc/diagnosis.md) */
	bool iphttps_ok;             /* POST /IPHTTPS answered 200 by Microsoft-HTTPAPI/2.0 */
	bool after_client_certificate; /* the server's alert or close came after the client's Certificate */
	char reset_windows[16];      /* 0x2746 (WSAECONNRESET) when the server side reset */

	/* How the handshake ended (src/derive_end.c): the decisive event. */
	uint8_t end_by;              /* enum td_who: who ended it; none when completed or open */
	char end_how[16];            /* alert, reset, close, capture-end, completed */
	uint64_t end_frame;
	char end_last[2][32];        /* the last message each side sent before the end */
	bool end_after_server_flight;/* the server's first flight was complete before the end */
	bool end_client_flight;      /* the client had sent its second flight before the end */
	bool end_alert_inferred;     /* the ending alert is known by its size only (encrypted) */
	double end_open_for;         /* capture-end: seconds from the last packet to the capture's end */
	bool client_carried_on;      /* the client sent application data after the handshake */
	bool before_capture;         /* started before the capture, after its handshake: data, no hello */
	double syn_span;             /* seconds from the first SYN to the last retransmission */
	double observed;             /* seconds the capture watched after the first SYN */
	char tls13_client_cert[8];   /* TLS 1.3, from record sizes: none, empty, sent */
	bool tls13_cert_requested;   /* TLS 1.3: the client's flight carried a Certificate */
	bool iphttps;                /* identified as IP-HTTPS (see iphttps_by) */
	char iphttps_by[32];         /* request-line, null-suites, http-api */
};

struct td_facts {
	uint32_t id;                 /* connection number, 1-based across all input files */
	char file[256];              /* the capture file its first packet came from */
	bool on_proxy_port;
	uint8_t stage;               /* enum td_stage */
	uint32_t caps_hit;           /* bit (1 << enum td_cap) per cap reached */
	uint16_t max_certs;          /* certificates kept per chain (--max-certs) */
	bool skip_fingerprints;      /* JA3/JA4/JA3S not computed: nothing reads them this run */
	bool open_at_end;            /* still open when its capture file ended */
	bool stalled;                /* with open_at_end: decided by --handshake-timeout instead */
	bool iphttps_given;          /* --iphttps: the user says it is IP-HTTPS */
	double capture_end_ts;       /* the time of that file's last packet */
	struct td_tcp_facts tcp;
	struct td_derived derived;
	struct td_tls_facts *tls;    /* NULL until payload arrives */
	struct td_x509_facts *x509;  /* NULL until certificates are decoded */
};

struct td_facts *td_facts_new(void);
void td_facts_free(struct td_facts *f);
/* The payload part, allocated on first use; NULL when memory is short. */
struct td_tls_facts *td_facts_tls(struct td_facts *f);
/* Append to the message list; sets the events cap bit when full. */
void td_facts_event(struct td_facts *f, uint64_t frame, double ts, enum td_dir dir,
		    enum td_event_kind kind, uint16_t code, uint32_t arg, bool encrypted);
void td_facts_cap(struct td_facts *f, enum td_cap cap);
/* The cap's name in the output ("handshake-message-size"). */
const char *td_cap_name(enum td_cap cap);
/* Copy a DER blob; false (and the cap bit) when memory is short. */
bool td_blob_set(struct td_blob *b, const uint8_t *data, size_t len);

const char *td_stage_name(enum td_stage s);
const char *td_who_name(enum td_who w);
const char *td_dir_arrow(enum td_dir d);

#endif
