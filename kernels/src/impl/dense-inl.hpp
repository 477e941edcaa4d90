// SIMD dense-layer kernels: forward z = W y + b, backward W^T dz, the SGD update W -= lr dz x^T,
// and their fusions into single passes over W; the lecture network's whole step on top. Written
// once as templates over xsimd's Arch and instantiated in each isa/<isa>.cpp inside that ISA's
// namespace (SIMDENSE_NS). See isa/isa-inl.hpp.
//
// Every pass over W goes through one row-block template, dense_row_block<R, DX, UPD, DOT>, so
// the forward dot and the streaming "update then dot" use the very same accumulation order:
// a row's dot product is one vector accumulator over the column chunks in order, then one
// horizontal add. That is why dense_binary_train equals count calls of dense_binary_step bit
// for bit, and why the fused and unfused steps update W identically.
//
// W traffic per step (m x n floats): forward = 1 read; fused backward+SGD = 1 read + 1 write
// (dx with the old row, then the row updated and stored); streaming update+next forward =
// 1 read + 1 write. The unfused composition reads W for W^T dz and again for the update.
#pragma once

#include "impl/act-inl.hpp"
#include "impl/math-inl.hpp"
#include "impl/elementwise-inl.hpp"
#include "impl/entry-inl.hpp"
#include "tables/dense.hpp"

namespace simdense::SIMDENSE_NS {

// r < L floats at p as a batch, the other lanes 0 (the padded-copy tail: never reads past p+r).
template <class Arch>
inline vf<Arch> dense_load_part(const float* p, std::size_t r) {
  alignas(64) float t[vf<Arch>::size] = {};
  for (std::size_t k = 0; k < r; ++k) t[k] = p[k];
  return vf<Arch>::load_aligned(t);
}

// The first r lanes of v to p (never writes past p+r).
template <class Arch>
inline void dense_store_part(vf<Arch> v, float* p, std::size_t r) {
  alignas(64) float t[vf<Arch>::size];
  v.store_aligned(t);
  for (std::size_t k = 0; k < r; ++k) p[k] = t[k];
}

// Runs body(j, load, store) over columns [0, n) one batch at a time: full batches with
// unaligned loads/stores, then the r < L tail with the padded-copy load/store above, so tail
// lanes run exactly the bulk code.
template <class Arch, class Body>
inline void for_each_chunk(std::size_t n, Body&& body) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  std::size_t j = 0;
  for (; j + L <= n; j += L)
    body(j, [](const float* p) { return B::load_unaligned(p); },
         [](B v, float* p) { v.store_unaligned(p); });
  if (j < n) {
    const std::size_t r = n - j;
    body(j, [r](const float* p) { return dense_load_part<Arch>(p, r); },
         [r](B v, float* p) { dense_store_part<Arch>(v, p, r); });
  }
}

// R consecutive rows of W (row stride ld), all n columns, in one pass:
//   DX:  dx[j] += dz[r] W_old[r][j]           (rows in order, before the update)
//   UPD: W[r][j] = W_old[r][j] - (lr dz[r]) x[j]   (one rounding on FMA ISAs)
//   DOT: dot[r] = sum_j W[r][j] y[j]          (W after the update when UPD)
// Each W element is loaded once and stored at most once. The tail chunk runs the same code on
// zero-padded copies, so tail lanes get the bulk rounding.
template <class Arch, std::size_t R, bool DX, bool UPD, bool DOT>
inline void dense_row_block(float* W, std::size_t ld, std::size_t n, const float* dz, float lr,
                            const float* x, float* dx, const float* y, float* dot) {
  using B = vf<Arch>;
  float* w[R];
  B cdx[R], cup[R], acc[R];
  for (std::size_t r = 0; r < R; ++r) {
    w[r] = W + r * ld;
    if constexpr (DX) cdx[r] = B(dz[r]);
    if constexpr (UPD) cup[r] = B(lr * dz[r]);
    acc[r] = B(0.0f);
  }
  // load(p) / store(v, p) are full-width or partial: one body for bulk and tail.
  auto body = [&](std::size_t j, auto load, auto store) {
    B xv, yv, d;
    if constexpr (UPD) xv = load(x + j);
    if constexpr (DOT) yv = load(y + j);
    if constexpr (DX) d = load(dx + j);
    for (std::size_t r = 0; r < R; ++r) {
      B wv = load(w[r] + j);
      if constexpr (DX) d = fmadd<Arch>(cdx[r], wv, d);
      if constexpr (UPD) {
        wv = fnmadd<Arch>(cup[r], xv, wv);
        store(wv, w[r] + j);
      }
      if constexpr (DOT) acc[r] = fmadd<Arch>(wv, yv, acc[r]);
    }
    if constexpr (DX) store(d, dx + j);
  };
  for_each_chunk<Arch>(n, body);
  if constexpr (DOT)
    for (std::size_t r = 0; r < R; ++r) dot[r] = xsimd::hadd(acc[r]);
}

