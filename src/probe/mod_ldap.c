/* Probe module "ldap": one anonymous search of the rootDSE (RFC 4512 5.1), as nmap's
 * ldap-rootdse does: no bind, so no credentials of any kind; the server's entry says what it
 * supports (StartTLS) and, when it says so, what it is (vendorName, vendorVersion).
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* SearchRequest, messageID 1: base "", scope baseObject, never deref, no size limit, 5 s,
 * (objectClass=*), six attributes. Split literals so no hex escape runs into a letter. */
static const char rootdse_search[] = "\x30\x81\x99"
                                     "\x02\x01\x01" /* LDAPMessage, messageID 1 */
                                     "\x63\x81\x93" /* SearchRequest [APPLICATION 3] */
                                     "\x04\x00"     /* baseObject "" */
                                     "\x0a\x01\x00" /* scope baseObject */
                                     "\x0a\x01\x00" /* derefAliases neverDerefAliases */
                                     "\x02\x01\x00" /* sizeLimit 0 */
                                     "\x02\x01\x05" /* timeLimit 5 s */
                                     "\x01\x01\x00" /* typesOnly FALSE */
                                     "\x87\x0b"
                                     "objectClass" /* present filter [7] */
                                     "\x30\x73"    /* attributes */
                                     "\x04\x0a"
                                     "vendorName"
                                     "\x04\x0d"
                                     "vendorVersion"
                                     "\x04\x14"
                                     "supportedLDAPVersion"
                                     "\x04\x12"
                                     "supportedExtension"
                                     "\x04\x15"
                                     "supportedCapabilities"
                                     "\x04\x15"
                                     "structuralObjectClass";

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, rootdse_search, sizeof rootdse_search - 1);
}

const xs_probe_module xs_probe_mod_ldap = {
    .kind = XS_PROBE_LDAP,
    .name = "ldap",
    .sends = "an anonymous rootDSE search (no bind)",
    .learns = "product, version (vendorName), tls (StartTLS)",
    .request = request,
    .reply = NULL,
    .identify = xs_probe_parse_ldap,
};
