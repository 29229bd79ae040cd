/*
 * Unit tests for src/tls_msg.c and src/tls_stream.c: real handshake messages
 * (cut from the corpus captures with tshark) parsed field by field, every
 * truncation and single-byte mutation of them, and the record layer fed in
 * every possible segmentation.
 *
 * The byte arrays below hold whole handshake messages, 4-byte header
 * included, as tshark's "tls.handshake" bytes; the expected values in the
 * tests are what `tshark -V` shows for the same frame.
 */
#include "tlsdiag/tls.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tlsdiag/attr.h"
#include "tlsdiag/facts.h"
#include "tap.h"

/* --- Corpus messages ---------------------------------------------------- */

/* arkime__curl-enabled-tls13.pcap frame 8: curl's TLS 1.3 ClientHello to enabled.tls13.com */
static const uint8_t ch13_msg[512] = {
	0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x89, 0x68, 0x33, 0x45, 0x8d, 0x78, 0x27, 0x91, 0x7b, 0x0d,
	0xeb, 0x08, 0x13, 0xeb, 0xd3, 0xeb, 0xf3, 0xbc, 0x73, 0x10, 0x18, 0xee, 0x72, 0x2d, 0xc1, 0x0e,
	0x50, 0x2e, 0xb7, 0x2f, 0x9f, 0xbd, 0x20, 0x00, 0x2e, 0xc3, 0x75, 0x72, 0x96, 0x14, 0x26, 0x2a,
	0x24, 0x0f, 0x08, 0x05, 0x5b, 0x7e, 0xf2, 0xa1, 0x17, 0x99, 0xc7, 0xf0, 0x32, 0xa7, 0xf5, 0x83,
	0x88, 0x90, 0x82, 0x3f, 0x07, 0x9b, 0xfc, 0x00, 0x08, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0x00,
	0xff, 0x01, 0x00, 0x01, 0xab, 0x00, 0x00, 0x00, 0x16, 0x00, 0x14, 0x00, 0x00, 0x11, 0x65, 0x6e,
	0x61, 0x62, 0x6c, 0x65, 0x64, 0x2e, 0x74, 0x6c, 0x73, 0x31, 0x33, 0x2e, 0x63, 0x6f, 0x6d, 0x00,
	0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x1d, 0x00,
	0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x33, 0x74, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00,
	0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x16, 0x00,
	0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x31, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x1e, 0x00, 0x1c, 0x04,
	0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08,
	0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x00, 0x2b, 0x00, 0x03, 0x02,
	0x03, 0x04, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d,
	0x00, 0x20, 0xa3, 0xfd, 0xe1, 0xf9, 0x06, 0x2b, 0x99, 0xbe, 0x76, 0x17, 0x35, 0x6e, 0xda, 0x87,
	0xa4, 0x63, 0x21, 0x72, 0xed, 0xdf, 0xb7, 0xc4, 0x4c, 0x4a, 0xa4, 0x18, 0xe9, 0x63, 0xa0, 0x35,
	0x1f, 0x05, 0x00, 0x15, 0x00, 0xfa, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* arkime__openssl-tls1_2.pcap frame 6: TLS 1.2 ServerHello, ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
static const uint8_t sh12_msg[61] = {
	0x02, 0x00, 0x00, 0x39, 0x03, 0x03, 0x54, 0x3d, 0xd3, 0x28, 0xb3, 0x8b, 0x44, 0x56, 0x86, 0x73,
	0x9d, 0x58, 0xfa, 0xb7, 0x33, 0xfa, 0x23, 0x83, 0x8f, 0x57, 0x5e, 0x0e, 0x5a, 0xd9, 0xa1, 0xb9,
	0xba, 0xac, 0xe6, 0xcc, 0x3b, 0x41, 0x00, 0xc0, 0x2f, 0x00, 0x00, 0x11, 0xff, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x23, 0x00, 0x00,
};
/* arkime__curl-enabled-tls13.pcap frame 10: TLS 1.3 ServerHello, x25519 key share */
static const uint8_t sh13_msg[122] = {
	0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0xb8, 0xc9, 0x88, 0x0b, 0x72, 0x63, 0x31, 0xdc, 0x72, 0x2a,
	0x06, 0x2c, 0x3c, 0x9c, 0xfa, 0xef, 0x3b, 0x92, 0x51, 0x91, 0x03, 0xee, 0x6c, 0x82, 0xc9, 0x5c,
	0x35, 0xfe, 0xaf, 0xea, 0xea, 0x6f, 0x20, 0x00, 0x2e, 0xc3, 0x75, 0x72, 0x96, 0x14, 0x26, 0x2a,
	0x24, 0x0f, 0x08, 0x05, 0x5b, 0x7e, 0xf2, 0xa1, 0x17, 0x99, 0xc7, 0xf0, 0x32, 0xa7, 0xf5, 0x83,
	0x88, 0x90, 0x82, 0x3f, 0x07, 0x9b, 0xfc, 0x13, 0x02, 0x00, 0x00, 0x2e, 0x00, 0x33, 0x00, 0x24,
	0x00, 0x1d, 0x00, 0x20, 0x76, 0x38, 0xc3, 0xd5, 0x35, 0xc8, 0x15, 0x23, 0x69, 0xbd, 0x85, 0x62,
	0xa9, 0x4a, 0xbc, 0xf7, 0x7c, 0x8a, 0xad, 0xd9, 0x01, 0x7d, 0x96, 0x52, 0x9b, 0xa6, 0xc6, 0xaa,
	0x8c, 0xf2, 0x81, 0x0b, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
};
/* zeek__hrr.pcap frame 6: HelloRetryRequest asking for secp256r1 */
static const uint8_t hrr_msg[88] = {
	0x02, 0x00, 0x00, 0x54, 0x03, 0x03, 0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d,
	0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e,
	0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c, 0x20, 0x1a, 0x6b, 0xb8, 0x36, 0x8a, 0xdd, 0x0e, 0x28, 0x01,
	0x5b, 0xd6, 0xcc, 0xed, 0x64, 0x82, 0x36, 0xf4, 0x9e, 0x24, 0x07, 0xf1, 0x96, 0x53, 0xac, 0x1f,
	0xdd, 0x1f, 0xfa, 0x48, 0xbf, 0xae, 0xcd, 0x13, 0x02, 0x00, 0x00, 0x0c, 0x00, 0x2b, 0x00, 0x02,
	0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17,
};
/* ja4__badcurveball.pcap frame 7: TLS 1.2 Certificate, 2 certificates (615 + 885 bytes) */
static const uint8_t cert12_msg[1513] = {
	0x0b, 0x00, 0x05, 0xe5, 0x00, 0x05, 0xe2, 0x00, 0x02, 0x67, 0x30, 0x82, 0x02, 0x63, 0x30, 0x82,
	0x01, 0xea, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x14, 0x5e, 0xcb, 0x7c, 0xee, 0x8c, 0xa2, 0x06,
	0xbf, 0x9e, 0xc0, 0x07, 0x28, 0x88, 0x9a, 0xd9, 0x9f, 0x43, 0x62, 0xcf, 0xd9, 0x30, 0x0a, 0x06,
	0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x43, 0x31, 0x0b, 0x30, 0x09, 0x06,
	0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x48, 0x52, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04,
	0x08, 0x0c, 0x06, 0x5a, 0x61, 0x67, 0x72, 0x65, 0x62, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03, 0x55,
	0x04, 0x0a, 0x0c, 0x09, 0x49, 0x4e, 0x46, 0x49, 0x47, 0x4f, 0x20, 0x49, 0x53, 0x31, 0x0f, 0x30,
	0x0d, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x06, 0x49, 0x4e, 0x46, 0x49, 0x47, 0x4f, 0x30, 0x1e,
	0x17, 0x0d, 0x31, 0x38, 0x30, 0x33, 0x32, 0x34, 0x30, 0x37, 0x31, 0x35, 0x34, 0x32, 0x5a, 0x17,
	0x0d, 0x32, 0x30, 0x30, 0x33, 0x32, 0x33, 0x30, 0x37, 0x31, 0x35, 0x34, 0x32, 0x5a, 0x30, 0x52,
	0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x55, 0x53, 0x31, 0x23, 0x30,
	0x21, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x1a, 0x53, 0x41, 0x4e, 0x53, 0x20, 0x49, 0x6e, 0x74,
	0x65, 0x72, 0x6e, 0x65, 0x74, 0x20, 0x53, 0x74, 0x6f, 0x72, 0x6d, 0x20, 0x43, 0x65, 0x6e, 0x74,
	0x65, 0x72, 0x31, 0x1e, 0x30, 0x1c, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x15, 0x53, 0x41, 0x4e,
	0x53, 0x20, 0x49, 0x53, 0x43, 0x20, 0x44, 0x53, 0x68, 0x69, 0x65, 0x6c, 0x64, 0x20, 0x54, 0x65,
	0x73, 0x74, 0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
	0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00, 0x04, 0x1d, 0x15, 0xb4, 0xca, 0xae, 0xbe,
	0x22, 0x84, 0x3e, 0x1e, 0x2b, 0x13, 0x3b, 0x15, 0xda, 0x4d, 0x4e, 0x3c, 0x5f, 0x7c, 0x2f, 0x4c,
	0xf7, 0x73, 0x7a, 0xda, 0xa5, 0x39, 0x5d, 0x9d, 0xd7, 0x7c, 0x8d, 0x5f, 0x69, 0x4f, 0xcc, 0x4b,
	0xf6, 0xca, 0x51, 0x5e, 0xdd, 0x2f, 0x7a, 0xec, 0x13, 0x3a, 0xc6, 0x28, 0xc9, 0x7b, 0xb9, 0xc6,
	0x1c, 0x85, 0xab, 0xe3, 0x6b, 0x17, 0xfb, 0xd7, 0x6f, 0x73, 0x2b, 0xf6, 0xf9, 0x0d, 0x1f, 0x45,
	0xed, 0x6e, 0x2a, 0x7e, 0xd1, 0x92, 0xdb, 0x2e, 0xd3, 0x76, 0xc5, 0x49, 0xf7, 0x09, 0x57, 0x58,
	0xc6, 0xed, 0xcc, 0x61, 0x4c, 0x27, 0x9d, 0x10, 0x70, 0x89, 0xa3, 0x81, 0x8f, 0x30, 0x81, 0x8c,
	0x30, 0x09, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x02, 0x30, 0x00, 0x30, 0x20, 0x06, 0x03, 0x55,
	0x1d, 0x11, 0x04, 0x19, 0x30, 0x17, 0x82, 0x15, 0x62, 0x61, 0x64, 0x2e, 0x63, 0x75, 0x72, 0x76,
	0x65, 0x62, 0x61, 0x6c, 0x6c, 0x74, 0x65, 0x73, 0x74, 0x2e, 0x63, 0x6f, 0x6d, 0x30, 0x1d, 0x06,
	0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x51, 0x45, 0xc8, 0xf2, 0x00, 0x13, 0x6f, 0x2b,
	0x66, 0x52, 0x63, 0x3f, 0xd3, 0x29, 0xec, 0xc5, 0x61, 0x43, 0x4d, 0x46, 0x30, 0x0b, 0x06, 0x03,
	0x55, 0x1d, 0x0f, 0x04, 0x04, 0x03, 0x02, 0x05, 0xe0, 0x30, 0x31, 0x06, 0x03, 0x55, 0x1d, 0x25,
	0x04, 0x2a, 0x30, 0x28, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x08,
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
	0x03, 0x03, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04, 0x30, 0x0a, 0x06, 0x08,
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x67, 0x00, 0x30, 0x64, 0x02, 0x30, 0x02,
	0xef, 0xc8, 0x52, 0xe3, 0x51, 0x97, 0x77, 0x75, 0xe6, 0x6b, 0x34, 0x4c, 0xba, 0xe0, 0x2d, 0x03,
	0x86, 0x21, 0x6f, 0x5e, 0xc5, 0x66, 0x08, 0x93, 0x31, 0xb3, 0xd2, 0x33, 0x68, 0xd4, 0x7d, 0x5f,
	0xaa, 0x16, 0x59, 0x17, 0xde, 0x76, 0x79, 0x8b, 0x0f, 0x01, 0x62, 0x14, 0x09, 0x93, 0x7a, 0x02,
	0x30, 0x73, 0xb5, 0xb5, 0x5d, 0x45, 0x62, 0x4e, 0xd7, 0x81, 0xd3, 0x1e, 0xf0, 0x78, 0x44, 0x41,
	0x17, 0x00, 0xc7, 0xd6, 0x59, 0x83, 0x4a, 0xad, 0x7e, 0x8b, 0xb3, 0x55, 0x79, 0x1b, 0x8d, 0x0a,
	0x44, 0x1f, 0x9f, 0xd8, 0x1c, 0x6e, 0x4a, 0x3e, 0xf4, 0xdd, 0x3f, 0xbf, 0xc1, 0xcc, 0xb8, 0xb2,
	0x51, 0x00, 0x03, 0x75, 0x30, 0x82, 0x03, 0x71, 0x30, 0x82, 0x02, 0xf6, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x14, 0x62, 0x34, 0x40, 0x31, 0xf7, 0xab, 0x03, 0xe6, 0xf9, 0x32, 0x7c, 0xde, 0x33,
	0x41, 0x9c, 0xf7, 0xfb, 0x09, 0xdf, 0x94, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x04, 0x03, 0x02, 0x30, 0x43, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02,
	0x48, 0x52, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x08, 0x0c, 0x06, 0x5a, 0x61, 0x67,
	0x72, 0x65, 0x62, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x09, 0x49, 0x4e,
	0x46, 0x49, 0x47, 0x4f, 0x20, 0x49, 0x53, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x03,
	0x0c, 0x06, 0x49, 0x4e, 0x46, 0x49, 0x47, 0x4f, 0x30, 0x1e, 0x17, 0x0d, 0x32, 0x30, 0x30, 0x31,
	0x31, 0x36, 0x31, 0x34, 0x30, 0x30, 0x35, 0x30, 0x5a, 0x17, 0x0d, 0x32, 0x30, 0x30, 0x32, 0x31,
	0x35, 0x31, 0x34, 0x30, 0x30, 0x35, 0x30, 0x5a, 0x30, 0x43, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
	0x55, 0x04, 0x06, 0x13, 0x02, 0x48, 0x52, 0x31, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x55, 0x04, 0x08,
	0x0c, 0x06, 0x5a, 0x61, 0x67, 0x72, 0x65, 0x62, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03, 0x55, 0x04,
	0x0a, 0x0c, 0x09, 0x49, 0x4e, 0x46, 0x49, 0x47, 0x4f, 0x20, 0x49, 0x53, 0x31, 0x0f, 0x30, 0x0d,
	0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x06, 0x49, 0x4e, 0x46, 0x49, 0x47, 0x4f, 0x30, 0x82, 0x01,
	0xcc, 0x30, 0x82, 0x01, 0x64, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x30, 0x82,
	0x01, 0x57, 0x02, 0x01, 0x01, 0x30, 0x3c, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x01, 0x01,
	0x02, 0x31, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	0xff, 0xff, 0xff, 0x30, 0x7b, 0x04, 0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xfc, 0x04, 0x30, 0xb3, 0x31, 0x2f, 0xa7, 0xe2, 0x3e, 0xe7,
	0xe4, 0x98, 0x8e, 0x05, 0x6b, 0xe3, 0xf8, 0x2d, 0x19, 0x18, 0x1d, 0x9c, 0x6e, 0xfe, 0x81, 0x41,
	0x12, 0x03, 0x14, 0x08, 0x8f, 0x50, 0x13, 0x87, 0x5a, 0xc6, 0x56, 0x39, 0x8d, 0x8a, 0x2e, 0xd1,
	0x9d, 0x2a, 0x85, 0xc8, 0xed, 0xd3, 0xec, 0x2a, 0xef, 0x03, 0x15, 0x00, 0xa3, 0x35, 0x92, 0x6a,
	0xa3, 0x19, 0xa2, 0x7a, 0x1d, 0x00, 0x89, 0x6a, 0x67, 0x73, 0xa4, 0x82, 0x7a, 0xcd, 0xac, 0x73,
	0x04, 0x61, 0x04, 0xc7, 0x11, 0x16, 0x2a, 0x76, 0x1d, 0x56, 0x8e, 0xbe, 0xb9, 0x62, 0x65, 0xd4,
	0xc3, 0xce, 0xb4, 0xf0, 0xc3, 0x30, 0xec, 0x8f, 0x6d, 0xd7, 0x6e, 0x39, 0xbc, 0xc8, 0x49, 0xab,
	0xab, 0xb8, 0xe3, 0x43, 0x78, 0xd5, 0x81, 0x06, 0x5d, 0xef, 0xc7, 0x7d, 0x9f, 0xce, 0xd6, 0xb3,
	0x90, 0x75, 0xde, 0x0c, 0xb0, 0x90, 0xde, 0x23, 0xba, 0xc8, 0xd1, 0x3e, 0x67, 0xe0, 0x19, 0xa9,
	0x1b, 0x86, 0x31, 0x1e, 0x5f, 0x34, 0x2d, 0xee, 0x17, 0xfd, 0x15, 0xfb, 0x7e, 0x27, 0x8a, 0x32,
	0xa1, 0xea, 0xc9, 0x8f, 0xc9, 0x7e, 0x18, 0xcb, 0x2f, 0x3b, 0x2c, 0x48, 0x7a, 0x7d, 0xa6, 0xf4,
	0x01, 0x07, 0xac, 0x02, 0x31, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63,
	0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec,
	0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73, 0x02, 0x01, 0x01, 0x03, 0x62, 0x00, 0x04, 0xc7, 0x11, 0x16,
	0x2a, 0x76, 0x1d, 0x56, 0x8e, 0xbe, 0xb9, 0x62, 0x65, 0xd4, 0xc3, 0xce, 0xb4, 0xf0, 0xc3, 0x30,
	0xec, 0x8f, 0x6d, 0xd7, 0x6e, 0x39, 0xbc, 0xc8, 0x49, 0xab, 0xab, 0xb8, 0xe3, 0x43, 0x78, 0xd5,
	0x81, 0x06, 0x5d, 0xef, 0xc7, 0x7d, 0x9f, 0xce, 0xd6, 0xb3, 0x90, 0x75, 0xde, 0x0c, 0xb0, 0x90,
	0xde, 0x23, 0xba, 0xc8, 0xd1, 0x3e, 0x67, 0xe0, 0x19, 0xa9, 0x1b, 0x86, 0x31, 0x1e, 0x5f, 0x34,
	0x2d, 0xee, 0x17, 0xfd, 0x15, 0xfb, 0x7e, 0x27, 0x8a, 0x32, 0xa1, 0xea, 0xc9, 0x8f, 0xc9, 0x7e,
	0x18, 0xcb, 0x2f, 0x3b, 0x2c, 0x48, 0x7a, 0x7d, 0xa6, 0xf4, 0x01, 0x07, 0xac, 0xa3, 0x53, 0x30,
	0x51, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x43, 0xef, 0x70, 0x87,
	0xb8, 0x9d, 0xbf, 0xec, 0x88, 0x19, 0xdc, 0xc6, 0xc4, 0x6b, 0x75, 0x0d, 0x75, 0x34, 0x33, 0x08,
	0x30, 0x1f, 0x06, 0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0x43, 0xef, 0x70,
	0x87, 0xb8, 0x9d, 0xbf, 0xec, 0x88, 0x19, 0xdc, 0xc6, 0xc4, 0x6b, 0x75, 0x0d, 0x75, 0x34, 0x33,
	0x08, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01,
	0x01, 0xff, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x69,
	0x00, 0x30, 0x66, 0x02, 0x31, 0x00, 0xad, 0xfd, 0x7d, 0x46, 0x0f, 0xc7, 0xfe, 0x9e, 0xa3, 0x1c,
	0xe2, 0xea, 0x9f, 0xc6, 0x18, 0xca, 0x87, 0x64, 0x83, 0x2e, 0x98, 0xdb, 0x5a, 0x7e, 0x13, 0xcd,
	0x03, 0xab, 0x0e, 0xb4, 0xdd, 0x83, 0x4c, 0x32, 0xe9, 0x42, 0x5b, 0x1c, 0x76, 0xee, 0xe2, 0xeb,
	0x10, 0xa1, 0xcb, 0xeb, 0x30, 0x7e, 0x02, 0x31, 0x00, 0xde, 0x73, 0x65, 0xf6, 0x18, 0x37, 0x85,
	0xab, 0x42, 0x9a, 0xa1, 0xcd, 0xaf, 0xdc, 0x15, 0x95, 0xad, 0x13, 0xa7, 0xb4, 0x67, 0x7f, 0xd9,
	0xd5, 0x4d, 0xc4, 0x8c, 0xb1, 0x7c, 0x14, 0xed, 0x7a, 0xce, 0x43, 0xf8, 0xbe, 0xe1, 0xe2, 0x5e,
	0x30, 0x55, 0x61, 0x3f, 0xbd, 0x95, 0xd5, 0xa4, 0x51,
};
/* suricata-verify tls-store-02 tls-client-auth.pcap frame 7: TLS 1.2 CertificateRequest, 1 CA name */
static const uint8_t certreq12_msg[150] = {
	0x0d, 0x00, 0x00, 0x92, 0x03, 0x01, 0x02, 0x40, 0x00, 0x1e, 0x06, 0x01, 0x06, 0x02, 0x06, 0x03,
	0x05, 0x01, 0x05, 0x02, 0x05, 0x03, 0x04, 0x01, 0x04, 0x02, 0x04, 0x03, 0x03, 0x01, 0x03, 0x02,
	0x03, 0x03, 0x02, 0x01, 0x02, 0x02, 0x02, 0x03, 0x00, 0x6c, 0x00, 0x6a, 0x30, 0x68, 0x31, 0x0b,
	0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x48, 0x55, 0x31, 0x11, 0x30, 0x0f, 0x06,
	0x03, 0x55, 0x04, 0x08, 0x0c, 0x08, 0x42, 0x75, 0x64, 0x61, 0x70, 0x65, 0x73, 0x74, 0x31, 0x11,
	0x30, 0x0f, 0x06, 0x03, 0x55, 0x04, 0x07, 0x0c, 0x08, 0x42, 0x75, 0x64, 0x61, 0x70, 0x65, 0x73,
	0x74, 0x31, 0x1e, 0x30, 0x1c, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x15, 0x54, 0x4c, 0x53, 0x43,
	0x6c, 0x69, 0x65, 0x6e, 0x74, 0x41, 0x75, 0x74, 0x68, 0x53, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x43,
	0x41, 0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0a, 0x53, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x52, 0x6f, 0x6f, 0x74,
};
/* arkime__ssl-selfsign.pcap frame 7: SSLv3 CertificateRequest (no signature_algorithms), 1 CA name */
static const uint8_t certreq_ssl3_msg[52] = {
	0x0d, 0x00, 0x00, 0x30, 0x02, 0x01, 0x02, 0x00, 0x2b, 0x00, 0x29, 0x30, 0x27, 0x31, 0x0b, 0x30,
	0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x02, 0x4d, 0x4f, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
	0x55, 0x04, 0x0a, 0x13, 0x02, 0x4c, 0x4f, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06,
	0x13, 0x02, 0x43, 0x48,
};

/* arkime__https2-301-get.pcap frame 4: an SSLv2-format ClientHello record
 * (2-byte header), offering TLS 1.0 */
static const uint8_t sslv2_record[130] = {
	0x80, 0x80, 0x01, 0x03, 0x01, 0x00, 0x57, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x39, 0x00, 0x00,
	0x38, 0x00, 0x00, 0x35, 0x00, 0x00, 0x16, 0x00, 0x00, 0x13, 0x00, 0x00, 0x0a, 0x07, 0x00, 0xc0,
	0x00, 0x00, 0x33, 0x00, 0x00, 0x32, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x9a, 0x00, 0x00, 0x99, 0x00,
	0x00, 0x96, 0x03, 0x00, 0x80, 0x00, 0x00, 0x05, 0x00, 0x00, 0x04, 0x01, 0x00, 0x80, 0x00, 0x00,
	0x15, 0x00, 0x00, 0x12, 0x00, 0x00, 0x09, 0x06, 0x00, 0x40, 0x00, 0x00, 0x14, 0x00, 0x00, 0x11,
	0x00, 0x00, 0x08, 0x00, 0x00, 0x06, 0x04, 0x00, 0x80, 0x00, 0x00, 0x03, 0x02, 0x00, 0x80, 0x00,
	0x00, 0xff, 0x86, 0x5d, 0x9b, 0x21, 0x1a, 0xdf, 0x03, 0x73, 0x10, 0x43, 0x5c, 0xf3, 0xb0, 0xd9,
	0x39, 0x81, 0x2b, 0xa5, 0xaf, 0x5f, 0x81, 0xaa, 0xfe, 0xcd, 0xfd, 0xc4, 0x6a, 0x5a, 0xd4, 0xdc,
	0xb6, 0x46,
};

/* Where the extensions block starts in each hello body (after the 4-byte
 * header): a prefix cut exactly there is a valid extension-less hello. */
#define CH13_EXT_OFF (2 + 32 + 1 + 32 + 2 + 8 + 1 + 1) /* 79 */
#define SH12_EXT_OFF (2 + 32 + 1 + 0 + 2 + 1)          /* 38 */
#define SH13_EXT_OFF (2 + 32 + 1 + 32 + 2 + 1)         /* 70 */
#define NO_VALID_PREFIX SIZE_MAX

#define HS_HDR 4
#define REC_HDR 5

/* --- Helpers ------------------------------------------------------------ */

/* Fresh facts with the TLS part allocated; sh_version pretends a ServerHello
 * selected that version (the CertificateRequest format depends on it). */
static struct td_facts *facts_with_version(uint16_t sh_version)
{
	struct td_facts *f = td_facts_new();
	if (!f || !td_facts_tls(f)) {
		fprintf(stderr, "out of memory\n");
		exit(99);
	}
	f->tls->sh.selected_version = sh_version;
	return f;
}

static struct td_facts *facts_fresh(void)
{
	return facts_with_version(0);
}

/* An exact-size heap copy, so ASan reports any read past len. */
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len ? len : 1);
	if (!q) {
		fprintf(stderr, "out of memory\n");
		exit(99);
	}
	if (len)
		memcpy(q, p, len);
	return q;
}

