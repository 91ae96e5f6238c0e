/* Probe parsers, the per-protocol conversation, the JSON shape, and the engine on loopback.
 * Bytes marked "captured" came from real servers (tests/probe/fixtures, tests/probe/run.sh);
 * the others are built field by field from the protocol specifications cited beside them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "xsweep/clock.h"
#include "xsweep/probe.h"
#include "xsweep/targets.h"
#include "../../src/probe/probe_internal.h" /* the NTLMSSP AUTHENTICATE builder */

#define P(fn, lit, fin, info) fn((const unsigned char *)(lit), sizeof(lit) - 1, (fin), (info))

/* captured: mariadb-server 10.11 (Debian 12) greeting */
static const unsigned char mariadb_greeting[] = {
    0x64, 0x00, 0x00, 0x00, 0x0a, 0x35, 0x2e, 0x35, 0x2e, 0x35, 0x2d, 0x31, 0x30, 0x2e, 0x31,
    0x31, 0x2e, 0x31, 0x39, 0x2d, 0x4d, 0x61, 0x72, 0x69, 0x61, 0x44, 0x42, 0x2d, 0x30, 0x2b,
    0x64, 0x65, 0x62, 0x31, 0x32, 0x75, 0x31, 0x00, 0x03, 0x00, 0x00, 0x00, 0x2f, 0x30, 0x42,
    0x3d, 0x4c, 0x44, 0x4f, 0x43, 0x00, 0xfe, 0xf7, 0x08, 0x02, 0x00, 0xff, 0x81, 0x15, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x3f, 0x54, 0x67, 0x2a, 0x37, 0x78,
    0x75, 0x64, 0x74, 0x3c, 0x6a, 0x23, 0x00, 0x6d, 0x79, 0x73, 0x71, 0x6c, 0x5f, 0x6e, 0x61,
    0x74, 0x69, 0x76, 0x65, 0x5f, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x00,
};

/* captured: redis-server 7.0.15 reply to "INFO server" */
static const char redis_info[] = "$574\r\n"
                                 "# Server\r\n"
                                 "redis_version:7.0.15\r\n"
                                 "redis_git_sha1:00000000\r\n"
                                 "redis_git_dirty:0\r\n"
                                 "redis_build_id:ae4d7c971a948f0\r\n"
                                 "redis_mode:standalone\r\n"
                                 "os:Linux 6.18.44-fc-v769 x86_64\r\n"
                                 "arch_bits:64\r\n"
                                 "monotonic_clock:POSIX clock_gettime\r\n"
                                 "multiplexing_api:epoll\r\n"
                                 "atomicvar_api:c11-builtin\r\n"
                                 "gcc_version:12.2.0\r\n"
                                 "process_id:26557\r\n"
                                 "process_supervised:no\r\n"
                                 "run_id:481be9ed00373de262a2e92a6695228919643ad9\r\n"
                                 "tcp_port:38697\r\n"
                                 "server_time_usec:1795428145902449\r\n"
                                 "uptime_in_seconds:6\r\n"
                                 "uptime_in_days:0\r\n"
                                 "hz:10\r\n"
                                 "configured_hz:10\r\n"
                                 "lru_clock:266033\r\n"
                                 "executable:/tmp/redis-server\r\n"
                                 "config_file:\r\n"
                                 "io_threads_active:0\r\n"
                                 "\r\n";

/* ---------------------------------------------------------------- line protocols */
static void test_ssh_openssh(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    /* captured: Debian 12 openssh-server */
    assert_int_equal(
        P(xs_probe_parse_ssh, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n", false, &i),
        XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "ssh");
    assert_string_equal(i.product, "OpenSSH");
    assert_string_equal(i.version, "9.2p1");
    assert_int_equal(i.banner_len, strlen("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"));
    assert_non_null(strstr(i.detail, "comment=Debian-2+deb12u10"));
}

static void test_ssh_variants(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    assert_int_equal(P(xs_probe_parse_ssh, "SSH-2.0-dropbear_2022.83\r\n", false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "dropbear");
    assert_string_equal(i.version, "2022.83");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_ssh, "SSH-1.99-Cisco-1.25\n", false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "Cisco");
    assert_string_equal(i.version, "1.25");
    memset(&i, 0, sizeof i);
    /* lines before the identification (RFC 4253 4.2), and a split arrival */
    assert_int_equal(P(xs_probe_parse_ssh, "hello there\r\nSSH-2.0-Go\r\n", false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "Go");
    assert_string_equal(i.version, "");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_ssh, "SSH-2.0-Open", false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(P(xs_probe_parse_ssh, "SSH-2.0-Open", true, &i), XS_PROBE_PARSE_OK);
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_ssh, "\x16\x03\x01\x00", false, &i), XS_PROBE_PARSE_BAD);
    assert_string_equal(i.protocol, "");
}

