// Reproducers of the activations/matvec fuzz findings (issue 9 report); build as softmax_findings.cpp.
// All fixed (regression tests: test_activations "backward where f'(x) underflows", test_contract
// matvec_act "alpha not finite"); kept to show the before/after on any machine.
#include <simdense/simdense.hpp>
#include <cstdio>
#include <stdexcept>
#include <cmath>
using namespace simdense;
int main() {
  for (Isa isa : supported_isas()) {
    set_isa(isa);
    float x = -104.000023f, dy = 4.21293306f, dx;
    elu_grad(&x, &dy, &dx, 1, -1e19f);
    float x2 = -103.999969f, dy2 = -16.8716545f, dx2;
    softplus_grad(&x2, &dy2, &dx2, 1);
    float x3 = 88.7228012f, dy3 = INFINITY, dx3;
    tanh_grad(&x3, &dy3, &dx3, 1);
    float W = 1, xx = 1, b = 0, h = 0, z = 0;
    const char* refused = "accepted";
    try {
      matvec_act(&W, 1, 1, 1, &xx, &b, Activation::leaky_relu, INFINITY, &z, &h);
    } catch (const std::invalid_argument&) {
      refused = "refused";
    }
    std::printf("%-6s elu_grad(x=-104, dy=4.21, alpha=-1e19) = %g (true %Lg); softplus_grad(-104, dy=-16.87) = %g (true %Lg); tanh_grad(88.72, dy=inf) = %g; matvec_act(alpha=inf) %s, h=%g\n",
      isa_name(isa), dx, (long double)dy * -1e19L * std::exp((long double)x), dx2, (long double)dy2 / (1 + std::exp(-(long double)x2)), dx3, refused, h);
  }
}