/* Parse a whole message (header included) from a heap copy of its body. */
static enum td_err parse_msg(struct td_facts *f, enum td_dir dir, const uint8_t *msg, size_t len)
{
	uint8_t *body = dup_exact(msg + HS_HDR, len - HS_HDR);
	enum td_err e = td_tls_parse_message(f, dir, msg[0], body, len - HS_HDR, 7, 1.5);
	free(body);
	return e;
}

static int u16s_equal(const uint16_t *got, size_t n_got, const uint16_t *want, size_t n_want)
{
	return n_got == n_want && memcmp(got, want, n_want * sizeof(*want)) == 0;
}

#define IS_U16S(got, n_got, want, ...) \
	ok(u16s_equal((got), (n_got), (want), TD_ARRAY_LEN(want)), __VA_ARGS__)

/* --- Single messages: fields as tshark shows them ------------------------ */

static void test_client_hello_tls13_fields(void)
{
	static const uint16_t suites[] = { 0x1302, 0x1303, 0x1301, 0x00ff };
	static const uint16_t exts[] = { 0, 11, 10, 13172, 16, 22, 23, 49, 13, 43, 45, 51, 21 };
	static const uint16_t groups[] = { 0x001d, 0x0017, 0x001e, 0x0019, 0x0018 };
	static const uint16_t sigalgs[] = { 0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a,
					    0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601 };
	static const uint16_t versions[] = { 0x0304 };
	static const uint16_t key_shares[] = { 0x001d };
	struct td_facts *f = facts_fresh();
	const struct td_client_hello *ch = &f->tls->ch;

	is_int(parse_msg(f, TD_DIR_C2S, ch13_msg, sizeof(ch13_msg)), TD_E_OK, "ClientHello 1.3: parses");
	ok(ch->seen && !ch->sslv2 && ch->frame == 7, "ClientHello 1.3: seen, frame kept");
	is_int(ch->version, 0x0303, "ClientHello 1.3: legacy_version 0x0303");
	is_int(ch->session_id_len, 32, "ClientHello 1.3: 32-byte session id");
	IS_U16S(ch->suites, ch->n_suites, suites, "ClientHello 1.3: the 4 suites in order");
	ok(ch->n_compression == 1 && ch->compression[0] == 0, "ClientHello 1.3: compression null only");
	IS_U16S(ch->exts, ch->n_exts, exts, "ClientHello 1.3: the 13 extensions in order");
	is_str(ch->sni, "enabled.tls13.com", "ClientHello 1.3: SNI");
	is_str(ch->alpn, "h2,http/1.1", "ClientHello 1.3: ALPN list");
	ok(ch->alpn_first_len == 2 && memcmp(ch->alpn_first, "h2", 2) == 0,
	   "ClientHello 1.3: first ALPN protocol raw");
	IS_U16S(ch->groups, ch->n_groups, groups, "ClientHello 1.3: supported_groups");
	IS_U16S(ch->sigalgs, ch->n_sigalgs, sigalgs, "ClientHello 1.3: 14 signature_algorithms");
	IS_U16S(ch->versions, ch->n_versions, versions, "ClientHello 1.3: supported_versions");
	IS_U16S(ch->key_shares, ch->n_key_shares, key_shares, "ClientHello 1.3: key_share group x25519");
	ok(ch->n_ec_formats == 3 && ch->ec_formats[0] == 0 && ch->ec_formats[1] == 1 &&
		   ch->ec_formats[2] == 2,
	   "ClientHello 1.3: ec_point_formats 0,1,2");
	is_int(ch->max_version, 0x0304, "ClientHello 1.3: max_version from supported_versions");
	is_int(ch->null_suites, 0, "ClientHello 1.3: no NULL suites");
	is_int(ch->non_null_suites, 3, "ClientHello 1.3: 3 real suites (SCSV excluded)");
	is_int(ch->grease, 0, "ClientHello 1.3: no GREASE");
	is_str(ch->ja3, "771,4866-4867-4865-255,0-11-10-13172-16-22-23-49-13-43-45-51-21,29-23-30-25-24,0-1-2",
	       "ClientHello 1.3: JA3 string as tshark");
	is_str(ch->ja3_hash, "eeadfd2f446a45ded96f804720a0c75b", "ClientHello 1.3: JA3 hash as tshark");
	is_str(ch->ja4, "t13d0413h2_16476d049b0b_ffceb19bae65", "ClientHello 1.3: JA4 as the corpus reference");
	is_int(f->caps_hit, 0, "ClientHello 1.3: no cap hit");
	td_facts_free(f);
}