static void test_ftp_smtp(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    assert_int_equal(P(xs_probe_parse_ftp, "220-Welcome\r\n", false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(P(xs_probe_parse_ftp, "220-Welcome\r\n220 (vsFTPd 3.0.3)\r\n", false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "ftp");
    assert_string_equal(i.product, "vsFTPd");
    assert_string_equal(i.version, "3.0.3");
    memset(&i, 0, sizeof i);
    assert_int_equal(
        P(xs_probe_parse_ftp, "220 ProFTPD 1.3.8 Server (Debian) [::ffff:10.0.0.1]\r\n", false, &i),
        XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "ProFTPD");
    assert_string_equal(i.version, "1.3.8");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_smtp,
                       "220 mx.example.org ESMTP Exim 4.96 Mon, 01 Jan 2024\r\n", false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "smtp");
    assert_string_equal(i.product, "Exim");
    assert_string_equal(i.version, "4.96");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_smtp, "554 go away\r\n", false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.detail, "reply=554");
    assert_int_equal(P(xs_probe_parse_smtp, "HTTP/1.1 400 Bad\r\n", false, &i), XS_PROBE_PARSE_BAD);
}

static void test_redis(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    assert_int_equal(P(xs_probe_parse_redis_ping, "+PO", false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(P(xs_probe_parse_redis_ping, "+PONG\r\n", false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_NONE);
    assert_int_equal(xs_probe_parse_redis_info((const unsigned char *)redis_info,
                                               sizeof redis_info - 1, false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.version, "7.0.15");
    assert_string_equal(i.product, "redis");
    assert_string_equal(i.detail, "mode=standalone");
    /* cut short: wants the rest */
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_redis_info((const unsigned char *)redis_info, 100, false, &i),
                     XS_PROBE_PARSE_MORE);
    memset(&i, 0, sizeof i);
    /* captured: redis-server with requirepass */
    assert_int_equal(
        P(xs_probe_parse_redis_ping, "-NOAUTH Authentication required.\r\n", false, &i),
        XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    memset(&i, 0, sizeof i);
    assert_int_equal(
        P(xs_probe_parse_redis_ping, "-DENIED Redis is running in protected mode\r\n", false, &i),
        XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    assert_string_equal(i.detail, "protected-mode");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_redis_info,
                       "$60\r\n# Server\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n\r\n",
                       true, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "valkey");
    assert_string_equal(i.version, "8.0.1");
}

static void test_memcached(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    assert_int_equal(P(xs_probe_parse_memcached, "VERS", false, &i), XS_PROBE_PARSE_MORE);
    /* captured: Debian 12 memcached */
    assert_int_equal(P(xs_probe_parse_memcached, "VERSION 1.6.18\r\n", false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.version, "1.6.18");
    assert_int_equal(i.auth, XS_PROBE_AUTH_NONE);
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_memcached, "CLIENT_ERROR unauthenticated\r\n", false, &i),
                     XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    assert_int_equal(P(xs_probe_parse_memcached, "ERROR\r\n", false, &i), XS_PROBE_PARSE_BAD);
}

/* ---------------------------------------------------------------- databases */
static void test_mysql(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_mysql(mariadb_greeting, 20, false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_mysql(mariadb_greeting, sizeof mariadb_greeting, false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "mysql");
    assert_string_equal(i.product, "MariaDB");
    assert_string_equal(i.version, "10.11.19");
    assert_int_equal(i.tls, XS_PROBE_TLS_NO);
    assert_non_null(strstr(i.detail, "auth_plugin=mysql_native_password"));
    /* ERR packet: host not allowed (1130) */
    static const unsigned char err[] = "\x45\x00\x00\x00\xff\x6a\x04Host '10.1.1.1' is not allowed "
                                       "to connect to this MySQL server";
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_mysql(err, sizeof err - 1, true, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    assert_string_equal(i.product, "MySQL");
    assert_string_equal(i.detail, "error=1130");
    assert_int_equal(P(xs_probe_parse_mysql, "SSH-2.0-x\r\n", false, &i), XS_PROBE_PARSE_BAD);
}

static void test_postgres(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    assert_int_equal(P(xs_probe_parse_postgres, "S", false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.tls, XS_PROBE_TLS_YES);
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_postgres, "N", false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.tls, XS_PROBE_TLS_NO);
    assert_string_equal(i.product, "PostgreSQL");
    memset(&i, 0, sizeof i);
    /* "SSH-2.0..." starts with S but is not a one-byte answer */
    assert_int_equal(P(xs_probe_parse_postgres, "SSH-2.0-x\r\n", false, &i), XS_PROBE_PARSE_BAD);
    assert_string_equal(i.protocol, "");
    static const unsigned char e[] = "E\x00\x00\x00\x1eSFATAL\x00Mtoo many clients\x00\x00";
    assert_int_equal(xs_probe_parse_postgres(e, sizeof e - 1, false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.banner_len, strlen("too many clients"));
}

/* OP_MSG reply {ismaster: true, maxWireVersion: 21, ok: 1.0} (MongoDB wire protocol spec). */
static const unsigned char mongo_reply[] = {
    0x50, 0,   0,    0,    1,    0,    0,   0,   0x78, 0x73, 0x70, 0x62, 0xdd, 0x07, 0,   0,
    0,    0,   0,    0,    0,    0x3b, 0,   0,   0,    0x08, 'i',  's',  'm',  'a',  's', 't',
    'e',  'r', 0,    1,    0x10, 'm',  'a', 'x', 'W',  'i',  'r',  'e',  'V',  'e',  'r', 's',
    'i',  'o', 'n',  0,    21,   0,    0,   0,   0x01, 'o',  'k',  0,    0,    0,    0,   0,
    0,    0,   0xf0, 0x3f, 0x02, 'm',  's', 'g', 0,    2,    0,    0,    0,    'x',  0,   0,
};

static void test_mongodb(void **s)
{
    (void)s;
    assert_int_equal(sizeof mongo_reply, 0x50);
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_mongodb(mongo_reply, 30, false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_mongodb(mongo_reply, sizeof mongo_reply, false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "mongodb");
    assert_string_equal(i.version, "7.0");
    assert_non_null(strstr(i.detail, "maxWireVersion=21"));
    assert_string_equal(xs_probe_mongodb_release(17), "6.0");
    assert_null(xs_probe_mongodb_release(1000));
    /* cut inside the document: still names MongoDB, without the version */
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_mongodb(mongo_reply, 40, true, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.version, "");
}

/* CQL v4 SUPPORTED {CQL_VERSION: [3.4.5], PROTOCOL_VERSIONS: [3/v3, 4/v4]} (native_protocol_v4.spec). */
static const unsigned char cql_supported[] = {
    0x84, 0,   0,   0,   0x06, 0,   0,   0,   0x39, 0,   2,   0,   11,  'C', 'Q', 'L', '_',
    'V',  'E', 'R', 'S', 'I',  'O', 'N', 0,   1,    0,   5,   '3', '.', '4', '.', '5', 0,
    17,   'P', 'R', 'O', 'T',  'O', 'C', 'O', 'L',  '_', 'V', 'E', 'R', 'S', 'I', 'O', 'N',
    'S',  0,   2,   0,   4,    '3', '/', 'v', '3',  0,   4,   '4', '/', 'v', '4',
};

static void test_cassandra(void **s)
{
    (void)s;
    assert_int_equal(sizeof cql_supported, 9 + 0x39);
    xs_probe_info i = {0};
    assert_int_equal(
        xs_probe_parse_cassandra_options(cql_supported, sizeof cql_supported, false, &i),
        XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "Cassandra");
    assert_non_null(strstr(i.detail, "cql=3.4.5"));
    assert_non_null(strstr(i.detail, "protocols=3/v3 4/v4"));
    static const unsigned char ready[] = {0x84, 0, 0, 1, 0x02, 0, 0, 0, 0};
    assert_int_equal(xs_probe_parse_cassandra_startup(ready, sizeof ready, false, &i),
                     XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_NONE);
    static const unsigned char authn[] = {
        0x84, 0,   0,   1,   0x03, 0,   0,   0,   0x31, 0,   0x2f, 'o', 'r', 'g', '.',
        'a',  'p', 'a', 'c', 'h',  'e', '.', 'c', 'a',  's', 's',  'a', 'n', 'd', 'r',
        'a',  '.', 'a', 'u', 't',  'h', '.', 'P', 'a',  's', 's',  'w', 'o', 'r', 'd',
        'A',  'u', 't', 'h', 'e',  'n', 't', 'i', 'c',  'a', 't',  'o', 'r'};
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_cassandra_startup(authn, sizeof authn, false, &i),
                     XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    assert_non_null(strstr(i.detail, "PasswordAuthenticator"));
}

/* ---------------------------------------------------------------- LDAP */
/* A rootDSE SearchResultEntry (vendorName "389 Project", vendorVersion "389-Directory/2.3.1",
 * supportedExtension [WhoAmI, StartTLS], supportedLDAPVersion [2, 3]), then SearchResultDone 0. */
static const unsigned char ldap_rootdse[] = {
    0x30, 0x81, 0xb9, 0x02, 0x01, 0x01, 0x64, 0x81, 0xb3, 0x04, 0x00, 0x30, 0x81, 0xae, 0x30, 0x1b,
    0x04, 0x0a, 0x76, 0x65, 0x6e, 0x64, 0x6f, 0x72, 0x4e, 0x61, 0x6d, 0x65, 0x31, 0x0d, 0x04, 0x0b,
    0x33, 0x38, 0x39, 0x20, 0x50, 0x72, 0x6f, 0x6a, 0x65, 0x63, 0x74, 0x30, 0x26, 0x04, 0x0d, 0x76,
    0x65, 0x6e, 0x64, 0x6f, 0x72, 0x56, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x31, 0x15, 0x04, 0x13,
    0x33, 0x38, 0x39, 0x2d, 0x44, 0x69, 0x72, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x79, 0x2f, 0x32, 0x2e,
    0x33, 0x2e, 0x31, 0x30, 0x47, 0x04, 0x12, 0x73, 0x75, 0x70, 0x70, 0x6f, 0x72, 0x74, 0x65, 0x64,
    0x45, 0x78, 0x74, 0x65, 0x6e, 0x73, 0x69, 0x6f, 0x6e, 0x31, 0x31, 0x04, 0x17, 0x31, 0x2e, 0x33,
    0x2e, 0x36, 0x2e, 0x31, 0x2e, 0x34, 0x2e, 0x31, 0x2e, 0x34, 0x32, 0x30, 0x33, 0x2e, 0x31, 0x2e,
    0x31, 0x31, 0x2e, 0x33, 0x04, 0x16, 0x31, 0x2e, 0x33, 0x2e, 0x36, 0x2e, 0x31, 0x2e, 0x34, 0x2e,
    0x31, 0x2e, 0x31, 0x34, 0x36, 0x36, 0x2e, 0x32, 0x30, 0x30, 0x33, 0x37, 0x30, 0x1e, 0x04, 0x14,
    0x73, 0x75, 0x70, 0x70, 0x6f, 0x72, 0x74, 0x65, 0x64, 0x4c, 0x44, 0x41, 0x50, 0x56, 0x65, 0x72,
    0x73, 0x69, 0x6f, 0x6e, 0x31, 0x06, 0x04, 0x01, 0x32, 0x04, 0x01, 0x33, 0x30, 0x0c, 0x02, 0x01,
    0x01, 0x65, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};

static void test_ldap(void **s)
{
    (void)s;
    assert_int_equal(sizeof ldap_rootdse, 202);
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_ldap(ldap_rootdse, sizeof ldap_rootdse, false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "ldap");
    assert_string_equal(i.product, "389 Project");
    assert_string_equal(i.version, "389-Directory/2.3.1");
    assert_int_equal(i.tls, XS_PROBE_TLS_YES);
    assert_string_equal(i.detail, "ldap_versions=2,3");
    /* a partial read waits; the entry without its Done is enough once nothing more comes */
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_ldap(ldap_rootdse, 100, false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_ldap(ldap_rootdse, 100, true, &i), XS_PROBE_PARSE_BAD);
    assert_string_equal(i.protocol, "");
    assert_int_equal(xs_probe_parse_ldap(ldap_rootdse, 188, false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_ldap(ldap_rootdse, 188, true, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "389 Project");
    /* anonymous reads refused (insufficientAccessRights) */
    static const unsigned char refused[] = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x65, 0x07,
                                            0x0a, 0x01, 0x32, 0x04, 0x00, 0x04, 0x00};
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_ldap(refused, sizeof refused, false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    assert_string_equal(i.detail, "result=50");
    /* a Notice of Disconnection (messageID 0, ExtendedResponse, protocolError) names it too */
    static const unsigned char notice[] = {0x30, 0x0c, 0x02, 0x01, 0x00, 0x78, 0x07,
                                           0x0a, 0x01, 0x02, 0x04, 0x00, 0x04, 0x00};
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_ldap(notice, sizeof notice, true, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "ldap");
    /* not LDAP: text, an indefinite length, a 5-byte length, a high tag, another messageID */
    static const unsigned char indefinite[] = {0x30, 0x80, 0x02, 0x01, 0x01, 0x65, 0x00, 0, 0};
    static const unsigned char len5[] = {0x30, 0x85, 1, 0, 0, 0, 0, 0x02, 0x01, 0x01};
    static const unsigned char high[] = {0x30, 0x05, 0x02, 0x01, 0x01, 0x7f, 0x00};
    static const unsigned char other[] = {0x30, 0x0c, 0x02, 0x01, 0x07, 0x65, 0x07,
                                          0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
    const struct {
        const unsigned char *b;
        size_t n;
    } bad[] = {{(const unsigned char *)"HTTP/1.1 400 Bad\r\n", 18},
               {indefinite, sizeof indefinite},
               {len5, sizeof len5},
               {high, sizeof high},
               {other, sizeof other},
               {ldap_rootdse, 0}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        memset(&i, 0, sizeof i);
        assert_int_equal(xs_probe_parse_ldap(bad[k].b, bad[k].n, true, &i), XS_PROBE_PARSE_BAD);
        assert_string_equal(i.protocol, "");
    }
    /* an element whose length runs past its parent's end: the entry is skipped, not over-read */
    unsigned char cut[sizeof ldap_rootdse];
    memcpy(cut, ldap_rootdse, sizeof cut);
    cut[13] = 0xff; /* the attribute list claims 255 bytes of the entry's 0xb3 */
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_ldap(cut, sizeof cut, false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "");

    /* what the module sends: one SearchRequest (APPLICATION 3), messageID 1, read by our reader */
    unsigned char out[512];
    size_t ol = xs_probe_first_request(XS_PROBE_LDAP, NULL, 389, out, sizeof out);
    xs_ldap_message m;
    assert_int_equal(xs_ldap_message_read(out, ol, &m), XS_PROBE_PARSE_OK);
    assert_int_equal(m.size, ol);
    assert_int_equal(m.id, 1);
    assert_int_equal(m.op, 3);
    assert_int_equal(m.op_len, ol - 9);
    assert_int_equal(
        xs_ldap_message_read(xs_ldap_starttls_request, sizeof xs_ldap_starttls_request, &m),
        XS_PROBE_PARSE_OK);
    assert_int_equal(m.op, 23);
    assert_int_equal(m.size, sizeof xs_ldap_starttls_request);
    /* 389 reaches the module though the seed's table (-p supported) does not hold it */
    assert_int_equal(xs_probe_kind_for_port(389), XS_PROBE_LDAP);
    assert_null(xs_service_for_port(389));
    /* the dialog: LDAP bytes are LDAP; an HTTP answer on 389 is named by the fallback */
    unsigned step = 0;
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_feed(XS_PROBE_LDAP, &step, ldap_rootdse, sizeof ldap_rootdse, false,
                                   &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_DONE);
    assert_string_equal(i.protocol, "ldap");
    memset(&i, 0, sizeof i);
    static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    xs_probe_feed(XS_PROBE_LDAP, &step, (const unsigned char *)http, sizeof http - 1, true, &i, out,
                  sizeof out, &ol);
    assert_string_equal(i.protocol, "http");
}

/* ---------------------------------------------------------------- XMPP */
static void test_xmpp(void **s)
{
    (void)s;
    /* prosody 0.12's answer: its stream header, then features with STARTTLS required */
    static const char hdr[] = "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx."
                              "jabber.org/streams' from='198.19.6.10' id='0f6a' xml:lang='en' "
                              "version='1.0' xmlns='jabber:client'>";
    static const char feats[] = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-"
                                "tls'><required/></starttls></stream:features>";
    char b[512];
    snprintf(b, sizeof b, "%s%s", hdr, feats);
    const unsigned char *u = (const unsigned char *)b;
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_xmpp(u, strlen(hdr), false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_xmpp(u, strlen(b), false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "xmpp");
    assert_int_equal(i.tls, XS_PROBE_TLS_YES);
    assert_string_equal(i.detail, "from=198.19.6.10, stream_version=1.0");
    assert_int_equal(xs_probe_xmpp_features_end(u, strlen(b)), strlen(b));
    assert_int_equal(xs_probe_xmpp_features_end(u, strlen(b) - 1), SIZE_MAX);
    /* features without STARTTLS: tls no; a stream error: its condition */
    snprintf(b, sizeof b, "%s<stream:features><mechanisms/></stream:features>", hdr);
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_xmpp(u, strlen(b), false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.tls, XS_PROBE_TLS_NO);
    snprintf(b, sizeof b,
             "%s<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-"
             "streams'/></stream:error>",
             hdr);
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_xmpp(u, strlen(b), false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.tls, XS_PROBE_TLS_UNKNOWN);
    assert_non_null(strstr(i.detail, "error=host-unknown"));
    /* a header cut off when the server closes: still XMPP, tls unknown */
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_xmpp(u, strlen(hdr) - 5, true, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.tls, XS_PROBE_TLS_UNKNOWN);
    /* not XMPP: text, other XML, nothing */
    static const char *const bad[] = {"HTTP/1.1 400 Bad Request\r\n\r\n",
                                      "<?xml version='1.0'?><html></html>", ""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        memset(&i, 0, sizeof i);
        assert_int_equal(
            xs_probe_parse_xmpp((const unsigned char *)bad[k], strlen(bad[k]), true, &i),
            XS_PROBE_PARSE_BAD);
        assert_string_equal(i.protocol, "");
    }
    /* the module: to= the address; after the features it says goodbye and closes */
    xs_addr a;
    assert_true(xs_addr_parse("198.19.6.10", &a));
    unsigned char out[512];
    size_t ol = xs_probe_first_request(XS_PROBE_XMPP, &a, 5222, out, sizeof out);
    out[ol] = 0;
    assert_non_null(
        strstr((const char *)out, "<stream:stream to='198.19.6.10' xmlns='jabber:client'"));
    unsigned step = 0;
    snprintf(b, sizeof b, "%s%s", hdr, feats);
    memset(&i, 0, sizeof i);
    assert_int_equal(
        xs_probe_feed(XS_PROBE_XMPP, &step, u, strlen(b), false, &i, out, sizeof out, &ol),
        XS_PROBE_STEP_SEND_CLOSE);
    assert_memory_equal(out, "</stream:stream>", ol);
    assert_int_equal(xs_probe_kind_for_port(5222), XS_PROBE_XMPP);
    assert_null(xs_service_for_port(5222));
}

/* ---------------------------------------------------------------- Windows protocols */
static void test_mssql(void **s)
{
    (void)s;
    /* PRELOGIN reply ([MS-TDS] 2.2.6.5): VERSION 15.0.2000.5, ENCRYPTION off, INSTOPT, THREADID, MARS */
    static const unsigned char r[] = {
        0x04, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a, 0x00,
        0x06, 0x01, 0x00, 0x20, 0x00, 0x01, 0x02, 0x00, 0x21, 0x00, 0x01, 0x03,
        0x00, 0x22, 0x00, 0x04, 0x04, 0x00, 0x26, 0x00, 0x01, 0xff, 0x0f, 0x00,
        0x07, 0xd0, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_mssql(r, 20, false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_mssql(r, sizeof r, false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.version, "15.0.2000");
    assert_non_null(strstr(i.detail, "release=2019"));
    assert_non_null(strstr(i.detail, "encryption=off"));
    assert_int_equal(i.tls, XS_PROBE_TLS_YES);
    /* an option pointing past the packet */
    unsigned char bad[sizeof r];
    memcpy(bad, r, sizeof r);
    bad[11] = 0x7f;
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_mssql(bad, sizeof bad, false, &i), XS_PROBE_PARSE_BAD);
}

static void test_rdp(void **s)
{
    (void)s;
    /* X.224 CC + RDP_NEG_RSP selecting HYBRID ([MS-RDPBCGR] 2.2.1.2.1) */
    static const unsigned char nla[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
                                        0x00, 0x02, 0x1f, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00};
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_rdp(nla, 10, false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_rdp(nla, sizeof nla, false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "rdp");
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    assert_int_equal(i.tls, XS_PROBE_TLS_YES);
    /* RDP_NEG_FAILURE: SSL_NOT_ALLOWED_BY_SERVER */
    static const unsigned char fail[] = {0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
                                         0x00, 0x03, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00};
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_rdp(fail, sizeof fail, false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.tls, XS_PROBE_TLS_NO);
    assert_string_equal(i.detail, "failure=ssl-not-allowed");
    /* pre-negotiation server: bare CC */
    static const unsigned char old[] = {0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0,
                                        0x00, 0x00, 0x12, 0x34, 0x00};
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_rdp(old, sizeof old, false, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.tls, XS_PROBE_TLS_NO);
}

static void test_smb(void **s)
{
    (void)s;
    /* NetBIOS + SMB2 header + NEGOTIATE response, dialect 3.0.2, signing required, Samba's hint */
    unsigned char r[4 + 64 + 64 + 40] = {0};
    size_t n = sizeof r;
    r[1] = 0;
    r[2] = 0;
    r[3] = (unsigned char)(n - 4);
    unsigned char *h = r + 4;
    memcpy(h, "\xfeSMB", 4);
    h[4] = 64;
    h[14] = 1; /* credits */
    unsigned char *p = h + 64;
    p[0] = 65;   /* StructureSize */
    p[2] = 0x03; /* signing enabled | required */
    p[4] = 0x02;
    p[5] = 0x03; /* dialect 0x0302 */
    p[56] = 128;
    p[57] = 0; /* security buffer offset (from the SMB2 header) */
    p[58] = 36;
    p[59] = 0;
    memcpy(h + 128, "not_defined_in_RFC4178@please_ignore", 36);
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_smb(r, 40, false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(xs_probe_parse_smb(r, n, false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "smb");
    assert_string_equal(i.version, ""); /* a dialect is not Samba's version */
    assert_string_equal(i.dialects, "3.0.2");
    assert_int_equal(i.facts[XS_PROBE_FACT_SMB_SIGNING], 1);
    assert_string_equal(i.product, "Samba");
    assert_non_null(strstr(i.detail, "signing=required"));
    memset(&i, 0, sizeof i);
    static const unsigned char smb1[] = {0, 0, 0, 0x23, 0xff, 'S', 'M', 'B', 0x72};
    assert_int_equal(xs_probe_parse_smb(smb1, sizeof smb1, true, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.detail, "dialect=smb1");
}

/* ---------------------------------------------------------------- SMB sessions
 * An NTLMSSP CHALLENGE ([MS-NLMP] 2.2.1.2) built field by field: target name "XSVC", version 6.1.0
 * rev 15 (what Samba says), target info NbDomain XSVC, NbComputer HOST, DnsComputer host, a time. */
static size_t ntlm_challenge(unsigned char *c)
{
    static const unsigned char ti[52] = {
        2,   0, 8,   0, 'X',  0,    'S',  0,    'V',  0,    'C',  0,    1,   0, 8,   0, 'H', 0,
        'O', 0, 'S', 0, 'T',  0,    3,    0,    8,    0,    'h',  0,    'o', 0, 's', 0, 't', 0,
        7,   0, 8,   0, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0,   0, 0,   0,
    };
    memset(c, 0, 64 + sizeof ti);
    memcpy(c, "NTLMSSP", 8);
    c[8] = 2;
    c[12] = 8;
    c[14] = 8;
    c[16] = 56; /* TargetNameFields */
    c[20] = 0x15;
    c[21] = 0x82;
    c[22] = 0x89;
    c[23] = 0xe2; /* flags, NEGOTIATE_VERSION among them */
    for (int k = 0; k < 8; k++)
        c[24 + k] = (unsigned char)(k + 1); /* server challenge 01..08 */
    c[40] = sizeof ti;
    c[42] = sizeof ti;
    c[44] = 64; /* TargetInfoFields */
    c[48] = 6;
    c[49] = 1;
    c[55] = 15; /* Version */
    memcpy(c + 56, "X\0S\0V\0C\0", 8);
    memcpy(c + 64, ti, sizeof ti);
    return 64 + sizeof ti;
}

/* NetBIOS + SMB2 header + SESSION_SETUP response (StructureSize 9) around blob. */
static size_t smb2_setup_response(unsigned char *r, uint32_t status, unsigned flags,
                                  const unsigned char *blob, size_t bl)
{
    size_t n = 4 + 64 + 8 + bl;
    memset(r, 0, 4 + 64 + 8);
    r[2] = (unsigned char)((n - 4) >> 8);
    r[3] = (unsigned char)(n - 4);
    unsigned char *h = r + 4;
    memcpy(h, "\xfeSMB", 4);
    h[4] = 64;
    memcpy(h + 8, &status, 4); /* little-endian host */
    h[12] = 1;
    memcpy(h + 40, "SESSION!", 8);
    h[64] = 9;
    h[66] = (unsigned char)flags;
    h[68] = 72;
    h[70] = (unsigned char)bl;
    h[71] = (unsigned char)(bl >> 8);
    if (bl)
        memcpy(h + 72, blob, bl);
    return n;
}

static void test_smb_session(void **s)
{
    (void)s;
    unsigned char chal[128], r[512], out[512];
    size_t cl = ntlm_challenge(chal);
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_parse_ntlmssp_challenge(chal, cl, true, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.smb.ntlm_version, "6.1.0");
    assert_string_equal(i.smb.netbios_domain, "XSVC");
    assert_string_equal(i.smb.netbios_computer, "HOST");
    assert_string_equal(i.smb.dns_computer, "host");
    assert_string_equal(i.smb.dns_domain, "");
    /* a target info that runs past the message is not read */
    chal[40] = 200;
    memset(&i, 0, sizeof i);
    xs_probe_parse_ntlmssp_challenge(chal, cl, true, &i);
    assert_string_equal(i.smb.netbios_computer, "");
    assert_int_equal(probe_ntlm_guest_auth(chal, cl, out, sizeof out), 0);
    chal[40] = 52;

    /* the AUTHENTICATE: SPNEGO NegTokenResp around NTLMSSP type 3, user "guest", NTLMv2 with a
     * blank password; the NTProofStr is HMAC-MD5 computed independently (Python hmac/hashlib). */
    size_t al = probe_ntlm_guest_auth(chal, cl, out, sizeof out);
    assert_true(al > 72 + 24 + 16);
    assert_int_equal(out[0], 0xa1);
    size_t at = probe_ntlmssp_find(out, al, 3);
    assert_true(at != SIZE_MAX);
    const unsigned char *m = out + at;
    assert_int_equal(m[12], 24); /* LMv2: Z(24) */
    size_t nt_len = (size_t)(m[20] | m[21] << 8), nt_off = (size_t)(m[24] | m[25] << 8);
    assert_int_equal(nt_len, 16 + 28 + 52 + 4);
    static const unsigned char proof[16] = {0x3d, 0x09, 0x09, 0x0a, 0xc0, 0xa9, 0x98, 0xf4,
                                            0xba, 0x05, 0xaa, 0x18, 0x36, 0x98, 0x95, 0x1c};
    assert_memory_equal(m + nt_off, proof, 16);
    assert_memory_equal(m + nt_off + 16 + 8, "\x11\x12\x13\x14\x15\x16\x17\x18",
                        8); /* server's time */
    size_t user_len = m[36], user_off = (size_t)(m[40] | m[41] << 8);
    assert_int_equal(user_len, 10);
    assert_memory_equal(m + user_off, "g\0u\0e\0s\0t\0", 10);
    assert_int_equal(probe_ntlm_guest_auth(chal, cl, out, 100), 0); /* does not fit: nothing */

    /* the conversation: NEGOTIATE answer -> SESSION_SETUP(NEGOTIATE) -> CHALLENGE leg ->
     * SESSION_SETUP(AUTHENTICATE) with the server's SessionId -> the session: guest */
    unsigned char neg[4 + 64 + 65] = {0};
    neg[3] = sizeof neg - 4;
    memcpy(neg + 4, "\xfeSMB", 4);
    neg[4 + 4] = 64;
    neg[4 + 64] = 65;
    neg[4 + 66] = 0x01;
    neg[4 + 68] = 0x11;
    neg[4 + 69] = 0x03; /* 3.1.1, signing enabled */
    unsigned step = 0;
    size_t ol = 0;
    memset(&i, 0, sizeof i);
    assert_int_equal(
        xs_probe_feed(XS_PROBE_SMB, &step, neg, sizeof neg, false, &i, out, sizeof out, &ol),
        XS_PROBE_STEP_SEND);
    assert_int_equal(step, 1);
    assert_int_equal(out[4 + 12], 0x01);                     /* SESSION_SETUP */
    assert_true(probe_ntlmssp_find(out, ol, 1) != SIZE_MAX); /* carrying an NTLMSSP NEGOTIATE */
    size_t rl = smb2_setup_response(r, 0xc0000016u, 0, chal, cl);
    assert_int_equal(xs_probe_feed(XS_PROBE_SMB, &step, r, 40, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_MORE);
    assert_int_equal(xs_probe_feed(XS_PROBE_SMB, &step, r, rl, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND);
    assert_memory_equal(out + 4 + 40, "SESSION!", 8);
    assert_true(probe_ntlmssp_find(out, ol, 3) != SIZE_MAX);
    assert_string_equal(i.smb.netbios_computer, "HOST");
    assert_string_equal(i.product, ""); /* 6.1.0 (build 0) is Samba's, never Windows' */
    /* with a real Windows build in the Version field (10.0.19041), and no Samba hint: Windows */
    step = 1;
    chal[48] = 10;
    chal[49] = 0;
    chal[50] = 0x61;
    chal[51] = 0x4a;
    rl = smb2_setup_response(r, 0xc0000016u, 0, chal, cl);
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_feed(XS_PROBE_SMB, &step, r, rl, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND);
    assert_string_equal(i.product, "Windows");
    assert_string_equal(i.version, "10.0.19041");
    rl = smb2_setup_response(r, 0, 0x0001, NULL, 0);
    assert_int_equal(xs_probe_feed(XS_PROBE_SMB, &step, r, rl, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_DONE);
    assert_int_equal(i.facts[XS_PROBE_FACT_SMB_GUEST], 1);
    assert_string_equal(i.smb.session, "guest");
    /* refused: STATUS_LOGON_FAILURE */
    rl = smb2_setup_response(r, 0xc000006du, 0, NULL, 0);
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_smb2_session(r, rl, true, &i), XS_PROBE_PARSE_OK);
    assert_int_equal(i.facts[XS_PROBE_FACT_SMB_GUEST], -1);
    assert_string_equal(i.smb.session, "refused");
    assert_non_null(strstr(i.detail, "guest_status=0xc000006d"));

    /* SMB1 Session Setup AndX answer, ASCII (captured shape of Samba 4.17 with SMB1 on) */
    static const char strs[] = "Windows 6.1\0Samba 4.17.12-Debian\0WORKGROUP";
    unsigned char a[4 + 32 + 1 + 6 + 2 + sizeof strs] = {0};
    a[3] = sizeof a - 4;
    memcpy(a + 4, "\xffSMB\x73", 5);
    a[4 + 32] = 3;
    a[4 + 33] = 0xff;
    a[4 + 39] = sizeof strs;
    memcpy(a + 4 + 41, strs, sizeof strs);
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_parse_smb1_session(a, sizeof a, false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.smb.native_os, "Windows 6.1");
    assert_string_equal(i.smb.native_lanman, "Samba 4.17.12-Debian");
    assert_string_equal(i.smb.workgroup, "WORKGROUP");
    assert_string_equal(i.product, "Samba");
    assert_string_equal(i.version, "4.17.12");
    assert_int_equal(xs_probe_parse_smb1_session(a, 30, false, &i), XS_PROBE_PARSE_MORE);
    a[4 + 4] = 0x72;
    assert_int_equal(xs_probe_parse_smb1_session(a, sizeof a, true, &i), XS_PROBE_PARSE_BAD);
}

/* ---------------------------------------------------------------- HTTP-speaking */
static void test_elasticsearch(void **s)
{
    (void)s;
    static const char ok[] =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 120\r\n\r\n"
        "{\"name\":\"n\",\"cluster_name\":\"prod\",\"version\":{\"distribution\":\"opensearch\","
        "\"number\":\"2.11.0\"},"
        "\"tagline\":\"The OpenSearch Project\"}";
    xs_probe_info i = {0};
    assert_int_equal(P(xs_probe_parse_elasticsearch, "HTTP/1.1 200 OK\r\n", false, &i),
                     XS_PROBE_PARSE_MORE);
    assert_int_equal(P(xs_probe_parse_elasticsearch, ok, true, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.product, "OpenSearch");
    assert_string_equal(i.version, "2.11.0");
    assert_int_equal(i.auth, XS_PROBE_AUTH_NONE);
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_elasticsearch,
                       "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
                       "realm=\"security\"\r\ncontent-length: 0\r\n\r\n",
                       false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "elasticsearch");
    assert_int_equal(i.auth, XS_PROBE_AUTH_REQUIRED);
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_parse_elasticsearch,
                       "HTTP/1.0 404 Not Found\r\nServer: nginx\r\n\r\n", true, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "http");
    assert_string_equal(i.product, "nginx");
}

/* ---------------------------------------------------------------- identify and the dialog */
static void test_identify(void **s)
{
    (void)s;
    xs_probe_info i = {0};
    assert_int_equal(P(xs_probe_identify, "+OK Dovecot ready.\r\n", false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "pop3");
    assert_string_equal(i.product, "Dovecot");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_identify, "RFB 003.008\n", false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "vnc");
    assert_string_equal(i.version, "003.008");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_identify, "220 files ready FTP\r\n", false, &i), XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "ftp");
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_identify(mariadb_greeting, sizeof mariadb_greeting, false, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "mysql");
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_identify, "\x15\x03\x03\x00\x02\x02\x46", true, &i),
                     XS_PROBE_PARSE_OK);
    assert_string_equal(i.protocol, "tls");
    assert_int_equal(i.tls, XS_PROBE_TLS_YES);
    memset(&i, 0, sizeof i);
    assert_int_equal(P(xs_probe_identify, "hello", false, &i), XS_PROBE_PARSE_MORE);
    assert_int_equal(P(xs_probe_identify, "hello\r\n", false, &i), XS_PROBE_PARSE_BAD);
    assert_int_equal(i.banner_len, 5); /* the banner is kept even when unnamed */
    assert_memory_equal(i.banner, "hello", 5);
}

static void test_dialog_redis_and_smtp(void **s)
{
    (void)s;
    unsigned char out[512];
    size_t ol = 0;
    unsigned step = 0;
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_first_request(XS_PROBE_REDIS, 0, 6379, out, sizeof out), 6);
    assert_memory_equal(out, "PING\r\n", 6);
    assert_int_equal(xs_probe_feed(XS_PROBE_REDIS, &step, (const unsigned char *)"+PONG\r\n", 7,
                                   false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND);
    assert_int_equal(ol, 13);
    assert_memory_equal(out, "INFO server\r\n", 13);
    assert_int_equal(xs_probe_feed(XS_PROBE_REDIS, &step, (const unsigned char *)redis_info,
                                   sizeof redis_info - 1, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_DONE);
    assert_string_equal(i.version, "7.0.15");
    /* auth required: no second request */
    step = 0;
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_feed(XS_PROBE_REDIS, &step, (const unsigned char *)"-NOAUTH x\r\n",
                                   11, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_DONE);
    assert_int_equal(ol, 0);
    /* SMTP: greeting, then QUIT and close */
    step = 0;
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_first_request(XS_PROBE_SMTP, 0, 25, out, sizeof out), 0);
    assert_int_equal(xs_probe_feed(XS_PROBE_SMTP, &step,
                                   (const unsigned char *)"220 x ESMTP Postfix\r\n", 21, false, &i,
                                   out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND);
    assert_memory_equal(out, "EHLO xsweep.invalid\r\n", 21);
    static const char ehlo[] = "250-x\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
    assert_int_equal(xs_probe_feed(XS_PROBE_SMTP, &step, (const unsigned char *)ehlo, 20, false, &i,
                                   out, sizeof out, &ol),
                     XS_PROBE_STEP_MORE);
    assert_int_equal(xs_probe_feed(XS_PROBE_SMTP, &step, (const unsigned char *)ehlo,
                                   sizeof ehlo - 1, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND_CLOSE);
    assert_memory_equal(out, "QUIT\r\n", 6);
    assert_int_equal(i.facts[XS_PROBE_FACT_SMTP_STARTTLS], 1);
    /* without STARTTLS */
    step = 1;
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_feed(XS_PROBE_SMTP, &step,
                                   (const unsigned char *)"250-x\r\n250 SIZE 1\r\n", 20, false, &i,
                                   out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND_CLOSE);
    assert_int_equal(i.facts[XS_PROBE_FACT_SMTP_STARTTLS], -1);
}

static void test_dialog_ftp_anonymous_and_ssh(void **s)
{
    (void)s;
    unsigned char out[512];
    size_t ol = 0;
    unsigned step = 0;
    xs_probe_info i = {0};
    assert_int_equal(xs_probe_feed(XS_PROBE_FTP, &step,
                                   (const unsigned char *)"220 (vsFTPd 3.0.3)\r\n", 20, false, &i,
                                   out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND);
    assert_memory_equal(out, "USER anonymous\r\n", 16);
    assert_int_equal(xs_probe_feed(XS_PROBE_FTP, &step, (const unsigned char *)"331 Please\r\n", 12,
                                   false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND);
    assert_memory_equal(out, "PASS anonymous@\r\n", 17);
    assert_int_equal(xs_probe_feed(XS_PROBE_FTP, &step,
                                   (const unsigned char *)"230 Login successful.\r\n", 23, false,
                                   &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND_CLOSE);
    assert_memory_equal(out, "QUIT\r\n", 6);
    assert_int_equal(i.facts[XS_PROBE_FACT_FTP_ANONYMOUS], 1);
    assert_string_equal(i.product, "vsFTPd");
    step = 2;
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_feed(XS_PROBE_FTP, &step,
                                   (const unsigned char *)"530 Login incorrect.\r\n", 22, false, &i,
                                   out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND_CLOSE);
    assert_int_equal(i.facts[XS_PROBE_FACT_FTP_ANONYMOUS], -1);
    /* SSH: identification, then the server's KEXINIT name-lists */
    step = 0;
    memset(&i, 0, sizeof i);
    assert_int_equal(xs_probe_feed(XS_PROBE_SSH, &step,
                                   (const unsigned char *)"SSH-2.0-OpenSSH_9.2p1 Debian\r\n", 30,
                                   false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_SEND);
    assert_memory_equal(out, "SSH-2.0-xsweep_0.1\r\n", 20);
    unsigned char k[256] = {0};
    size_t at = 6 + 16;
    const char *lists[] = {"curve25519-sha256,diffie-hellman-group14-sha1",
                           "ssh-ed25519",
                           "aes128-ctr",
                           "aes128-cbc",
                           "hmac-sha2-256",
                           "hmac-md5",
                           "none",
                           "none",
                           "",
                           ""};
    for (size_t n = 0; n < 10; n++) {
        size_t l = strlen(lists[n]);
        k[at + 3] = (unsigned char)l;
        memcpy(k + at + 4, lists[n], l);
        at += 4 + l;
    }
    at += 5; /* first_kex_follows, reserved */
    k[3] = (unsigned char)(at - 4);
    k[4] = 4;
    k[5] = 20;
    assert_int_equal(xs_probe_feed(XS_PROBE_SSH, &step, k, 30, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_MORE);
    assert_int_equal(xs_probe_feed(XS_PROBE_SSH, &step, k, at, false, &i, out, sizeof out, &ol),
                     XS_PROBE_STEP_DONE);
    assert_string_equal(i.ssh_kex, "curve25519-sha256,diffie-hellman-group14-sha1");
    assert_string_equal(i.ssh_hostkeys, "ssh-ed25519");
    assert_string_equal(i.ssh_ciphers, "aes128-ctr");
    assert_string_equal(i.ssh_macs, "hmac-sha2-256");
    assert_string_equal(i.product, "OpenSSH");
    /* SMB1: NT LM 0.12 accepted (DialectIndex 0) or refused (0xffff) */
    unsigned char smb[4 + 32 + 40] = {0, 0, 0, 72, 0xff, 'S', 'M', 'B', 0x72};
    smb[4 + 32] = 17;
    memset(&i, 0, sizeof i);
    step = 0;
    assert_int_equal(xs_probe_first_request(XS_PROBE_SMB1, 0, 445, out, sizeof out), 51);
    assert_int_equal(out[3], 51 - 4);
    assert_int_equal(
        xs_probe_feed(XS_PROBE_SMB1, &step, smb, sizeof smb, false, &i, out, sizeof out, &ol),
        XS_PROBE_STEP_SEND); /* accepted: the anonymous Session Setup AndX */
    assert_int_equal(out[4 + 4], 0x73);
    assert_int_equal(ol, (size_t)out[3] + 4);
    assert_int_equal(i.facts[XS_PROBE_FACT_SMB1], 1);
    assert_string_equal(i.dialects, "NT LM 0.12");
    smb[4 + 33] = 0xff;
    smb[4 + 34] = 0xff;
    memset(&i, 0, sizeof i);
    step = 0;
    xs_probe_feed(XS_PROBE_SMB1, &step, smb, sizeof smb, false, &i, out, sizeof out, &ol);
    assert_int_equal(i.facts[XS_PROBE_FACT_SMB1], -1);
}

static void test_dialog_fallback_and_ports(void **s)
{
    (void)s;
    unsigned char out[512];
    size_t ol = 0;
    unsigned step = 0;
    xs_probe_info i = {0};
    /* SSH on the Redis port: named anyway */
    assert_int_equal(xs_probe_feed(XS_PROBE_REDIS, &step,
                                   (const unsigned char *)"SSH-2.0-OpenSSH_8.9\r\n", 21, false, &i,
                                   out, sizeof out, &ol),
                     XS_PROBE_STEP_DONE);
    assert_string_equal(i.protocol, "ssh");
    /* a TLS-only server complaining in OpenSSL's words, and nginx's HTTP/0.9 answer to PING */
    step = 0;
    memset(&i, 0, sizeof i);
    static const char oops[] = "500 OOPS: error:0A00010B:SSL routines::wrong version number\r\n";
    xs_probe_feed(XS_PROBE_REDIS, &step, (const unsigned char *)oops, sizeof oops - 1, true, &i,
                  out, sizeof out, &ol);
    assert_string_equal(i.protocol, "tls");
    step = 0;
    memset(&i, 0, sizeof i);
    static const char page[] = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n";
    xs_probe_feed(XS_PROBE_REDIS, &step, (const unsigned char *)page, sizeof page - 1, true, &i,
                  out, sizeof out, &ol);
    assert_string_equal(i.protocol, "http");
    assert_int_equal(xs_probe_kind_for_port(22), XS_PROBE_SSH);
    assert_int_equal(xs_probe_kind_for_port(2222), XS_PROBE_SSH);
    assert_int_equal(xs_probe_kind_for_port(27017), XS_PROBE_MONGODB);
    assert_int_equal(xs_probe_kind_for_port(10250),
                     XS_PROBE_TLS);                              /* the service table: TLS first */
    assert_int_equal(xs_probe_kind_for_port(990), XS_PROBE_TLS); /* implicit FTPS */
    assert_int_equal(xs_probe_kind_for_port(3000), XS_PROBE_HTTP_STAGE);
    assert_int_equal(xs_probe_kind_for_port(12345), XS_PROBE_BANNER);
    assert_string_equal(xs_probe_kind_name(XS_PROBE_POSTGRES), "postgresql");
    /* one module per kind, each named as the kind is (the service table uses the names) */
    for (int k = XS_PROBE_BANNER; k < XS_PROBE_KIND_COUNT; k++) {
        const xs_probe_module *m = xs_probe_module_get(k);
        assert_non_null(m);
        assert_string_equal(m->name, xs_probe_kind_name((xs_probe_kind)k));
        assert_non_null(m->identify); /* reply may be NULL: one answer through it */
    }
    assert_null(xs_probe_module_get(XS_PROBE_AUTO));
    assert_int_equal(xs_probe_module_count, XS_PROBE_KIND_COUNT - 1);
    xs_probe_kind fb[XS_PROBE_MAX_FALLBACKS];
    assert_int_equal(xs_probe_fallbacks_for_port(2222, fb), 2); /* Redis on 2222: found next */
    assert_int_equal(fb[0], XS_PROBE_REDIS);
    assert_int_equal(fb[1], XS_PROBE_HTTP_STAGE);
    assert_int_equal(xs_probe_fallbacks_for_port(6379, fb), 1); /* never the first probe again */
    assert_int_equal(fb[0], XS_PROBE_HTTP_STAGE);
    assert_int_equal(xs_probe_fallbacks_for_port(500, fb), 0);
    /* every opening request fits and has the size its length fields claim */
    assert_int_equal(xs_probe_first_request(XS_PROBE_SMB, 0, 445, out, sizeof out), 178);
    assert_int_equal(out[3], 178 - 4);
    assert_int_equal(out[4 + 64 + 2], 5); /* five dialects, 3.1.1 last */
    assert_int_equal(out[4 + 64 + 36 + 8], 0x11);
    assert_int_equal(out[4 + 64 + 28], 112); /* contexts 8-aligned at 112 */
    assert_int_equal(out[4 + 112], 0x01);    /* PREAUTH_INTEGRITY first */
    assert_int_equal(xs_probe_first_request(XS_PROBE_MSSQL, 0, 1433, out, sizeof out), 0x2f);
    size_t len = xs_probe_first_request(XS_PROBE_MONGODB, 0, 27017, out, sizeof out);
    assert_int_equal(len, out[0]);
    len = xs_probe_first_request(XS_PROBE_RDP, 0, 3389, out, sizeof out);
    assert_int_equal(len, out[3]);
    xs_addr lo4 = xs_addr_from_v4(0x7f000001), lo6;
    size_t es = xs_probe_first_request(XS_PROBE_ELASTICSEARCH, &lo4, 9200, out, sizeof out);
    assert_true(es > 0);
    assert_non_null(strstr((char *)out, "Host: 127.0.0.1:9200\r\n"));
    assert_true(xs_addr_parse("2001:2::5", &lo6)); /* IPv6: the Host in brackets (RFC 7230 5.4) */
    es = xs_probe_first_request(XS_PROBE_ELASTICSEARCH, &lo6, 9200, out, sizeof out);
    assert_true(es > 0);
    assert_non_null(strstr((char *)out, "Host: [2001:2::5]:9200\r\n"));
    assert_int_equal(xs_probe_first_request(XS_PROBE_SMB, 0, 445, out, 10),
                     0); /* no room: nothing */
}

/* ---------------------------------------------------------------- JSON */
static void test_json(void **s)
{
    (void)s;
    xs_probe_result r = {0};
    r.kind = XS_PROBE_REDIS;
    strcpy(r.info.protocol, "redis");
    strcpy(r.info.version, "7.0.15");
    memcpy(r.info.banner, "+PONG\"\x01", 7);
    r.info.banner_len = 7;
    r.info.auth = XS_PROBE_AUTH_NONE;
    r.info.tls = XS_PROBE_TLS_NO;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xs_jsonw w;
    xs_jsonw_init(&w, f);
    xs_probe_result_write_json(&r, &w);
    fclose(f);
    assert_string_equal(
        buf, "{\"kind\":\"redis\",\"protocol\":\"redis\",\"product\":null,\"version\":\"7.0.15\","
             "\"banner\":\"+PONG\\\"\\u0001\",\"auth\":\"none\",\"tls\":false,\"detail\":null,"
             "\"method\":\"probed\",\"tried\":null,\"attempts\":0,\"inner\":null,\"dialects\":null,"
             "\"facts\":{},\"error\":null}");
    free(buf);
}

/* ---------------------------------------------------------------- the engine on loopback */
typedef struct {
    int n;
    xs_probe_result last[4];
} sink;

/* 127.0.0.1 as the engine takes it */
static const xs_addr LO4 = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1}};

static void collect(const xs_probe_result *r, void *arg)
{
    sink *k = arg;
    if (k->n < 4)
        k->last[k->n] = *r;
    k->n++;
}

static int listener(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &l), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void test_engine_banner_and_refused(void **s)
{
    (void)s;
    uint16_t port, closed_port;
    int lfd = listener(&port);
    int cfd = listener(&closed_port);
    close(cfd); /* nothing listens there now */
    xs_probe_config cfg;
    xs_probe_config_defaults(&cfg);
    cfg.concurrency = 4;
    xs_probe_engine *e = xs_probe_engine_new(&cfg);
    assert_non_null(e);
    int tag = 7;
    assert_int_equal(xs_probe_engine_submit(e, &LO4, port, 0, &tag), 0);
    assert_int_equal(xs_probe_engine_submit(e, &LO4, closed_port, 0, NULL), 0);
    assert_int_equal(xs_probe_engine_pending(e), 2);
    sink k = {0};
    xs_probe_engine_poll(e, 0, collect, &k); /* starts both connects */
    int afd = accept(lfd, NULL, NULL);       /* the kernel completed the handshake */
    assert_true(afd >= 0);
    const char banner[] = "SSH-2.0-TestSSH_1.0\r\n";
    assert_int_equal(write(afd, banner, sizeof banner - 1), (ssize_t)(sizeof banner - 1));
    for (int spins = 0; xs_probe_engine_pending(e) > 0 && spins < 200; spins++)
        xs_probe_engine_poll(e, 50, collect, &k);
    assert_int_equal(k.n, 2);
    assert_int_equal(xs_probe_engine_pending(e), 0);
    assert_int_equal(xs_probe_engine_active(e), 0);
    const xs_probe_result *ok = k.last[0].port == port ? &k.last[0] : &k.last[1];
    const xs_probe_result *no = k.last[0].port == port ? &k.last[1] : &k.last[0];
    assert_ptr_equal(ok->user, &tag);
    assert_int_equal(ok->error, XS_PROBE_ERR_NONE);
    assert_string_equal(ok->info.protocol, "ssh");
    assert_string_equal(ok->info.product, "TestSSH");
    assert_int_equal(ok->kind, XS_PROBE_BANNER);
    assert_int_equal(no->error, XS_PROBE_ERR_CONNECT_REFUSED);
    close(afd);
    close(lfd);
    xs_probe_engine_free(e);
}

static void test_engine_request_and_close(void **s)
{
    (void)s;
    /* memcached-style: the engine sends "version\r\n"; the peer answers and closes */
    uint16_t port;
    int lfd = listener(&port);
    xs_probe_engine *e = xs_probe_engine_new(NULL);
    assert_non_null(e);
    assert_int_equal(xs_probe_engine_submit_kind(e, &LO4, port, XS_PROBE_MEMCACHED, 0, NULL), 0);
    sink k = {0};
    xs_probe_engine_poll(e, 0, collect, &k);
    int afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);
    char req[32] = {0};
    ssize_t got = 0;
    for (int spins = 0; got < 9 && spins < 200; spins++) {
        xs_probe_engine_poll(e, 10, collect, &k);
        ssize_t r = recv(afd, req + got, sizeof req - 1 - (size_t)got, MSG_DONTWAIT);
        if (r > 0)
            got += r;
    }
    assert_string_equal(req, "version\r\n");
    assert_int_equal(write(afd, "VERSION 1.6.21\r\n", 16), 16);
    close(afd);
    for (int spins = 0; xs_probe_engine_pending(e) > 0 && spins < 200; spins++)
        xs_probe_engine_poll(e, 50, collect, &k);
    assert_int_equal(k.n, 1);
    assert_string_equal(k.last[0].info.version, "1.6.21");
    assert_int_equal(k.last[0].info.auth, XS_PROBE_AUTH_NONE);
    assert_int_equal(k.last[0].bytes_received, 16);
    close(lfd);
    xs_probe_engine_free(e);
}

static void test_engine_not_before_and_free_with_pending(void **s)
{
    (void)s;
    xs_probe_engine *e = xs_probe_engine_new(NULL);
    assert_non_null(e);
    uint64_t later = xs_now_ns() + 3600ULL * 1000000000ULL;
    for (int i = 0; i < 100; i++)
        assert_int_equal(xs_probe_engine_submit(e, &LO4, 1, later - (uint64_t)i, NULL), 0);
    sink k = {0};
    assert_int_equal(xs_probe_engine_poll(e, 0, collect, &k), 0);
    assert_int_equal(xs_probe_engine_active(e), 0); /* nothing is due: no slot taken */
    assert_int_equal(xs_probe_engine_pending(e), 100);
    xs_probe_engine_free(e); /* drops them without callbacks (ASan: no leak) */
    assert_int_equal(k.n, 0);
}

/* probe_line_value: the one "key: value" line reader of the HTTP-header and Redis INFO parsers. */
static void test_line_value(void **state)
{
    (void)state;
    static const char hdr[] = "HTTP/1.1 200 OK\r\nserver:  nginx/1.25\r\nContent-Length:12";
    const unsigned char *b = (const unsigned char *)hdr;
    char v[32];
    bool whole = false;
    assert_true(probe_line_value(b, strlen(hdr), "Server", v, sizeof v, &whole));
    assert_string_equal(v, "nginx/1.25"); /* any case, blanks and CR dropped */
    assert_true(whole);
    assert_true(probe_line_value(b, strlen(hdr), "content-length", v, sizeof v, &whole));
    assert_string_equal(v, "12");
    assert_false(whole); /* the buffer ended inside the line */
    assert_false(probe_line_value(b, strlen(hdr), "Content", v, sizeof v, NULL)); /* whole key */
    assert_false(probe_line_value(b, strlen(hdr), "Location", v, sizeof v, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssh_openssh),
        cmocka_unit_test(test_ssh_variants),
        cmocka_unit_test(test_ftp_smtp),
        cmocka_unit_test(test_redis),
        cmocka_unit_test(test_memcached),
        cmocka_unit_test(test_mysql),
        cmocka_unit_test(test_postgres),
        cmocka_unit_test(test_mongodb),
        cmocka_unit_test(test_cassandra),
        cmocka_unit_test(test_ldap),
        cmocka_unit_test(test_xmpp),
        cmocka_unit_test(test_mssql),
        cmocka_unit_test(test_rdp),
        cmocka_unit_test(test_smb),
        cmocka_unit_test(test_smb_session),
        cmocka_unit_test(test_elasticsearch),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_dialog_redis_and_smtp),
        cmocka_unit_test(test_dialog_ftp_anonymous_and_ssh),
        cmocka_unit_test(test_dialog_fallback_and_ports),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_engine_banner_and_refused),
        cmocka_unit_test(test_engine_request_and_close),
        cmocka_unit_test(test_engine_not_before_and_free_with_pending),
        cmocka_unit_test(test_line_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
