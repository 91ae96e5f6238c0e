/* -oX: nmap-compatible XML (xmloutputversion 1.05), streamed one <host> per endpoint record the
 * way masscan does, so ndiff, nmap.xsl, Metasploit's db_import and other nmap XML readers load it.
 *
 *   <nmaprun scanner="xsweep" ...><scaninfo type="syn" protocol="tcp" .../>
 *   <host><status state="up" .../><address addr="198.18.0.1" addrtype="ipv4"/>
 *     <ports><port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="64"/>
 *       <service name="http" extrainfo="severity critical: 2XX with no authentication"
 *                method="table" conf="3"/></port></ports>
 *   </host> ... <runstats><finished .../><hosts .../></runstats></nmaprun>
 *
 * Port states: open = SYN-ACK (reason syn-ack); closed with a reply = RST (reason reset); closed
 * with no reply (ttl 0) = nmap's "filtered" (reason no-response). Excluded, unsupported and failed
 * records are not written: nmap has no such port states and they were never probed.
 * Text from the network is escaped; bytes XML 1.0 forbids are dropped, malformed UTF-8 becomes
 * U+FFFD. */
#ifndef XSWEEP_XML_H
#define XSWEEP_XML_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "xsweep/output.h"
#include "xsweep/targets.h"

/* args: the command line, for the args attribute. ports: the scanned ports for <scaninfo>, or NULL
 * when unknown (endpoint lists). */
void xs_xml_begin(FILE *out, const char *args, uint64_t start_realtime_ns,
                  const xs_portlist *ports);
/* One <host> for the record; returns false when its status has no nmap equivalent (nothing
 * written). */
bool xs_xml_host(FILE *out, const xs_report *rep);
/* The counts are those of the records written (as xs_output_count gives them); start is repeated
 * for runstats' elapsed attribute. */
void xs_xml_end(FILE *out, uint64_t start_realtime_ns, uint64_t end_realtime_ns, uint64_t open,
                uint64_t closed, uint64_t other);

/* The nmap-services name of a supported-ports protocol ("HTTP/S" on 443 is "https"), for -oG too. */
void xs_xml_service_name(FILE *out, const char *protocol, uint16_t port);

/* s escaped for an XML attribute value or text (without quotes). For tests. */
void xs_xml_escape_to(FILE *out, const char *s, size_t len);

#endif