static void test_client_hello_wrong_direction(void)
{
	struct td_facts *f = facts_fresh();
	is_int(parse_msg(f, TD_DIR_S2C, ch13_msg, sizeof(ch13_msg)), TD_E_FORMAT,
	       "ClientHello sent by the server: FORMAT");
	ok(!f->tls->ch.seen, "ClientHello sent by the server: not recorded");
	is_int(parse_msg(f, TD_DIR_C2S, sh12_msg, sizeof(sh12_msg)), TD_E_FORMAT,
	       "ServerHello sent by the client: FORMAT");
	ok(!f->tls->sh.seen, "ServerHello sent by the client: not recorded");
	td_facts_free(f);
}

static void test_server_hello_tls12_fields(void)
{
	static const uint16_t exts[] = { 0xff01, 11, 35 };
	struct td_facts *f = facts_fresh();
	const struct td_server_hello *sh = &f->tls->sh;

	is_int(parse_msg(f, TD_DIR_S2C, sh12_msg, sizeof(sh12_msg)), TD_E_OK, "ServerHello 1.2: parses");
	ok(sh->seen && !sh->hrr, "ServerHello 1.2: seen, not a HelloRetryRequest");
	is_int(sh->version, 0x0303, "ServerHello 1.2: version 0x0303");
	is_int(sh->selected_version, 0x0303, "ServerHello 1.2: selected_version = legacy_version");
	is_int(sh->suite, 0xc02f, "ServerHello 1.2: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	ok(!sh->null_cipher, "ServerHello 1.2: not a NULL cipher");
	is_int(sh->compression, 0, "ServerHello 1.2: compression null");
	is_int(sh->session_id_len, 0, "ServerHello 1.2: empty session id");
	IS_U16S(sh->exts, sh->n_exts, exts,
		"ServerHello 1.2: extensions renegotiation_info, ec_point_formats, session_ticket");
	is_int(sh->key_share_group, 0, "ServerHello 1.2: no key share");
	is_str(sh->ja3s, "771,49199,65281-11-35", "ServerHello 1.2: JA3S string as tshark");
	is_str(sh->ja3s_hash, "ccc514751b175866924439bdbb5bba34", "ServerHello 1.2: JA3S hash as tshark");
	td_facts_free(f);
}

static void test_server_hello_tls13_fields(void)
{
	static const uint16_t exts[] = { 51, 43 };
	struct td_facts *f = facts_fresh();
	const struct td_server_hello *sh = &f->tls->sh;

	is_int(parse_msg(f, TD_DIR_S2C, sh13_msg, sizeof(sh13_msg)), TD_E_OK, "ServerHello 1.3: parses");
	ok(sh->seen && !sh->hrr, "ServerHello 1.3: seen, not a HelloRetryRequest");
	is_int(sh->version, 0x0303, "ServerHello 1.3: legacy_version 0x0303");
	is_int(sh->selected_version, 0x0304, "ServerHello 1.3: selected_version 0x0304 from supported_versions");
	is_int(sh->suite, 0x1302, "ServerHello 1.3: TLS_AES_256_GCM_SHA384");
	is_int(sh->session_id_len, 32, "ServerHello 1.3: 32-byte session id echoed");
	IS_U16S(sh->exts, sh->n_exts, exts, "ServerHello 1.3: extensions key_share, supported_versions");
	is_int(sh->key_share_group, 0x001d, "ServerHello 1.3: key share group x25519");
	is_str(sh->ja3s_hash, "907bf3ecef1c987c889946b737b43de8", "ServerHello 1.3: JA3S hash as tshark");
	td_facts_free(f);
}

static void test_hello_retry_request_fields(void)
{
	struct td_facts *f = facts_fresh();
	const struct td_server_hello *sh = &f->tls->sh;

	is_int(parse_msg(f, TD_DIR_S2C, hrr_msg, sizeof(hrr_msg)), TD_E_OK, "HelloRetryRequest: parses");
	ok(sh->seen && sh->hrr, "HelloRetryRequest: recognised by its random");
	is_int(sh->selected_version, 0x0304, "HelloRetryRequest: selected_version 0x0304");
	is_int(sh->key_share_group, 0x0017, "HelloRetryRequest: asks for secp256r1 (group only, no key)");
	is_str(sh->ja3s_hash, "15af977ce25de452b96affa2addb1036", "HelloRetryRequest: JA3S hash as tshark");
	td_facts_free(f);
}

static void test_certificate_tls12_fields(void)
{
	struct td_facts *f = facts_fresh();
	const struct td_cert_chain *c = &f->tls->server_certs;

	is_int(parse_msg(f, TD_DIR_S2C, cert12_msg, sizeof(cert12_msg)), TD_E_OK, "Certificate 1.2: parses");
	ok(c->seen && !c->empty && c->frame == 7, "Certificate 1.2: server chain seen");
	is_int(c->count, 2, "Certificate 1.2: 2 certificates");
	is_int(c->kept, 2, "Certificate 1.2: both kept");
	ok(c->certs[0].len == 615 && memcmp(c->certs[0].data, cert12_msg + 10, 615) == 0,
	   "Certificate 1.2: first DER is the 615 bytes after its length");
	ok(c->certs[1].len == 885 && memcmp(c->certs[1].data, cert12_msg + 10 + 615 + 3, 885) == 0,
	   "Certificate 1.2: second DER is the 885 bytes after its length");
	ok(!f->tls->client_certs.seen, "Certificate 1.2: the client chain is untouched");

	/* The same message again replaces (and frees) the first chain. */
	is_int(parse_msg(f, TD_DIR_S2C, cert12_msg, sizeof(cert12_msg)), TD_E_OK,
	       "Certificate 1.2: a second Certificate replaces the first");
	is_int(c->kept, 2, "Certificate 1.2: still 2 kept after the replacement");
	td_facts_free(f);
}

static void test_certificate_client_empty(void)
{
	static const uint8_t empty[] = { 0x0b, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00 };
	struct td_facts *f = facts_fresh();
	const struct td_cert_chain *c = &f->tls->client_certs;

	is_int(parse_msg(f, TD_DIR_C2S, empty, sizeof(empty)), TD_E_OK, "empty client Certificate: parses");
	ok(c->seen && c->empty && c->count == 0 && c->kept == 0,
	   "empty client Certificate: seen, empty, count 0");
	ok(!f->tls->server_certs.seen, "empty client Certificate: the server chain is untouched");
	td_facts_free(f);
}

/* TLS 1.3 form: request context, and extensions after each certificate. */
static void test_certificate_tls13_form(void)
{
	static const uint8_t msg[] = {
		0x0b, 0x00, 0x00, 0x0e,
		0x00,                                   /* empty request context */
		0x00, 0x00, 0x0a,                       /* certificate_list */
		0x00, 0x00, 0x03, 0x30, 0x01, 0x00,     /* cert_data (3 bytes) */
		0x00, 0x02, 0xaa, 0xbb,                 /* extensions (2 bytes) */
	};
	struct td_facts *f = facts_with_version(0x0304);
	const struct td_cert_chain *c = &f->tls->server_certs;

	is_int(parse_msg(f, TD_DIR_S2C, msg, sizeof(msg)), TD_E_OK, "Certificate 1.3 form: parses");
	ok(c->count == 1 && c->kept == 1 && c->certs[0].len == 3 && c->certs[0].data[0] == 0x30,
	   "Certificate 1.3 form: one 3-byte certificate, extensions skipped");
	td_facts_free(f);
	/* Read as TLS 1.2 the same bytes do not fit. */
	f = facts_with_version(0x0303);
	ok(parse_msg(f, TD_DIR_S2C, msg, sizeof(msg)) != TD_E_OK,
	   "Certificate 1.3 form read as TLS 1.2: error");
	td_facts_free(f);
}

/* More certificates than kept: all counted, TD_CERTS_KEPT kept, cap bit set. */
static void test_certificate_cap(void)
{
	enum { N = TD_CERTS_KEPT + 2, ENTRY = 3 + 1 };
	uint8_t msg[HS_HDR + 3 + N * ENTRY];
	size_t list = (size_t)N * ENTRY, o = 0;
	msg[o++] = 0x0b;
	msg[o++] = 0;
	msg[o++] = (uint8_t)((list + 3) >> 8);
	msg[o++] = (uint8_t)(list + 3);
	msg[o++] = 0;
	msg[o++] = (uint8_t)(list >> 8);
	msg[o++] = (uint8_t)list;
	for (int i = 0; i < N; i++) {
		msg[o++] = 0;
		msg[o++] = 0;
		msg[o++] = 1;
		msg[o++] = (uint8_t)i;
	}
	struct td_facts *f = facts_fresh();
	const struct td_cert_chain *c = &f->tls->server_certs;
	is_int(parse_msg(f, TD_DIR_S2C, msg, o), TD_E_OK, "Certificate with %d certificates: parses", N);
	ok(c->count == N && c->kept == TD_CERTS_KEPT, "Certificate with %d certificates: all counted, %d kept",
	   N, TD_CERTS_KEPT);
	ok(f->caps_hit & (1u << TD_CAP_CERTS), "Certificate with %d certificates: certificates cap bit set", N);
	td_facts_free(f);
}

static void test_cert_request_tls12_fields(void)
{
	static const uint16_t first_sigalgs[] = { 0x0601, 0x0602, 0x0603 };
	struct td_facts *f = facts_with_version(0x0303);
	const struct td_cert_request *cr = &f->tls->cert_request;

	is_int(parse_msg(f, TD_DIR_S2C, certreq12_msg, sizeof(certreq12_msg)), TD_E_OK,
	       "CertificateRequest 1.2: parses");
	ok(cr->seen && cr->frame == 7, "CertificateRequest 1.2: seen");
	ok(cr->n_types == 3 && cr->types[0] == 1 && cr->types[1] == 2 && cr->types[2] == 64,
	   "CertificateRequest 1.2: types rsa_sign, dss_sign, ecdsa_sign");
	ok(cr->n_sigalgs == 15 && memcmp(cr->sigalgs, first_sigalgs, sizeof(first_sigalgs)) == 0 &&
		   cr->sigalgs[14] == 0x0203,
	   "CertificateRequest 1.2: 15 signature algorithms, 0x0601 first, 0x0203 last");
	is_int(cr->n_ca_names, 1, "CertificateRequest 1.2: one CA name");
	ok(cr->kept_ca_names == 1 && cr->ca_names[0].len == 106 &&
		   memcmp(cr->ca_names[0].data, certreq12_msg + 44, 106) == 0,
	   "CertificateRequest 1.2: the 106-byte DN kept verbatim");
	td_facts_free(f);
}

static void test_cert_request_ssl3_fields(void)
{
	struct td_facts *f = facts_with_version(0x0300);
	const struct td_cert_request *cr = &f->tls->cert_request;

	is_int(parse_msg(f, TD_DIR_S2C, certreq_ssl3_msg, sizeof(certreq_ssl3_msg)), TD_E_OK,
	       "CertificateRequest SSLv3: parses without signature_algorithms");
	ok(cr->n_types == 2 && cr->types[0] == 1 && cr->types[1] == 2,
	   "CertificateRequest SSLv3: types rsa_sign, dss_sign");
	is_int(cr->n_sigalgs, 0, "CertificateRequest SSLv3: no signature algorithms");
	ok(cr->n_ca_names == 1 && cr->kept_ca_names == 1 && cr->ca_names[0].len == 41 &&
		   memcmp(cr->ca_names[0].data, certreq_ssl3_msg + 11, 41) == 0,
	   "CertificateRequest SSLv3: one 41-byte DN");
	td_facts_free(f);

	/* The same bytes read as TLS 1.2 take the names length for sigalgs. */
	f = facts_with_version(0x0303);
	ok(parse_msg(f, TD_DIR_S2C, certreq_ssl3_msg, sizeof(certreq_ssl3_msg)) != TD_E_OK,
	   "CertificateRequest SSLv3 bytes read as TLS 1.2: error");
	td_facts_free(f);
}

/* A TLS 1.2 CertificateRequest listing n one-byte CA names. */
static size_t build_cert_request(uint8_t *msg, size_t n)
{
	size_t names = n * 3, body = 2 + 4 + 2 + names, o = 0;
	msg[o++] = 0x0d;
	msg[o++] = (uint8_t)(body >> 16);
	msg[o++] = (uint8_t)(body >> 8);
	msg[o++] = (uint8_t)body;
	msg[o++] = 1;       /* one type */
	msg[o++] = 1;       /* rsa_sign */
	msg[o++] = 0;
	msg[o++] = 2;       /* one sigalg */
	msg[o++] = 0x04;
	msg[o++] = 0x01;
	msg[o++] = (uint8_t)(names >> 8);
	msg[o++] = (uint8_t)names;
	for (size_t i = 0; i < n; i++) {
		msg[o++] = 0;
		msg[o++] = 1;
		msg[o++] = (uint8_t)(0x30 + i);
	}
	return o;
}

static void test_cert_request_many_names(void)
{
	uint8_t msg[HS_HDR + 8 + (TD_MAX_CA_NAMES + 1) * 3];
	struct td_facts *f = facts_with_version(0x0303);
	const struct td_cert_request *cr = &f->tls->cert_request;
	size_t len = build_cert_request(msg, 3);

	is_int(parse_msg(f, TD_DIR_S2C, msg, len), TD_E_OK, "CertificateRequest with 3 CA names: parses");
	ok(cr->n_ca_names == 3 && cr->kept_ca_names == 3 && cr->ca_names[2].len == 1 &&
		   cr->ca_names[2].data[0] == 0x32,
	   "CertificateRequest with 3 CA names: 3 counted and kept, in order");
	is_int(f->caps_hit, 0, "CertificateRequest with 3 CA names: no cap");

	len = build_cert_request(msg, TD_MAX_CA_NAMES + 1);
	is_int(parse_msg(f, TD_DIR_S2C, msg, len), TD_E_OK, "CertificateRequest with %d CA names: parses",
	       TD_MAX_CA_NAMES + 1);
	ok(cr->n_ca_names == TD_MAX_CA_NAMES + 1 && cr->kept_ca_names == TD_MAX_CA_NAMES,
	   "CertificateRequest with %d CA names: all counted, %d kept", TD_MAX_CA_NAMES + 1,
	   TD_MAX_CA_NAMES);
	ok(f->caps_hit & (1u << TD_CAP_LIST), "CertificateRequest with %d CA names: list cap bit set",
	   TD_MAX_CA_NAMES + 1);
	td_facts_free(f);
}

static void test_cert_request_tls13_unsupported(void)
{
	struct td_facts *f = facts_with_version(0x0304);
	is_int(parse_msg(f, TD_DIR_S2C, certreq12_msg, sizeof(certreq12_msg)), TD_E_UNSUPPORTED,
	       "CertificateRequest under TLS 1.3: UNSUPPORTED (it is encrypted on the wire)");
	td_facts_free(f);
}

static void test_sslv2_hello_fields(void)
{
	static const uint16_t first[] = { 0x0039, 0x0038, 0x0035, 0x0016, 0x0013, 0x000a, 0x0033 };
	struct td_facts *f = facts_fresh();
	const struct td_client_hello *ch = &f->tls->ch;
	uint8_t *body = dup_exact(sslv2_record + 2, sizeof(sslv2_record) - 2);

	is_int(td_tls_parse_sslv2_hello(f, body, sizeof(sslv2_record) - 2, 4, 0.25), TD_E_OK,
	       "SSLv2 ClientHello: parses");
	ok(ch->seen && ch->sslv2 && ch->frame == 4, "SSLv2 ClientHello: seen as SSLv2");
	is_int(ch->record_version, 0x0002, "SSLv2 ClientHello: record version 0x0002");
	is_int(ch->version, 0x0301, "SSLv2 ClientHello: offers TLS 1.0");
	is_int(ch->n_suites, 23, "SSLv2 ClientHello: 23 TLS suites of the 29 specs (SSLv2-only specs dropped)");
	ok(ch->n_suites >= 7 && memcmp(ch->suites, first, sizeof(first)) == 0,
	   "SSLv2 ClientHello: suites in order, the SSLv2 spec 0x0700c0 skipped");
	is_int(ch->suites[22], 0x00ff, "SSLv2 ClientHello: last suite the renegotiation SCSV");
	is_int(ch->session_id_len, 0, "SSLv2 ClientHello: no session id");
	ok(ch->n_exts == 0 && ch->sni[0] == '\0', "SSLv2 ClientHello: no extensions, no SNI");
	free(body);
	td_facts_free(f);
}

static void test_server_key_exchange(void)
{
	static const uint8_t ecdhe[] = { 0x0c, 0x00, 0x00, 0x06, 0x03, 0x00, 0x17, 0x01, 0x04, 0x00 };
	enum { PLEN = 256 };
	uint8_t dhe[HS_HDR + 2 + PLEN + 3 + 3];
	size_t o = 0, body = 2 + PLEN + 3 + 3;
	struct td_facts *f = facts_fresh();

	f->tls->sh.suite = 0xc02b; /* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
	is_int(parse_msg(f, TD_DIR_S2C, ecdhe, sizeof(ecdhe)), TD_E_OK, "ServerKeyExchange ECDHE: parses");
	ok(f->tls->ske.seen && f->tls->ske.ecdhe_group == 0x0017 && f->tls->ske.dh_bits == 0,
	   "ServerKeyExchange ECDHE: named group secp256r1");

	dhe[o++] = 0x0c;
	dhe[o++] = 0;
	dhe[o++] = (uint8_t)(body >> 8);
	dhe[o++] = (uint8_t)body;
	dhe[o++] = PLEN >> 8;
	dhe[o++] = PLEN & 0xff;
	memset(dhe + o, 0xab, PLEN);
	dhe[o] = 0x00;     /* a leading zero byte does not count */
	dhe[o + 1] = 0x40; /* then 0100 0000: 7 significant bits */
	o += PLEN;
	static const uint8_t g_ys[] = { 0x00, 0x01, 0x02, 0x00, 0x01, 0x05 };
	memcpy(dhe + o, g_ys, sizeof(g_ys));
	o += sizeof(g_ys);
	f->tls->sh.suite = 0x0033; /* TLS_DHE_RSA_WITH_AES_128_CBC_SHA */
	is_int(parse_msg(f, TD_DIR_S2C, dhe, o), TD_E_OK, "ServerKeyExchange DHE: parses");
	is_int(f->tls->ske.dh_bits, (PLEN - 2) * 8 + 7, "ServerKeyExchange DHE: prime size in bits");
	td_facts_free(f);
}

static void test_small_messages(void)
{
	static const uint8_t done[] = { 0x0e, 0x00, 0x00, 0x00 };
	static const uint8_t done_body[] = { 0x0e, 0x00, 0x00, 0x01, 0x00 };
	struct td_facts *f = facts_fresh();

	is_int(parse_msg(f, TD_DIR_S2C, done, sizeof(done)), TD_E_OK, "ServerHelloDone: parses");
	ok(f->tls->server_hello_done && f->tls->server_hello_done_frame == 7, "ServerHelloDone: seen");
	is_int(parse_msg(f, TD_DIR_S2C, done_body, sizeof(done_body)), TD_E_TRAILING,
	       "ServerHelloDone with a body: TRAILING");
	td_facts_free(f);
}

/* --- Sweeps: every truncation, every single-byte mutation ---------------- */

struct msg_case {
	const char *name;
	const uint8_t *msg;        /* header included; NULL for the SSLv2 record */
	size_t len;
	enum td_dir dir;
	uint16_t sh_version;       /* version a previous ServerHello selected */
	size_t valid_prefix;       /* body length that is a valid message, or NO_VALID_PREFIX */
	bool sslv2;                /* msg is an SSLv2 record: body after 2 bytes */
};

static const struct msg_case msg_cases[] = {
	{ "ClientHello 1.3", ch13_msg, sizeof(ch13_msg), TD_DIR_C2S, 0, CH13_EXT_OFF, false },
	{ "ServerHello 1.2", sh12_msg, sizeof(sh12_msg), TD_DIR_S2C, 0, SH12_EXT_OFF, false },
	{ "ServerHello 1.3", sh13_msg, sizeof(sh13_msg), TD_DIR_S2C, 0, SH13_EXT_OFF, false },
	{ "HelloRetryRequest", hrr_msg, sizeof(hrr_msg), TD_DIR_S2C, 0, SH13_EXT_OFF, false },
	{ "Certificate 1.2", cert12_msg, sizeof(cert12_msg), TD_DIR_S2C, 0x0303, NO_VALID_PREFIX, false },
	{ "CertificateRequest 1.2", certreq12_msg, sizeof(certreq12_msg), TD_DIR_S2C, 0x0303,
	  NO_VALID_PREFIX, false },
	{ "CertificateRequest SSLv3", certreq_ssl3_msg, sizeof(certreq_ssl3_msg), TD_DIR_S2C, 0x0300,
	  NO_VALID_PREFIX, false },
	{ "SSLv2 ClientHello", sslv2_record, sizeof(sslv2_record), TD_DIR_C2S, 0, NO_VALID_PREFIX, true },
};

static const uint8_t *case_body(const struct msg_case *c, size_t *len)
{
	size_t hdr = c->sslv2 ? 2 : HS_HDR;
	*len = c->len - hdr;
	return c->msg + hdr;
}

/* Parse len bytes of body (an exact heap copy) into fresh facts. */
static enum td_err parse_case_body(const struct msg_case *c, const uint8_t *body, size_t len)
{
	struct td_facts *f = facts_with_version(c->sh_version);
	uint8_t *copy = dup_exact(body, len);
	enum td_err e = c->sslv2 ? td_tls_parse_sslv2_hello(f, copy, len, 1, 0)
				 : td_tls_parse_message(f, c->dir, c->msg[0], copy, len, 1, 0);
	free(copy);
	td_facts_free(f);
	return e;
}

static void test_truncation_sweep(const struct msg_case *c)
{
	size_t len, bad = 0;
	const uint8_t *body = case_body(c, &len);

	is_int(parse_case_body(c, body, len), TD_E_OK, "%s: the whole body (%zu bytes) parses", c->name, len);
	for (size_t n = 0; n < len; n++) {
		enum td_err e = parse_case_body(c, body, n);
		bool want_ok = n == c->valid_prefix;
		if ((e == TD_E_OK) != want_ok) {
			if (bad++ < 5)
				diag("  %s cut to %zu bytes: %s", c->name, n, td_err_name(e));
		}
	}
	ok(bad == 0, "every prefix of %s (%zu bytes) fails cleanly%s", c->name, len,
	   c->valid_prefix != NO_VALID_PREFIX ? " (except the extension-less one)" : "");
}

static void test_byte_flip_sweep(const struct msg_case *c)
{
	static const uint8_t values[] = { 0x00, 0xff };
	size_t len, runs = 0;
	const uint8_t *body = case_body(c, &len);
	uint8_t *m = dup_exact(body, len);

	for (size_t i = 0; i < len; i++) {
		for (size_t v = 0; v < TD_ARRAY_LEN(values); v++) {
			m[i] = values[v];
			(void)parse_case_body(c, m, len);
			runs++;
		}
		m[i] = body[i];
	}
	free(m);
	ok(runs == 2 * len, "%s: %zu single-byte mutations (0x00, 0xff at each offset) parsed without crashing",
	   c->name, runs);
}

/* Every mutated ClientHello leaves bounded facts (counts within the arrays,
 * strings terminated). */
static void test_client_hello_mutations_bounded(void)
{
	size_t len = sizeof(ch13_msg) - HS_HDR, bad = 0;
	uint8_t *m = dup_exact(ch13_msg + HS_HDR, len);

	for (size_t i = 0; i < len; i++) {
		for (int v = 0; v < 256; v += 0x55) {
			struct td_facts *f = facts_fresh();
			const struct td_client_hello *ch = &f->tls->ch;
			m[i] = (uint8_t)v;
			enum td_err e = td_tls_parse_message(f, TD_DIR_C2S, 1, m, len, 1, 0);
			(void)e;
			if (ch->n_suites > TD_MAX_SUITES || ch->n_exts > TD_MAX_EXTS ||
			    ch->n_groups > TD_MAX_LIST16 || ch->n_sigalgs > TD_MAX_LIST16 ||
			    ch->n_versions > TD_MAX_LIST16 || ch->n_key_shares > TD_MAX_LIST16 ||
			    ch->n_ec_formats > TD_MAX_SMALL || ch->n_compression > TD_MAX_SMALL ||
			    strnlen(ch->sni, sizeof(ch->sni)) == sizeof(ch->sni) ||
			    strnlen(ch->alpn, sizeof(ch->alpn)) == sizeof(ch->alpn) ||
			    strnlen(ch->ja3, sizeof(ch->ja3)) == sizeof(ch->ja3))
				bad++;
			td_facts_free(f);
		}
		m[i] = ch13_msg[HS_HDR + i];
	}
	free(m);
	ok(bad == 0, "ClientHello with each byte set to 0x00/0x55/0xaa/0xff: counts and strings stay bounded");
}

/* --- The record layer ---------------------------------------------------- */

/* Bytes of one direction, built record by record. */
struct wire {
	uint8_t buf[4096];
	size_t len;
};

static void wire_put(struct wire *w, const uint8_t *p, size_t n)
{
	if (w->len + n > sizeof(w->buf)) {
		fprintf(stderr, "wire buffer too small\n");
		exit(99);
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void wire_header(struct wire *w, uint8_t type, uint16_t version, size_t len)
{
	uint8_t h[REC_HDR] = { type, (uint8_t)(version >> 8), (uint8_t)version, (uint8_t)(len >> 8),
			       (uint8_t)len };
	wire_put(w, h, sizeof(h));
}

static void wire_record(struct wire *w, uint8_t type, uint16_t version, const uint8_t *body, size_t len)
{
	wire_header(w, type, version, len);
	wire_put(w, body, len);
}

static void wire_str(struct wire *w, const char *s)
{
	wire_put(w, (const uint8_t *)s, strlen(s));
}

/* The ClientHello as its own record, as curl sent it. */
static void wire_client_hello(struct wire *w)
{
	wire_record(w, 0x16, 0x0301, ch13_msg, sizeof(ch13_msg));
}

struct conn {
	struct td_facts *f;
	struct td_tls_stream *s;
};

static struct conn conn_new(bool proxy_port, size_t hs_max)
{
	struct conn c = { facts_fresh(), td_tls_new(proxy_port, hs_max) };
	if (!c.s) {
		fprintf(stderr, "out of memory\n");
		exit(99);
	}
	return c;
}

static void conn_free(struct conn *c)
{
	td_tls_free(c->s);
	td_facts_free(c->f);
}

/* Feed bytes as one packet, from an exact heap copy. */
static void feed(struct conn *c, enum td_dir dir, const uint8_t *data, size_t len, uint64_t frame)
{
	uint8_t *copy = dup_exact(data, len);
	td_tls_feed(c->s, c->f, dir, copy, len, frame, (double)frame);
	free(copy);
}

/* Feed in packets of at most `piece` bytes; every packet carries frame 1 so
 * the facts do not depend on the split. */
static void feed_pieces(struct conn *c, enum td_dir dir, const uint8_t *data, size_t len, size_t piece)
{
	for (size_t o = 0; o < len; o += piece)
		feed(c, dir, data + o, len - o < piece ? len - o : piece, 1);
}

static void feed_wire(struct conn *c, enum td_dir dir, const struct wire *w)
{
	feed(c, dir, w->buf, w->len, 1);
}

static bool client_hello_same(const struct td_facts *a, const struct td_facts *b)
{
	const struct td_client_hello *x = &a->tls->ch, *y = &b->tls->ch;
	return x->seen == y->seen && x->record_version == y->record_version && x->version == y->version &&
	       u16s_equal(x->suites, x->n_suites, y->suites, y->n_suites) &&
	       u16s_equal(x->exts, x->n_exts, y->exts, y->n_exts) && strcmp(x->sni, y->sni) == 0 &&
	       strcmp(x->alpn, y->alpn) == 0 && strcmp(x->ja3_hash, y->ja3_hash) == 0 &&
	       strcmp(x->ja4, y->ja4) == 0 && a->tls->dir[0].records == b->tls->dir[0].records &&
	       a->tls->dir[0].parse_error == b->tls->dir[0].parse_error && a->caps_hit == b->caps_hit;
}

static void test_stream_client_hello_segmentation(void)
{
	struct wire w = { .len = 0 };
	wire_client_hello(&w);

	struct conn whole = conn_new(false, 0);
	feed_wire(&whole, TD_DIR_C2S, &w);
	const struct td_tls_facts *t = whole.f->tls;
	ok(t->ch.seen && t->ch.n_suites == 4 && strcmp(t->ch.sni, "enabled.tls13.com") == 0 &&
		   strcmp(t->ch.ja3_hash, "eeadfd2f446a45ded96f804720a0c75b") == 0,
	   "stream: ClientHello record in one piece: parsed, SNI and JA3 as tshark");
	ok(t->tls_seen && t->dir[0].records == 1 && !t->dir[0].parse_error,
	   "stream: one record, no parse error");
	is_int(t->ch.record_version, 0x0301, "stream: ClientHello record version 0x0301");

	struct conn bytes = conn_new(false, 0);
	feed_pieces(&bytes, TD_DIR_C2S, w.buf, w.len, 1);
	ok(client_hello_same(whole.f, bytes.f), "stream: ClientHello fed one byte at a time: same facts");
	conn_free(&bytes);

	size_t bad = 0;
	for (size_t k = 1; k < w.len; k++) {
		struct conn two = conn_new(false, 0);
		feed(&two, TD_DIR_C2S, w.buf, k, 1);
		feed(&two, TD_DIR_C2S, w.buf + k, w.len - k, 1);
		if (!client_hello_same(whole.f, two.f) && bad++ < 5)
			diag("  split at %zu differs", k);
		conn_free(&two);
	}
	ok(bad == 0, "stream: ClientHello split in two at each of the %zu offsets: same facts", w.len - 1);
	conn_free(&whole);
}

static void test_stream_two_messages_one_record(void)
{
	static const uint8_t done[] = { 0x0e, 0x00, 0x00, 0x00 };
	uint8_t body[sizeof(sh12_msg) + sizeof(cert12_msg) + sizeof(done)];
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);

	memcpy(body, sh12_msg, sizeof(sh12_msg));
	memcpy(body + sizeof(sh12_msg), cert12_msg, sizeof(cert12_msg));
	memcpy(body + sizeof(sh12_msg) + sizeof(cert12_msg), done, sizeof(done));
	wire_record(&w, 0x16, 0x0303, body, sizeof(body));
	feed_wire(&c, TD_DIR_S2C, &w);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->sh.seen && t->sh.suite == 0xc02f,
	   "stream: ServerHello, Certificate, ServerHelloDone in one record: ServerHello");
	ok(t->server_certs.count == 2, "stream: ... the Certificate's 2 certificates");
	ok(t->server_hello_done, "stream: ... and the ServerHelloDone");
	ok(t->dir[1].records == 1 && !t->dir[1].parse_error, "stream: ... from one record, no parse error");
	conn_free(&c);
}

/* The Certificate message cut into two records at every offset. */
static void test_stream_message_across_records(void)
{
	size_t bad = 0;
	for (size_t k = 1; k < sizeof(cert12_msg); k++) {
		struct wire w = { .len = 0 };
		struct conn c = conn_new(false, 0);
		wire_record(&w, 0x16, 0x0303, cert12_msg, k);
		wire_record(&w, 0x16, 0x0303, cert12_msg + k, sizeof(cert12_msg) - k);
		feed_wire(&c, TD_DIR_S2C, &w);
		const struct td_tls_facts *t = c.f->tls;
		if (!(t->server_certs.count == 2 && t->server_certs.kept == 2 &&
		      t->server_certs.certs[1].len == 885 && t->dir[1].records == 2 && !t->dir[1].parse_error) &&
		    bad++ < 5)
			diag("  record boundary at %zu: count %u, records %u", k, t->server_certs.count,
			     t->dir[1].records);
		conn_free(&c);
	}
	ok(bad == 0, "stream: Certificate split over two records at each of %zu offsets: 2 certificates",
	   sizeof(cert12_msg) - 1);
}

static void test_stream_record_too_long(void)
{
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);
	wire_header(&w, 0x16, 0x0303, TD_TLS_RECORD_MAX + 1); /* 2^14 + 2049 */
	wire_put(&w, sh12_msg, sizeof(sh12_msg));
	feed_wire(&c, TD_DIR_S2C, &w);
	ok(c.f->tls->dir[1].parse_error, "stream: record length 2^14+2049: parse error");
	ok(td_tls_dir_done(c.s, c.f, TD_DIR_S2C), "stream: record length 2^14+2049: direction stopped");
	ok(!c.f->tls->sh.seen, "stream: record length 2^14+2049: its body is not read");
	feed_wire(&c, TD_DIR_S2C, &w);
	ok(!c.f->tls->sh.seen, "stream: bytes after the stop are ignored");
	conn_free(&c);
}

