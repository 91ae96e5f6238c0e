/* Probe module "smb": SMB2 NEGOTIATE (dialect, signing, Samba's hint); follow-up "smb1": an SMB1
 * NEGOTIATE offering only NT LM 0.12 ([MS-CIFS] 2.2.4.52), on its own connection.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* NetBIOS + SMB2 header + NEGOTIATE for 2.0.2, 2.1, 3.0, 3.0.2 and 3.1.1, with the two negotiate
 * contexts 3.1.1 needs ([MS-SMB2] 2.2.3.1): preauth integrity (SHA-512, a fixed salt) and
 * encryption (AES-128-CCM, AES-128-GCM). The contexts start 8-aligned at 112 from the SMB2 header. */
static const unsigned char smb2_negotiate[] = {
    0x00, 0x00, 0x00, 0xae,
    0xfe, 'S', 'M', 'B', 0x40, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0,
    0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x24, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,
    'x', 's', 'w', 'e', 'e', 'p', '-', 'p', 'r', 'o', 'b', 'e', 0, 0, 0, 1,
    0x70, 0x00, 0x00, 0x00,  0x02, 0x00,  0x00, 0x00,           /* context offset, count, reserved */
    0x02, 0x02, 0x10, 0x02, 0x00, 0x03, 0x02, 0x03, 0x11, 0x03,
    0x00, 0x00,                                                  /* pad to 112 */
    0x01, 0x00, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00,              /* PREAUTH_INTEGRITY, 38 bytes */
    0x01, 0x00, 0x20, 0x00, 0x01, 0x00,                          /* 1 hash, 32-byte salt, SHA-512 */
    'x', 's', 'w', 'e', 'e', 'p', '-', 'p', 'r', 'e', 'a', 'u', 't', 'h', '-', 's',
    'a', 'l', 't', '-', '3', '2', '-', 'b', 'y', 't', 'e', 's', '.', '.', '.', '.',
    0x00, 0x00,                                                  /* pad to 160 */
    0x02, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,              /* ENCRYPTION_CAPABILITIES, 6 bytes */
    0x02, 0x00, 0x01, 0x00, 0x02, 0x00,                          /* AES-128-CCM, AES-128-GCM */
};

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr; (void)port;
    return probe_put(out, cap, smb2_negotiate, sizeof smb2_negotiate);
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step; (void)out; (void)cap;
    *out_len = 0;
    return probe_single(xs_probe_parse_smb, in, len, final, info);
}

static const unsigned char smb1_negotiate[] = {
    0x00, 0x00, 0x00, 0x2f,
    0xff, 'S', 'M', 'B', 0x72, 0, 0, 0, 0,  0x18, 0x01, 0x40,  0, 0,  0, 0, 0, 0, 0, 0, 0, 0,
    0, 0,  0, 0,  0xff, 0xfe,  0, 0,  0, 0,
    0x00,                         /* WordCount */
    0x0c, 0x00,                   /* ByteCount */
    0x02, 'N', 'T', ' ', 'L', 'M', ' ', '0', '.', '1', '2', 0x00,
};

static size_t smb1_request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr; (void)port;
    return probe_put(out, cap, smb1_negotiate, sizeof smb1_negotiate);
}

static xs_probe_step smb1_reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                                xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step; (void)out; (void)cap;
    *out_len = 0;
    if (len < 4 + 32 + 3)
        return final ? (info->facts[XS_PROBE_FACT_SMB1] = -1, XS_PROBE_STEP_DONE) : XS_PROBE_STEP_MORE;
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
    }
    return XS_PROBE_STEP_DONE;
}

const xs_probe_module xs_probe_mod_smb = {
    .kind = XS_PROBE_SMB, .name = "smb",
    .sends = "SMB2 NEGOTIATE 2.0.2-3.1.1",
    .learns = "dialect, smb.signing_required, Samba",
    .request = request, .reply = reply, .identify = xs_probe_parse_smb,
};

const xs_probe_module xs_probe_mod_smb1 = {
    .kind = XS_PROBE_SMB1, .name = "smb1",
    .sends = "SMB1 NEGOTIATE offering only NT LM 0.12 (after smb)",
    .learns = "smb.v1",
    .request = smb1_request, .reply = smb1_reply, .identify = xs_probe_parse_smb,
};
