/* libFuzzer target for the probe parsers: the first byte picks the parser (or the whole dialog of
 * one kind), the rest is what a hostile server sent. Each parser runs twice, as a partial read and
 * as the final one, and the JSON writer runs on what came out. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xsweep/probe.h"

typedef xs_probe_parse (*parser_fn)(const unsigned char *, size_t, bool, xs_probe_info *);

static const parser_fn parsers[] = {
    xs_probe_parse_ssh,
    xs_probe_parse_ftp,
    xs_probe_parse_smtp,
    xs_probe_parse_redis_ping,
    xs_probe_parse_redis_info,
    xs_probe_parse_memcached,
    xs_probe_parse_mysql,
    xs_probe_parse_postgres,
    xs_probe_parse_mongodb,
    xs_probe_parse_elasticsearch,
    xs_probe_parse_mssql,
    xs_probe_parse_rdp,
    xs_probe_parse_smb,
    xs_probe_parse_cassandra_options,
    xs_probe_parse_cassandra_startup,
    xs_probe_identify,
    xs_probe_parse_ntlmssp_challenge,
    xs_probe_parse_smb2_session,
    xs_probe_parse_smb1_session,
    xs_probe_parse_ldap, /* also the BER reader of the StartTLS upgrade (fuzz_starttls) */
    xs_probe_parse_xmpp,
};
#define N_PARSERS (sizeof parsers / sizeof parsers[0])

static void check_info(const xs_probe_info *i)
{
    /* the fixed fields stay NUL-terminated and bounded whatever came in */
    if (strnlen(i->protocol, sizeof i->protocol) == sizeof i->protocol ||
        strnlen(i->product, sizeof i->product) == sizeof i->product ||
        strnlen(i->version, sizeof i->version) == sizeof i->version ||
        strnlen(i->detail, sizeof i->detail) == sizeof i->detail ||
        i->banner_len > XS_PROBE_BANNER_MAX ||
        strnlen(i->dialects, sizeof i->dialects) == sizeof i->dialects ||
        strnlen(i->ssh_kex, sizeof i->ssh_kex) == sizeof i->ssh_kex ||
        strnlen(i->ssh_macs, sizeof i->ssh_macs) == sizeof i->ssh_macs ||
        strnlen(i->smb.ntlm_version, sizeof i->smb.ntlm_version) == sizeof i->smb.ntlm_version ||
        strnlen(i->smb.netbios_computer, sizeof i->smb.netbios_computer) ==
            sizeof i->smb.netbios_computer ||
        strnlen(i->smb.dns_domain, sizeof i->smb.dns_domain) == sizeof i->smb.dns_domain ||
        strnlen(i->smb.native_lanman, sizeof i->smb.native_lanman) == sizeof i->smb.native_lanman ||
        strnlen(i->smb.workgroup, sizeof i->smb.workgroup) == sizeof i->smb.workgroup)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    const unsigned char *b = data + 1;
    size_t n = size - 1;
    if (n > XS_PROBE_MAX_BYTES)
        n = XS_PROBE_MAX_BYTES;
    /* A private copy of exactly n bytes so ASan sees any read past the end. */
    unsigned char buf[XS_PROBE_MAX_BYTES];
    memcpy(buf, b, n);

    xs_probe_info info;
    if (sel < 0x80) {
        parser_fn fn = parsers[sel % N_PARSERS];
        memset(&info, 0, sizeof info);
        fn(buf, n, false, &info);
        check_info(&info);
        memset(&info, 0, sizeof info);
        fn(buf, n, true, &info);
        check_info(&info);
    } else {
        /* the dialog of one kind: split the input into three server replies (FTP: greeting,
         * USER reply, PASS reply; SSH: identification, KEXINIT; SMB: NEGOTIATE, the CHALLENGE leg
         * (the AUTHENTICATE is built from it), the session) */
        xs_probe_kind kind = (xs_probe_kind)(sel % XS_PROBE_KIND_COUNT);
        size_t cuts[4] = {0, n / 3, 2 * n / 3, n};
        unsigned step = 0;
        unsigned char out[512];
        size_t ol = 0;
        memset(&info, 0, sizeof info);
        size_t from = 0;
        for (int k = 1; k <= 3; k++) {
            bool last = k == 3;
            xs_probe_step st = xs_probe_feed(kind, &step, buf + from, cuts[k] - from, last, &info,
                                             out, sizeof out, &ol);
            if (ol > sizeof out)
                __builtin_trap();
            if (st != XS_PROBE_STEP_SEND) {
                if (!last)
                    xs_probe_feed(kind, &step, buf + from, n - from, true, &info, out, sizeof out,
                                  &ol);
                break;
            }
            from = cuts[k];
        }
        check_info(&info);
    }
    xs_probe_result r;
    memset(&r, 0, sizeof r);
    r.info = info;
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        xs_jsonw w;
        xs_jsonw_init(&w, devnull);
        xs_probe_result_write_json(&r, &w);
        fclose(devnull);
    }
    return 0;
}
