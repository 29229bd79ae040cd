/*
 * Unit tests for src/fingerprint.c: JA3, JA3S, JA4, JA4_r.
 *
 * The reference vectors below are ClientHello/ServerHello fields of public
 * captures in the shared test corpus (corpus/MANIFEST.tsv, Arkime's test
 * pcaps), read with tshark 4.0 (-T json: cipher suites, extension types in
 * wire order, supported_groups, ec_point_formats, signature_algorithms,
 * supported_versions, first ALPN value, SNI presence). The expected values
 * are the corpus' reference answers computed by other tools: ja3/ja3s and
 * ja4/ja4_r from MANIFEST.tsv's reference_answer column, and the JA3 and JA3S
 * strings from tshark's tls.handshake.ja3_full / ja3s_full, whose MD5s match
 * the MANIFEST's. GREASE values are kept in the inputs as they were on the
 * wire.
 */
#include "tlsdiag/fingerprint.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "tlsdiag/attr.h"
#include "tap.h"

struct ref_case {
	const char *file;
	struct td_fp_client hello;
	const char *ja3_str, *ja3, *ja4, *ja4_r;
	struct td_fp_server server;
	const char *ja3s_str, *ja3s;   /* NULL: the capture has no ServerHello */
};

static const uint16_t curl13_suites[] = {
	0x1302, 0x1303, 0x1301, 0x00ff,
};
static const uint16_t curl13_exts[] = {
	0x0000, 0x000b, 0x000a, 0x3374, 0x0010, 0x0016, 0x0017, 0x0031, 0x000d, 0x002b,
	0x002d, 0x0033, 0x0015,
};
static const uint16_t curl13_groups[] = {
	0x001d, 0x0017, 0x001e, 0x0019, 0x0018,
};
static const uint8_t curl13_formats[] = {
	0, 1, 2,
};
static const uint16_t curl13_sigalgs[] = {
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805,
	0x0806, 0x0401, 0x0501, 0x0601,
};
static const uint16_t curl13_versions[] = {
	0x0304,
};
static const uint16_t curl13_sh_exts[] = {
	0x0033, 0x002b,
};

static const uint16_t connect_suites[] = {
	0xc030, 0xc02c, 0xc028, 0xc024, 0xc014, 0xc00a, 0x00a5, 0x00a3, 0x00a1, 0x009f,
	0x006b, 0x006a, 0x0069, 0x0068, 0x0039, 0x0038, 0x0037, 0x0036, 0x0088, 0x0087,
	0x0086, 0x0085, 0xc032, 0xc02e, 0xc02a, 0xc026, 0xc00f, 0xc005, 0x009d, 0x003d,
	0x0035, 0x0084, 0xc02f, 0xc02b, 0xc027, 0xc023, 0xc013, 0xc009, 0x00a4, 0x00a2,
	0x00a0, 0x009e, 0x0067, 0x0040, 0x003f, 0x003e, 0x0033, 0x0032, 0x0031, 0x0030,
	0x009a, 0x0099, 0x0098, 0x0097, 0x0045, 0x0044, 0x0043, 0x0042, 0xc031, 0xc02d,
	0xc029, 0xc025, 0xc00e, 0xc004, 0x009c, 0x003c, 0x002f, 0x0096, 0x0041, 0xc012,
	0xc008, 0x0016, 0x0013, 0x0010, 0x000d, 0xc00d, 0xc003, 0x000a, 0x0007, 0xc011,
	0xc007, 0xc00c, 0xc002, 0x0005, 0x0004, 0x00ff,
};
static const uint16_t connect_exts[] = {
	0x000b, 0x000a, 0x0023, 0x000d, 0x000f,
};
static const uint16_t connect_groups[] = {
	0x0017, 0x0019, 0x0018, 0x0016,
};
static const uint8_t connect_formats[] = {
	0, 1, 2,
};
static const uint16_t connect_sigalgs[] = {
	0x0601, 0x0602, 0x0603, 0x0501, 0x0502, 0x0503, 0x0401, 0x0402, 0x0403, 0x0301,
	0x0302, 0x0303, 0x0201, 0x0202, 0x0203,
};
static const uint16_t connect_sh_exts[] = {
	0x0023, 0xff01,
};

static const uint16_t draft18_suites[] = {
	0x4a4a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
	0xcc14, 0xcc13, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035, 0x000a,
};
static const uint16_t draft18_exts[] = {
	0xdada, 0xff01, 0x0000, 0x0017, 0x0023, 0x000d, 0x0005, 0x0012, 0x0010, 0x7550,
	0x000b, 0x0028, 0x002d, 0x002b, 0x000a, 0x0a0a, 0x0015,
};
static const uint16_t draft18_groups[] = {
	0x5a5a, 0x001d, 0x0017, 0x0018,
};
static const uint8_t draft18_formats[] = {
	0,
};
static const uint16_t draft18_sigalgs[] = {
	0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201,
};
static const uint16_t draft18_versions[] = {
	0xcaca, 0x7f12, 0x0303, 0x0302, 0x0301,
};
static const uint16_t draft18_sh_exts[] = {
	0x0028,
};

static const uint16_t ssl3_suites[] = {
	0xc014, 0xc00a, 0x0039, 0x0038, 0x0088, 0x0087, 0xc00f, 0xc005, 0x0035, 0x0084,
	0xc012, 0xc008, 0x0016, 0x0013, 0xc00d, 0xc003, 0x000a, 0xc013, 0xc009, 0x0033,
	0x0032, 0x009a, 0x0099, 0x0045, 0x0044, 0xc00e, 0xc004, 0x002f, 0x0096, 0x0041,
	0x0007, 0xc011, 0xc007, 0xc00c, 0xc002, 0x0005, 0x0004, 0x0015, 0x0012, 0x0009,
	0x0014, 0x0011, 0x0008, 0x0006, 0x0003, 0x00ff,
};
static const uint16_t ssl3_sh_exts[] = {
	0xff01,
};

static const uint16_t alpnh2_suites[] = {
	0xc030, 0xc02c, 0xc028, 0xc024, 0xc014, 0xc00a, 0x009f, 0x006b, 0x0039, 0xcca9,
	0xcca8, 0xccaa, 0xff85, 0x00c4, 0x0088, 0x0081, 0x009d, 0x003d, 0x0035, 0x00c0,
	0x0084, 0xc02f, 0xc02b, 0xc027, 0xc023, 0xc013, 0xc009, 0x009e, 0x0067, 0x0033,
	0x00be, 0x0045, 0x009c, 0x003c, 0x002f, 0x00ba, 0x0041, 0xc011, 0xc007, 0x0005,
	0x0004, 0xc012, 0xc008, 0x0016, 0x000a, 0x00ff,
};
static const uint16_t alpnh2_exts[] = {
	0x0000, 0x000b, 0x000a, 0x000d, 0x0010,
};
static const uint16_t alpnh2_groups[] = {
	0x001d, 0x0017, 0x0018,
};
static const uint8_t alpnh2_formats[] = {
	0,
};
static const uint16_t alpnh2_sigalgs[] = {
	0x0601, 0x0603, 0xefef, 0x0501, 0x0503, 0x0401, 0x0403, 0xeeee, 0xeded, 0x0301,
	0x0303, 0x0201, 0x0203,
};
static const uint16_t alpnh2_sh_exts[] = {
	0x0000, 0xff01, 0x000b, 0x0010,
};

static const uint16_t mysql_suites[] = {
	0xc00a, 0xc014, 0x0035, 0xc005, 0xc00f, 0xc009, 0xc013, 0x002f, 0xc004, 0xc00e,
	0xc008, 0xc012, 0x000a, 0xc003, 0xc00d, 0xc007, 0xc011, 0x0005, 0xc002, 0xc00c,
	0x0004, 0x00ff,
};
static const uint16_t mysql_exts[] = {
	0x000a, 0x000b,
};
static const uint16_t mysql_groups[] = {
	0x0017, 0x0001, 0x0003, 0x0013, 0x0015, 0x0006, 0x0007, 0x0009, 0x000a, 0x0018,
	0x000b, 0x000c, 0x0019, 0x000d, 0x000e, 0x000f, 0x0010, 0x0011, 0x0002, 0x0012,
	0x0004, 0x0005, 0x0014, 0x0008, 0x0016,
};
static const uint8_t mysql_formats[] = {
	0,
};