// All m rows through dense_row_block, 4 rows per block (4 independent dot chains; loads of
// x, y and dx shared by 4 rows), then single rows. z[i] = dot_i + b[i] when DOT.
template <class Arch, bool DX, bool UPD, bool DOT>
inline void dense_sweep(float* W, std::size_t ld, std::size_t m, std::size_t n, const float* dz,
                        float lr, const float* x, float* dx, const float* y, const float* b,
                        float* z) {
  constexpr std::size_t R = 4;
  float d[R];
  std::size_t i = 0;
  auto out = [&](std::size_t i0, std::size_t rows) {
    if constexpr (DOT)
      for (std::size_t r = 0; r < rows; ++r) z[i0 + r] = b ? d[r] + b[i0 + r] : d[r];
  };
  for (; i + R <= m; i += R) {
    dense_row_block<Arch, R, DX, UPD, DOT>(W + i * ld, ld, n, (DX || UPD) ? dz + i : nullptr, lr,
                                           x, dx, y, d);
    out(i, R);
  }
  for (; i < m; ++i) {
    dense_row_block<Arch, 1, DX, UPD, DOT>(W + i * ld, ld, n, (DX || UPD) ? dz + i : nullptr, lr,
                                           x, dx, y, d);
    out(i, 1);
  }
}

template <class Arch>
void dense_forward_kernel(const float* W, std::size_t ld, std::size_t m, std::size_t n,
                          const float* y, const float* b, float* z) {
  // DOT only: W is never written, the const_cast only shares the row-block code.
  dense_sweep<Arch, false, false, true>(const_cast<float*>(W), ld, m, n, nullptr, 0.0f, nullptr,
                                        nullptr, y, b, z);
}

template <class Arch>
void dense_forward_batch_kernel(const float* W, std::size_t ld, std::size_t m, std::size_t n,
                                const float* X, std::size_t ldx, std::size_t count,
                                const float* b, float* Z, std::size_t ldz) {
  // Rows outer, samples inner: a block of 4 rows (<= 4 n floats) stays in L1 while every
  // sample is dotted with it, so W comes from memory once per batch. The per-row dot order is
  // the single-sample one, so Z[k] equals dense_forward of X[k] bit for bit.
  constexpr std::size_t R = 4;
  float* Wm = const_cast<float*>(W);
  float d[R];
  std::size_t i = 0;
  for (; i + R <= m; i += R)
    for (std::size_t k = 0; k < count; ++k) {
      dense_row_block<Arch, R, false, false, true>(Wm + i * ld, ld, n, nullptr, 0.0f, nullptr,
                                                   nullptr, X + k * ldx, d);
      for (std::size_t r = 0; r < R; ++r) Z[k * ldz + i + r] = b ? d[r] + b[i + r] : d[r];
    }
  for (; i < m; ++i)
    for (std::size_t k = 0; k < count; ++k) {
      dense_row_block<Arch, 1, false, false, true>(Wm + i * ld, ld, n, nullptr, 0.0f, nullptr,
                                                   nullptr, X + k * ldx, d);
      Z[k * ldz + i] = b ? d[0] + b[i] : d[0];
    }
}

