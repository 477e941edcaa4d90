"""Reading simdense_bench's Google Benchmark JSON: names, sizes, cache levels, memory bounds.

Shared by summary.py (one run: the table `./run.sh bench` ends with) and compare.py (several runs
side by side). Standard library only.

Benchmark names read `kernel/isa/size` (e.g. `sigmoid/avx2/64Ki`, `matvec/avx512/4096x4096`);
peer libraries put their name in the ISA slot (`sigmoid/eigen/64Ki`, `matvec/openblas/256x256`;
PEERS); memory streams read `memory/<kind>/<size>` (kind: read, copy, copy_nt, triad, inplace,
copy_scale, read_copy). Sizes
are float counts with an optional Ki/Mi/Gi suffix, or MxN[xK] element counts.
"""

import json
import math
import re

ISAS = ("scalar", "sse2", "avx2", "avx512")
# Peer libraries measured in the same run (bench/peers/): their name takes the ISA slot.
PEERS = ("eigen", "openblas", "onednn", "xnnpack")
MEMORY_KINDS = ("read", "copy", "copy_nt", "triad", "inplace", "copy_scale", "read_copy")

# Bytes of working set per element for each stream kind (arrays touched x 4 bytes).
FOOTPRINT = {"read": 4, "copy": 8, "copy_nt": 8, "triad": 12, "inplace": 4, "copy_scale": 8, "read_copy": 8}


def bound_kind(kernel):
    """The memory stream that bounds a kernel: matvec reads a matrix; add_outer and dense
    update one in place; elementwise functions and softmax read one array and write another
    (copy); derivatives (`*_grad`) read two arrays and write one (triad)."""
    if kernel.startswith("memory/"):
        return None
    if kernel.endswith("_grad"):
        return "triad"
    if kernel.startswith("matvec"):
        return "read"
    if kernel.startswith("add_outer") or kernel.startswith("dense"):
        return "inplace"
    return "copy"