static const uint16_t spdy_suites[] = {
	0xc00a, 0xc009, 0xc013, 0xc014, 0xc007, 0xc011, 0x0033, 0x0032, 0x0039, 0x002f,
	0x0035, 0x000a, 0x0005, 0x0004,
};
static const uint16_t spdy_exts[] = {
	0x0000, 0xff01, 0x000a, 0x000b, 0x0023, 0x3374, 0x0010, 0x0005,
};
static const uint16_t spdy_groups[] = {
	0x0017, 0x0018, 0x0019,
};
static const uint8_t spdy_formats[] = {
	0,
};
static const uint16_t spdy_sh_exts[] = {
	0xff01,
};

static const uint16_t socks_suites[] = {
	0x0039, 0x0038, 0x0035, 0x0016, 0x0013, 0x000a, 0x0033, 0x0032, 0x002f, 0x009a,
	0x0099, 0x0096, 0x0005, 0x0004, 0x0015, 0x0012, 0x0009, 0x0014, 0x0011, 0x0008,
	0x0006, 0x0003, 0x00ff,
};
static const uint16_t socks_exts[] = {
	0x0000,
};
static const uint16_t socks_sh_exts[] = {
	0xff01,
};

static const uint16_t gentime_suites[] = {
	0xcc13, 0xc02f, 0x009e, 0xc013, 0xc014, 0xc011, 0x0033, 0x0032, 0x0039, 0x009c,
	0x002f, 0x0035, 0x000a, 0x0005, 0x0004,
};
static const uint16_t gentime_exts[] = {
	0x0000, 0xff01, 0x000a, 0x000b, 0x0023, 0x3374, 0x0010, 0x0005, 0x0012, 0x000d,
	0x0015,
};
static const uint16_t gentime_groups[] = {
	0x0017, 0x0018, 0x0019,
};
static const uint8_t gentime_formats[] = {
	0,
};
static const uint16_t gentime_sigalgs[] = {
	0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0402, 0x0202,
};
static const uint16_t gentime_sh_exts[] = {
	0x0000, 0xff01, 0x000b, 0x0023, 0x0005, 0x3374,
};

static const uint16_t ldap_suites[] = {
	0x0033, 0x0067, 0x0045, 0x0039, 0x006b, 0x0088, 0x0016, 0x0032, 0x0040, 0x0044,
	0x0038, 0x006a, 0x0087, 0x0013, 0x0066, 0x002f, 0x003c, 0x0041, 0x0035, 0x003d,
	0x0084, 0x000a, 0x0005, 0x0004,
};
static const uint16_t ldap_exts[] = {
	0xff01, 0x000d,
};
static const uint16_t ldap_sigalgs[] = {
	0x0402, 0x0401, 0x0201, 0x0202,
};
static const uint16_t ldap_sh_exts[] = {
	0xff01,
};

static const uint16_t tls10_suites[] = {
	0xc014, 0xc00a, 0x0039, 0x0038, 0x0088, 0x0087, 0xc00f, 0xc005, 0x0035, 0x0084,
	0xc012, 0xc008, 0x0016, 0x0013, 0xc00d, 0xc003, 0x000a, 0xc013, 0xc009, 0x0033,
	0x0032, 0x009a, 0x0099, 0x0045, 0x0044, 0xc00e, 0xc004, 0x002f, 0x0096, 0x0041,
	0x0007, 0xc011, 0xc007, 0xc00c, 0xc002, 0x0005, 0x0004, 0x0015, 0x0012, 0x0009,
	0x0014, 0x0011, 0x0008, 0x0006, 0x0003, 0x00ff,
};
static const uint16_t tls10_exts[] = {
	0x000b, 0x000a, 0x0023, 0x000f,
};
static const uint16_t tls10_groups[] = {
	0x0018, 0x0017,
};
static const uint8_t tls10_formats[] = {
	0, 1, 2,
};
static const uint16_t tls10_sh_exts[] = {
	0xff01, 0x000b, 0x0023,
};

static const uint16_t tls12_suites[] = {
	0xc030, 0xc02c, 0xc028, 0xc024, 0xc014, 0xc00a, 0x00a3, 0x009f, 0x006b, 0x006a,
	0x0039, 0x0038, 0x0088, 0x0087, 0xc032, 0xc02e, 0xc02a, 0xc026, 0xc00f, 0xc005,
	0x009d, 0x003d, 0x0035, 0x0084, 0xc012, 0xc008, 0x0016, 0x0013, 0xc00d, 0xc003,
	0x000a, 0xc02f, 0xc02b, 0xc027, 0xc023, 0xc013, 0xc009, 0x00a2, 0x009e, 0x0067,
	0x0040, 0x0033, 0x0032, 0x009a, 0x0099, 0x0045, 0x0044, 0xc031, 0xc02d, 0xc029,
	0xc025, 0xc00e, 0xc004, 0x009c, 0x003c, 0x002f, 0x0096, 0x0041, 0x0007, 0xc011,
	0xc007, 0xc00c, 0xc002, 0x0005, 0x0004, 0x0015, 0x0012, 0x0009, 0x0014, 0x0011,
	0x0008, 0x0006, 0x0003, 0x00ff,
};
static const uint16_t tls12_exts[] = {
	0x000b, 0x000a, 0x0023, 0x000d, 0x000f,
};
static const uint16_t tls12_groups[] = {
	0x0018, 0x0017,
};
static const uint8_t tls12_formats[] = {
	0, 1, 2,
};
static const uint16_t tls12_sigalgs[] = {
	0x0601, 0x0602, 0x0603, 0x0501, 0x0502, 0x0503, 0x0401, 0x0402, 0x0403, 0x0301,
	0x0302, 0x0303, 0x0201, 0x0202, 0x0203, 0x0101,
};
static const uint16_t tls12_sh_exts[] = {
	0xff01, 0x000b, 0x0023,
};

static const uint16_t smtp_suites[] = {
	0x0039, 0x0038, 0x0088, 0x0087, 0x0035, 0x0084, 0x0016, 0x0013, 0x000a, 0x0033,
	0x0032, 0x009a, 0x0099, 0x0045, 0x0044, 0x002f, 0x0096, 0x0041, 0x0005, 0x0004,
	0x0015, 0x0012, 0x0009, 0x0014, 0x0011, 0x0008, 0x0006, 0x0003, 0x00ff,
};
static const uint16_t smtp_exts[] = {
	0x0023,
};
static const uint16_t smtp_sh_exts[] = {
	0xff01, 0x0023,
};

static const uint16_t selfsign_suites[] = {
	0x0039, 0x0038, 0x0035, 0x0016, 0x0013, 0x000a, 0x0033, 0x0032, 0x002f, 0x009a,
	0x0099, 0x0096, 0x0005, 0x0004, 0x0015, 0x0012, 0x0009, 0x0014, 0x0011, 0x0008,
	0x0006, 0x0003, 0x00ff,
};
static const uint16_t selfsign_sh_exts[] = {
	0xff01,
};

static const uint16_t split_suites[] = {
	0x1a1a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
	0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
};
static const uint16_t split_exts[] = {
	0x1a1a, 0x000d, 0x0012, 0x002d, 0x001b, 0xfe0d, 0x002b, 0x0033, 0x0000, 0x000b,
	0x0023, 0x0005, 0x0017, 0x0010, 0x000a, 0xff01, 0x4469, 0xbaba,
};
static const uint16_t split_groups[] = {
	0x3a3a, 0x11ec, 0x001d, 0x0017, 0x0018,
};
static const uint8_t split_formats[] = {
	0,
};
static const uint16_t split_sigalgs[] = {
	0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
};
static const uint16_t split_versions[] = {
	0x9a9a, 0x0304, 0x0303,
};
static const uint16_t split_sh_exts[] = {
	0x0033, 0x002b,
};

