// Reproducer of the dense fuzz finding (issue 9 report): dense_binary_train vs repeated dense_binary_step
// with an overflowing bias; build as softmax_findings.cpp.
#include <simdense/simdense.hpp>
#include <cstdio>
#include <cstring>
#include <cfloat>
using namespace simdense;
int main() {
  for (Isa isa : supported_isas()) {
    set_isa(isa);
    float W1[2] = {3, 1.40129846e-45f}, b1[2] = {-8, FLT_MAX}, u1[2] = {3, 3};
    float W2[2], b2[2], u2[2];
    memcpy(W2, W1, 8); memcpy(b2, b1, 8); memcpy(u2, u1, 8);
    float X[5] = {3, -1, 3, 3, 3}, t[5] = {0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
    float lr = 0.0560000017f;
    float L1 = dense_binary_train(W1, 1, b1, u1, 2, 1, Activation::leaky_relu, 0.01f, X, 1, t, 5, lr);
    double s = 0;
    for (int k = 0; k < 5; ++k) s += dense_binary_step(W2, 1, b2, u2, 2, 1, Activation::leaky_relu, 0.01f, X + k, t[k], lr, nullptr);
    std::printf("%-6s train: W=[%g %g] b=[%g %g] u=[%g %g] loss %g | steps: W=[%g %g] b=[%g %g] u=[%g %g] loss %g\n", isa_name(isa),
      W1[0], W1[1], b1[0], b1[1], u1[0], u1[1], L1, W2[0], W2[1], b2[0], b2[1], u2[0], u2[1], s / 5);
  }
}