_UNIT = {"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "K": 1000, "M": 10**6, "G": 10**9}


def parse_size(label):
    """'64Ki' -> 65536, '4Mi' -> 4194304, '256x1000' -> 256000, '10' -> 10; None if not a size."""
    total = 1
    for tok in label.split("x"):
        m = re.fullmatch(r"(\d+)(Ki|Mi|Gi|K|M|G)?", tok)
        if not m:
            return None
        total *= int(m.group(1)) * _UNIT[m.group(2) or ""]
    return total


def split_name(name):
    """(kernel, isa, size) of a benchmark name; isa is None for memory streams."""
    parts = name.split("/")
    if parts[0] == "memory" and len(parts) >= 3:
        return "memory/" + parts[1], None, parts[2]
    if len(parts) >= 3 and (parts[1] in ISAS or parts[1] in PEERS):  # kernel/isa/size[/...]
        return parts[0], parts[1], parts[2]
    if len(parts) >= 2 and parse_size(parts[-1]) is not None:
        return "/".join(parts[:-1]), None, parts[-1]
    return name, None, ""


class Entry:
    def __init__(self, name, items_per_s, bytes_per_s, cpu_time_ns, error=None):
        self.name = name
        self.kernel, self.isa, self.size = split_name(name)
        self.elements = parse_size(self.size) if self.size else None
        self.items_per_s = items_per_s
        self.bytes_per_s = bytes_per_s
        self.cpu_time_ns = cpu_time_ns
        self.error = error

    def rate(self):
        """Items per second, or iterations per second when the benchmark reports no items."""
        if self.items_per_s:
            return self.items_per_s
        if self.cpu_time_ns:
            return 1e9 / self.cpu_time_ns
        return None


_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def _median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else 0.5 * (xs[mid - 1] + xs[mid])


class Run:
    """One JSON file: context and one Entry per benchmark (the median when repeated)."""

    def __init__(self, data, path="<memory>"):
        self.path = path
        self.context = data.get("context", {})
        self.entries = {}
        self.order = []
        groups = {}
        for b in data.get("benchmarks", []):
            run_name = b.get("run_name", b["name"])
            g = groups.setdefault(run_name, {"iter": [], "agg": {}, "error": None})
            if run_name not in self.order:
                self.order.append(run_name)
            if b.get("error_occurred"):
                g["error"] = b.get("error_message", "error")
                continue
            if b.get("run_type") == "aggregate":
                g["agg"][b.get("aggregate_name", "")] = b
            else:
                g["iter"].append(b)
        for name, g in groups.items():
            if g["error"]:
                self.entries[name] = Entry(name, None, None, None, g["error"])
                continue
            src = [g["agg"][k] for k in ("median", "mean") if k in g["agg"]][:1] or g["iter"]
            if not src:
                continue
            ipers = _median([b.get("items_per_second") for b in src])
            bpers = _median([b.get("bytes_per_second") for b in src])
            cpu = _median([b.get("cpu_time", 0) * _NS.get(b.get("time_unit", "ns"), 1) for b in src])
            self.entries[name] = Entry(name, ipers, bpers, cpu)
        self.caches = self._caches()
        # (kernel, isa, size) -> entry: names may carry suffixes such as /real_time.
        self.by_key = {}
        for e in self.entries.values():
            self.by_key.setdefault((e.kernel, e.isa, e.size), e)

    @classmethod
    def load(cls, path):
        with open(path) as f:
            return cls(json.load(f), path)

    def _caches(self):
        """[(level name, bytes)] of the data/unified caches, smallest first."""
        out = {}
        caches = self.context.get("caches")
        if isinstance(caches, list):
            for c in caches:
                if c.get("type") in ("Data", "Unified") and c.get("size"):
                    out[c["level"]] = int(c["size"])
        for key, val in self.context.items():
            m = re.fullmatch(r"cache_L(\d)d?_bytes", key)
            if m and int(m.group(1)) not in out:
                out[int(m.group(1))] = int(val)
        return [("L%d" % lvl, out[lvl]) for lvl in sorted(out)]

    def cpu(self):
        return self.context.get("cpu_model") or self.context.get("host_name") or "unknown CPU"

    def fits(self, footprint_bytes):
        """Smallest cache level holding footprint_bytes: 'L1', 'L2', 'L3' or 'DRAM' ('?' when
        the run recorded no cache sizes)."""
        if not self.caches or footprint_bytes is None:
            return "?"
        for name, size in self.caches:
            if footprint_bytes <= size:
                return name
        return "DRAM"

    def memory_bound(self, kind, footprint_bytes):
        """The memory/<kind>/<size> entry whose working set is nearest (log scale) to
        footprint_bytes, or None."""
        best, best_d = None, None
        for e in self.entries.values():
            if e.kernel != "memory/" + kind or e.error or not e.bytes_per_s or not e.elements:
                continue
            d = abs(math.log2(e.elements * FOOTPRINT[kind]) - math.log2(max(footprint_bytes, 1)))
            if best_d is None or d < best_d - 1e-9:
                best, best_d = e, d
        return best

    def scalar_of(self, e):
        if e.isa is None or e.isa == "scalar":
            return None
        return self.by_key.get((e.kernel, "scalar", e.size))

    def footprint(self, e):
        kind = e.kernel[len("memory/"):] if e.kernel.startswith("memory/") else bound_kind(e.kernel)
        if e.elements is None or kind is None:
            return None
        return e.elements * FOOTPRINT.get(kind, 8)


def row_for(run, e):
    """The summary's figures for one entry: dict with fits, speedup, bound name, pct of bound."""
    fp = run.footprint(e)
    r = {"entry": e, "fits": run.fits(fp), "speedup": None, "bound": None, "pct": None}
    sc = run.scalar_of(e)
    if sc is not None and not sc.error and sc.rate() and e.rate():
        r["speedup"] = e.rate() / sc.rate()
    elif e.isa == "scalar":
        r["speedup"] = 1.0
    kind = bound_kind(e.kernel)
    if kind and fp and e.bytes_per_s:
        b = run.memory_bound(kind, fp)
        if b is not None:
            r["bound"] = b
            r["pct"] = 100.0 * e.bytes_per_s / b.bytes_per_s
    return r


def sort_key(run, e):
    first = {}
    for i, name in enumerate(run.order):
        k = split_name(name)[0]
        first.setdefault(k, i)
    isa_i = (ISAS.index(e.isa) if e.isa in ISAS else
             len(ISAS) + PEERS.index(e.isa) if e.isa in PEERS else -1)
    return (e.kernel.startswith("memory/"), first.get(e.kernel, 1 << 30), e.elements or 0, e.size, isa_i)


def fmt_rate(x, unit="/s"):
    if x is None:
        return "-"
    for scale, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= scale:
            return "%.3g %s%s" % (x / scale, suffix, unit)
    return "%.3g %s" % (x, unit)


def fmt_gbs(bytes_per_s):
    return "-" if not bytes_per_s else "%.3g" % (bytes_per_s / 1e9)


def fmt_speedup(s):
    return "-" if s is None else "%.2fx" % s


def fmt_pct(p):
    return "-" if p is None else "%.0f%%" % p


def markdown_table(header, rows, align=None):
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)