/* The largest record allowed, skipped by its header, and the record after it. */
static void test_stream_record_max_length(void)
{
	static const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00 };
	size_t len = REC_HDR + TD_TLS_RECORD_MAX + sizeof(alert);
	uint8_t *buf = calloc(1, len);
	struct conn c = conn_new(false, 0);
	if (!buf)
		exit(99);
	buf[0] = 0x17;
	buf[1] = 0x03;
	buf[2] = 0x03;
	buf[3] = TD_TLS_RECORD_MAX >> 8;
	buf[4] = TD_TLS_RECORD_MAX & 0xff;
	memcpy(buf + REC_HDR + TD_TLS_RECORD_MAX, alert, sizeof(alert));
	feed_pieces(&c, TD_DIR_S2C, buf, len, 1000);
	const struct td_tls_facts *t = c.f->tls;
	ok(!t->dir[1].parse_error && t->dir[1].records == 2,
	   "stream: a record of exactly 2^14+2048 is accepted");
	ok(t->dir[1].app_records == 1 && t->dir[1].app_bytes == TD_TLS_RECORD_MAX,
	   "stream: ... counted as application data of that length");
	ok(t->dir[1].alert.seen && t->dir[1].alert.level == 1 && t->dir[1].alert.description == 0,
	   "stream: ... and the alert after it is read (close_notify)");
	free(buf);
	conn_free(&c);
}

