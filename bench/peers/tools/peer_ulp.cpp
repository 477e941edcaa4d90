// Worst ULP error of the peers' activations (Eigen 3.4 array functions, oneDNN eltwise, XNNPACK
// operators where it has one: sigmoid, elu) against a double reference, on a strided sweep of
// every finite float (stride 997, ~4.3M inputs).
// Not part of the build (a one-off observation for the README); build and run with
//   g++ -O2 -march=native -std=c++17 -I/usr/include/eigen3 bench/peers/tools/peer_ulp.cpp -ldnnl -lXNNPACK -o /tmp/peer_ulp && /tmp/peer_ulp
#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>
#include <oneapi/dnnl/dnnl.hpp>
#include <xnnpack.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

static std::int64_t key(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, 4);
  return i < 0 ? -std::int64_t(i & 0x7fffffff) : std::int64_t(i);
}
static double ulp(float got, double want) {
  const float w = float(want);
  if (std::isnan(got) || std::isnan(w)) return std::isnan(got) == std::isnan(w) ? 0 : 1e30;
  return double(std::llabs(key(got) - key(w)));
}

int main() {
  std::vector<float> x;
  for (std::uint64_t b = 0; b < (1ull << 32); b += 997) {
    float f;
    const std::uint32_t u = std::uint32_t(b);
    std::memcpy(&f, &u, 4);
    if (std::isfinite(f)) x.push_back(f);
  }
  const Eigen::Index n = Eigen::Index(x.size());
  Eigen::Map<const Eigen::ArrayXf> X(x.data(), n);
  Eigen::ArrayXf Y(n);
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);
  struct F {
    const char* name;
    double (*ref)(double);
    dnnl::algorithm alg;
    float alpha;
  };
  const F fns[] = {
      {"sigmoid", [](double v) { return 1.0 / (1.0 + std::exp(-v)); }, dnnl::algorithm::eltwise_logistic, 0},
      {"tanh", [](double v) { return std::tanh(v); }, dnnl::algorithm::eltwise_tanh, 0},
      {"silu", [](double v) { return v / (1.0 + std::exp(-v)); }, dnnl::algorithm::eltwise_swish, 1},
      {"elu", [](double v) { return v > 0 ? v : std::expm1(v); }, dnnl::algorithm::eltwise_elu, 1},
      {"gelu", [](double v) { return 0.5 * v * std::erfc(-v / std::sqrt(2.0)); }, dnnl::algorithm::eltwise_gelu_erf, 0},
      {"gelu_tanh",
       [](double v) { return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))); },
       dnnl::algorithm::eltwise_gelu_tanh, 0}};
  const bool xnn = xnn_initialize(nullptr) == xnn_status_success;
  std::printf("| function | Eigen worst ULP (at x) | oneDNN worst ULP (at x) | XNNPACK worst ULP (at x) |\n|---|--:|--:|--:|\n");
  for (const F& f : fns) {
    const std::string nm = f.name;
    if (nm == "sigmoid") Y = X.logistic();
    else if (nm == "tanh") Y = X.tanh();
    else if (nm == "silu") Y = X * X.logistic();
    else if (nm == "elu") Y = X.max(0.0f) + (X.min(0.0f).exp() - 1.0f);
    else if (nm == "gelu") Y = 0.5f * X * (1.0f + (X * float(M_SQRT1_2)).erf());
    else Y = 0.5f * X * (1.0f + (0.7978845608f * (X + 0.044715f * X.cube())).tanh());
    double we = 0, xe = 0, wd = 0, xd = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double u = ulp(Y[i], f.ref(x[i]));
      if (u > we) we = u, xe = x[i];
    }
    std::vector<float> yd(x.size());
    dnnl::memory::desc md({dnnl::memory::dim(n)}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a);
    dnnl::memory src(md, eng, x.data()), dst(md, eng, yd.data());
    dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(
                              dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, f.alg, md, f.alpha, 0), eng))
        .execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    s.wait();
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double u = ulp(yd[i], f.ref(x[i]));
      if (u > wd) wd = u, xd = x[i];
    }
    // XNNPACK: sigmoid and elu only (its 2022 operators); the whole sweep as one row.
    std::string xs = "-";
    xnn_operator_t op = nullptr;
    if (xnn && nm == "sigmoid") xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &op);
    if (xnn && nm == "elu") xnn_create_elu_nc_f32(1, 1, 1, 1.0f, 0, &op);
    if (op != nullptr) {
      std::vector<float> yx(x.size());
      if (nm == "sigmoid") xnn_setup_sigmoid_nc_f32(op, x.size(), x.data(), yx.data(), nullptr);
      else xnn_setup_elu_nc_f32(op, x.size(), x.data(), yx.data(), nullptr);
      xnn_run_operator(op, nullptr);
      xnn_delete_operator(op);
      double wx = 0, xx = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double u = ulp(yx[i], f.ref(x[i]));
        if (u > wx) wx = u, xx = x[i];
      }
      char b[64];
      std::snprintf(b, sizeof b, "%.3g (%.4g)", wx, xx);
      xs = b;
    }
    std::printf("| %s | %.3g (%.4g) | %.3g (%.4g) | %s |\n", f.name, we, xe, wd, xd, xs.c_str());
  }
}
