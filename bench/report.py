#!/usr/bin/env python3
"""Turns bench/run.sh's results file (tab-separated rows) into the plain-text summary table.

Rows:
  tx      SINK PORTS TOOL REP PPS WINDOW_S PACKETS EXPECTED LOAD   (SINK: nic | ipstack)
  recall  RATE TOOL FOUND TRUE_OPEN PROBES_ANSWERED SINK_SYNACK SINK_RST WINDOW_S COOKIES LISTEN_DROPS PLANNED
  mem     TOOL MAXRSS_KB EXPECTED PACKETS_AT_SINK PPS WINDOW_S
  skip    TOOL REASON
  tx6     FAMILY TOOL REP PPS WINDOW_S PACKETS EXPECTED LOAD      (FAMILY: 4 | 6; NIC-like sink, x 1 port)
  recall6 FAMILY RATE TOOL FOUND ... PLANNED                       (the recall fields after FAMILY)
  skip6   TOOL REASON                                              (a tool left out of the IPv6 figure)
"""
import statistics
import sys
from collections import defaultdict

TOOLS = ["masscan", "zmap", "xsweep", "xsweep-sendmmsg", "ceiling", "ceiling-xdp", "ceiling-txring"]


def num(v, kind=float):
    """A figure from the results file, or None when the run left it empty or unreadable."""
    try:
        return kind(v)
    except (TypeError, ValueError):
        return None


def fmt_pps(v):
    if v is None:
        return "n/a"
    return f"{v / 1e3:,.0f}k" if v < 1e6 else f"{v / 1e6:.2f}M"


def recall_line(r):
    """One recall row (the fields after the row kind) as the printed table line."""
    r = r + [""] * (11 - len(r))
    rate, tool, found, true_open, probes, synack, rst, window, cookies, ldrops, planned = r[:11]
    found, true_open, probes, synack, rst = (num(v, int) or 0 for v in (found, true_open, probes, synack, rst))
    cookies, ldrops, planned = (num(v, int) or 0 for v in (cookies, ldrops, planned))
    window = num(window) or 0.0
    pct = 100.0 * found / true_open if true_open else 0.0
    pps = probes / window if window > 0 and tool != "zmap" else None
    if synack > true_open * 1.5:
        # Far more segments than SYN-ACKs: the tool completed connections (e.g. xsweep's
        # HTTP stage), so the sink's numbers are not one answer per probe any more.
        probes = int(planned)
    if probes < int(planned):
        verdict = f"SINK-LIMITED or lost on the way: {int(planned) - probes} probes never answered"
        if found < synack:
            verdict += f"; tool also missed {synack - found} SYN-ACKs"
    elif synack < true_open:
        verdict = f"SINK-LIMITED: sink sent {true_open - synack} fewer SYN-ACKs than open ports"
    elif found < synack and found < true_open:
        verdict = f"tool missed {min(synack, true_open) - found} replies the sink sent"
    else:
        verdict = "complete"
    if int(cookies):
        verdict += f"; {cookies} syncookies"
    if int(ldrops):
        verdict += f"; {ldrops} listen drops"
    return (f"{rate:<10}{tool:<10}{found:>8}{true_open:>8}{pct:>7.1f}%{probes:>10}{int(planned):>9}"
            f"{synack:>9}{rst:>8}{fmt_pps(pps):>9}  {verdict}")