static void test_stream_record_length_zero(void)
{
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);
	wire_header(&w, 0x16, 0x0301, 0);
	wire_client_hello(&w);
	feed_wire(&c, TD_DIR_C2S, &w);
	ok(c.f->tls->dir[0].records == 2, "stream: an empty handshake record counts as a record");
	ok(c.f->tls->ch.seen && c.f->tls->ch.n_suites == 4, "stream: the ClientHello after it is read");
	conn_free(&c);
}

static void test_stream_handshake_length_cap(void)
{
	static const uint8_t huge[] = { 0x0b, 0xff, 0xff, 0xff, 0x30, 0x82 };
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);
	wire_record(&w, 0x16, 0x0303, huge, sizeof(huge));
	wire_record(&w, 0x16, 0x0303, cert12_msg, sizeof(cert12_msg)); /* more of the huge one */
	feed_wire(&c, TD_DIR_S2C, &w);
	ok(c.f->caps_hit & (1u << TD_CAP_HS_MSG), "stream: handshake length 2^24-1: message-size cap bit set");
	ok(!c.f->tls->server_certs.seen, "stream: handshake length 2^24-1: nothing parsed from its bytes");
	ok(!c.f->tls->dir[1].parse_error && !td_tls_dir_done(c.s, c.f, TD_DIR_S2C),
	   "stream: handshake length 2^24-1: not a parse error, direction still read");
	conn_free(&c);
}

