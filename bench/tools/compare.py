#!/usr/bin/env python3
"""Puts several simdense_bench JSON runs side by side (CPUs, ISAs, versions).

    compare.py A.json B.json ... [--labels A,B,...] [--filter REGEX] [--out DIR] [--format png|svg]

Writes DIR/compare.md (a markdown table: per run items/s and speedup vs that run's scalar
reference, and items/s relative to the first run) and two gnuplot charts: DIR/speedup.<fmt>
(speedup vs scalar per kernel/size, one bar per run and ISA) and DIR/throughput.<fmt>
(items/s, log scale, scalar included). The table is also printed. Memory streams appear in the
table only. For A/B statistics on repeated runs, Google Benchmark's own tool also works on these
files: /usr/share/benchmark/compare.py benchmarks A.json B.json (Debian libbenchmark-tools).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchtools as bt  # noqa: E402


def default_labels(runs, paths):
    labels = []
    for run in runs:
        c = run.context
        lab = run.cpu().replace("(R)", "").replace("(TM)", "").replace(" CPU", "")
        lab = re.sub(r"\s+@.*", "", lab).strip()
        if c.get("simdense_isa_env"):
            lab += " " + c["simdense_isa_env"]
        labels.append(lab)
    if len(set(labels)) < len(labels):  # same CPU: tell them apart by version, then by file
        versions = [r.context.get("simdense_version", "") for r in runs]
        if len(set(versions)) == len(versions):
            labels = ["%s v%s" % (l, v) for l, v in zip(labels, versions)]
        else:
            labels = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    return labels


def ordered_names(runs, pattern):
    """Every benchmark of any run, grouped by kernel (first appearance), then size, then ISA;
    memory streams last."""
    first, entries = {}, {}
    for run in runs:
        for name in run.order:
            e = run.entries.get(name)
            if e is None or (pattern and not re.search(pattern, name)):
                continue
            first.setdefault(e.kernel, len(first))
            entries.setdefault(name, e)
    def key(e):
        isa_i = (bt.ISAS.index(e.isa) if e.isa in bt.ISAS else
                 len(bt.ISAS) + bt.PEERS.index(e.isa) if e.isa in bt.PEERS else -1)  # peers last
        return (e.kernel.startswith("memory/"), first[e.kernel], e.elements or 0, e.size, isa_i)
    return [e.name for e in sorted(entries.values(), key=key)]


def letters(n):
    return [chr(ord("A") + i) if i < 26 else "R%d" % i for i in range(n)]


def table(runs, labels, names):
    """Columns per run are headed by letters (A, B, ...) defined in the list above the table."""
    header = ["benchmark"]
    for i, lab in enumerate(letters(len(labels))):
        header += ["%s items/s" % lab, "%s GB/s" % lab, "%s vs scalar" % lab]
        if i > 0:
            header.append("%s / A" % lab)
    rows = []
    for name in names:
        row = [name]
        base = runs[0].entries.get(name)
        for i, run in enumerate(runs):
            e = run.entries.get(name)
            if e is None or e.error:
                row += ["ERROR" if e is not None else "-", "-", "-"]
            else:
                r = bt.row_for(run, e)
                row += [bt.fmt_rate(e.items_per_s), bt.fmt_gbs(e.bytes_per_s), bt.fmt_speedup(r["speedup"])]
            if i > 0:
                ok = e is not None and base is not None and not e.error and not base.error
                row.append(bt.fmt_speedup(e.rate() / base.rate()) if ok and e.rate() and base.rate() else "-")
        rows.append(row)
    align = ["---"] + ["--:"] * (len(header) - 1)
    return bt.markdown_table(header, rows, align)


def chart_data(runs, labels, names, with_scalar, value):
    """(clusters, series, matrix): clusters are kernel/size, series run x ISA."""
    clusters, series = [], []
    cells = {}
    for name in names:
        if name.startswith("memory/"):
            continue
        for run, lab in zip(runs, labels):
            e = run.entries.get(name)
            if e is None or e.error or e.isa is None or (e.isa == "scalar" and not with_scalar):
                continue
            v = value(run, e)
            if v is None:
                continue
            cl = "%s/%s" % (e.kernel, e.size)
            se = e.isa if len(runs) == 1 else "%s %s" % (lab, e.isa)
            if cl not in clusters:
                clusters.append(cl)
            if se not in series:
                series.append(se)
            cells[(cl, se)] = v
    # Series grouped by run, ISAs in order scalar..avx512.
    def skey(s):
        isa = s.split(" ")[-1]
        lab = s[: -len(isa)].strip()
        order = bt.ISAS + bt.PEERS
        return (labels.index(lab) if lab in labels else 0, order.index(isa) if isa in order else 99)
    series.sort(key=skey)
    return clusters, series, [[cells.get((c, s)) for s in series] for c in clusters]


def gnuplot_terminal(fmt, width, height):
    if fmt == "svg":
        return "set terminal svg size %d,%d dynamic noenhanced font 'Sans,11' background '#ffffff'" % (width, height)
    return "set terminal pngcairo size %d,%d noenhanced font 'Sans,10'" % (width, height)


def plot(out_path, fmt, title, ylabel, clusters, series, matrix, logscale=False):
    if not clusters or not series:
        return False
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        print("compare: gnuplot not found (Debian: gnuplot-nox); no chart %s" % out_path, file=sys.stderr)
        return False
    base = os.path.splitext(out_path)[0]
    dat = base + ".dat"
    with open(dat, "w") as f:
        f.write("cluster\t" + "\t".join('"%s"' % s for s in series) + "\n")
        for cl, vals in zip(clusters, matrix):
            f.write(cl + "\t" + "\t".join("?" if v is None else "%.6g" % v for v in vals) + "\n")
    width = max(900, min(8000, 140 + len(clusters) * (len(series) * 9 + 14)))
    script = [
        gnuplot_terminal(fmt, width, 560),
        "set output '%s'" % out_path.replace("'", "''"),
        "set datafile separator '\\t'",
        "set datafile missing '?'",
        "set title '%s'" % title.replace("'", "''"),
        "set ylabel '%s'" % ylabel,
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.9",
        "set grid ytics",
        "set key inside left top vertical opaque box",
        "set xtics rotate by -60 scale 0 font ',9'",
        "set yrange [*:*]" if logscale else "set yrange [0:*]",
        "set bmargin 9",
    ]
    if logscale:
        script.append("set logscale y")
    script.append("plot for [i=2:%d] '%s' using i:xtic(1) title columnheader(i)" % (len(series) + 1, dat))
    gp = base + ".gp"
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    subprocess.run([gnuplot, gp], check=True)
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json", nargs="+", help="Google Benchmark JSON files written by simdense_bench")
    ap.add_argument("--labels", help="comma-separated names for the runs (default: CPU model)")
    ap.add_argument("--filter", help="only benchmarks whose name matches this regex")
    ap.add_argument("--out", help="output directory (default results/compare-<date>)")
    ap.add_argument("--format", choices=("png", "svg"), default="png", help="chart format")
    a = ap.parse_args(argv)
    runs = [bt.Run.load(p) for p in a.json]
    labels = a.labels.split(",") if a.labels else default_labels(runs, a.json)
    if len(labels) != len(runs):
        ap.error("--labels needs %d names" % len(runs))
    out = a.out or os.path.join("results", "compare-" + time.strftime("%Y%m%d-%H%M%S", time.gmtime()))
    os.makedirs(out, exist_ok=True)
    names = ordered_names(runs, a.filter)

    lines = ["# simdense benchmark comparison", ""]
    for letter, lab, run in zip(letters(len(runs)), labels, runs):
        c = run.context
        caches = c.get("cache_summary") or ", ".join("%s %d KiB" % (n, s // 1024) for n, s in run.caches) or "?"
        lines.append("- **%s** = %s: %s; ISAs %s; caches %s; simdense %s (%s); %s; `%s`" % (
            letter, lab, run.cpu(), c.get("isas_measured", "?"), caches,
            c.get("simdense_version", "?"), c.get("simdense_build", "?"),
            c.get("date_utc", c.get("date", "?")), run.path))
    lines += ["", table(runs, labels, names), ""]
    charts = []
    on = " on %s" % runs[0].cpu() if len(runs) == 1 else ""
    cl, se, m = chart_data(runs, labels, names, False, lambda r, e: bt.row_for(r, e)["speedup"])
    p = os.path.join(out, "speedup." + a.format)
    if plot(p, a.format, "Speedup vs the scalar reference (same kernel and size)" + on, "x scalar", cl, se, m):
        charts.append(p)
    cl, se, m = chart_data(runs, labels, names, True, lambda r, e: (e.items_per_s or 0) / 1e9 or None)
    p = os.path.join(out, "throughput." + a.format)
    if plot(p, a.format, "Throughput (G items/s, log scale)" + on, "G items/s", cl, se, m, logscale=True):
        charts.append(p)
    for c in charts:
        lines.append("![%s](%s)" % (os.path.basename(c), os.path.basename(c)))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "compare.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    print("\ncompare: wrote %s%s" % (os.path.join(out, "compare.md"),
                                     "".join(", " + c for c in charts)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
