// port_probe: the compute bound of the AVX-512 kernels on this CPU. Prints the clock (from a
// dependent vfmadd231ps chain, taken as 4 cycles per step, as on every AVX-512 core so far) and,
// per instruction, how many issue per cycle when 8 (or 4) independent copies run per step: the
// figures bench/activations-history.md's "why the in-cache gaps remain" counts operations against (e.g.
// vpermt2ps and compares into a mask register 1 per cycle, vrcp14ps one every 2 cycles).
//
//   build/release/bench/port_probe      (needs AVX-512 to run; built with -mavx512f)
//
// Best of 5 runs of 2*10^7 steps each, alternating with the clock chain. Not a test: timings are never asserted, and a shared
// machine moves them (run it twice).
#include <chrono>
#include <cstdio>

namespace {

double seconds(void (*f)(long), long steps) {
  const auto t0 = std::chrono::steady_clock::now();
  f(steps);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One step each: the instruction on 8 (or 4) independent registers, so that the time is
// throughput. zmm16..23 are the destinations, zmm1..7 and k1..4 sources.
// The registers start at 1.0f (garbage could be subnormal: a microcode assist per operation).
#define PROBE(name, body, clobbers...)                                        \
  void name(long steps) {                                                     \
    init();                                                                   \
    for (long i = 0; i < steps; ++i) asm volatile(body ::: clobbers);         \
  }

void init() {
  asm volatile(
      "movl $0x3f800000, %%eax\n\t"
      "vpbroadcastd %%eax, %%zmm1\n\tvmovaps %%zmm1, %%zmm2\n\tvmovaps %%zmm1, %%zmm3\n\t"
      "vmovaps %%zmm1, %%zmm4\n\tvmovaps %%zmm1, %%zmm5\n\tvmovaps %%zmm1, %%zmm6\n\t"
      "vmovaps %%zmm1, %%zmm7\n\tvmovaps %%zmm1, %%zmm16\n\tvmovaps %%zmm1, %%zmm17\n\t"
      "vmovaps %%zmm1, %%zmm18\n\tvmovaps %%zmm1, %%zmm19\n\tvmovaps %%zmm1, %%zmm20\n\t"
      "vmovaps %%zmm1, %%zmm21\n\tvmovaps %%zmm1, %%zmm22\n\tvmovaps %%zmm1, %%zmm23\n\t"
      "vxorps %%xmm2, %%xmm2, %%xmm2\n\t" ::: "eax", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23");
}

PROBE(fma_chain, "vfmadd231ps %%zmm1, %%zmm2, %%zmm16\n\t", "xmm16")
PROBE(fma8,
      "vfmadd231ps %%zmm1, %%zmm2, %%zmm16\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm17\n\t"
      "vfmadd231ps %%zmm1, %%zmm2, %%zmm18\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm19\n\t"
      "vfmadd231ps %%zmm1, %%zmm2, %%zmm20\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm21\n\t"
      "vfmadd231ps %%zmm1, %%zmm2, %%zmm22\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm23\n\t",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23")
PROBE(add8,
      "vaddps %%zmm1, %%zmm2, %%zmm16\n\tvaddps %%zmm1, %%zmm2, %%zmm17\n\t"
      "vaddps %%zmm1, %%zmm2, %%zmm18\n\tvaddps %%zmm1, %%zmm2, %%zmm19\n\t"
      "vaddps %%zmm1, %%zmm2, %%zmm20\n\tvaddps %%zmm1, %%zmm2, %%zmm21\n\t"
      "vaddps %%zmm1, %%zmm2, %%zmm22\n\tvaddps %%zmm1, %%zmm2, %%zmm23\n\t",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23")
PROBE(scalef8,
      "vscalefps %%zmm1, %%zmm2, %%zmm16\n\tvscalefps %%zmm1, %%zmm2, %%zmm17\n\t"
      "vscalefps %%zmm1, %%zmm2, %%zmm18\n\tvscalefps %%zmm1, %%zmm2, %%zmm19\n\t"
      "vscalefps %%zmm1, %%zmm2, %%zmm20\n\tvscalefps %%zmm1, %%zmm2, %%zmm21\n\t"
      "vscalefps %%zmm1, %%zmm2, %%zmm22\n\tvscalefps %%zmm1, %%zmm2, %%zmm23\n\t",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23")
PROBE(cvtt8,
      "vcvttps2dq %%zmm1, %%zmm16\n\tvcvttps2dq %%zmm1, %%zmm17\n\t"
      "vcvttps2dq %%zmm1, %%zmm18\n\tvcvttps2dq %%zmm1, %%zmm19\n\t"
      "vcvttps2dq %%zmm1, %%zmm20\n\tvcvttps2dq %%zmm1, %%zmm21\n\t"
      "vcvttps2dq %%zmm1, %%zmm22\n\tvcvttps2dq %%zmm1, %%zmm23\n\t",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23")
// vpermt2ps overwrites its table operand: 8 destinations, each its own chain (latency 3).
PROBE(permt2_8,
      "vpermt2ps %%zmm1, %%zmm3, %%zmm16\n\tvpermt2ps %%zmm1, %%zmm3, %%zmm17\n\t"
      "vpermt2ps %%zmm1, %%zmm3, %%zmm18\n\tvpermt2ps %%zmm1, %%zmm3, %%zmm19\n\t"
      "vpermt2ps %%zmm1, %%zmm3, %%zmm20\n\tvpermt2ps %%zmm1, %%zmm3, %%zmm21\n\t"
      "vpermt2ps %%zmm1, %%zmm3, %%zmm22\n\tvpermt2ps %%zmm1, %%zmm3, %%zmm23\n\t",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23")
PROBE(rcp14_8,
      "vrcp14ps %%zmm1, %%zmm16\n\tvrcp14ps %%zmm1, %%zmm17\n\t"
      "vrcp14ps %%zmm1, %%zmm18\n\tvrcp14ps %%zmm1, %%zmm19\n\t"
      "vrcp14ps %%zmm1, %%zmm20\n\tvrcp14ps %%zmm1, %%zmm21\n\t"
      "vrcp14ps %%zmm1, %%zmm22\n\tvrcp14ps %%zmm1, %%zmm23\n\t",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23")
PROBE(cmpk4,
      "vcmpltps %%zmm1, %%zmm2, %%k1\n\tvcmpltps %%zmm1, %%zmm2, %%k2\n\t"
      "vcmpltps %%zmm1, %%zmm2, %%k3\n\tvcmpltps %%zmm1, %%zmm2, %%k4\n\t",
      "k1", "k2", "k3", "k4")
// 4 adds and 4 register moves: 2 cycles per step if the moves are eliminated, 4 if they issue.
PROBE(add4_mov4,
      "vaddps %%zmm1, %%zmm2, %%zmm16\n\tvaddps %%zmm1, %%zmm2, %%zmm17\n\t"
      "vaddps %%zmm1, %%zmm2, %%zmm18\n\tvaddps %%zmm1, %%zmm2, %%zmm19\n\t"
      "vmovaps %%zmm4, %%zmm20\n\tvmovaps %%zmm5, %%zmm21\n\t"
      "vmovaps %%zmm6, %%zmm22\n\tvmovaps %%zmm7, %%zmm23\n\t",
      "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23")

}  // namespace

int main() {
  constexpr long kSteps = 20000000;
  struct Case {
    const char* name;
    void (*f)(long);
    int ops;  // instructions per step (the probed one)
  } cases[] = {{"vfmadd231ps zmm", fma8, 8},   {"vaddps zmm", add8, 8},      {"vscalefps zmm", scalef8, 8},
               {"vcvttps2dq zmm", cvtt8, 8},   {"vpermt2ps zmm", permt2_8, 8}, {"vrcp14ps zmm", rcp14_8, 8},
               {"vcmpps zmm -> k", cmpk4, 4}, {"4 vaddps + 4 vmovaps", add4_mov4, 8}};
  // The clock chain runs beside each case (best of 5 each, alternating), so a frequency change
  // between cases does not skew the ratios.
  for (const Case& c : cases) {
    double chain = 1e30, body = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
      const double a = seconds(fma_chain, kSteps), b = seconds(c.f, kSteps);
      chain = a < chain ? a : chain;
      body = b < body ? b : body;
    }
    const double cycles = 4.0 * body / chain;
    std::printf("%-22s %5.2f cycles per step, %4.2f per cycle (clock %.2f GHz)\n", c.name, cycles, c.ops / cycles,
                4.0 * kSteps / chain * 1e-9);
  }
}
