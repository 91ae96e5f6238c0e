/* Probe module "smb": SMB2 NEGOTIATE (dialect, signing, Samba's hint), then SESSION_SETUP as
 * "guest" with a blank password over NTLMSSP (the CHALLENGE names the server; the answer says
 * whether a guest session is given); the connection is closed, nothing is opened. Follow-up "smb1":
 * an SMB1 NEGOTIATE offering only NT LM 0.12 ([MS-CIFS] 2.2.4.52), on its own connection, and when
 * accepted an anonymous Session Setup AndX (NativeOS, NativeLanMan: Samba's version).
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* NetBIOS + SMB2 header + NEGOTIATE for 2.0.2, 2.1, 3.0, 3.0.2 and 3.1.1, with the two negotiate
 * contexts 3.1.1 needs ([MS-SMB2] 2.2.3.1): preauth integrity (SHA-512, a fixed salt) and
 * encryption (AES-128-CCM, AES-128-GCM). The contexts start 8-aligned at 112 from the SMB2 header. */
static const unsigned char
    smb2_negotiate[] =
        {
            0x00, 0x00, 0x00, 0xae, 0xfe, 'S',  'M',  'B',  0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
            0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
            0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x24, 0x00,
            0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 'x',  's',  'w',  'e',
            'e',  'p',  '-',  'p',  'r',  'o',  'b',  'e',  0,    0,    0,    1,    0x70, 0x00,
            0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* context offset, count, reserved */
            0x02, 0x02, 0x10, 0x02, 0x00, 0x03, 0x02, 0x03, 0x11, 0x03, 0x00, 0x00, /* pad to 112 */
            0x01, 0x00, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, /* PREAUTH_INTEGRITY, 38 bytes */
            0x01, 0x00, 0x20, 0x00, 0x01, 0x00,             /* 1 hash, 32-byte salt, SHA-512 */
            'x',  's',  'w',  'e',  'e',  'p',  '-',  'p',  'r',  'e',  'a',  'u',  't',  'h',
            '-',  's',  'a',  'l',  't',  '-',  '3',  '2',  '-',  'b',  'y',  't',  'e',  's',
            '.',  '.',  '.',  '.',  0x00, 0x00,             /* pad to 160 */
            0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, /* ENCRYPTION_CAPABILITIES, 6 bytes */
            0x02, 0x00, 0x01, 0x00, 0x02, 0x00,             /* AES-128-CCM, AES-128-GCM */
};

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, smb2_negotiate, sizeof smb2_negotiate);
}

/* NetBIOS + SMB2 header + SESSION_SETUP request around the security buffer already at out[92..]. */
#define SETUP_HDR (4 + 64 + 24)
static size_t session_setup(unsigned char *out, size_t cap, unsigned msg_id,
                            const unsigned char *sid, size_t blob_len)
{
    size_t total = SETUP_HDR + blob_len;
    if (total > cap || blob_len == 0)
        return 0;
    memset(out, 0, SETUP_HDR);
    out[1] = (unsigned char)((total - 4) >> 16);
    out[2] = (unsigned char)((total - 4) >> 8);
    out[3] = (unsigned char)(total - 4);
    unsigned char *h = out + 4, *q = h + 64;
    memcpy(h, "\xfeSMB", 4);
    h[4] = 64;
    h[6] = 1;     /* CreditCharge */
    h[12] = 0x01; /* SESSION_SETUP */
    h[14] = 1;    /* CreditRequest */
    h[24] = (unsigned char)msg_id;
    h[32] = 0xff;
    h[33] = 0xfe; /* ProcessId, as in the NEGOTIATE */
    if (sid)
        memcpy(h + 40, sid, 8);
    q[0] = 25;       /* StructureSize */
    q[3] = 0x01;     /* SecurityMode: signing enabled (never required by us) */
    q[12] = 64 + 24; /* SecurityBufferOffset */
    q[14] = (unsigned char)blob_len;
    q[15] = (unsigned char)(blob_len >> 8);
    return total;
}

/* step 0: NEGOTIATE answer; 1: the CHALLENGE leg (send AUTHENTICATE as guest); 2: the session. */
static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    *out_len = 0;
    if (*step == 0) {
        xs_probe_step st = probe_single(xs_probe_parse_smb, in, len, final, info);
        /* An SMB2 NEGOTIATE that succeeded (signing mode read): ask for a session as guest. */
        if (st != XS_PROBE_STEP_DONE || final || info->facts[XS_PROBE_FACT_SMB_SIGNING] == 0 ||
            strcmp(info->protocol, "smb") != 0 ||
            cap < SETUP_HDR + sizeof probe_spnego_ntlm_negotiate)
            return st;
        memcpy(out + SETUP_HDR, probe_spnego_ntlm_negotiate, sizeof probe_spnego_ntlm_negotiate);
        *out_len = session_setup(out, cap, 1, NULL, sizeof probe_spnego_ntlm_negotiate);
        (*step)++;
        return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
    }
    probe_smb2_setup s;
    xs_probe_parse r = probe_smb2_setup_read(in, len, final, &s);
    if (r != XS_PROBE_PARSE_OK)
        return r == XS_PROBE_PARSE_MORE && !final ? XS_PROBE_STEP_MORE : XS_PROBE_STEP_DONE;
    probe_smb2_setup_learn(&s, *step == 2, info);
    /* Windows says its real build; Samba always says 6.1.0 (build 0), so that never names Windows. */
    size_t vl = strlen(info->smb.ntlm_version);
    if (*step == 1 && !info->product[0] && vl > 2 &&
        strcmp(info->smb.ntlm_version + vl - 2, ".0") != 0) {
        PROBE_SET(info->product, "Windows");
        PROBE_SET(info->version, info->smb.ntlm_version);
    }
    if (*step != 1 || !s.blob || final || cap <= SETUP_HDR)
        return XS_PROBE_STEP_DONE;
    size_t bl = probe_ntlm_guest_auth(s.blob, s.blob_len, out + SETUP_HDR, cap - SETUP_HDR);
    *out_len = session_setup(out, cap, 2, s.session_id, bl);
    (*step)++;
    return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
}

