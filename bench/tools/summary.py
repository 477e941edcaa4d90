#!/usr/bin/env python3
"""Summary of one simdense_bench JSON run: the table `./run.sh bench` ends with.

    summary.py RESULT.json [--filter REGEX] [--isa ISA ...]

Columns: kernel; size (floats, or MxN elements); fits = the smallest cache level (L1/L2/L3 of
this machine, from the run's context) holding the kernel's working set, else DRAM; ISA;
items/s (elements per second); GB/s (memory traffic the kernel reports, 1e9 bytes/s);
vs scalar = items/s over the scalar reference's at the same kernel and size; % of bound = GB/s
over the GB/s of the memory stream of the same kind at the nearest working-set size measured
in the same run (bound column: copy for elementwise and softmax, triad for *_grad, read for
matvec, inplace for add_outer and dense). Then the fastest ISA per kernel and size, and the
memory streams themselves in GB/s.

Peer libraries (names kernel/<peer>/size, bench/peers/) appear in the first table with their
name in the ISA column (vs scalar = over simdense's scalar reference); they never count as the
fastest ISA. When a run has peers, a last table sets simdense's fastest ISA against each peer at
the same kernel and size: the peer's items/s and ours / peer's.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchtools as bt  # noqa: E402


def context_lines(run):
    c = run.context
    caches = c.get("cache_summary") or ", ".join("%s %d KiB" % (n, s // 1024) for n, s in run.caches)
    out = [
        "CPU: %s (%s cores)" % (run.cpu(), c.get("num_cpus", "?")),
        "ISAs measured: %s (supported: %s)" % (c.get("isas_measured", "?"), c.get("isas_supported", "?")),
        "Caches: %s" % (caches or "unknown"),
        "simdense %s, %s" % (c.get("simdense_version", "?"), c.get("simdense_build", "?")),
        "Date: %s, profile: %s, results: %s" % (c.get("date_utc", c.get("date", "?")), c.get("profile", "?"), run.path),
    ]
    return out


def kernel_rows(run, pattern=None, isas=None):
    rows = []
    entries = [e for e in run.entries.values() if not e.kernel.startswith("memory/")]
    entries.sort(key=lambda e: bt.sort_key(run, e))
    for e in entries:
        if pattern and not re.search(pattern, e.name):
            continue
        if isas and e.isa not in isas:
            continue
        if e.error:
            rows.append([e.kernel, e.size, "-", e.isa or "-", "ERROR: " + e.error, "-", "-", "-", "-"])
            continue
        r = bt.row_for(run, e)
        b = r["bound"]
        bound = "%s %s GB/s" % (b.kernel[len("memory/"):], bt.fmt_gbs(b.bytes_per_s)) if b else "-"
        rows.append([e.kernel, e.size, r["fits"], e.isa or "-", bt.fmt_rate(e.items_per_s),
                     bt.fmt_gbs(e.bytes_per_s), bt.fmt_speedup(r["speedup"]), bt.fmt_pct(r["pct"]), bound])
    return rows


def best_rows(run, pattern=None, isas=None):
    """Per kernel and size, the fastest ISA (items/s) with its speedup and % of bound."""
    best = {}
    for e in run.entries.values():
        if e.kernel.startswith("memory/") or e.error or not e.rate() or e.isa in bt.PEERS:
            continue
        if (pattern and not re.search(pattern, e.name)) or (isas and e.isa not in isas):
            continue
        k = (e.kernel, e.size)
        if k not in best or e.rate() > best[k].rate():
            best[k] = e
    rows = []
    for e in sorted(best.values(), key=lambda e: bt.sort_key(run, e)):
        r = bt.row_for(run, e)
        rows.append([e.kernel, e.size, r["fits"], e.isa or "-", bt.fmt_rate(e.items_per_s),
                     bt.fmt_speedup(r["speedup"]), bt.fmt_pct(r["pct"])])
    return rows


def peer_rows(run, pattern=None):
    """(peer names present, rows): per kernel and size measured by a peer, simdense's fastest
    ISA and items/s, then per peer 'items/s (ours/peer x)' or '-'."""
    ours, theirs = {}, {}
    for e in run.entries.values():
        if e.kernel.startswith("memory/") or e.error or not e.rate() or e.isa is None:
            continue
        if pattern and not re.search(pattern, e.name):
            continue
        k = (e.kernel, e.size)
        if e.isa in bt.PEERS:
            theirs.setdefault(k, {})[e.isa] = e
        elif e.isa != "scalar" and (k not in ours or e.rate() > ours[k].rate()):
            ours[k] = e
    peers = [p for p in bt.PEERS if any(p in d for d in theirs.values())]
    rows = []
    for k in sorted(theirs, key=lambda k: bt.sort_key(run, next(iter(theirs[k].values())))):
        o = ours.get(k)
        row = [k[0], k[1], o.isa if o else "-", bt.fmt_rate(o.items_per_s) if o else "-"]
        for p in peers:
            e = theirs[k].get(p)
            if e is None:
                row.append("-")
            elif o is None:
                row.append(bt.fmt_rate(e.items_per_s))
            else:
                row.append("%s (%.2fx)" % (bt.fmt_rate(e.items_per_s), o.rate() / e.rate()))
        rows.append(row)
    return peers, rows


def memory_rows(run):
    sizes = {}
    for e in run.entries.values():
        if e.kernel.startswith("memory/"):
            sizes.setdefault((e.elements or 0, e.size), {})[e.kernel[len("memory/"):]] = e
    rows = []
    for (n, label), kinds in sorted(sizes.items()):
        row = [label]
        for k in bt.MEMORY_KINDS:
            e = kinds.get(k)
            row.append("-" if e is None else ("ERROR" if e.error else bt.fmt_gbs(e.bytes_per_s)))
            row.append(run.fits(n * bt.FOOTPRINT[k]) if e is not None else "-")
        rows.append(row)
    return rows


def render(run, pattern=None, isas=None):
    out = context_lines(run) + [""]
    rows = kernel_rows(run, pattern, isas)
    if rows:
        out.append(bt.markdown_table(
            ["kernel", "size", "fits", "ISA", "items/s", "GB/s", "vs scalar", "% of bound", "bound"], rows,
            ["---", "--:", "---", "---", "--:", "--:", "--:", "--:", "---"]))
    else:
        out.append("(no kernel benchmarks in this run)")
    brows = best_rows(run, pattern, isas)
    if len(brows) > 1:
        out += ["", "Fastest ISA per kernel and size:", ""]
        out.append(bt.markdown_table(["kernel", "size", "fits", "best ISA", "items/s", "vs scalar", "% of bound"],
                                     brows, ["---", "--:", "---", "---", "--:", "--:", "--:"]))
    peers, prows = peer_rows(run, pattern)
    if prows:
        out += ["", "simdense (fastest ISA) vs peer libraries, items/s (ours / peer's):", ""]
        out.append(bt.markdown_table(["kernel", "size", "our ISA", "ours"] + peers, prows,
                                     ["---", "--:", "---", "--:"] + ["--:"] * len(peers)))
    mrows = memory_rows(run)
    if mrows:
        out += ["", "Memory streams (GB/s, and the level the working set fits):", ""]
        header = ["size"]
        for k in bt.MEMORY_KINDS:
            header += [k, "fits"]
        out.append(bt.markdown_table(header, mrows, ["--:"] + ["--:", "---"] * len(bt.MEMORY_KINDS)))
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json", help="Google Benchmark JSON written by simdense_bench")
    ap.add_argument("--filter", help="only benchmarks whose name matches this regex")
    ap.add_argument("--isa", action="append", help="only these ISAs (repeatable)")
    ap.add_argument("-o", "--output", help="also write the summary to this file")
    a = ap.parse_args(argv)
    run = bt.Run.load(a.json)
    text = render(run, a.filter, a.isa)
    sys.stdout.write(text)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