static const struct ref_case ref_cases[] = {
	{
		.file = "arkime__curl-enabled-tls13.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = curl13_suites, .n_suites = TD_ARRAY_LEN(curl13_suites),
			.exts = curl13_exts, .n_exts = TD_ARRAY_LEN(curl13_exts),
			.groups = curl13_groups, .n_groups = TD_ARRAY_LEN(curl13_groups),
			.ec_formats = curl13_formats,
			.n_ec_formats = TD_ARRAY_LEN(curl13_formats),
			.sigalgs = curl13_sigalgs, .n_sigalgs = TD_ARRAY_LEN(curl13_sigalgs),
			.versions = curl13_versions, .n_versions = TD_ARRAY_LEN(curl13_versions),
			.alpn_first = "h2", .alpn_first_len = 2,
			.sni_present = true,
		},
		.ja3_str = "771,4866-4867-4865-255,0-11-10-13172-16-22-23-49-13-43-45-51-21,"
		"29-23-30-25-24,0-1-2",
		.ja3 = "eeadfd2f446a45ded96f804720a0c75b",
		.ja4 = "t13d0413h2_16476d049b0b_ffceb19bae65",
		.ja4_r = "t13d0413h2_00ff,1301,1302,1303_000a,000b,000d,0015,0016,0017,002b,"
		"002d,0031,0033,3374_0403,0503,0603,0807,0808,0809,080a,080b,0804,"
		"0805,0806,0401,0501,0601",
		.server = {
			.legacy_version = 0x0303, .suite = 0x1302,
			.exts = curl13_sh_exts, .n_exts = TD_ARRAY_LEN(curl13_sh_exts),
		},
		.ja3s_str = "771,4866,51-43",
		.ja3s = "907bf3ecef1c987c889946b737b43de8",
	},
	{
		.file = "arkime__https-connect.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = connect_suites, .n_suites = TD_ARRAY_LEN(connect_suites),
			.exts = connect_exts, .n_exts = TD_ARRAY_LEN(connect_exts),
			.groups = connect_groups, .n_groups = TD_ARRAY_LEN(connect_groups),
			.ec_formats = connect_formats,
			.n_ec_formats = TD_ARRAY_LEN(connect_formats),
			.sigalgs = connect_sigalgs, .n_sigalgs = TD_ARRAY_LEN(connect_sigalgs),
			.sni_present = false,
		},
		.ja3_str = "771,49200-49196-49192-49188-49172-49162-165-163-161-159-107-106-"
		"105-104-57-56-55-54-136-135-134-133-49202-49198-49194-49190-49167-"
		"49157-157-61-53-132-49199-49195-49191-49187-49171-49161-164-162-"
		"160-158-103-64-63-62-51-50-49-48-154-153-152-151-69-68-67-66-"
		"49201-49197-49193-49189-49166-49156-156-60-47-150-65-49170-49160-"
		"22-19-16-13-49165-49155-10-7-49169-49159-49164-49154-5-4-255,11-"
		"10-35-13-15,23-25-24-22,0-1-2",
		.ja3 = "b288289af2999820648eb3ca4d8304c5",
		.ja4 = "t12i860500_e18388e7f3a3_a1e935682795",
		.ja4_r = "t12i860500_0004,0005,0007,000a,000d,0010,0013,0016,002f,0030,0031,"
		"0032,0033,0035,0036,0037,0038,0039,003c,003d,003e,003f,0040,0041,"
		"0042,0043,0044,0045,0067,0068,0069,006a,006b,0084,0085,0086,0087,"
		"0088,0096,0097,0098,0099,009a,009c,009d,009e,009f,00a0,00a1,00a2,"
		"00a3,00a4,00a5,00ff,c002,c003,c004,c005,c007,c008,c009,c00a,c00c,"
		"c00d,c00e,c00f,c011,c012,c013,c014,c023,c024,c025,c026,c027,c028,"
		"c029,c02a,c02b,c02c,c02d,c02e,c02f,c030,c031,c032_000a,000b,000d,"
		"000f,0023_0601,0602,0603,0501,0502,0503,0401,0402,0403,0301,0302,"
		"0303,0201,0202,0203",
		.server = {
			.legacy_version = 0x0303, .suite = 0xc030,
			.exts = connect_sh_exts, .n_exts = TD_ARRAY_LEN(connect_sh_exts),
		},
		.ja3s_str = "771,49200,35-65281",
		.ja3s = "b7bd51222a09f3ad66a340710ae9c01a",
	},
	{
		.file = "arkime__tls13.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = draft18_suites, .n_suites = TD_ARRAY_LEN(draft18_suites),
			.exts = draft18_exts, .n_exts = TD_ARRAY_LEN(draft18_exts),
			.groups = draft18_groups, .n_groups = TD_ARRAY_LEN(draft18_groups),
			.ec_formats = draft18_formats,
			.n_ec_formats = TD_ARRAY_LEN(draft18_formats),
			.sigalgs = draft18_sigalgs, .n_sigalgs = TD_ARRAY_LEN(draft18_sigalgs),
			.versions = draft18_versions, .n_versions = TD_ARRAY_LEN(draft18_versions),
			.alpn_first = "h2", .alpn_first_len = 2,
			.sni_present = true,
		},
		.ja3_str = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-52244-"
		"52243-49171-49172-156-157-47-53-10,65281-0-23-35-13-5-18-16-30032-"
		"11-40-45-43-10-21,29-23-24,0",
		.ja3 = "4826a90ec2daf4f7b4b64cc1c8bd343b",
		.ja4 = "t00d1815h2_a30347de7a75_2a77702ff8e0",
		.ja4_r = "t00d1815h2_000a,002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,"
		"c02c,c02f,c030,cc13,cc14,cca8,cca9_0005,000a,000b,000d,0012,0015,"
		"0017,0023,0028,002b,002d,7550,ff01_0403,0804,0401,0503,0805,0501,"
		"0806,0601,0201",
		.server = {
			.legacy_version = 0x7f12, .suite = 0x1301,
			.exts = draft18_sh_exts, .n_exts = TD_ARRAY_LEN(draft18_sh_exts),
		},
		.ja3s_str = "32530,4865,40",
		.ja3s = "b8a8031b301aef7618403061e9f33065",
	},
	{
		.file = "arkime__openssl-ssl3.pcap",
		.hello = {
			.legacy_version = 0x0300,
			.suites = ssl3_suites, .n_suites = TD_ARRAY_LEN(ssl3_suites),
			.sni_present = false,
		},
		.ja3_str = "768,49172-49162-57-56-136-135-49167-49157-53-132-49170-49160-22-"
		"19-49165-49155-10-49171-49161-51-50-154-153-69-68-49166-49156-47-"
		"150-65-7-49169-49159-49164-49154-5-4-21-18-9-20-17-8-6-3-255,,,",
		.ja3 = "f917ae2520ef9784557b0a3c02489c2c",
		.ja4 = "ts3i460000_234845559c90_000000000000",
		.ja4_r = "ts3i460000_0003,0004,0005,0006,0007,0008,0009,000a,0011,0012,0013,"
		"0014,0015,0016,002f,0032,0033,0035,0038,0039,0041,0044,0045,0084,"
		"0087,0088,0096,0099,009a,00ff,c002,c003,c004,c005,c007,c008,c009,"
		"c00a,c00c,c00d,c00e,c00f,c011,c012,c013,c014_",
		.server = {
			.legacy_version = 0x0300, .suite = 0xc011,
			.exts = ssl3_sh_exts, .n_exts = TD_ARRAY_LEN(ssl3_sh_exts),
		},
		.ja3s_str = "768,49169,65281",
		.ja3s = "59e3f99fd4b68388f5ba9349e0ca71a4",
	},
	{
		.file = "arkime__tls-alpn-h2.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = alpnh2_suites, .n_suites = TD_ARRAY_LEN(alpnh2_suites),
			.exts = alpnh2_exts, .n_exts = TD_ARRAY_LEN(alpnh2_exts),
			.groups = alpnh2_groups, .n_groups = TD_ARRAY_LEN(alpnh2_groups),
			.ec_formats = alpnh2_formats,
			.n_ec_formats = TD_ARRAY_LEN(alpnh2_formats),
			.sigalgs = alpnh2_sigalgs, .n_sigalgs = TD_ARRAY_LEN(alpnh2_sigalgs),
			.alpn_first = "h2", .alpn_first_len = 2,
			.sni_present = true,
		},
		.ja3_str = "771,49200-49196-49192-49188-49172-49162-159-107-57-52393-52392-"
		"52394-65413-196-136-129-157-61-53-192-132-49199-49195-49191-49187-"
		"49171-49161-158-103-51-190-69-156-60-47-186-65-49169-49159-5-4-"
		"49170-49160-22-10-255,0-11-10-13-16,29-23-24,0",
		.ja3 = "3faa4ad39f690c4ef1c3160caa375465",
		.ja4 = "t12d4605h2_85626a9a5f7f_aaf95bb78ec9",
		.ja4_r = "t12d4605h2_0004,0005,000a,0016,002f,0033,0035,0039,003c,003d,0041,"
		"0045,0067,006b,0081,0084,0088,009c,009d,009e,009f,00ba,00be,00c0,"
		"00c4,00ff,c007,c008,c009,c00a,c011,c012,c013,c014,c023,c024,c027,"
		"c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa,ff85_000a,000b,000d_0601,"
		"0603,efef,0501,0503,0401,0403,eeee,eded,0301,0303,0201,0203",
		.server = {
			.legacy_version = 0x0303, .suite = 0xcca9,
			.exts = alpnh2_sh_exts, .n_exts = TD_ARRAY_LEN(alpnh2_sh_exts),
		},
		.ja3s_str = "771,52393,0-65281-11-16",
		.ja3s = "7f76f3e952a1bc7d407366fafe1db7ed",
	},
	{
		.file = "arkime__mysql-tls.pcap",
		.hello = {
			.legacy_version = 0x0302,
			.suites = mysql_suites, .n_suites = TD_ARRAY_LEN(mysql_suites),
			.exts = mysql_exts, .n_exts = TD_ARRAY_LEN(mysql_exts),
			.groups = mysql_groups, .n_groups = TD_ARRAY_LEN(mysql_groups),
			.ec_formats = mysql_formats,
			.n_ec_formats = TD_ARRAY_LEN(mysql_formats),
			.sni_present = false,
		},
		.ja3_str = "770,49162-49172-53-49157-49167-49161-49171-47-49156-49166-49160-"
		"49170-10-49155-49165-49159-49169-5-49154-49164-4-255,10-11,23-1-3-"
		"19-21-6-7-9-10-24-11-12-25-13-14-15-16-17-2-18-4-5-20-8-22,0",
		.ja3 = "3509fd9d38bde48d8abc69cd321c0ba0",
		.ja4 = "t11i220200_fd01a07dbaa1_33a13ba74d1c",
		.ja4_r = "t11i220200_0004,0005,000a,002f,0035,00ff,c002,c003,c004,c005,c007,"
		"c008,c009,c00a,c00c,c00d,c00e,c00f,c011,c012,c013,c014_000a,000b",
		.server = {
			.legacy_version = 0x0302, .suite = 0x0035,
		},
		.ja3s_str = "770,53,",
		.ja3s = "e05da289b42d4cf4dcd64a1e6152aed6",
	},
	{
		.file = "arkime__tls-client-sessionid.pcap",
		.hello = {
			.legacy_version = 0x0301,
			.suites = spdy_suites, .n_suites = TD_ARRAY_LEN(spdy_suites),
			.exts = spdy_exts, .n_exts = TD_ARRAY_LEN(spdy_exts),
			.groups = spdy_groups, .n_groups = TD_ARRAY_LEN(spdy_groups),
			.ec_formats = spdy_formats,
			.n_ec_formats = TD_ARRAY_LEN(spdy_formats),
			.alpn_first = "spdy/3.1", .alpn_first_len = 8,
			.sni_present = true,
		},
		.ja3_str = "769,49162-49161-49171-49172-49159-49169-51-50-57-47-53-10-5-4,0-"
		"65281-10-11-35-13172-16-5,23-24-25,0",
		.ja3 = "42e6d8174e649efbf780f0d9b6ef9610",
		.ja4 = "t10d1408s1_4228c87f9d3a_16587fedcc33",
		.ja4_r = "t10d1408s1_0004,0005,000a,002f,0032,0033,0035,0039,c007,c009,c00a,"
		"c011,c013,c014_0005,000a,000b,0023,3374,ff01",
		.server = {
			.legacy_version = 0x0301, .suite = 0x0033,
			.exts = spdy_sh_exts, .n_exts = TD_ARRAY_LEN(spdy_sh_exts),
		},
		.ja3s_str = "769,51,65281",
		.ja3s = "4f018bc336c48beb79763b308b43c6dd",
	},
	{
		.file = "arkime__socks-https-example.pcap",
		.hello = {
			.legacy_version = 0x0301,
			.suites = socks_suites, .n_suites = TD_ARRAY_LEN(socks_suites),
			.exts = socks_exts, .n_exts = TD_ARRAY_LEN(socks_exts),
			.sni_present = true,
		},
		.ja3_str = "769,57-56-53-22-19-10-51-50-47-154-153-150-5-4-21-18-9-20-17-8-6-"
		"3-255,0,,",
		.ja3 = "06a92bf69b367389d2feb0d70501ddfe",
		.ja4 = "t10d230100_6a57a6f57151_000000000000",
		.ja4_r = "t10d230100_0003,0004,0005,0006,0008,0009,000a,0011,0012,0013,0014,"
		"0015,0016,002f,0032,0033,0035,0038,0039,0096,0099,009a,00ff_",
		.server = {
			.legacy_version = 0x0301, .suite = 0x0005,
			.exts = socks_sh_exts, .n_exts = TD_ARRAY_LEN(socks_sh_exts),
		},
		.ja3s_str = "769,5,65281",
		.ja3s = "280ca4511bfaa384b2e931c058e8816e",
	},
	{
		.file = "arkime__https-generalizedtime.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = gentime_suites, .n_suites = TD_ARRAY_LEN(gentime_suites),
			.exts = gentime_exts, .n_exts = TD_ARRAY_LEN(gentime_exts),
			.groups = gentime_groups, .n_groups = TD_ARRAY_LEN(gentime_groups),
			.ec_formats = gentime_formats,
			.n_ec_formats = TD_ARRAY_LEN(gentime_formats),
			.sigalgs = gentime_sigalgs, .n_sigalgs = TD_ARRAY_LEN(gentime_sigalgs),
			.alpn_first = "spdy/3", .alpn_first_len = 6,
			.sni_present = true,
		},
		.ja3_str = "771,52243-49199-158-49171-49172-49169-51-50-57-156-47-53-10-5-4,0-"
		"65281-10-11-35-13172-16-5-18-13-21,23-24-25,0",
		.ja3 = "8ca01c116f7fa9e77c6e1800eac1bec2",
		.ja4 = "t12d1511s3_23c751c1cee3_f2efb249ca37",
		.ja4_r = "t12d1511s3_0004,0005,000a,002f,0032,0033,0035,0039,009c,009e,c011,"
		"c013,c014,c02f,cc13_0005,000a,000b,000d,0012,0015,0023,3374,ff01_"
		"0401,0501,0201,0403,0503,0203,0402,0202",
		.server = {
			.legacy_version = 0x0303, .suite = 0xc02f,
			.exts = gentime_sh_exts, .n_exts = TD_ARRAY_LEN(gentime_sh_exts),
		},
		.ja3s_str = "771,49199,0-65281-11-35-5-13172",
		.ja3s = "9168bbacb9fd42f7f7cf95dc89c9d30c",
	},
	{
		.file = "arkime__ldap-ssl.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = ldap_suites, .n_suites = TD_ARRAY_LEN(ldap_suites),
			.exts = ldap_exts, .n_exts = TD_ARRAY_LEN(ldap_exts),
			.sigalgs = ldap_sigalgs, .n_sigalgs = TD_ARRAY_LEN(ldap_sigalgs),
			.sni_present = false,
		},
		.ja3_str = "771,51-103-69-57-107-136-22-50-64-68-56-106-135-19-102-47-60-65-"
		"53-61-132-10-5-4,65281-13,,",
		.ja3 = "3f8b7a5c41878630f67e660533be80fc",
		.ja4 = "t12i240200_e34a427d6317_e0d811e466d9",
		.ja4_r = "t12i240200_0004,0005,000a,0013,0016,002f,0032,0033,0035,0038,0039,"
		"003c,003d,0040,0041,0044,0045,0066,0067,006a,006b,0084,0087,0088_"
		"000d,ff01_0402,0401,0201,0202",
		.server = {
			.legacy_version = 0x0303, .suite = 0x002f,
			.exts = ldap_sh_exts, .n_exts = TD_ARRAY_LEN(ldap_sh_exts),
		},
		.ja3s_str = "771,47,65281",
		.ja3s = "573a9f3f80037fb40d481e2054def5bb",
	},
	{
		.file = "arkime__openssl-tls1.pcap",
		.hello = {
			.legacy_version = 0x0301,
			.suites = tls10_suites, .n_suites = TD_ARRAY_LEN(tls10_suites),
			.exts = tls10_exts, .n_exts = TD_ARRAY_LEN(tls10_exts),
			.groups = tls10_groups, .n_groups = TD_ARRAY_LEN(tls10_groups),
			.ec_formats = tls10_formats,
			.n_ec_formats = TD_ARRAY_LEN(tls10_formats),
			.sni_present = false,
		},
		.ja3_str = "769,49172-49162-57-56-136-135-49167-49157-53-132-49170-49160-22-"
		"19-49165-49155-10-49171-49161-51-50-154-153-69-68-49166-49156-47-"
		"150-65-7-49169-49159-49164-49154-5-4-21-18-9-20-17-8-6-3-255,11-"
		"10-35-15,24-23,0-1-2",
		.ja3 = "503053a0c5b2bd9b9334bf7f3d3b8852",
		.ja4 = "t10i460400_234845559c90_282f11336259",
		.ja4_r = "t10i460400_0003,0004,0005,0006,0007,0008,0009,000a,0011,0012,0013,"
		"0014,0015,0016,002f,0032,0033,0035,0038,0039,0041,0044,0045,0084,"
		"0087,0088,0096,0099,009a,00ff,c002,c003,c004,c005,c007,c008,c009,"
		"c00a,c00c,c00d,c00e,c00f,c011,c012,c013,c014_000a,000b,000f,0023",
		.server = {
			.legacy_version = 0x0301, .suite = 0xc011,
			.exts = tls10_sh_exts, .n_exts = TD_ARRAY_LEN(tls10_sh_exts),
		},
		.ja3s_str = "769,49169,65281-11-35",
		.ja3s = "bed95e1b525d2f41db3a6d68fac5b566",
	},
	{
		.file = "arkime__openssl-tls1_2.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = tls12_suites, .n_suites = TD_ARRAY_LEN(tls12_suites),
			.exts = tls12_exts, .n_exts = TD_ARRAY_LEN(tls12_exts),
			.groups = tls12_groups, .n_groups = TD_ARRAY_LEN(tls12_groups),
			.ec_formats = tls12_formats,
			.n_ec_formats = TD_ARRAY_LEN(tls12_formats),
			.sigalgs = tls12_sigalgs, .n_sigalgs = TD_ARRAY_LEN(tls12_sigalgs),
			.sni_present = false,
		},
		.ja3_str = "771,49200-49196-49192-49188-49172-49162-163-159-107-106-57-56-136-"
		"135-49202-49198-49194-49190-49167-49157-157-61-53-132-49170-49160-"
		"22-19-49165-49155-10-49199-49195-49191-49187-49171-49161-162-158-"
		"103-64-51-50-154-153-69-68-49201-49197-49193-49189-49166-49156-"
		"156-60-47-150-65-7-49169-49159-49164-49154-5-4-21-18-9-20-17-8-6-"
		"3-255,11-10-35-13-15,24-23,0-1-2",
		.ja3 = "c1a36e1a870786cc75edddc0009eaf3a",
		.ja4 = "t12i740500_c43983326036_3eafcbe19126",
		.ja4_r = "t12i740500_0003,0004,0005,0006,0007,0008,0009,000a,0011,0012,0013,"
		"0014,0015,0016,002f,0032,0033,0035,0038,0039,003c,003d,0040,0041,"
		"0044,0045,0067,006a,006b,0084,0087,0088,0096,0099,009a,009c,009d,"
		"009e,009f,00a2,00a3,00ff,c002,c003,c004,c005,c007,c008,c009,c00a,"
		"c00c,c00d,c00e,c00f,c011,c012,c013,c014,c023,c024,c025,c026,c027,"
		"c028,c029,c02a,c02b,c02c,c02d,c02e,c02f,c030,c031,c032_000a,000b,"
		"000d,000f,0023_0601,0602,0603,0501,0502,0503,0401,0402,0403,0301,"
		"0302,0303,0201,0202,0203,0101",
		.server = {
			.legacy_version = 0x0303, .suite = 0xc02f,
			.exts = tls12_sh_exts, .n_exts = TD_ARRAY_LEN(tls12_sh_exts),
		},
		.ja3s_str = "771,49199,65281-11-35",
		.ja3s = "ccc514751b175866924439bdbb5bba34",
	},
	{
		.file = "arkime__smtp-starttls.pcap",
		.hello = {
			.legacy_version = 0x0301,
			.suites = smtp_suites, .n_suites = TD_ARRAY_LEN(smtp_suites),
			.exts = smtp_exts, .n_exts = TD_ARRAY_LEN(smtp_exts),
			.sni_present = false,
		},
		.ja3_str = "769,57-56-136-135-53-132-22-19-10-51-50-154-153-69-68-47-150-65-5-"
		"4-21-18-9-20-17-8-6-3-255,35,,",
		.ja3 = "fab507fe132c544e8a0eb7c394affeae",
		.ja4 = "t10i290100_cdba58456bdf_e78b541c01a9",
		.ja4_r = "t10i290100_0003,0004,0005,0006,0008,0009,000a,0011,0012,0013,0014,"
		"0015,0016,002f,0032,0033,0035,0038,0039,0041,0044,0045,0084,0087,"
		"0088,0096,0099,009a,00ff_0023",
		.server = {
			.legacy_version = 0x0301, .suite = 0x0005,
			.exts = smtp_sh_exts, .n_exts = TD_ARRAY_LEN(smtp_sh_exts),
		},
		.ja3s_str = "769,5,65281-35",
		.ja3s = "6b96cf9c27b0223177b0e9f135fe4899",
	},
	{
		.file = "arkime__ssl-selfsign.pcap",
		.hello = {
			.legacy_version = 0x0300,
			.suites = selfsign_suites, .n_suites = TD_ARRAY_LEN(selfsign_suites),
			.sni_present = false,
		},
		.ja3_str = "768,57-56-53-22-19-10-51-50-47-154-153-150-5-4-21-18-9-20-17-8-6-"
		"3-255,,,",
		.ja3 = "03e697d7655911e630ee3ee8e2a02ba4",
		.ja4 = "ts3i230000_6a57a6f57151_000000000000",
		.ja4_r = "ts3i230000_0003,0004,0005,0006,0008,0009,000a,0011,0012,0013,0014,"
		"0015,0016,002f,0032,0033,0035,0038,0039,0096,0099,009a,00ff_",
		.server = {
			.legacy_version = 0x0300, .suite = 0x0035,
			.exts = selfsign_sh_exts, .n_exts = TD_ARRAY_LEN(selfsign_sh_exts),
		},
		.ja3s_str = "768,53,65281",
		.ja3s = "9f527afa113542d92a2c3b08c525ee1d",
	},
	{
		.file = "arkime__tls-split-client-hello.pcap",
		.hello = {
			.legacy_version = 0x0303,
			.suites = split_suites, .n_suites = TD_ARRAY_LEN(split_suites),
			.exts = split_exts, .n_exts = TD_ARRAY_LEN(split_exts),
			.groups = split_groups, .n_groups = TD_ARRAY_LEN(split_groups),
			.ec_formats = split_formats,
			.n_ec_formats = TD_ARRAY_LEN(split_formats),
			.sigalgs = split_sigalgs, .n_sigalgs = TD_ARRAY_LEN(split_sigalgs),
			.versions = split_versions, .n_versions = TD_ARRAY_LEN(split_versions),
			.alpn_first = "h2", .alpn_first_len = 2,
			.sni_present = true,
		},
		.ja3_str = "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-"
		"49172-156-157-47-53,13-18-45-27-65037-43-51-0-11-35-5-23-16-10-"
		"65281-17513,4588-29-23-24,0",
		.ja3 = "35708a08e7be9f7aa5bce7f2d5c1cecb",
		.ja4 = "t13d1516h2_8daaf6152771_02713d6af862",
		.ja4_r = "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,"
		"c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,"
		"002d,0033,4469,fe0d,ff01_0403,0804,0401,0503,0805,0501,0806,0601",
		.server = {
			.legacy_version = 0x0303, .suite = 0x1301,
			.exts = split_sh_exts, .n_exts = TD_ARRAY_LEN(split_sh_exts),
		},
		.ja3s_str = "771,4865,51-43",
		.ja3s = "eb1d94daa7e0344597e756a1fb6e7054",
	},
};