template <class Arch>
void dense_matvec_t_acc_kernel(const float* W, std::size_t ld, std::size_t m, std::size_t n,
                               const float* dz, float* dx) {
  dense_sweep<Arch, true, false, false>(const_cast<float*>(W), ld, m, n, dz, 0.0f, nullptr, dx,
                                        nullptr, nullptr, nullptr);
}

template <class Arch>
void dense_sgd_update_kernel(float* W, std::size_t ld, std::size_t m, std::size_t n,
                             const float* dz, float lr, const float* x) {
  dense_sweep<Arch, false, true, false>(W, ld, m, n, dz, lr, x, nullptr, nullptr, nullptr,
                                        nullptr);
}

template <class Arch>
void dense_backward_sgd_kernel(float* W, std::size_t ld, std::size_t m, std::size_t n,
                               const float* dz, float lr, const float* x, float* dx) {
  if (dx)
    dense_sweep<Arch, true, true, false>(W, ld, m, n, dz, lr, x, dx, nullptr, nullptr, nullptr);
  else
    dense_sweep<Arch, false, true, false>(W, ld, m, n, dz, lr, x, nullptr, nullptr, nullptr,
                                          nullptr);
}

template <class Arch>
void dense_sgd_forward_kernel(float* W, std::size_t ld, std::size_t m, std::size_t n,
                              const float* dz, float lr, const float* x, float* dx,
                              const float* y, const float* b, float* z) {
  if (dx)
    dense_sweep<Arch, true, true, true>(W, ld, m, n, dz, lr, x, dx, y, b, z);
  else
    dense_sweep<Arch, false, true, true>(W, ld, m, n, dz, lr, x, nullptr, y, b, z);
}

template <class Arch>
void dense_backward_sgd_batch_kernel(float* W, std::size_t ld, std::size_t m, std::size_t n,
                                     const float* dZ, std::size_t ldz, const float* X,
                                     std::size_t ldx, std::size_t count, float lr, float* dX,
                                     std::size_t lddx) {
  // Row by row, chunk by chunk: the W chunk is loaded once, feeds every dX[k] (old value),
  // receives g = sum_k dZ[k][i] X[k] and is stored once: one pass over W per batch.
  using B = vf<Arch>;
  const B vlr(lr);
  for (std::size_t i = 0; i < m; ++i) {
    float* w = W + i * ld;
    auto body = [&](std::size_t j, auto load, auto store) {
      B wv = load(w + j);
      B g(0.0f);
      for (std::size_t k = 0; k < count; ++k) {
        const B c(dZ[k * ldz + i]);
        if (dX) {
          float* p = dX + k * lddx + j;
          store(fmadd<Arch>(c, wv, load(p)), p);
        }
        g = fmadd<Arch>(c, load(X + k * ldx + j), g);
      }
      store(fnmadd<Arch>(vlr, g, wv), w + j);
    };
    for_each_chunk<Arch>(n, body);
  }
}

template <class Arch>
void dense_outer_acc_kernel(const float* a, const float* x, float* G, std::size_t ldg,
                            std::size_t m, std::size_t n) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  for (std::size_t i = 0; i < m; ++i) {
    const B c(a[i]);
    float* g = G + i * ldg;
    std::size_t j = 0;
    for (; j + L <= n; j += L)
      fmadd<Arch>(c, B::load_unaligned(x + j), B::load_unaligned(g + j)).store_unaligned(g + j);
    if (j < n) {
      const std::size_t r = n - j;
      dense_store_part<Arch>(
          fmadd<Arch>(c, dense_load_part<Arch>(x + j, r), dense_load_part<Arch>(g + j, r)), g + j,
          r);
    }
  }
}