def ipv6_section(tx6, recall6, skips6):
    """The IPv6 figure: each tool over 2001:2::/112 beside the same tool over 198.19.0.0/16."""
    if not (tx6 or recall6 or skips6):
        return
    print("== IPv6 beside IPv4: 2001:2::/112 and 198.19.0.0/16 (65536 addresses each), one --ipv6 testbed")
    if tx6:
        print("   Transmit, NIC-like sink, x 1 port: probes/s counted at the sink veth (rx_packets over the send window)")
        print(f"{'family':<8}{'tool':<16}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}  note")
        med = {}
        for fam in ("4", "6"):
            for tool in TOOLS:
                rows = tx6.get((fam, tool))
                if rows is None:
                    continue
                vals = [v for v, _, _ in rows if v is not None]
                failed = sum(v is None for v, _, _ in rows)
                short = sum(1 for v, p, e in rows if v is not None and e is not None and (p or 0) < e)
                note = (f"{failed} run(s) without a reading " if failed else "") + \
                       (f"{short} run(s) delivered fewer probes than planned" if short else "")
                if not vals:
                    print(f"{'IPv' + fam:<8}{tool:<16}{'n/a':>10}{'':>10}{'':>10}{0:>6}  {note}")
                    continue
                med[(fam, tool)] = statistics.median(vals)
                print(f"{'IPv' + fam:<8}{tool:<16}{fmt_pps(med[(fam, tool)]):>10}{fmt_pps(min(vals)):>10}"
                      f"{fmt_pps(max(vals)):>10}{len(vals):>6}  {note}")
        parts = []
        for tool in TOOLS:
            a, b = med.get(("6", tool)), med.get(("4", tool))
            if a and b:
                parts.append(f"{tool} IPv6/IPv4 = {a / b:.2f}")
        x6, m6 = med.get(("6", "xsweep")), med.get(("6", "masscan"))
        if x6 and m6:
            parts.append(f"IPv6 xsweep/masscan = {x6 / m6:.2f}")
        if parts:
            print("  Ratios of medians: " + ", ".join(parts))
    if recall6:
        print("   Recall, answering sink (found open / true open; ~pps = answered / time at the sink)")
        print(f"{'family':<8}{'rate':<10}{'tool':<10}{'found':>8}{'true':>8}{'recall':>8}{'answered':>10}{'planned':>9}"
              f"{'SYN-ACK':>9}{'RST':>8}{'~pps':>9}  verdict")
        for fam, row in recall6:
            print(f"{'IPv' + fam:<8}" + recall_line(row))
    for tool, why in skips6.items():
        print(f"  {tool}: not in this figure: {why}")
    print()