static void test_reference(void)
{
	for (size_t i = 0; i < TD_ARRAY_LEN(ref_cases); i++) {
		const struct ref_case *rc = &ref_cases[i];
		char str[TD_JA3_STR_MAX], md5[33], ja4[TD_JA4_MAX], ja4_r[TD_JA4R_MAX];

		td_ja3(&rc->hello, str, sizeof str, md5);
		is_str(str, rc->ja3_str, "%s: JA3 string", rc->file);
		is_str(md5, rc->ja3, "%s: JA3", rc->file);
		td_ja4(&rc->hello, ja4, ja4_r, sizeof ja4_r);
		is_str(ja4, rc->ja4, "%s: JA4", rc->file);
		is_str(ja4_r, rc->ja4_r, "%s: JA4_r", rc->file);
		if (rc->ja3s_str == NULL)
			continue;
		td_ja3s(&rc->server, str, sizeof str, md5);
		is_str(str, rc->ja3s_str, "%s: JA3S string", rc->file);
		is_str(md5, rc->ja3s, "%s: JA3S", rc->file);
	}
}

/* The worked example of the JA4 specification (technical_details/JA4.md). */
static const uint16_t spec_suites[] = {
	0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
	0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
};
static const uint16_t spec_exts[] = {
	0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
	0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015,
};
static const uint16_t spec_sigalgs[] = {
	0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
};
static const uint16_t spec_versions[] = { 0x0304, 0x0303 };

