#!/usr/bin/env python3
"""Tests of the benchmark summary and compare tools on the fixture runs in fixtures/.

run_a.json: CPU A (scalar, sse2, avx2), one result per benchmark, memory streams at several
sizes; caches L1d 48 KiB, L2 2 MiB, L3 32 MiB. run_b.json: CPU B (with avx512), 3 repetitions
with aggregates (median must be used, the mean is deliberately different) and one benchmark
that failed its check against scalar.
Run: python3 test_tools.py (ctest: tools/summary_compare). SIMDENSE_REQUIRE_GNUPLOT=1 makes a
missing gnuplot a failure instead of a skipped chart test.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout, redirect_stderr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchtools as bt  # noqa: E402
import compare  # noqa: E402
import summary  # noqa: E402

A = os.path.join(HERE, "fixtures", "run_a.json")
B = os.path.join(HERE, "fixtures", "run_b.json")


def table_rows(text):
    """Markdown table rows (cells) of a text, header and separator lines excluded."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def find_row(rows, *prefix):
    for r in rows:
        if r[: len(prefix)] == list(prefix):
            return r
    raise AssertionError("no row starting with %r in\n%s" % (prefix, "\n".join(map(str, rows))))


class Names(unittest.TestCase):
    def test_parse_size(self):
        self.assertEqual(bt.parse_size("64Ki"), 65536)
        self.assertEqual(bt.parse_size("4Mi"), 4194304)
        self.assertEqual(bt.parse_size("256x1000"), 256000)
        self.assertEqual(bt.parse_size("16384x4096"), 16384 * 4096)
        self.assertEqual(bt.parse_size("10"), 10)
        self.assertIsNone(bt.parse_size("big"))

    def test_split_name(self):
        self.assertEqual(bt.split_name("sigmoid_grad/avx512/64Ki"), ("sigmoid_grad", "avx512", "64Ki"))
        self.assertEqual(bt.split_name("matvec_t/sse2/4096x4096"), ("matvec_t", "sse2", "4096x4096"))
        self.assertEqual(bt.split_name("memory/copy_nt/16Mi"), ("memory/copy_nt", None, "16Mi"))
        self.assertEqual(bt.split_name("relu/avx2/1Ki/real_time"), ("relu", "avx2", "1Ki"))

    def test_suffixed_names_pair_with_scalar(self):
        data = {"context": {}, "benchmarks": [
            {"name": "relu/scalar/1Ki/real_time", "run_type": "iteration", "items_per_second": 1e8,
             "cpu_time": 1, "time_unit": "ns"},
            {"name": "relu/avx2/1Ki/real_time", "run_type": "iteration", "items_per_second": 6e8,
             "cpu_time": 1, "time_unit": "ns"}]}
        run = bt.Run(data)
        self.assertAlmostEqual(bt.row_for(run, run.entries["relu/avx2/1Ki/real_time"])["speedup"], 6.0)
        self.assertEqual(bt.row_for(run, run.entries["relu/avx2/1Ki/real_time"])["fits"], "?")

    def test_bound_kind(self):
        self.assertEqual(bt.bound_kind("tanh"), "copy")
        self.assertEqual(bt.bound_kind("tanh_grad"), "triad")
        self.assertEqual(bt.bound_kind("softmax"), "copy")
        self.assertEqual(bt.bound_kind("matvec"), "read")
        self.assertEqual(bt.bound_kind("matvec_t"), "read")
        self.assertEqual(bt.bound_kind("add_outer"), "inplace")
        self.assertEqual(bt.bound_kind("dense_forward"), "inplace")