def main(path):
    tx = defaultdict(list)          # (sink, ports, tool) -> [pps]
    tx_short = defaultdict(int)     # (sink, ports, tool) -> runs where fewer packets arrived than sent
    tx_failed = defaultdict(int)    # (sink, ports, tool) -> runs without a reading
    tx_load = defaultdict(list)     # sink -> 1-min load averages when its runs started
    recall = []
    mem = []
    skips = {}
    tx6 = defaultdict(list)         # (family, tool) -> [(pps or None, packets, expected)]
    recall6 = []                    # (family, recall fields)
    skips6 = {}
    with open(path) as f:
        for line in f:
            row = line.rstrip("\n").split("\t")
            kind = row[0]
            if kind == "tx":
                row += [""] * (11 - len(row))
                sink, ports, tool, _rep, pps, _win, packets, expected, load = row[1:10]
                key = (sink, int(ports), tool)
                if num(load) is not None:
                    tx_load[sink].append(num(load))
                if num(pps) is None:          # the meter gave no reading for this run
                    tx_failed[key] += 1
                    continue
                tx[key].append(float(pps))
                if num(expected, int) is not None and (num(packets, int) or 0) < int(expected):
                    tx_short[key] += 1
            elif kind == "recall":
                recall.append(row[1:])
            elif kind == "mem":
                mem.append(row[1:])
            elif kind == "skip":
                skips[row[1]] = row[2]
            elif kind == "tx6":
                row += [""] * (10 - len(row))
                fam, tool, _rep, pps, _win, packets, expected, _load = row[1:9]
                tx6[(fam, tool)].append((num(pps), num(packets, int), num(expected, int)))
            elif kind == "recall6":
                recall6.append((row[1], row[2:]))
            elif kind == "skip6":
                skips6[row[1]] = row[2]

    medians = {}
    sinks = [k for k in ("nic", "ipstack") if any(t[0] == k for t in list(tx) + list(tx_failed))]
    for sink in sinks:
        what = ("NIC-like sink: frames dropped at an nft netdev ingress hook, before the sink's IP stack"
                if sink == "nic" else "IP-stack sink: the sink's IP stack drops the frames (in the sender's context on veth)")
        loads = tx_load.get(sink)
        print(f"== Transmit, {what}")
        print("   probes/s counted at the sink veth (rx_packets over the send window)"
              + (f"; 1-min load {min(loads):.2f}-{max(loads):.2f} during these runs" if loads else ""))
        print(f"{'probes':<22}{'tool':<16}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}  note")
        for ports in sorted({p for s_, p, _ in list(tx) + list(tx_failed) if s_ == sink}):
            for tool in TOOLS:
                key = (sink, ports, tool)
                vals = tx.get(key)
                label = f"/16 x {ports} port(s)" if not tool.startswith("ceiling") else f"(ceiling, {ports})"
                if not vals:
                    if tx_failed.get(key):
                        print(f"{label:<22}{tool:<16}{'n/a':>10}{'':>10}{'':>10}{0:>6}  no reading")
                    elif tool in skips:
                        print(f"{label:<22}{tool:<16}{'n/a':>10}{'':>10}{'':>10}{0:>6}  {skips[tool]}")
                    continue
                med = statistics.median(vals)
                medians[key] = med
                note = ""
                if tool == "zmap" and ports > 1:
                    note = "zmap 2.1.1 is single-port: -P %d on one port (same probe count)" % ports
                if tx_failed.get(key):
                    note += (" " if note else "") + f"{tx_failed[key]} run(s) without a reading"
                if tx_short.get(key):
                    note += (" " if note else "") + f"{tx_short[key]} run(s) delivered fewer probes than planned"
                print(f"{label:<22}{tool:<16}{fmt_pps(med):>10}{fmt_pps(min(vals)):>10}{fmt_pps(max(vals)):>10}{len(vals):>6}  {note}")
        print("Ratios of medians (xsweep / other):")
        for ports in sorted({p for s_, p, _ in tx if s_ == sink}):
            xs = medians.get((sink, ports, "xsweep"))
            parts = []
            for other in ("masscan", "zmap", "ceiling", "ceiling-xdp"):
                o = medians.get((sink, ports, other)) or medians.get((sink, 1, other) if other.startswith("ceiling") else None)
                parts.append(f"xsweep/{other} = {xs / o:.2f}" if xs and o else f"xsweep/{other} = n/a")
            print(f"  {ports:>3} port(s): " + ", ".join(parts))
        print()
    if sinks:
        print("  ceiling = bench/ceiling.c: pre-built SYNs, AF_PACKET + PACKET_QDISC_BYPASS, sendmmsg batch 256")
        print("  (ceiling-txring: PACKET_TX_RING); ceiling-xdp = bench/xdp_ceiling.c: pre-built SYNs, AF_XDP copy")
        print("  mode, 32 per kick; all with the same thread count as xsweep and zmap, sending for a fixed time.")
        print("  xsweep = --sender auto (AF_XDP where it opens), xsweep-sendmmsg = --sender sendmmsg.")
        print()

    if recall:
        print("== Recall: /16 x the scanned ports against an answering sink (found open / true open)")
        print("  (sink answered = SYN-ACKs + RSTs its TCP sent = probes it received and handled;")
        print("   ~pps = answered / time between first and last packet at the sink; zmap: n/a, 4 runs)")
        print(f"{'rate':<10}{'tool':<10}{'found':>8}{'true':>8}{'recall':>8}{'answered':>10}{'planned':>9}"
              f"{'SYN-ACK':>9}{'RST':>8}{'~pps':>9}  verdict")
        for r in recall:
            print(recall_line(r))
        for tool in ("masscan", "zmap", "xsweep"):
            if tool in skips and not any(r[1] == tool for r in recall):
                print(f"{'-':<10}{tool:<10}  n/a: {skips[tool]}")
        print()

    if mem:
        print("== Memory: peak RSS for one large scan (sink dropping)")
        print(f"{'tool':<12}{'peak RSS':>10}{'probes':>12}{'at sink':>12}{'pps':>10}{'window s':>10}")
        for r in mem:
            tool, rss, expected, packets, pps, window = (r + [""] * 6)[:6]
            rss, expected, packets = num(rss, int), num(expected, int), num(packets, int)
            pps, window = num(pps), num(window)
            print(f"{tool:<12}" + (f"{rss / 1024:>7.1f} MB" if rss else f"{'n/a':>10}")
                  + (f"{expected:>12}" if expected is not None else f"{'n/a':>12}")
                  + (f"{packets:>12}" if packets is not None else f"{'n/a':>12}")
                  + f"{fmt_pps(pps):>10}" + (f"{window:>10.2f}" if window is not None else f"{'n/a':>10}"))
        for tool in ("masscan", "zmap", "xsweep"):
            if tool in skips and not any(r[0] == tool for r in mem):
                print(f"{tool:<10}  n/a: {skips[tool]}")
        sizes = [num(r[2], int) for r in mem if r[0] == "xsweep" and num(r[2], int)]
        if len(sizes) > 1:
            print(f"  xsweep twice: {max(sizes)} and {min(sizes)} probes; its SYN stage keeps no per-target state")
        if any(r[0] == "xsweep+http" for r in mem):
            print("  xsweep+http: xsweep with its HTTP/fingerprint stage left on (nothing to fetch: the sink drops)")
        print()

    ipv6_section(tx6, recall6, skips6)


if __name__ == "__main__":
    main(sys.argv[1])