static struct td_fp_client spec_hello(void)
{
	struct td_fp_client c = {
		.legacy_version = 0x0303,
		.suites = spec_suites, .n_suites = TD_ARRAY_LEN(spec_suites),
		.exts = spec_exts, .n_exts = TD_ARRAY_LEN(spec_exts),
		.sigalgs = spec_sigalgs, .n_sigalgs = TD_ARRAY_LEN(spec_sigalgs),
		.versions = spec_versions, .n_versions = TD_ARRAY_LEN(spec_versions),
		.alpn_first = "h2", .alpn_first_len = 2,
		.sni_present = true,
	};
	return c;
}

static void test_spec_example(void)
{
	struct td_fp_client c = spec_hello();
	char ja4[TD_JA4_MAX], ja4_r[TD_JA4R_MAX];

	td_ja4(&c, ja4, ja4_r, sizeof ja4_r);
	is_str(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1", "spec example: JA4");
	is_str(ja4_r,
	       "t13d1516h2_"
	       "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
	       "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_"
	       "0403,0804,0401,0503,0805,0501,0806,0601",
	       "spec example: JA4_r");
	/* "If there are no signature algorithms ... the string ends without an
	 * underscore": the spec gives 6d807ffa2a79 for that list. */
	c.n_sigalgs = 0;
	td_ja4(&c, ja4, ja4_r, sizeof ja4_r);
	is_str(ja4, "t13d1516h2_8daaf6152771_6d807ffa2a79", "spec example without sigalgs: JA4");
	is_str(ja4_r,
	       "t13d1516h2_"
	       "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_"
	       "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01",
	       "spec example without sigalgs: JA4_r ends without '_'");
}

/*
 * ja4__tls-non-ascii-alpn.pcapng (FoxIO's JA4 test capture): Chrome's
 * ClientHello whose first ALPN value is the two bytes 0xba 0xad. The spec
 * ("ALPN Extension Value") prints the first and last hex digits, "bd". The
 * corpus' reference answer, t13d151699_..., came from an older JA4 tool that
 * printed "99" for non-ASCII values; sections b and c are the same.
 */
static const uint16_t chrome_suites[] = {
	0xaaaa, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
	0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
};
static const uint16_t chrome_exts[] = {
	0x9a9a, 0xff01, 0x0033, 0x002d, 0x0005, 0x4469, 0x000d, 0x0010, 0x0023,
	0x001b, 0x002b, 0x0000, 0x0012, 0x000a, 0x0017, 0x000b, 0x6a6a, 0x0015,
};
static const uint16_t chrome_groups[] = { 0x0a0a, 0x001d, 0x0017, 0x0018 };
static const uint8_t chrome_formats[] = { 0 };
static const uint16_t chrome_versions[] = { 0x0a0a, 0x0304, 0x0303 };

static void test_non_ascii_alpn(void)
{
	struct td_fp_client c = {
		.legacy_version = 0x0303,
		.suites = chrome_suites, .n_suites = TD_ARRAY_LEN(chrome_suites),
		.exts = chrome_exts, .n_exts = TD_ARRAY_LEN(chrome_exts),
		.groups = chrome_groups, .n_groups = TD_ARRAY_LEN(chrome_groups),
		.ec_formats = chrome_formats, .n_ec_formats = TD_ARRAY_LEN(chrome_formats),
		.sigalgs = spec_sigalgs, .n_sigalgs = TD_ARRAY_LEN(spec_sigalgs),
		.versions = chrome_versions, .n_versions = TD_ARRAY_LEN(chrome_versions),
		.alpn_first = "\xba\xad", .alpn_first_len = 2,
		.sni_present = true,
	};
	char str[TD_JA3_STR_MAX], md5[33], ja4[TD_JA4_MAX], ja4_r[TD_JA4R_MAX];

	td_ja4(&c, ja4, ja4_r, sizeof ja4_r);
	is_str(ja4, "t13d1516bd_8daaf6152771_e5627efa2ab1", "non-ASCII ALPN 0xba 0xad: JA4 \"bd\"");
	/* tshark's ja3_full for this capture. */
	td_ja3(&c, str, sizeof str, md5);
	is_str(str,
	       "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
	       "65281-51-45-5-17513-13-16-35-27-43-0-18-10-23-11-21,29-23-24,0",
	       "non-ASCII ALPN capture: JA3 string, GREASE removed");
}

/* ALPN section: the examples of the spec's "ALPN Extension Value". */
static void test_alpn(void)
{
	static const struct {
		const char *alpn;
		size_t len;
		const char *want;
	} cases[] = {
		{ NULL, 0, "00" },
		{ "", 0, "00" },
		{ "h2", 2, "h2" },
		{ "http/1.1", 8, "h1" },
		{ "spdy/3.1", 8, "s1" },
		{ "h", 1, "hh" },
		{ "\xab", 1, "ab" },
		{ "\xab\xcd", 2, "ad" },
		{ "\x30\xab", 2, "3b" },
		{ "\x30\x31\xab\xcd", 4, "3d" },
		{ "\x30\xab\xcd\x31", 4, "01" },
		{ "/x", 2, "28" },
		{ "Az", 2, "Az" },
	};
	static const uint16_t suites[] = { 0x1301 };
	static const uint16_t exts[] = { 0x0010 };

	for (size_t i = 0; i < TD_ARRAY_LEN(cases); i++) {
		struct td_fp_client c = {
			.legacy_version = 0x0303,
			.suites = suites, .n_suites = 1,
			.exts = exts, .n_exts = 1,
			.alpn_first = cases[i].alpn, .alpn_first_len = cases[i].len,
		};
		char ja4[TD_JA4_MAX], a[11];

		td_ja4(&c, ja4, NULL, 0);
		memcpy(a, ja4, 10);
		a[10] = '\0';
		is_str(a + 8, cases[i].want, "ALPN case %zu: \"%s\"", i, a + 8);
	}
}

/* Section a: version choice and its codes, SNI, transport, count caps. */
static void test_section_a(void)
{
	static const struct {
		uint16_t legacy;
		uint16_t versions[3];
		size_t n_versions;
		const char *want;
	} cases[] = {
		{ 0x0304, { 0 }, 0, "13" },
		{ 0x0303, { 0 }, 0, "12" },
		{ 0x0302, { 0 }, 0, "11" },
		{ 0x0301, { 0 }, 0, "10" },
		{ 0x0300, { 0 }, 0, "s3" },
		{ 0x0002, { 0 }, 0, "s2" },
		{ 0xfeff, { 0 }, 0, "d1" },
		{ 0xfefd, { 0 }, 0, "d2" },
		{ 0xfefc, { 0 }, 0, "d3" },
		{ 0x0100, { 0 }, 0, "00" },
		{ 0x0303, { 0x0304, 0x0303 }, 2, "13" },
		{ 0x0303, { 0x0303, 0x0304 }, 2, "13" },      /* highest, not first */
		{ 0x0303, { 0xfafa, 0x0304, 0x0303 }, 3, "13" },
		{ 0x0303, { 0x7f17, 0x0304 }, 2, "00" },      /* highest is a draft */
		{ 0x0301, { 0x0a0a }, 1, "10" },              /* only GREASE: legacy */
		{ 0x0303, { 0x0302 }, 1, "11" },              /* the extension wins */
	};
	char ja4[TD_JA4_MAX];

	for (size_t i = 0; i < TD_ARRAY_LEN(cases); i++) {
		struct td_fp_client c = {
			.legacy_version = cases[i].legacy,
			.versions = cases[i].versions, .n_versions = cases[i].n_versions,
		};

		td_ja4(&c, ja4, NULL, 0);
		ok(strncmp(ja4 + 1, cases[i].want, 2) == 0, "version case %zu: %.2s, want %s", i,
		   ja4 + 1, cases[i].want);
	}

	{
		struct td_fp_client c = {
			.legacy_version = 0x0303, .quic = true, .sni_present = true,
		};

		td_ja4(&c, ja4, NULL, 0);
		is_str(ja4, "q12d000000_000000000000_000000000000", "QUIC and SNI markers only");
	}
}

static void test_counts_cap(void)
{
	uint16_t suites[130], exts[110];
	char ja4[TD_JA4_MAX];
	struct td_fp_client c = { .legacy_version = 0x0303 };

	for (size_t i = 0; i < TD_ARRAY_LEN(suites); i++)
		suites[i] = (uint16_t)(i + 1);
	for (size_t i = 0; i < TD_ARRAY_LEN(exts); i++)
		exts[i] = (uint16_t)(0x0100 + i);
	c.suites = suites;
	c.exts = exts;

	c.n_suites = 99;
	c.n_exts = 9;
	td_ja4(&c, ja4, NULL, 0);
	ok(strncmp(ja4, "t12i9909", 8) == 0, "99 suites, 9 extensions: %.8s", ja4);
	c.n_suites = 130;
	c.n_exts = 110;
	td_ja4(&c, ja4, NULL, 0);
	ok(strncmp(ja4, "t12i9999", 8) == 0, "130 suites, 110 extensions capped at 99: %.8s", ja4);
	suites[0] = 0x0a0a;   /* GREASE does not count */
	c.n_suites = 100;
	c.n_exts = 0;
	td_ja4(&c, ja4, NULL, 0);
	ok(strncmp(ja4, "t12i9900", 8) == 0, "100 suites with one GREASE count 99: %.8s", ja4);
}

/* GREASE anywhere (suites, extensions, groups, sigalgs, versions) changes nothing. */
static void test_grease(void)
{
	static const uint16_t suites[] = { 0x1301, 0xc02f, 0x0035 };
	static const uint16_t g_suites[] = { 0x3a3a, 0x1301, 0xc02f, 0x7a7a, 0x0035 };
	static const uint16_t exts[] = { 0x0000, 0x000a, 0x000d, 0x002b };
	static const uint16_t g_exts[] = { 0xaaaa, 0x0000, 0x000a, 0x000d, 0x002b, 0x1a1a };
	static const uint16_t groups[] = { 0x001d, 0x0017 };
	static const uint16_t g_groups[] = { 0xeaea, 0x001d, 0x0017 };
	static const uint16_t sig[] = { 0x0403, 0x0804 };
	static const uint16_t g_sig[] = { 0x0403, 0xdada, 0x0804 };
	static const uint16_t vers[] = { 0x0304 };
	static const uint16_t g_vers[] = { 0xbaba, 0x0304 };
	static const uint8_t fmts[] = { 0 };
	struct td_fp_client plain = {
		.legacy_version = 0x0303,
		.suites = suites, .n_suites = TD_ARRAY_LEN(suites),
		.exts = exts, .n_exts = TD_ARRAY_LEN(exts),
		.groups = groups, .n_groups = TD_ARRAY_LEN(groups),
		.ec_formats = fmts, .n_ec_formats = 1,
		.sigalgs = sig, .n_sigalgs = TD_ARRAY_LEN(sig),
		.versions = vers, .n_versions = TD_ARRAY_LEN(vers),
		.sni_present = true,
	};
	struct td_fp_client greased = {
		.legacy_version = 0x0303,
		.suites = g_suites, .n_suites = TD_ARRAY_LEN(g_suites),
		.exts = g_exts, .n_exts = TD_ARRAY_LEN(g_exts),
		.groups = g_groups, .n_groups = TD_ARRAY_LEN(g_groups),
		.ec_formats = fmts, .n_ec_formats = 1,
		.sigalgs = g_sig, .n_sigalgs = TD_ARRAY_LEN(g_sig),
		.versions = g_vers, .n_versions = TD_ARRAY_LEN(g_vers),
		.sni_present = true,
	};
	char s1[256], s2[256], m1[33], m2[33], j1[TD_JA4_MAX], j2[TD_JA4_MAX], r1[256], r2[256];

	td_ja3(&plain, s1, sizeof s1, m1);
	td_ja3(&greased, s2, sizeof s2, m2);
	is_str(s2, "771,4865-49199-53,0-10-13-43,29-23,0", "GREASE: JA3 string without GREASE");
	is_str(s2, s1, "GREASE: same JA3 string");
	is_str(m2, m1, "GREASE: same JA3");
	td_ja4(&plain, j1, r1, sizeof r1);
	td_ja4(&greased, j2, r2, sizeof r2);
	is_str(r2, "t13d030400_0035,1301,c02f_000a,000d,002b_0403,0804", "GREASE: JA4_r");
	is_str(r2, r1, "GREASE: same JA4_r");
	is_str(j2, j1, "GREASE: same JA4");
}

/* Empty lists: JA3 keeps the commas, JA4 uses 000000000000. */
static void test_empty(void)
{
	static const uint16_t only_sni_alpn[] = { 0x0000, 0x0010 };
	struct td_fp_client c = { .legacy_version = 0x0303 };
	char str[64], md5[33], ja4[TD_JA4_MAX], ja4_r[64];

	td_ja3(&c, str, sizeof str, md5);
	is_str(str, "771,,,,", "empty hello: JA3 string");
	is_str(md5, "bddda940f9963577c41d7c28b1a5f65f", "empty hello: JA3 = md5(\"771,,,,\")");
	td_ja4(&c, ja4, ja4_r, sizeof ja4_r);
	is_str(ja4, "t12i000000_000000000000_000000000000", "empty hello: JA4");
	is_str(ja4_r, "t12i000000__", "empty hello: JA4_r");

	c.exts = only_sni_alpn;
	c.n_exts = 2;
	c.sni_present = true;
	c.alpn_first = "h2";
	c.alpn_first_len = 2;
	td_ja4(&c, ja4, ja4_r, sizeof ja4_r);
	is_str(ja4, "t12d0002h2_000000000000_000000000000", "only SNI and ALPN: c is all zeros");
	is_str(ja4_r, "t12d0002h2__", "only SNI and ALPN: JA4_r");
}

/* SSLv2-format ClientHello: version 0x0002, no extensions. */
static void test_sslv2(void)
{
	static const uint16_t suites[] = { 0x0001, 0x0002, 0x0003 };
	struct td_fp_client c = {
		.legacy_version = 0x0002,
		.suites = suites, .n_suites = TD_ARRAY_LEN(suites),
	};
	char str[64], md5[33], ja4[TD_JA4_MAX], ja4_r[64];

	td_ja3(&c, str, sizeof str, md5);
	is_str(str, "2,1-2-3,,,", "SSLv2: JA3 string");
	is_str(md5, "779843c207d3ae8019408b2688079b1b", "SSLv2: JA3");
	td_ja4(&c, ja4, ja4_r, sizeof ja4_r);
	ok(strncmp(ja4, "ts2i030000_", 11) == 0 && strcmp(ja4 + 23, "_000000000000") == 0,
	   "SSLv2: JA4 %s", ja4);
	is_str(ja4_r, "ts2i030000_0001,0002,0003_", "SSLv2: JA4_r");
}

/* buf holds the first cap - 1 bytes of full (all of it if shorter), NUL-terminated. */
static bool is_prefix(const char *buf, size_t cap, const char *full)
{
	size_t want = strlen(full);

	if (cap == 0)
		return true;
	if (cap - 1 < want)
		want = cap - 1;
	return memchr(buf, '\0', cap) != NULL && strlen(buf) == want &&
	       strncmp(buf, full, want) == 0;
}

/*
 * A short buffer cuts the text, never the hash, and is never overrun: every
 * size from 0 to the full length + 1, in a heap block of exactly that size so
 * AddressSanitizer sees any write past it.
 */
static void test_truncation(void)
{
	const struct ref_case *rc = &ref_cases[0];
	char full[TD_JA3_STR_MAX], md5_full[33], ja4_full[TD_JA4_MAX], r_full[TD_JA4R_MAX];
	size_t bad_ja3 = 0, bad_ja3s = 0, bad_ja4 = 0;

	td_ja3(&rc->hello, full, sizeof full, md5_full);
	for (size_t cap = 0; cap <= strlen(full) + 1; cap++) {
		char *buf = cap > 0 ? malloc(cap) : NULL, md5[33];

		if (cap > 0 && buf == NULL)
			break;
		td_ja3(&rc->hello, buf, cap, md5);
		bad_ja3 += strcmp(md5, md5_full) != 0 || !is_prefix(buf, cap, full);
		td_ja3s(&rc->server, buf, cap, md5);
		bad_ja3s += strcmp(md5, rc->ja3s) != 0 || !is_prefix(buf, cap, rc->ja3s_str);
		free(buf);
	}
	is_int(bad_ja3, 0, "JA3: every buffer size keeps a prefix and the full hash");
	is_int(bad_ja3s, 0, "JA3S: every buffer size keeps a prefix and the full hash");

	td_ja4(&rc->hello, ja4_full, r_full, sizeof r_full);
	for (size_t cap = 0; cap <= strlen(r_full) + 1; cap++) {
		char *buf = cap > 0 ? malloc(cap) : NULL, ja4[TD_JA4_MAX];

		if (cap > 0 && buf == NULL)
			break;
		td_ja4(&rc->hello, ja4, buf, cap);
		bad_ja4 += strcmp(ja4, ja4_full) != 0 || !is_prefix(buf, cap, r_full);
		free(buf);
	}
	is_int(bad_ja4, 0, "JA4_r: every buffer size keeps a prefix, JA4 unchanged");
}

/* The lowercase hex of a digest of s, cut to hexlen digits. */
static void digest_hex(const EVP_MD *md, const char *s, size_t hexlen, char *hex)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	hex[0] = '\0';
	if (EVP_Digest(s, strlen(s), d, &dlen, md, NULL) != 1)
		return;
	for (size_t i = 0; i < hexlen && i / 2 < dlen; i++)
		snprintf(hex + i, 3, "%x", (i % 2 == 0 ? d[i / 2] >> 4 : d[i / 2]) & 0xf);
}

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa (both bytes alike, low nibble a). */
static bool grease_ref(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static int cmp_u16_test(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * Lists far longer than a real hello's (700 suites, 300 extensions, GREASE
 * among them): the strings are spelled here with snprintf and hashed with
 * EVP_Digest, independently of src/fingerprint.c, which writes its lists a
 * few hundred bytes at a time; the JA3 string is longer than its buffer, so
 * the hash must cover what was cut.
 */
static void test_long_lists(void)
{
	static uint16_t suites[700], exts[300], sorted[700];
	static char want[8192], want_b[8192];
	size_t n_sorted = 0, o, ob = 0;

	for (size_t i = 0; i < 700; i++) {
		suites[i] = i % 50 == 7 ? 0x0a0a : (uint16_t)((i * 40503u + 17) & 0xffff);
		if (grease_ref(suites[i]))
			continue;
		sorted[n_sorted++] = suites[i];
	}
	for (size_t i = 0; i < 300; i++)
		exts[i] = i % 40 == 3 ? 0x2a2a : (uint16_t)(i * 7 + 100);
	struct td_fp_client c = { .legacy_version = 0x0303, .suites = suites, .n_suites = 700,
				  .exts = exts, .n_exts = 300 };

	o = (size_t)snprintf(want, sizeof want, "%u,", 0x0303u);
	for (size_t i = 0, first = 1; i < 700; i++)
		if (!grease_ref(suites[i])) {
			o += (size_t)snprintf(want + o, sizeof want - o, "%s%u", first ? "" : "-", suites[i]);
			first = 0;
		}
	o += (size_t)snprintf(want + o, sizeof want - o, ",");
	for (size_t i = 0, first = 1; i < 300; i++)
		if (!grease_ref(exts[i])) {
			o += (size_t)snprintf(want + o, sizeof want - o, "%s%u", first ? "" : "-", exts[i]);
			first = 0;
		}
	snprintf(want + o, sizeof want - o, ",,");

	char got[TD_JA3_STR_MAX], md5[33], want_md5[33];
	td_ja3(&c, got, sizeof got, md5);
	digest_hex(EVP_md5(), want, 32, want_md5);
	ok(strlen(want) > sizeof got && strlen(got) == sizeof got - 1 && strncmp(got, want, sizeof got - 1) == 0,
	   "long lists: the JA3 string (%zu bytes) is cut to its buffer, as spelled by snprintf", strlen(want));
	is_str(md5, want_md5, "long lists: the JA3 hash covers the whole string");

	qsort(sorted, n_sorted, sizeof sorted[0], cmp_u16_test);
	for (size_t i = 0; i < n_sorted; i++)
		ob += (size_t)snprintf(want_b + ob, sizeof want_b - ob, "%s%04x", i ? "," : "", sorted[i]);
	char ja4[TD_JA4_MAX], ja4_r[TD_JA4R_MAX], want_hash[13];
	td_ja4(&c, ja4, ja4_r, sizeof ja4_r);
	digest_hex(EVP_sha256(), want_b, 12, want_hash);
	ok(strlen(ja4) > 23 && strncmp(ja4 + 11, want_hash, 12) == 0,
	   "long lists: JA4 b is the SHA-256 of the %zu sorted suites (%s)", n_sorted, ja4);
	ok(strncmp(ja4_r + 11, want_b, sizeof ja4_r - 12) == 0,
	   "long lists: JA4_r spells the sorted suites as snprintf does");
}

int main(void)
{
	test_reference();
	test_spec_example();
	test_non_ascii_alpn();
	test_alpn();
	test_section_a();
	test_counts_cap();
	test_grease();
	test_empty();
	test_sslv2();
	test_truncation();
	test_long_lists();
	return done_testing();
}