/* hs_max below a record: an over-cap message inside one record must be
 * stepped over, and the messages after it in that record still read. */
static void test_stream_small_hs_max(void)
{
	static const uint8_t done[] = { 0x0e, 0x00, 0x00, 0x00 };
	uint8_t body[sizeof(sh12_msg) + sizeof(cert12_msg) + sizeof(done)];
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 1024);

	/* The Certificate spread over two records: skipped across them. */
	wire_record(&w, 0x16, 0x0303, cert12_msg, 500);
	memcpy(body, cert12_msg + 500, sizeof(cert12_msg) - 500);
	memcpy(body + sizeof(cert12_msg) - 500, done, sizeof(done));
	wire_record(&w, 0x16, 0x0303, body, sizeof(cert12_msg) - 500 + sizeof(done));
	feed_wire(&c, TD_DIR_S2C, &w);
	ok(c.f->caps_hit & (1u << TD_CAP_HS_MSG), "stream, hs_max 1024: a 1509-byte Certificate hits the cap");
	ok(!c.f->tls->server_certs.seen && c.f->tls->server_hello_done,
	   "stream, hs_max 1024: Certificate over two records skipped, ServerHelloDone after it read");
	conn_free(&c);

	/* All three messages in one record. */
	c = conn_new(false, 1024);
	w.len = 0;
	memcpy(body, sh12_msg, sizeof(sh12_msg));
	memcpy(body + sizeof(sh12_msg), cert12_msg, sizeof(cert12_msg));
	memcpy(body + sizeof(sh12_msg) + sizeof(cert12_msg), done, sizeof(done));
	wire_record(&w, 0x16, 0x0303, body, sizeof(body));
	feed_wire(&c, TD_DIR_S2C, &w);
	ok(c.f->tls->sh.seen && (c.f->caps_hit & (1u << TD_CAP_HS_MSG)),
	   "stream, hs_max 1024, one record: ServerHello read, Certificate hits the cap");
	ok(c.f->tls->server_hello_done,
	   "stream, hs_max 1024, one record: the ServerHelloDone after the skipped Certificate is read");
	conn_free(&c);
}

static const char http_400[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

/* Non-TLS bytes on S2C fed in pieces of `piece`: flagged, with their first line. */
static void check_non_tls(size_t piece)
{
	struct conn c = conn_new(false, 0);
	feed_pieces(&c, TD_DIR_S2C, (const uint8_t *)http_400, sizeof(http_400) - 1, piece);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->non_tls[1] && !t->non_tls[0] && td_tls_dir_done(c.s, c.f, TD_DIR_S2C) && !t->tls_seen,
	   "stream: HTTP answer on S2C in pieces of %zu: non-TLS, direction stopped", piece);
	is_str(t->non_tls_line[1], "HTTP/1.1 400 Bad Request",
	       "stream: HTTP answer on S2C in pieces of %zu: its first line", piece);
	conn_free(&c);
}

static void test_stream_non_tls(void)
{
	static const size_t small_pieces[] = { 1, 2, 3, 10 };
	check_non_tls(sizeof(http_400) - 1);
	for (size_t i = 0; i < TD_ARRAY_LEN(small_pieces); i++)
		check_non_tls(small_pieces[i]);
}

static void test_stream_alert(void)
{
	static const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
	struct conn c = conn_new(false, 0);
	feed(&c, TD_DIR_S2C, alert, sizeof(alert), 3);
	const struct td_alert *a = &c.f->tls->dir[1].alert;
	ok(a->seen && a->frame == 3, "stream: alert record: seen in its frame");
	ok(a->level == 2 && a->description == 40 && !a->encrypted,
	   "stream: alert record: fatal handshake_failure (2, 40), readable");
	ok(a->before_server_hello && c.f->tls->dir[1].alerts == 1,
	   "stream: alert record: one alert, before any ServerHello");
	ok(!c.f->tls->dir[0].alert.seen, "stream: alert record: none from the client");
	conn_free(&c);
}