template <class Arch>
void dense_act_forward_kernel(const float* z, float* h, std::size_t m, Activation f,
                              float alpha) {
  with_activation<Arch>(f, [&](auto act) {
    using A = decltype(act);
    const vf<Arch> a(alpha);
    map_unary<Arch>(z, h, m, [a](vf<Arch> v) { return A::f(v, a); });
  });
}

template <class Arch>
void dense_act_grad_kernel(const float* z, const float* dh, float* dz, std::size_t m,
                           Activation f, float alpha) {
  with_activation<Arch>(f, [&](auto act) {
    using A = decltype(act);
    const vf<Arch> a(alpha);
    if (dh)
      map_binary<Arch>(z, dh, dz, m, [a](vf<Arch> v, vf<Arch> g) { return act_grad<A>(v, g, a); });
    else
      map_unary<Arch>(z, dz, m, [a](vf<Arch> v) { return A::df(v, a); });
  });
}

// The lecture network's head and the O(m) part of its backward pass, for activation A:
//   h = f(z), s = u.h, J = softplus(s) - t s, ds = sigmoid(s) - t,
//   dz = (ds u) f'(z), then u -= (lr ds) h and b -= lr dz (u read before it is updated).
// J = max(s, 0) - t s + log1p(e^-|s|): no overflow, and for t = 1, s > 0 the first two terms
// cancel exactly, leaving log1p(e^-s) to full relative accuracy.
template <class Arch, class A>
inline float dense_binary_head(const float* z, float* h, float* dz, float* b, float* u,
                               std::size_t m, float alpha, float t, float lr) {
  using B = vf<Arch>;
  constexpr std::size_t L = B::size;
  const B a(alpha);
  auto ld = [](const float* p, std::size_t r) {
    return r == L ? B::load_unaligned(p) : dense_load_part<Arch>(p, r);
  };
  auto st = [](B v, float* p, std::size_t r) {
    if (r == L)
      v.store_unaligned(p);
    else
      dense_store_part<Arch>(v, p, r);
  };
  B acc(0.0f);
  for (std::size_t i = 0; i < m; i += L) {
    const std::size_t r = m - i < L ? m - i : L;
    const B hv = A::f(ld(z + i, r), a);
    st(hv, h + i, r);
    acc = fmadd<Arch>(ld(u + i, r), hv, acc);  // padded lanes: u = 0
  }
  const B s(xsimd::hadd(acc));
  const B vt(t);
  const B J = fnmadd<Arch>(vt, s, xsimd::select(s > B(0.0f), s, B(0.0f))) +
              log1p<Arch>(exp<Arch>(-xsimd::abs(s)));
  // ds = sigmoid(s) - t as (1-t) sigmoid(s) - t sigmoid(-s): no cancellation for t = 0 or 1
  // (sigmoid(s) - 1 would lose the low bits of sigmoid(-s) when s >> 0).
  const float ds = (1.0f - t) * Act<Activation::sigmoid, Arch>::f(s, a).get(0) -
                   t * Act<Activation::sigmoid, Arch>::f(-s, a).get(0);
  const B vds(ds), vlr(lr), vlds(lr * ds);
  for (std::size_t i = 0; i < m; i += L) {
    const std::size_t r = m - i < L ? m - i : L;
    const B uv = ld(u + i, r);
    const B dzv = act_grad<A>(ld(z + i, r), vds * uv, a);
    st(dzv, dz + i, r);
    st(fnmadd<Arch>(vlds, ld(h + i, r), uv), u + i, r);
    st(fnmadd<Arch>(vlr, dzv, ld(b + i, r)), b + i, r);
  }
  return J.get(0);
}

