#!/usr/bin/env python3
"""Property test of xsweep's target/exclude handling through --dry-run (no packets are sent).

    exclusion_property.py XSWEEP WORKDIR [--runs 200] [--seed0 1]

For each run, a seeded generator picks random targets and excludes inside 198.18.0.0/15 (CIDRs,
ranges, single addresses, overlapping on purpose, given on the command line or in -iL /
--exclude-file files), random ports and retries. xsweep --dry-run prints one JSON probe per line;
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

STATS = {"probes": 0, "all_excluded": 0, "excluded_hits": 0}
NET = ipaddress.ip_network("198.18.0.0/15")
BASE, SIZE = int(NET.network_address), NET.num_addresses


def ip(n):
    return str(ipaddress.IPv4Address(n))


def random_piece(rng, lo, hi):
    """A random target form inside [lo, hi]; returns (text, first, last)."""
    kind = rng.choice(("cidr", "range", "single"))
    if kind == "single":
        a = rng.randint(lo, hi)
        return ip(a), a, a
    if kind == "cidr":
        plen = rng.randint(23, 32)
        block = 1 << (32 - plen)
        a = rng.randint(lo, hi) & ~(block - 1)
        a = max(a, BASE)
        return f"{ip(a)}/{plen}", a, a + block - 1
    a = rng.randint(lo, hi)
    b = min(a + rng.randint(0, 300), BASE + SIZE - 1)
    return f"{ip(a)}-{ip(b)}", a, b


def one_run(xsweep, work, seed):
    rng = random.Random(seed)
    # A window of 1 Ki addresses somewhere in the /15 so targets and excludes overlap.
    lo = BASE + rng.randrange(0, SIZE - 1024)
    hi = lo + 1023
    targets = [random_piece(rng, lo, hi) for _ in range(rng.randint(1, 4))]
    excludes = [random_piece(rng, lo, hi) for _ in range(rng.randint(0, 5))]
    if rng.random() < 0.2:   # an exclude elsewhere in the /15, overlapping nothing (most likely)
        excludes.append(random_piece(rng, BASE, BASE + SIZE - 1))
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
        STATS["all_excluded"] += 1
        return None
    if p.returncode != 0:
        return f"{what}: exit {p.returncode}: {p.stderr.decode(errors='replace').strip()[:200]}"
    passes = {}
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        a = int(ipaddress.IPv4Address(r["ip"]))
        if a in excl_set:
            return f"{what}: probed excluded address {r['ip']}:{r['port']}"
        passes.setdefault(r["pass"], []).append((a, r["port"]))
    want_probes = {(a, p_) for a in want for p_ in ports}
    STATS["probes"] += sum(len(v) for v in passes.values())
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
          f"{STATS['excluded_hits']} target addresses excluded, {STATS['all_excluded']} runs all excluded)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
