// The FPU state is the caller's: no kernel, on any ISA, changes the SSE rounding mode, FTZ or DAZ
// (MXCSR control bits) or the x87 control word, whatever state the caller left; and a caller's
// non-default rounding mode or FTZ/DAZ changes results only by rounding (no NaN, inf or
// garbage appears), measured and printed per kernel.
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <xmmintrin.h>

#include "support/kernel_calls.hpp"
#include "support/test_util.hpp"

using namespace simdense;
using test::kernel_calls;

namespace {

struct FpuState {
  unsigned mxcsr;
  std::uint16_t x87;
  bool operator==(const FpuState& o) const { return mxcsr == o.mxcsr && x87 == o.x87; }
};

// MXCSR: bits 0-5 are sticky exception flags (kernels may raise inexact, overflow...); bits 6
// (DAZ), 7-12 (exception masks), 13-14 (rounding) and 15 (FTZ) are the control the caller owns.
constexpr unsigned kMxcsrControl = 0xffc0;
constexpr unsigned kFtz = 1u << 15, kDaz = 1u << 6;

FpuState control_state() {
  FpuState s;
  s.mxcsr = _mm_getcsr() & kMxcsrControl;
  std::uint16_t cw;
  __asm__ __volatile__("fnstcw %0" : "=m"(cw));
  s.x87 = cw;
  return s;
}

std::string describe(const FpuState& s) {
  char b[64];
  std::snprintf(b, sizeof b, "mxcsr=0x%04x x87cw=0x%04x", s.mxcsr, unsigned(s.x87));
  return b;
}

// A caller state: a rounding mode (for SSE and x87 via fesetround) and FTZ/DAZ bits.
struct Mode {
  const char* name;
  int round;
  unsigned ftz_daz;
};
const Mode kModes[] = {
    {"default", FE_TONEAREST, 0},
    {"round down", FE_DOWNWARD, 0},
    {"round up", FE_UPWARD, 0},
    {"round toward zero", FE_TOWARDZERO, 0},
    {"FTZ+DAZ", FE_TONEAREST, kFtz | kDaz},
    {"FTZ", FE_TONEAREST, kFtz},
    {"DAZ, round up", FE_UPWARD, kDaz},
};

// Sets mode for the lifetime of the scope, restores the state found on entry.
class ModeScope {
 public:
  explicit ModeScope(const Mode& m) : saved_mxcsr_(_mm_getcsr()), saved_round_(std::fegetround()) {
    std::fesetround(m.round);
    _mm_setcsr((_mm_getcsr() & ~(kFtz | kDaz)) | m.ftz_daz);
  }
  ~ModeScope() {
    std::fesetround(saved_round_);
    _mm_setcsr(saved_mxcsr_);
  }

 private:
  unsigned saved_mxcsr_;
  int saved_round_;
};

// ULPs between two floats (0 for two NaNs).
std::int64_t ulps(float a, float b) { return test::ulp_distance(a, b); }

}  // namespace

TEST_SUITE("fpu") {
  TEST_CASE("no kernel changes MXCSR (rounding, FTZ, DAZ, masks) or the x87 control word") {
    test::for_each_isa([](Isa) {
      for (const auto& kc : kernel_calls()) {
        for (const Mode& m : kModes) {
          auto p = kc.prepare(1234);  // inputs built in the default mode
          FpuState before, after;
          {
            ModeScope scope(m);
            before = control_state();
            p.call();
            after = control_state();
          }
          if (!(before == after))
            FAIL_CHECK(kc.name << " under " << std::string(m.name) << ": " << describe(before) << " became "
                               << describe(after));
        }
        CHECK(control_state().mxcsr == (_mm_getcsr() & kMxcsrControl));
      }
    });
  }

  TEST_CASE("a caller's rounding mode or FTZ/DAZ changes results only by rounding") {
    // Kernels run in the caller's mode (changing it would break the first test), so directed
    // rounding moves results by a few ULPs and FTZ/DAZ flushes subnormals; neither may turn a
    // number into NaN/inf or the reverse, or move a result by more than rounding-sized amounts.
    // The measured worst ULP per kernel and mode is printed, and so are exact zeros (e.g. the
    // probability of a masked logit) that became nonzero subnormals: measured, not promised.
    test::for_each_isa([](Isa isa) {
      for (const auto& kc : kernel_calls()) {
        auto p0 = kc.prepare(99);
        p0.call();
        const auto want = p0.outputs();
        for (const Mode& m : kModes) {
          auto p = kc.prepare(99);
          {
            ModeScope scope(m);
            p.call();
          }
          const auto got = p.outputs();
          REQUIRE(got.size() == want.size());
          // Sums (matvec, dot, losses) change by rounding relative to their terms, not to a
          // cancelled result: allow 2^-20 of the largest output as well.
          double scale = 0;
          for (float w : want)
            if (std::isfinite(w)) scale = std::fmax(scale, std::fabs(double(w)));
          std::int64_t worst = 0;
          std::size_t bad_class = 0, far = 0, zeros_lost = 0, worst_i = 0;
          for (std::size_t i = 0; i < got.size(); ++i) {
            const float g = got[i], w = want[i];
            if (std::isnan(g) != std::isnan(w) ||
                (std::isinf(g) != std::isinf(w) && std::fabs(w) < 1e38f && std::fabs(g) < 1e38f)) {
              ++bad_class;
              continue;
            }
            if (std::isnan(w) || std::isinf(w)) continue;
            if (w == 0.0f && g != 0.0f) ++zeros_lost;
            // Rounding-size changes only: 2^-12 relative (4096 float epsilons: generous for a
            // few directed roundings) plus 2^-20 of the largest output (sums), below the normal
            // range anything up to 2^-126 (FTZ/DAZ flush, subnormal rounding).
            if (!(std::fabs(double(g) - double(w)) <= 0x1p-12 * std::fabs(double(w)) + 0x1p-20 * scale + 0x1p-126)) ++far;
            if (std::fabs(w) < 1.2e-38f && std::fabs(g) < 1.2e-38f) continue;
            const std::int64_t d = ulps(g, w);
            if (d > worst) worst = d, worst_i = i;
          }
          CAPTURE(kc.name);
          const std::string mode = m.name;
          CAPTURE(mode);
          CHECK(bad_class == 0);
          CHECK(far == 0);
          if (worst > 4 || zeros_lost != 0)
            MESSAGE(std::string(isa_name(isa)) << " " << kc.name << " under " << mode << ": worst "
                                               << worst << " ULP (normal results) at output "
                                               << worst_i << "; exact zeros now nonzero: "
                                               << zeros_lost);
        }
      }
    });
  }
}