// One step of the lecture network. FUSED: forward pass (read W), then one pass that
// accumulates dx with the old row and updates it (read + write W). Unfused: dx = W^T dz and the
// update are separate passes (one more read of W).
template <class Arch, bool FUSED>
float dense_binary_step_kernel(float* W, std::size_t ld, float* b, float* u, std::size_t m,
                               std::size_t n, Activation f, float alpha, const float* x, float t,
                               float lr, float* dx, float* scratch) {
  float* z = scratch;
  float* h = scratch + m;
  float* dz = scratch + 2 * m;
  dense_sweep<Arch, false, false, true>(W, ld, m, n, nullptr, 0.0f, nullptr, nullptr, x, b, z);
  const float J = with_activation<Arch>(f, [&](auto act) {
    return dense_binary_head<Arch, decltype(act)>(z, h, dz, b, u, m, alpha, t, lr);
  });
  if (dx) {
    for (std::size_t j = 0; j < n; ++j) dx[j] = 0.0f;
    if constexpr (FUSED) {
      dense_sweep<Arch, true, true, false>(W, ld, m, n, dz, lr, x, dx, nullptr, nullptr, nullptr);
    } else {
      dense_sweep<Arch, true, false, false>(W, ld, m, n, dz, 0.0f, nullptr, dx, nullptr, nullptr,
                                            nullptr);
      dense_sweep<Arch, false, true, false>(W, ld, m, n, dz, lr, x, nullptr, nullptr, nullptr,
                                            nullptr);
    }
  } else {
    dense_sweep<Arch, false, true, false>(W, ld, m, n, dz, lr, x, nullptr, nullptr, nullptr,
                                          nullptr);
  }
  return J;
}

// count steps; the update for sample k and the forward of sample k+1 share one pass over W
// (load row, update it, dot it with x_{k+1}, store it), so each sample moves W once (read +
// write) instead of twice. b is updated by the head before that pass, so z_{k+1} uses b_new.
template <class Arch>
double dense_binary_train_kernel(float* W, std::size_t ld, float* b, float* u, std::size_t m,
                                 std::size_t n, Activation f, float alpha, const float* X,
                                 std::size_t ldx, const float* t, std::size_t count, float lr,
                                 float* scratch) {
  if (count == 0) return 0.0;
  float* z = scratch;
  float* h = scratch + m;
  float* dz = scratch + 2 * m;
  return with_activation<Arch>(f, [&](auto act) {
    using A = decltype(act);
    dense_sweep<Arch, false, false, true>(W, ld, m, n, nullptr, 0.0f, nullptr, nullptr, X, b, z);
    double sum = 0.0;
    for (std::size_t k = 0; k < count; ++k) {
      sum += double(dense_binary_head<Arch, A>(z, h, dz, b, u, m, alpha, t[k], lr));
      const float* xk = X + k * ldx;
      if (k + 1 < count)
        dense_sweep<Arch, false, true, true>(W, ld, m, n, dz, lr, xk, nullptr, xk + ldx, b, z);
      else
        dense_sweep<Arch, false, true, false>(W, ld, m, n, dz, lr, xk, nullptr, nullptr, nullptr,
                                              nullptr);
    }
    return sum;
  });
}

template <class Arch>
constexpr detail::DenseKernels dense_kernels() {
  return {entry<Arch, &dense_forward_kernel<Arch>>,
          entry<Arch, &dense_forward_batch_kernel<Arch>>,
          entry<Arch, &dense_matvec_t_acc_kernel<Arch>>,
          entry<Arch, &dense_sgd_update_kernel<Arch>>,
          entry<Arch, &dense_backward_sgd_kernel<Arch>>,
          entry<Arch, &dense_sgd_forward_kernel<Arch>>,
          entry<Arch, &dense_backward_sgd_batch_kernel<Arch>>,
          entry<Arch, &dense_outer_acc_kernel<Arch>>,
          entry<Arch, &dense_act_forward_kernel<Arch>>,
          entry<Arch, &dense_act_grad_kernel<Arch>>,
          entry<Arch, &dense_binary_step_kernel<Arch, true>>,
          entry<Arch, &dense_binary_step_kernel<Arch, false>>,
          entry<Arch, &dense_binary_train_kernel<Arch>>};
}

}  // namespace simdense::SIMDENSE_NS