static const unsigned char smb1_negotiate[] = {
    0x00, 0x00, 0x00, 0x2f, 0xff, 'S',  'M', 'B', 0x72, 0,   0,    0,    0,
    0x18, 0x01, 0x40, 0,    0,    0,    0,   0,   0,    0,   0,    0,    0,
    0,    0,    0,    0,    0xff, 0xfe, 0,   0,   0,    0,   0x00, /* WordCount */
    0x0c, 0x00,                                                    /* ByteCount */
    0x02, 'N',  'T',  ' ',  'L',  'M',  ' ', '0', '.',  '1', '2',  0x00,
};

static size_t smb1_request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, smb1_negotiate, sizeof smb1_negotiate);
}

/* Session Setup AndX, anonymous (no account, no password), ASCII strings ([MS-CIFS] 2.2.4.53.1):
 * the answer carries NativeOS and NativeLanMan. */
static const unsigned char smb1_session_setup[] = {
    0x00, 0x00, 0x00, 0x4b, 0xff, 'S',  'M',  'B',  0x73, 0,   0,   0,   0,   0x18,
    0x01, 0x40, 0,    0,    0,    0,    0,    0,    0,    0,   0,   0,   0,   0,
    0,    0,    0xff, 0xfe, 0,    0,    0x02, 0x00, 0x0d, /* WordCount */
    0xff, 0x00, 0x00, 0x00,                               /* no AndX */
    0x04, 0x11, 0x01, 0x00, 0x00, 0x00, 0,    0,    0,    0, /* MaxBuffer, MaxMpx, VcNumber, SessionKey */
    0x00, 0x00, 0x00, 0x00, 0,    0,    0,    0,             /* no passwords, reserved */
    0x50, 0x00, 0x00, 0x00,                                  /* CAP_NT_SMBS | CAP_NT_STATUS */
    0x0e, 0x00,                                              /* ByteCount */
    0x00, 0x00, 'U',  'n',  'i',  'x',  0x00, 'x',  's',  'w', 'e', 'e', 'p', 0x00,
};

static xs_probe_step smb1_reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                                xs_probe_info *info, unsigned char *out, size_t cap,
                                size_t *out_len)
{
    *out_len = 0;
    if (*step > 0) /* the Session Setup AndX answer */
        return probe_last(xs_probe_parse_smb1_session, in, len, final, info);
    if (len < 4 + 32 + 3)
        return final ? (info->facts[XS_PROBE_FACT_SMB1] = -1, XS_PROBE_STEP_DONE)
                     : XS_PROBE_STEP_MORE;
    const unsigned char *s = in + 4;
    bool smb1 = s[0] == 0xff && memcmp(s + 1, "SMB", 3) == 0 && s[4] == 0x72;
    uint32_t status = smb1 ? rd_le32(s + 5) : 1;
    /* DialectIndex 0 = our only dialect accepted; 0xffff = none acceptable. */
    bool accepted = smb1 && status == 0 && s[32] >= 1 && rd_le16(s + 33) == 0;
    info->facts[XS_PROBE_FACT_SMB1] = accepted ? 1 : -1;
    if (accepted) {
        size_t dl = strlen(info->dialects);
        snprintf(info->dialects + dl, sizeof info->dialects - dl, "%sNT LM 0.12", dl ? "," : "");
        if (s[32] >= 17 && len >= 4 + 32 + 4) {
            unsigned secmode = s[35];
            if (info->facts[XS_PROBE_FACT_SMB_SIGNING] == 0)
                info->facts[XS_PROBE_FACT_SMB_SIGNING] = (secmode & 0x08) ? 1 : -1;
        }
        if (!final) /* NativeLanMan: Samba's version */
            return probe_send_bytes(step, smb1_session_setup, sizeof smb1_session_setup, out, cap,
                                    out_len);
    }
    return XS_PROBE_STEP_DONE;
}

const xs_probe_module xs_probe_mod_smb = {
    .kind = XS_PROBE_SMB,
    .name = "smb",
    .sends = "SMB2 NEGOTIATE 2.0.2-3.1.1, SESSION_SETUP as guest",
    .learns = "dialect, smb.signing_required, smb.guest, names",
    .request = request,
    .reply = reply,
    .identify = xs_probe_parse_smb,
};

const xs_probe_module xs_probe_mod_smb1 = {
    .kind = XS_PROBE_SMB1,
    .name = "smb1",
    .sends = "SMB1 NEGOTIATE NT LM 0.12, anonymous SESSION_SETUP_ANDX",
    .learns = "smb.v1, NativeOS, Samba version",
    .request = smb1_request,
    .reply = smb1_reply,
    .identify = xs_probe_parse_smb,
};
