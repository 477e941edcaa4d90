#!/usr/bin/env bash
# Same-process A/B timing of the avx512 kernels of two commits (see ab_kernels.cpp for why).
#
#   bench/tools/ab/ab_kernels.sh [BASE_REV [FILTER [LOG2_N]]]
#     BASE_REV  side a: a commit (default HEAD), or WORKTREE for the working tree on both sides
#               (a self-check: ratios ~1, outputs identical); side b is the working tree
#     FILTER    substring of the kernel names (sigmoid, silu_grad, softmax, ...; default all)
#     LOG2_N    row length 2^LOG2_N (default 10: 1Ki; 26 = 64Mi, streamed, 25 batches)
#
# Needs an AVX-512 machine and g++; builds in a temporary directory, touches nothing else.
# "a/b p25" > 1 means the working tree is faster. Outputs are compared bit for bit.
# AB_REQUIRE_IDENTICAL=1: exit 1 if any output differs (the ctest smoke run, WORKTREE against
# itself). AB_B_FLAGS: extra compiler flags for side b only (e.g. AB_B_FLAGS=-fschedule-insns
# with WORKTREE times a flag against the same source). AB_SIGMA: standard deviation of the
# normal inputs (default 3, as the benchmarks). AB_ISA=avx2: the avx2 kernels instead (built
# with -mavx2 -mfma only, as the library's avx2 translation unit). Exit 77 (ctest: skipped) without AVX-512, or outside a git checkout for a BASE_REV.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
rev=${1:-HEAD}
filter=${2:-}
lg=${3:-10}
grep -qw avx512bw /proc/cpuinfo 2>/dev/null || { echo "ab_kernels: no AVX-512 here, skipped"; exit 77; }
tmp=$(mktemp -d)
if [ "$rev" = WORKTREE ]; then
  trap 'rm -rf "$tmp"' EXIT
  a_root=$root
  a_name="working tree"
else
  git -C "$root" rev-parse --git-dir >/dev/null 2>&1 || { echo "ab_kernels: not a git checkout, skipped"; exit 77; }
  trap 'git -C "$root" worktree remove --force "$tmp/a" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
  git -C "$root" worktree add --detach -q "$tmp/a" "$rev"
  a_root=$tmp/a
  a_name="$rev ($(git -C "$root" rev-parse --short "$rev"))"
fi
flags=(-O3 -DNDEBUG -std=c++17 -ffp-contract=off -w)
if [ "${AB_ISA:-avx512}" = avx2 ]; then
  flags+=(-mavx2 -mfma -DAB_ISA_AVX2)
else
  flags+=(-mavx512f -mavx512bw -mavx512dq -mavx512cd -mavx2 -mfma)
fi
src="$root/bench/tools/ab/ab_kernels.cpp"
g++ "${flags[@]}" -DAB_SIDE=a -DSIMDENSE_NS=isa_a -I"$a_root/kernels/src" -I"$a_root/kernels/include" \
  -c "$src" -o "$tmp/a.o" &
pid=$!
g++ "${flags[@]}" ${AB_B_FLAGS:-} -DAB_SIDE=b -DSIMDENSE_NS=isa_b -I"$root/kernels/src" -I"$root/kernels/include" \
  -c "$src" -o "$tmp/b.o"
wait "$pid"
g++ -O2 -std=c++17 -DAB_MAIN -c "$src" -o "$tmp/main.o"
# The kernels' out-of-line constants, from the working tree (both sides share their names;
# sides older than kernels/src/act_constants.cpp do not use them).
g++ -O2 -std=c++17 -c "$root/kernels/src/act_constants.cpp" -o "$tmp/act_constants.o"
# And the CPU probe (detail::llc_bytes: the streaming loops' store policy, since session 11).
g++ -O2 -std=c++17 -I"$root/kernels/src" -I"$root/kernels/include" -c "$root/kernels/src/cpu.cpp" -o "$tmp/cpu.o"
g++ "$tmp/main.o" "$tmp/a.o" "$tmp/b.o" "$tmp/act_constants.o" "$tmp/cpu.o" -o "$tmp/ab_kernels"
echo "a = $a_name, b = working tree"
"$tmp/ab_kernels" "$filter" "$lg"