static void test_stream_ccs_then_encrypted_handshake(void)
{
	static const uint8_t ccs[] = { 0x01 };
	uint8_t finished[40];
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);

	memset(finished, 0x5a, sizeof(finished));
	wire_record(&w, 0x14, 0x0303, ccs, sizeof(ccs));
	wire_record(&w, 0x16, 0x0303, finished, sizeof(finished));
	feed_wire(&c, TD_DIR_C2S, &w);
	const struct td_tls_dir_facts *d = &c.f->tls->dir[0];
	ok(d->ccs_seen, "stream: ChangeCipherSpec seen");
	ok(d->finished_seen && d->encrypted_finished,
	   "stream: the encrypted handshake record after it is the Finished");
	ok(d->encrypted_hs_records == 1 && !d->parse_error,
	   "stream: one encrypted handshake record, not parsed as plaintext");

	uint8_t enc_alert[26];
	memset(enc_alert, 0x02, sizeof(enc_alert));
	w.len = 0;
	wire_record(&w, 0x15, 0x0303, enc_alert, sizeof(enc_alert));
	feed_wire(&c, TD_DIR_C2S, &w);
	ok(d->alert.seen && d->alert.encrypted && d->alert.level == 0 && d->alerts == 1,
	   "stream: an alert after ChangeCipherSpec is encrypted: no level or description read");
	conn_free(&c);
}

/* The ServerHello of the corpus with its suite replaced by a NULL one. */
static void null_server_hello(uint8_t *msg, uint16_t suite)
{
	memcpy(msg, sh12_msg, sizeof(sh12_msg));
	msg[HS_HDR + SH12_EXT_OFF - 3] = (uint8_t)(suite >> 8);
	msg[HS_HDR + SH12_EXT_OFF - 2] = (uint8_t)suite;
}

/* A NULL-cipher record: plaintext followed by a MAC of mac bytes. */
static void wire_null_record(struct wire *w, uint8_t type, const uint8_t *plain, size_t len, size_t mac)
{
	uint8_t zeros[48] = { 0 };
	wire_header(w, type, 0x0303, len + mac);
	wire_put(w, plain, len);
	wire_put(w, zeros, mac);
}

/* TLS_RSA_WITH_NULL_SHA256: after the CCS the Finished and the HTTP request
 * are readable, each followed by a 32-byte MAC. */
static void test_stream_null_cipher_http(void)
{
	static const uint8_t ccs[] = { 0x01 };
	static const char req1[] = "POST /IPHTTPS HTTP/1.1\r\nHost: da.contoso.test\r\n";
	static const char req2[] = "Content-Length: 18446744073709551615\r\n\r\n";
	uint8_t sh[sizeof(sh12_msg)], finished[HS_HDR + 12] = { 0x14, 0x00, 0x00, 0x0c };
	struct wire c2s = { .len = 0 }, s2c = { .len = 0 };
	struct conn c = conn_new(false, 0);

	null_server_hello(sh, 0x003b);
	wire_record(&s2c, 0x16, 0x0303, sh, sizeof(sh));
	feed_wire(&c, TD_DIR_S2C, &s2c);
	ok(c.f->tls->sh.suite == 0x003b && c.f->tls->sh.null_cipher,
	   "NULL cipher: ServerHello picks TLS_RSA_WITH_NULL_SHA256");

	wire_record(&c2s, 0x14, 0x0303, ccs, sizeof(ccs));
	wire_null_record(&c2s, 0x16, finished, sizeof(finished), 32);
	wire_null_record(&c2s, 0x17, (const uint8_t *)req1, sizeof(req1) - 1, 32);
	wire_null_record(&c2s, 0x17, (const uint8_t *)req2, sizeof(req2) - 1, 32);
	feed_wire(&c, TD_DIR_C2S, &c2s);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->dir[0].finished_seen && !t->dir[0].encrypted_finished && !t->dir[0].parse_error,
	   "NULL cipher: the client's Finished is read as plaintext (MAC stripped)");
	ok(t->null_plaintext, "NULL cipher: records read as plaintext");
	ok(t->http_req.seen, "NULL cipher: HTTP request over two records read");
	is_str(t->http_req.method, "POST", "NULL cipher: method");
	is_str(t->http_req.uri, "/IPHTTPS", "NULL cipher: URI");
	is_str(t->http_req.host, "da.contoso.test", "NULL cipher: Host, MAC bytes not part of it");
	is_str(t->http_req.content_length, "18446744073709551615", "NULL cipher: Content-Length kept as text");
	is_int(t->dir[0].app_records, 2, "NULL cipher: two application records");
	conn_free(&c);
}

/* A direction is done once its Finished and enough application records are seen. */
static void test_stream_dir_done_after_app_data(void)
{
	static const uint8_t ccs[] = { 0x01 };
	uint8_t enc[32];
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);
	size_t records = 0;

	memset(enc, 0x77, sizeof(enc));
	wire_record(&w, 0x14, 0x0303, ccs, sizeof(ccs));
	wire_record(&w, 0x16, 0x0303, enc, sizeof(enc));
	feed_wire(&c, TD_DIR_C2S, &w);
	ok(!td_tls_dir_done(c.s, c.f, TD_DIR_C2S), "dir_done: not after the Finished alone");
	while (!td_tls_dir_done(c.s, c.f, TD_DIR_C2S) && records < 100) {
		w.len = 0;
		wire_record(&w, 0x17, 0x0303, enc, sizeof(enc));
		feed_wire(&c, TD_DIR_C2S, &w);
		records++;
	}
	ok(records > 0 && records < 100 && c.f->tls->dir[0].app_records == records,
	   "dir_done: after %zu application records", records);
	ok(!td_tls_dir_done(c.s, c.f, TD_DIR_S2C), "dir_done: the silent direction is not done");
	conn_free(&c);
}

/* TLS 1.3: after the ServerHello the server's flight is application_data records. */
static void test_stream_tls13_encrypted_flight(void)
{
	static const uint8_t ccs[] = { 0x01 };
	uint8_t enc[64];
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);

	memset(enc, 0xc3, sizeof(enc));
	wire_record(&w, 0x16, 0x0303, sh13_msg, sizeof(sh13_msg));
	wire_record(&w, 0x14, 0x0303, ccs, sizeof(ccs));
	wire_record(&w, 0x17, 0x0303, enc, sizeof(enc));
	wire_record(&w, 0x17, 0x0303, enc, sizeof(enc));
	feed_wire(&c, TD_DIR_S2C, &w);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->sh.seen && t->sh.selected_version == 0x0304, "stream 1.3: ServerHello selects TLS 1.3");
	ok(t->dir[1].ccs_seen && t->dir[1].finished_seen && t->dir[1].encrypted_finished,
	   "stream 1.3: the first encrypted record carries the server's Finished");
	ok(t->dir[1].encrypted_hs_records == 2 && t->dir[1].app_records == 0,
	   "stream 1.3: before the client's Finished, the server's records are its encrypted flight");
	conn_free(&c);
}

static void test_stream_sslv2_hello(void)
{
	struct conn c = conn_new(false, 0);
	feed_pieces(&c, TD_DIR_C2S, sslv2_record, sizeof(sslv2_record), 1);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->ch.seen && t->ch.sslv2 && t->ch.n_suites == 23 && !t->dir[0].parse_error,
	   "stream: SSLv2 ClientHello record, byte by byte: parsed, 23 suites");
	conn_free(&c);
}

/* Run fn in a child process that must exit within `seconds`. */
static bool finishes_in_time(void (*fn)(void), unsigned seconds)
{
	int status;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		alarm(seconds);
		fn();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* An SSLv2-format record header with length 0 ("\x80\x00") and a type byte. */
static void feed_sslv2_zero_length(void)
{
	static const uint8_t zero[] = { 0x80, 0x00, 0x01, 0x03, 0x01 };
	struct conn c = conn_new(false, 0);
	feed(&c, TD_DIR_C2S, zero, sizeof(zero), 1);
	conn_free(&c);
}

static void test_stream_sslv2_zero_length(void)
{
	ok(finishes_in_time(feed_sslv2_zero_length, 2),
	   "stream: SSLv2 record header with length 0 does not hang");
}

static void test_stream_byte_flips(void)
{
	static const uint8_t done[] = { 0x0e, 0x00, 0x00, 0x00 };
	struct wire flight = { .len = 0 }, hello = { .len = 0 };
	size_t runs = 0;

	wire_header(&flight, 0x16, 0x0303, sizeof(sh12_msg) + sizeof(cert12_msg) + sizeof(done));
	wire_put(&flight, sh12_msg, sizeof(sh12_msg));
	wire_put(&flight, cert12_msg, sizeof(cert12_msg));
	wire_put(&flight, done, sizeof(done));
	wire_client_hello(&hello);
	const struct { const struct wire *w; enum td_dir dir; } runs_of[] = {
		{ &hello, TD_DIR_C2S }, { &flight, TD_DIR_S2C },
	};
	for (size_t r = 0; r < TD_ARRAY_LEN(runs_of); r++) {
		struct wire m = *runs_of[r].w;
		for (size_t i = 0; i < m.len; i++) {
			for (int v = 0; v <= 0xff; v += 0xff) {
				struct conn c = conn_new(false, 0);
				m.buf[i] = (uint8_t)v;
				feed(&c, runs_of[r].dir, m.buf, m.len, 1);
				conn_free(&c);
				runs++;
			}
			m.buf[i] = runs_of[r].w->buf[i];
		}
	}
	ok(runs == 2 * (hello.len + flight.len),
	   "stream: %zu single-byte mutations of the ClientHello record and the server flight fed without crashing",
	   runs);
}

/* --- The CONNECT on a proxy port ----------------------------------------- */

/* CONNECT + ClientHello in one packet; the proxy's answer, then what
 * follows it in the same packet. */
static struct conn proxy_exchange(const char *answer, const uint8_t *after, size_t after_len)
{
	struct wire c2s = { .len = 0 }, s2c = { .len = 0 };
	struct conn c = conn_new(true, 0);
	wire_str(&c2s, "CONNECT da.contoso.test:443 HTTP/1.1\r\nHost: da.contoso.test:443\r\n\r\n");
	wire_client_hello(&c2s);
	feed_wire(&c, TD_DIR_C2S, &c2s);
	wire_str(&s2c, answer);
	wire_put(&s2c, after, after_len);
	feed_wire(&c, TD_DIR_S2C, &s2c);
	return c;
}

static void test_proxy_connect_established(void)
{
	struct wire sh = { .len = 0 };
	wire_record(&sh, 0x16, 0x0303, sh12_msg, sizeof(sh12_msg));
	struct conn c = proxy_exchange("HTTP/1.1 200 Connection established\r\n\r\n", sh.buf, sh.len);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->proxy_req.seen, "proxy: CONNECT request seen");
	is_str(t->proxy_req.method, "CONNECT", "proxy: method");
	is_str(t->proxy_req.uri, "da.contoso.test:443", "proxy: request target");
	is_str(t->proxy_req.host, "da.contoso.test:443", "proxy: Host header");
	ok(t->proxy_resp.seen && t->proxy_resp.status == 200, "proxy: answer 200");
	ok(t->tunnel_open, "proxy: tunnel open");
	ok(t->ch.seen && strcmp(t->ch.sni, "enabled.tls13.com") == 0,
	   "proxy: the ClientHello in the same packet as the CONNECT is read");
	ok(t->sh.seen && t->sh.suite == 0xc02f, "proxy: the ServerHello in the same packet as the 200 is read");
	ok(!t->non_tls[0] && !t->non_tls[1], "proxy: neither side flagged as non-TLS");
	conn_free(&c);
}

