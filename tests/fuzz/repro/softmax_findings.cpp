// Reproducers of the softmax-family fuzz findings (issue 9 report): prints each SIMD ISA vs the
// scalar path and the true value. Build against an installed or built simdense:
//   g++ -std=c++17 -I kernels/include -I build/release/include tests/fuzz/repro/softmax_findings.cpp \
//       build/release/libsimdense.a -o /tmp/softmax_findings && /tmp/softmax_findings
#include <simdense/simdense.hpp>
#include <cstdio>
#include <cmath>
#include <cfloat>
#include <vector>
using namespace simdense;
int main() {
  for (Isa isa : supported_isas()) {
    set_isa(isa);
    // F5: log_softmax with a logit ~FLT_MAX below the max
    { float x[3] = {3.5e36f, -3.4e38f, 0.0f}, y[3]; log_softmax(x, y, 3);
      std::printf("%-6s log_softmax([3.5e36,-3.4e38,0])[1] = %g (true -inf)\n", isa_name(isa), y[1]); }
    { float x[2] = {1.4e38f, -6.0e37f}, y[2]; log_softmax(x, y, 2);
      std::printf("%-6s log_softmax([1.4e38,-6e37])[1] = %g (true -2e38)\n", isa_name(isa), y[1]); }
    // F4: log_softmax_backward with sum dy > FLT_MAX
    { float y[3] = {-4.3f, -10.f, -10.f}, dy[3] = {20.f, 3e38f, 3e38f}, dx[3]; log_softmax_backward(y, dy, dx, 3);
      std::printf("%-6s log_softmax_backward sum dy=6e38: dx[0] = %g (true %g)\n", isa_name(isa), dx[0], double(20.0 - std::exp(-4.3)*6e38)); }
    // F7: softmax_backward intermediate overflow
    { float y[2] = {0.63f, 0.37f}, dy[2] = {FLT_MAX, -FLT_MAX}, dx[2]; softmax_backward(y, dy, dx, 2);
      long double D = (long double)FLT_MAX*0.63f - (long double)FLT_MAX*0.37f;
      std::printf("%-6s softmax_backward dy=[FLT_MAX,-FLT_MAX] y=[.63,.37]: dx[1] = %g (true %Lg)\n", isa_name(isa), dx[1], (long double)0.37f*(-(long double)FLT_MAX - D)); }
    // F6: log_softmax_backward tiny e^y
    { float y[2] = {-121.389221f, 0.f}, dy[2] = {0.f, -1e19f}, dx[2]; log_softmax_backward(y, dy, dx, 2);
      std::printf("%-6s log_softmax_backward y=[-121.39,0] dy=[0,-1e19]: dx[0] = %g (true %Lg)\n", isa_name(isa), dx[0], 0 - std::exp(-121.389221L)*-1e19L); }
    // F3: soft CE
    { std::vector<float> x(11, -88.5f), p(11, 0.f); x[0] = 0; p[0] = 1;
      float l = cross_entropy_soft(x.data(), 11, p.data(), 11);
      float l2 = cross_entropy(x.data(), 11, 0);
      std::printf("%-6s x=[0, -88.5 x10]: cross_entropy_soft(p=onehot0) = %g, cross_entropy(label 0) = %g (true %Lg)\n", isa_name(isa), l, l2, std::log1p(10*std::exp(-88.5L)));
      std::vector<float> lsm(11); log_softmax(x.data(), lsm.data(), 11);
      std::printf("%-6s log_softmax(same)[0] = %g\n", isa_name(isa), lsm[0]); }
  }
}