class Summary(unittest.TestCase):
    def setUp(self):
        self.a = bt.Run.load(A)
        self.b = bt.Run.load(B)

    def test_cache_levels(self):
        self.assertEqual(self.a.caches, [("L1", 49152), ("L2", 2097152), ("L3", 33554432)])
        self.assertEqual(self.a.fits(49152), "L1")
        self.assertEqual(self.a.fits(49153), "L2")
        self.assertEqual(self.a.fits(64 << 20), "DRAM")

    def test_rows_of_run_a(self):
        rows = table_rows(summary.render(self.a))
        # sigmoid 64Ki: 512 KiB in+out -> L2; 1 G/s, 8 GB/s, 10x scalar, 8/40 GB/s of copy/64Ki
        self.assertEqual(find_row(rows, "sigmoid", "64Ki", "L2", "avx2"),
                         ["sigmoid", "64Ki", "L2", "avx2", "1 G/s", "8", "10.00x", "20%", "copy 40 GB/s"])
        # 4Mi floats: 32 MiB -> L3; the nearest copy stream is 4Mi (16 GB/s)
        self.assertEqual(find_row(rows, "sigmoid", "4Mi")[2], "L3")
        self.assertEqual(find_row(rows, "sigmoid", "4Mi", "L3", "avx2")[6:], ["8.00x", "40%", "copy 16 GB/s"])
        # matvec reads a 4 MiB matrix -> L3, bound = read stream at 1Mi floats (20 GB/s)
        self.assertEqual(find_row(rows, "matvec", "1024x1024", "L3", "avx2")[5:],
                         ["16", "8.00x", "80%", "read 20 GB/s"])
        # add_outer: in-place bound, no scalar in the fixture -> speedup "-"
        self.assertEqual(find_row(rows, "add_outer", "256x256")[6:], ["-", "50%", "inplace 32 GB/s"])
        # softmax 32000 floats: nearest copy stream by working set is 64Ki
        self.assertEqual(find_row(rows, "softmax", "32000", "L2", "avx2")[6:], ["5.00x", "10%", "copy 40 GB/s"])
        # ISA order within a kernel/size: scalar, sse2, avx2
        isas = [r[3] for r in rows if r[:2] == ["sigmoid", "64Ki"] and len(r) == 9]
        self.assertEqual(isas, ["scalar", "sse2", "avx2"])
        # fastest-ISA table: avx2 wins sigmoid/64Ki at 10x; its row has 7 cells
        best = [r for r in rows if len(r) == 7 and r[:3] == ["sigmoid", "64Ki", "L2"]]
        self.assertEqual(best, [["sigmoid", "64Ki", "L2", "avx2", "1 G/s", "10.00x", "20%"]])
        # memory table: 16Mi floats read = 64 MiB -> DRAM with a 32 MiB L3
        mem = find_row(rows, "16Mi")
        self.assertEqual(mem[1:3], ["10", "DRAM"])

    def test_medians_and_errors_of_run_b(self):
        text = summary.render(self.b)
        rows = table_rows(text)
        # median aggregate used (the mean is 1.2x larger in the fixture)
        self.assertEqual(find_row(rows, "sigmoid", "64Ki", "L2", "avx512")[4:8], ["3 G/s", "24", "15.00x", "38%"])
        err = find_row(rows, "sigmoid", "4Mi")
        self.assertTrue(err[4].startswith("ERROR: result differs from scalar"), err)
        self.assertIn("CPU: Fixture CPU B", text)

    def test_filters(self):
        rows = table_rows(summary.render(self.a, pattern="^matvec/", isas=["avx2"]))
        kernels = {r[0] for r in rows if r[0] in ("sigmoid", "matvec", "softmax", "add_outer")}
        self.assertEqual(kernels, {"matvec"})

    def test_cli_writes_file(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.md")
            with redirect_stdout(io.StringIO()):
                self.assertEqual(summary.main([A, "-o", out]), 0)
            with open(out) as f:
                self.assertIn("| sigmoid | 64Ki | L2 | avx2 |", f.read())


class Peers(unittest.TestCase):
    """run_a plus peer rows (kernel/<peer>/size): listed with the peer in the ISA column, never
    the fastest ISA, and set against our fastest ISA in the peers table."""

    def setUp(self):
        with open(A) as f:
            d = json.load(f)
        def row(name, items):
            return {"name": name, "run_name": name, "run_type": "iteration", "repetitions": 1,
                    "repetition_index": 0, "threads": 1, "iterations": 100, "real_time": 1.0,
                    "cpu_time": 1.0, "time_unit": "ns", "items_per_second": items,
                    "bytes_per_second": 8 * items}
        d["benchmarks"] += [row("sigmoid/eigen/64Ki", 2.5e9), row("sigmoid/onednn/64Ki", 5e8),
                            row("matvec/openblas/1024x1024", 2e9)]
        self.tmp = tempfile.mkdtemp()
        self.path = os.path.join(self.tmp, "peers.json")
        with open(self.path, "w") as f:
            json.dump(d, f)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_split_name(self):
        self.assertEqual(bt.split_name("sigmoid/eigen/64Ki"), ("sigmoid", "eigen", "64Ki"))
        self.assertEqual(bt.split_name("matvec/openblas/256x256"), ("matvec", "openblas", "256x256"))

    def test_tables(self):
        text = summary.render(bt.Run.load(self.path))
        rows = table_rows(text)
        # first table: the peer row, vs scalar against our scalar reference (1e8/s in run_a)
        r = find_row(rows, "sigmoid", "64Ki", "L2", "eigen")
        self.assertEqual(r[4], "2.5 G/s")
        # the fastest-ISA table (7 columns) stays ours although eigen is faster
        best = [r for r in rows if len(r) == 7 and r[:3] == ["sigmoid", "64Ki", "L2"]]
        self.assertEqual([r[3] for r in best], ["avx2"])
        self.assertIn("simdense (fastest ISA) vs peer libraries", text)
        pr = find_row(rows, "sigmoid", "64Ki", "avx2")
        self.assertEqual(pr[3:], ["1 G/s", "2.5 G/s (0.40x)", "-", "500 M/s (2.00x)"])
        pr = find_row(rows, "matvec", "1024x1024", "avx2")
        self.assertEqual(pr[3:], ["4 G/s", "-", "2 G/s (2.00x)", "-"])

    def test_no_peer_table_without_peers(self):
        self.assertNotIn("vs peer libraries", summary.render(bt.Run.load(A)))


class Compare(unittest.TestCase):
    def run_compare(self, args):
        buf = io.StringIO()
        with redirect_stdout(buf), redirect_stderr(io.StringIO()):
            self.assertEqual(compare.main(args), 0)
        return buf.getvalue()

    def test_table_and_charts(self):
        with tempfile.TemporaryDirectory() as d:
            text = self.run_compare([A, B, "--out", d])
            rows = table_rows(text)
            self.assertEqual(rows[0][:4], ["benchmark", "A items/s", "A GB/s", "A vs scalar"])
            self.assertIn("B / A", rows[0])
            # sigmoid/avx2/64Ki: A 1 G/s (10x), B 2 G/s (10x), B/A = 2
            self.assertEqual(find_row(rows, "sigmoid/avx2/64Ki"),
                             ["sigmoid/avx2/64Ki", "1 G/s", "8", "10.00x", "2 G/s", "16", "10.00x", "2.00x"])
            # only in B
            self.assertEqual(find_row(rows, "sigmoid/avx512/64Ki")[1:4], ["-", "-", "-"])
            # failed in B
            self.assertEqual(find_row(rows, "sigmoid/avx2/4Mi")[4], "ERROR")
            self.assertIn("**A** = Fixture A: Fixture CPU A @ 3.00GHz", text)
            with open(os.path.join(d, "compare.md")) as f:
                self.assertEqual(f.read(), text)
            have_gnuplot = shutil.which("gnuplot") is not None
            if not have_gnuplot:
                if os.environ.get("SIMDENSE_REQUIRE_GNUPLOT") == "1":
                    self.fail("gnuplot not found")
                self.skipTest("gnuplot not installed: charts not checked")
            for chart in ("speedup.png", "throughput.png"):
                path = os.path.join(d, chart)
                self.assertTrue(os.path.isfile(path), chart)
                with open(path, "rb") as f:
                    self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", chart)
                self.assertGreater(os.path.getsize(path), 2000, chart)
            # the speedup chart's data: clusters kernel/size, one series per run and ISA
            with open(os.path.join(d, "speedup.dat")) as f:
                lines = f.read().splitlines()
            self.assertEqual(lines[0].split("\t")[1:],
                             ['"Fixture A sse2"', '"Fixture A avx2"', '"Fixture B avx2"',
                              '"Fixture B avx512"'])
            self.assertEqual(lines[1].split("\t"), ["sigmoid/64Ki", "4", "10", "10", "15"])

    def test_svg_and_labels(self):
        if shutil.which("gnuplot") is None:
            self.skipTest("gnuplot not installed")
        with tempfile.TemporaryDirectory() as d:
            text = self.run_compare([A, B, "--out", d, "--format", "svg", "--labels", "old,new",
                                     "--filter", "^matvec/"])
            rows = table_rows(text)
            names = [r[0] for r in rows[1:]]
            self.assertEqual(names, ["matvec/scalar/1024x1024", "matvec/avx2/1024x1024", "matvec/avx512/1024x1024"])
            with open(os.path.join(d, "speedup.svg")) as f:
                self.assertIn("<svg", f.read(2000))

    def test_run_sh_usage(self):
        root = os.path.dirname(os.path.dirname(HERE))
        p = subprocess.run([os.path.join(root, "run.sh"), "compare"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage: ./run.sh compare", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
