#!/usr/bin/env python3
"""Property test of xsweep's target/exclude handling through --dry-run (no packets are sent).

    exclusion_property.py XSWEEP WORKDIR [--runs 200] [--seed0 1]

For each run, a seeded generator picks random targets and excludes inside 198.18.0.0/15 (CIDRs,
ranges, single addresses, overlapping on purpose, given on the command line or in -iL /
--exclude-file files), random ports and retries. A third of the runs are IPv6 (a window somewhere
in 2001:2::/48, RFC 5180: prefixes /118-/128, ranges, single addresses, written compressed, in full
or in capitals), a sixth mix both families (IPv4 excludes beside IPv6 targets and the reverse). xsweep --dry-run prints one JSON probe per line;
the properties: no excluded address is ever probed, and every pass probes every non-excluded
target x port exactly once. A run whose targets are all excluded must be refused (exit 2).
Prints one line per failing run and a summary; exits 1 on any failure.
"""
import ipaddress
import json
import os
import random
import subprocess
import sys

STATS = {"probes": 0, "all_excluded": 0, "excluded_hits": 0, "ipv6_probes": 0}
NET = ipaddress.ip_network("198.18.0.0/15")
BASE, SIZE = int(NET.network_address), NET.num_addresses
NET6 = ipaddress.ip_network("2001:2::/48")
# Addresses are compared as integers: every IPv6 one of 2001:2::/48 is far above 2^32, so the two
# families never collide in one set.
FAMILIES = {4: (BASE, SIZE, 32, 23), 6: (int(NET6.network_address), NET6.num_addresses, 128, 118)}


def ip(n, rng=None):
    if n < 1 << 32:
        return str(ipaddress.IPv4Address(n))
    a = ipaddress.IPv6Address(n)
    style = rng.randrange(4) if rng else 0   # the parser must take every spelling of an address
    return (a.compressed, a.exploded, a.compressed.upper(), a.compressed)[style]


def random_piece(rng, lo, hi, fam=4):
    """A random target form inside [lo, hi]; returns (text, first, last)."""
    base, size, bits, min_plen = FAMILIES[fam]
    kind = rng.choice(("cidr", "range", "single"))
    if kind == "single":
        a = rng.randint(lo, hi)
        return ip(a, rng), a, a
    if kind == "cidr":
        plen = rng.randint(min_plen, bits)
        block = 1 << (bits - plen)
        a = rng.randint(lo, hi) & ~(block - 1)
        a = max(a, base)
        return f"{ip(a, rng)}/{plen}", a, a + block - 1
    a = rng.randint(lo, hi)
    b = min(a + rng.randint(0, 300), base + size - 1)
    return f"{ip(a, rng)}-{ip(b, rng)}", a, b


def window(rng, fam):
    """A window of 1 Ki addresses somewhere in the family's net so targets and excludes overlap."""
    base, size, _, _ = FAMILIES[fam]
    lo = base + rng.randrange(0, size - 1024)
    return lo, lo + 1023


def one_run(xsweep, work, seed):
    rng = random.Random(seed)
    r = rng.random()
    fams = [4] if r < 0.5 else [6] if r < 5 / 6 else [4, 6]
    targets, excludes = [], []
    for fam in fams:
        lo, hi = window(rng, fam)
        targets += [random_piece(rng, lo, hi, fam) for _ in range(rng.randint(1, 4))]
        excludes += [random_piece(rng, lo, hi, fam) for _ in range(rng.randint(0, 5))]
    if rng.random() < 0.2:   # an exclude elsewhere, overlapping nothing (most likely), either family
        fam = rng.choice((4, 6))
        base, size, _, _ = FAMILIES[fam]
        excludes.append(random_piece(rng, base, base + size - 1, fam))
    rng.shuffle(targets)
    rng.shuffle(excludes)
    ports = sorted(rng.sample((80, 443, 8080, 22, 3389, 65535, 1), rng.randint(1, 3)))
    retries = rng.randint(0, 2)

    target_set = set()
    for _, a, b in targets:
        target_set.update(range(a, b + 1))
    excl_set = set()
    for _, a, b in excludes:
        excl_set.update(range(a, b + 1))
    want = target_set - excl_set

    args = [xsweep, "--dry-run", "--no-progress", "--seed", str(seed), "--source-ip", "198.18.0.1",
            "-p", ",".join(map(str, ports)), "--retries", str(retries)]
    if rng.random() < 0.5:
        args += [t for t, _, _ in targets]
    else:
        path = os.path.join(work, f"targets-{seed}.txt")
        with open(path, "w") as f:
            f.write("# generated\n" + "\n".join(t for t, _, _ in targets) + "\n")
        args += ["-iL", path]
    if excludes:
        if rng.random() < 0.5:
            args += ["--exclude", ",".join(t for t, _, _ in excludes)]
        else:
            path = os.path.join(work, f"exclude-{seed}.txt")
            with open(path, "w") as f:
                f.write("\n".join(t for t, _, _ in excludes) + "\n")
            args += ["--exclude-file", path]

    p = subprocess.run(args, capture_output=True, timeout=60)
    what = f"seed {seed}: {' '.join(args[1:])}"
    if not want:
        if p.returncode != 2:
            return f"{what}: everything excluded, want exit 2, got {p.returncode}"
        if b"invalid" in p.stderr:   # exit 2 for another reason (a target refused) is no pass
            return f"{what}: everything excluded, but: {p.stderr.decode(errors='replace').strip()[:200]}"
        STATS["all_excluded"] += 1
        return None
    if p.returncode != 0:
        return f"{what}: exit {p.returncode}: {p.stderr.decode(errors='replace').strip()[:200]}"
    passes = {}
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        a = int(ipaddress.ip_address(r["ip"]))
        if a in excl_set:
            return f"{what}: probed excluded address {r['ip']}:{r['port']}"
        passes.setdefault(r["pass"], []).append((a, r["port"]))
    want_probes = {(a, p_) for a in want for p_ in ports}
    STATS["probes"] += sum(len(v) for v in passes.values())
    STATS["ipv6_probes"] += sum(a >= 1 << 32 for v in passes.values() for a, _ in v)
    STATS["excluded_hits"] += len(target_set & excl_set)
    if sorted(passes) != list(range(retries + 1)):
        return f"{what}: passes {sorted(passes)}, want 0..{retries}"
    for n, probes in sorted(passes.items()):
        got = set(probes)
        if len(got) != len(probes):
            return f"{what}: pass {n} probes {len(probes) - len(got)} endpoints twice"
        if got != want_probes:
            miss, extra = want_probes - got, got - want_probes
            eg = [f"{ip(a)}:{q}" for a, q in list(miss)[:2] + list(extra)[:2]]
            return f"{what}: pass {n}: {len(miss)} missing, {len(extra)} unexpected, e.g. {eg}"
    return None


def main():
    xsweep, work = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 200
    seed0 = int(sys.argv[sys.argv.index("--seed0") + 1]) if "--seed0" in sys.argv else 1
    failures = 0
    for seed in range(seed0, seed0 + runs):
        err = one_run(xsweep, work, seed)
        if err:
            failures += 1
            print("FAIL", err)
    print(f"exclusion property: {runs} runs, {failures} failed ({STATS['probes']} probes checked, "
          f"{STATS['ipv6_probes']} of them IPv6, {STATS['excluded_hits']} target addresses excluded, {STATS['all_excluded']} runs all excluded)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