static void test_proxy_connect_denied(void)
{
	static const char body[] = "Access denied";
	struct conn c = proxy_exchange("HTTP/1.1 403 Forbidden\r\nServer: squid\r\nContent-Length: 13\r\n\r\n",
				       (const uint8_t *)body, sizeof(body) - 1);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->proxy_req.seen && strcmp(t->proxy_req.method, "CONNECT") == 0, "proxy denied: CONNECT seen");
	ok(t->proxy_resp.seen && t->proxy_resp.status == 403, "proxy denied: answer 403");
	is_str(t->proxy_resp.server, "squid", "proxy denied: Server header");
	ok(!t->tunnel_open, "proxy denied: tunnel not open");
	ok(!t->non_tls[1] && !t->sh.seen && !t->dir[1].parse_error,
	   "proxy denied: the answer's body is not taken for TLS or non-TLS bytes");
	conn_free(&c);
}

/* tinyproxy's refusal has no Content-Length: its page runs to the close
 * (RFC 9112 6.3), in many small segments here. */
static void test_proxy_connect_denied_no_length(void)
{
	struct conn c = proxy_exchange("HTTP/1.1 403 Access violation\r\nServer: tinyproxy/1.11.1\r\n"
				       "Content-Type: text/html\r\nConnection: close\r\n\r\n", (const uint8_t *)"", 0);
	static const char *const page[] = { "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n",
					    "<!DOCTYPE html>\n", "\n", "<html><body>403</body></html>\n" };
	for (size_t i = 0; i < TD_ARRAY_LEN(page); i++)
		td_tls_feed(c.s, c.f, TD_DIR_S2C, (const uint8_t *)page[i], strlen(page[i]), 7 + i, 7.0 + (double)i);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->proxy_resp.status == 403 && !t->tunnel_open, "proxy denied, no Content-Length: answer 403 read");
	ok(!t->non_tls[1] && t->non_tls_line[1][0] == '\0' && !t->dir[1].parse_error,
	   "proxy denied, no Content-Length: the page up to the close is not taken for a server's bytes");
	conn_free(&c);
}

/* NTLM/Negotiate proxies answer 407 and the client retries on the same
 * connection with credentials. */
static void test_proxy_auth_retry(void)
{
	struct wire w = { .len = 0 };
	struct conn c = conn_new(true, 0);
	wire_str(&w, "CONNECT da.contoso.test:443 HTTP/1.1\r\nHost: da.contoso.test:443\r\n\r\n");
	feed_wire(&c, TD_DIR_C2S, &w);
	w.len = 0;
	wire_str(&w, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\n"
		     "Content-Length: 0\r\n\r\n");
	feed_wire(&c, TD_DIR_S2C, &w);
	ok(c.f->tls->proxy_resp.status == 407 && !c.f->tls->tunnel_open, "proxy 407: answer read, tunnel not open");

	w.len = 0;
	wire_str(&w, "CONNECT da.contoso.test:443 HTTP/1.1\r\nHost: da.contoso.test:443\r\n"
		     "Proxy-Authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==\r\n\r\n");
	feed_wire(&c, TD_DIR_C2S, &w);
	w.len = 0;
	wire_str(&w, "HTTP/1.1 200 Connection established\r\n\r\n");
	feed_wire(&c, TD_DIR_S2C, &w);
	w.len = 0;
	wire_client_hello(&w);
	feed_wire(&c, TD_DIR_C2S, &w);
	w.len = 0;
	wire_record(&w, 0x16, 0x0303, sh12_msg, sizeof(sh12_msg));
	feed_wire(&c, TD_DIR_S2C, &w);

	const struct td_tls_facts *t = c.f->tls;
	ok(!t->non_tls[0], "proxy 407 then retry: the second CONNECT is not flagged as non-TLS");
	ok(t->proxy_resp.status == 200 && t->tunnel_open, "proxy 407 then retry: the 200 opens the tunnel");
	ok(t->ch.seen && t->sh.seen, "proxy 407 then retry: ClientHello and ServerHello read");
	conn_free(&c);
}

/* Proxies also forward plain http:// requests on the same port: a 200 to a
 * GET opens no tunnel, and its body is HTTP, not TLS. */
static void test_proxy_plain_get(void)
{
	struct wire w = { .len = 0 };
	struct conn c = conn_new(true, 0);
	wire_str(&w, "GET http://www.example.test/ HTTP/1.1\r\nHost: www.example.test\r\n\r\n");
	feed_wire(&c, TD_DIR_C2S, &w);
	w.len = 0;
	wire_str(&w, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	feed_wire(&c, TD_DIR_S2C, &w);
	const struct td_tls_facts *t = c.f->tls;
	ok(t->proxy_req.seen && strcmp(t->proxy_req.method, "GET") == 0 && t->proxy_resp.status == 200,
	   "proxy plain GET: request and 200 answer read");
	ok(!t->tunnel_open, "proxy plain GET: no tunnel (the request was not a CONNECT)");
	ok(!t->non_tls[1], "proxy plain GET: the answer's body is not taken for non-TLS bytes");
	conn_free(&c);
}

/* The CONNECT and its 200 in pieces of 1 .. 17 bytes read as they do whole:
 * a direction is not decided on "CON" or "HTT", which more bytes may still
 * make a proxy head (regress/fuzz_tls/proxy-head-split-detect). */
static void test_proxy_connect_split(void)
{
	static const char connect[] = "CONNECT da.contoso.test:443 HTTP/1.1\r\nHost: da.contoso.test:443\r\n\r\n";
	static const char answer[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	struct wire sh = { .len = 0 }, ch = { .len = 0 };
	wire_record(&sh, 0x16, 0x0303, sh12_msg, sizeof(sh12_msg));
	wire_client_hello(&ch);
	for (size_t piece = 1; piece <= 17; piece++) {
		struct conn c = conn_new(true, 0);
		feed_pieces(&c, TD_DIR_C2S, (const uint8_t *)connect, sizeof(connect) - 1, piece);
		feed_pieces(&c, TD_DIR_S2C, (const uint8_t *)answer, sizeof(answer) - 1, piece);
		feed_pieces(&c, TD_DIR_C2S, ch.buf, ch.len, piece);
		feed_pieces(&c, TD_DIR_S2C, sh.buf, sh.len, piece);
		const struct td_tls_facts *t = c.f->tls;
		ok(!t->non_tls[0] && !t->non_tls[1] && t->proxy_req.seen &&
		   strcmp(t->proxy_req.method, "CONNECT") == 0 && t->proxy_resp.status == 200 && t->tunnel_open &&
		   t->ch.seen && t->sh.seen,
		   "proxy head in pieces of %zu: CONNECT, 200, tunnel, ClientHello, ServerHello", piece);
		conn_free(&c);
	}
	/* Still decided as soon as the bytes can no longer start a head. */
	struct conn c = conn_new(true, 0);
	feed(&c, TD_DIR_C2S, (const uint8_t *)"CONNEX", 6, 1);
	ok(c.f->tls && c.f->tls->non_tls[0], "proxy port: \"CONNEX\" is not a method: non-TLS at once");
	feed(&c, TD_DIR_S2C, (const uint8_t *)"HTTP", 4, 2);
	ok(!c.f->tls->non_tls[1], "proxy port: \"HTTP\" from the proxy: undecided, not non-TLS");
	feed(&c, TD_DIR_S2C, (const uint8_t *)"S", 1, 3);
	ok(c.f->tls->non_tls[1], "proxy port: \"HTTPS\" is no status line: non-TLS");
	conn_free(&c);
}

/* TLS 1.3: a client record short enough to be an alert, before its
 * Finished, is one (an encrypted bad_certificate), known by its header
 * alone: there is no body to read (regress/fuzz_tls/tls13-short-client-record-null-body). */
static void test_stream_tls13_short_client_record(void)
{
	static const uint8_t hdr[] = { 0x17, 0x03, 0x03, 0x00, 0x13 };
	uint8_t tag[0x13];
	struct wire w = { .len = 0 };
	struct conn c = conn_new(false, 0);
	memset(tag, 0x5a, sizeof(tag));
	wire_record(&w, 0x16, 0x0303, sh13_msg, sizeof(sh13_msg));
	feed_wire(&c, TD_DIR_S2C, &w);
	feed(&c, TD_DIR_C2S, hdr, sizeof(hdr), 4);
	const struct td_tls_dir_facts *d = &c.f->tls->dir[0];
	ok(d->alerts == 1 && d->alert.seen && d->alert.encrypted && d->alert.frame == 4,
	   "stream 1.3: a 19-byte client record by its header alone: an encrypted alert");
	feed(&c, TD_DIR_C2S, tag, sizeof(tag), 5);
	ok(d->alerts == 1 && d->app_records == 0 && !d->parse_error,
	   "stream 1.3: its body is skipped, nothing more counted");
	conn_free(&c);
}

/* --- NULL cipher MAC sizes ----------------------------------------------- */

static void test_null_mac_len(void)
{
	static const struct { uint16_t suite; size_t mac; const char *name; } cases[] = {
		{ 0x0002, 20, "TLS_RSA_WITH_NULL_SHA" },
		{ 0x003b, 32, "TLS_RSA_WITH_NULL_SHA256" },
		{ 0x0001, 16, "TLS_RSA_WITH_NULL_MD5" },
		{ 0x00b1, 48, "TLS_PSK_WITH_NULL_SHA384" },
		{ 0xc010, 20, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
		{ 0x002f, 0, "TLS_RSA_WITH_AES_128_CBC_SHA (not NULL)" },
		{ 0x0000, 0, "TLS_NULL_WITH_NULL_NULL (no MAC)" },
		{ 0xfefe, 0, "an unassigned value" },
	};
	for (size_t i = 0; i < TD_ARRAY_LEN(cases); i++)
		is_int(td_tls_null_mac_len(cases[i].suite), cases[i].mac, "null MAC length of 0x%04x %s: %zu",
		       cases[i].suite, cases[i].name, cases[i].mac);
}

int main(void)
{
	test_client_hello_tls13_fields();
	test_client_hello_wrong_direction();
	test_server_hello_tls12_fields();
	test_server_hello_tls13_fields();
	test_hello_retry_request_fields();
	test_certificate_tls12_fields();
	test_certificate_client_empty();
	test_certificate_tls13_form();
	test_certificate_cap();
	test_cert_request_tls12_fields();
	test_cert_request_ssl3_fields();
	test_cert_request_many_names();
	test_cert_request_tls13_unsupported();
	test_sslv2_hello_fields();
	test_server_key_exchange();
	test_small_messages();

	for (size_t i = 0; i < TD_ARRAY_LEN(msg_cases); i++)
		test_truncation_sweep(&msg_cases[i]);
	for (size_t i = 0; i < TD_ARRAY_LEN(msg_cases); i++)
		test_byte_flip_sweep(&msg_cases[i]);
	test_client_hello_mutations_bounded();

	test_stream_client_hello_segmentation();
	test_stream_two_messages_one_record();
	test_stream_message_across_records();
	test_stream_record_too_long();
	test_stream_record_max_length();
	test_stream_record_length_zero();
	test_stream_handshake_length_cap();
	test_stream_small_hs_max();
	test_stream_non_tls();
	test_stream_alert();
	test_stream_ccs_then_encrypted_handshake();
	test_stream_tls13_encrypted_flight();
	test_stream_sslv2_hello();
	test_stream_sslv2_zero_length();
	test_stream_null_cipher_http();
	test_stream_dir_done_after_app_data();
	test_stream_byte_flips();

	test_proxy_connect_established();
	test_proxy_connect_denied();
	test_proxy_connect_denied_no_length();
	test_proxy_auth_retry();
	test_proxy_plain_get();
	test_proxy_connect_split();
	test_stream_tls13_short_client_record();

	test_null_mac_len();
	return done_testing();
}
