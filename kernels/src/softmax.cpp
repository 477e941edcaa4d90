// Public wrappers of the softmax family: check arguments, then call the active ISA's kernel.
#include <simdense/softmax.hpp>

#include <string>

#include "check.hpp"
#include "table.hpp"

namespace simdense {

namespace {

// x and y (rows x n, stride ld) may alias exactly; otherwise their spans must not overlap.
void check_pair(const char* fn, const float* x, const char* xn, const float* y, const char* yn,
                std::size_t rows, std::size_t n, std::size_t ld) {
  const std::size_t sp = detail::span(rows, n, ld);
  detail::check_ptr(fn, x, xn, sp, "rows * n");
  detail::check_ptr(fn, y, yn, sp, "rows * n");
  if (x != y && detail::overlaps(x, sp, y, sp))
    detail::fail_arg(fn, std::string(yn) + " partially overlaps " + xn +
                             " (only exact aliasing, in place, is allowed)");
}

void check_labels(const char* fn, const std::size_t* labels, std::size_t rows, std::size_t n,
                  bool batch) {
  if (labels == nullptr && rows != 0)
    detail::fail_arg(fn, "labels is null but rows = " + std::to_string(rows));
  for (std::size_t r = 0; r < rows; ++r)
    if (labels[r] >= n)
      detail::fail_range(fn, (batch ? "labels[" + std::to_string(r) + "]" : std::string("label")) +
                                 " = " + std::to_string(labels[r]) + " is out of range for n = " +
                                 std::to_string(n));
}

void check_targets(const char* fn, const float* t, std::size_t rows, std::size_t n,
                   std::size_t ld) {
  const auto find = detail::active().softmax.first_bad_target;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t i = find(t + r * ld, n);
    if (i < n)
      detail::fail_arg(fn, "targets[" + std::to_string(r * ld + i) + "] = " +
                               std::to_string(t[r * ld + i]) +
                               " is not a probability (NaN or outside [0, 1])");
  }
}

float mean(double sum, std::size_t rows) {
  return rows == 0 ? 0.0f : static_cast<float>(sum / double(rows));
}

}  // namespace

// ---- softmax and log-softmax ----------------------------------------------------------------

void softmax_batch(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld) {
  detail::check_ld("softmax_batch", rows, n, ld);
  check_pair("softmax_batch", x, "x", y, "y", rows, n, ld);
  if (rows == 0 || n == 0) return;
  detail::active().softmax.softmax(x, y, rows, n, ld);
}

void log_softmax_batch(const float* x, float* y, std::size_t rows, std::size_t n,
                       std::size_t ld) {
  detail::check_ld("log_softmax_batch", rows, n, ld);
  check_pair("log_softmax_batch", x, "x", y, "y", rows, n, ld);
  if (rows == 0 || n == 0) return;
  detail::active().softmax.log_softmax(x, y, rows, n, ld);
}

void softmax(const float* x, float* y, std::size_t n) {
  detail::check_ptr("softmax", x, "x", n);
  detail::check_ptr("softmax", y, "y", n);
  detail::check_inplace_or_disjoint("softmax", x, "x", y, "y", n);
  if (n == 0) return;
  detail::active().softmax.softmax(x, y, 1, n, n);
}

void log_softmax(const float* x, float* y, std::size_t n) {
  detail::check_ptr("log_softmax", x, "x", n);
  detail::check_ptr("log_softmax", y, "y", n);
  detail::check_inplace_or_disjoint("log_softmax", x, "x", y, "y", n);
  if (n == 0) return;
  detail::active().softmax.log_softmax(x, y, 1, n, n);
}

// ---- backward --------------------------------------------------------------------------------

namespace {
void check_backward(const char* fn, const float* y, const float* dy, const float* dx,
                    std::size_t rows, std::size_t n, std::size_t ld) {
  detail::check_ld(fn, rows, n, ld);
  check_pair(fn, y, "y", dx, "dx", rows, n, ld);
  check_pair(fn, dy, "dy", dx, "dx", rows, n, ld);
}
}  // namespace

void softmax_backward_batch(const float* y, const float* dy, float* dx, std::size_t rows,
                            std::size_t n, std::size_t ld) {
  check_backward("softmax_backward_batch", y, dy, dx, rows, n, ld);
  if (rows == 0 || n == 0) return;
  detail::active().softmax.softmax_backward(y, dy, dx, rows, n, ld);
}

void log_softmax_backward_batch(const float* y, const float* dy, float* dx, std::size_t rows,
                                std::size_t n, std::size_t ld) {
  check_backward("log_softmax_backward_batch", y, dy, dx, rows, n, ld);
  if (rows == 0 || n == 0) return;
  detail::active().softmax.log_softmax_backward(y, dy, dx, rows, n, ld);
}

void softmax_backward(const float* y, const float* dy, float* dx, std::size_t n) {
  check_backward("softmax_backward", y, dy, dx, 1, n, n);
  if (n == 0) return;
  detail::active().softmax.softmax_backward(y, dy, dx, 1, n, n);
}

void log_softmax_backward(const float* y, const float* dy, float* dx, std::size_t n) {
  check_backward("log_softmax_backward", y, dy, dx, 1, n, n);
  if (n == 0) return;
  detail::active().softmax.log_softmax_backward(y, dy, dx, 1, n, n);
}

// ---- cross-entropy with labels -----------------------------------------------------------------

float cross_entropy(const float* logits, std::size_t n, std::size_t label) {
  check_labels("cross_entropy", &label, 1, n, false);
  detail::check_ptr("cross_entropy", logits, "logits", n);
  return static_cast<float>(detail::active().softmax.ce_label(logits, &label, nullptr, 1, n, n));
}

float cross_entropy_grad(const float* logits, std::size_t n, std::size_t label, float* dlogits) {
  check_labels("cross_entropy_grad", &label, 1, n, false);
  check_pair("cross_entropy_grad", logits, "logits", dlogits, "dlogits", 1, n, n);
  return static_cast<float>(detail::active().softmax.ce_label(logits, &label, dlogits, 1, n, n));
}

float cross_entropy_batch(const float* logits, const std::size_t* labels, std::size_t rows,
                          std::size_t n, std::size_t ld) {
  detail::check_ld("cross_entropy_batch", rows, n, ld);
  check_labels("cross_entropy_batch", labels, rows, n, true);
  detail::check_ptr("cross_entropy_batch", logits, "logits", detail::span(rows, n, ld),
                    "rows * n");
  if (rows == 0) return 0.0f;
  return mean(detail::active().softmax.ce_label(logits, labels, nullptr, rows, n, ld), rows);
}

float cross_entropy_grad_batch(const float* logits, const std::size_t* labels, float* dlogits,
                               std::size_t rows, std::size_t n, std::size_t ld) {
  const char* fn = "cross_entropy_grad_batch";
  detail::check_ld(fn, rows, n, ld);
  check_labels(fn, labels, rows, n, true);
  check_pair(fn, logits, "logits", dlogits, "dlogits", rows, n, ld);
  if (rows == 0) return 0.0f;
  if (detail::overlaps(reinterpret_cast<const float*>(labels),
                       rows * sizeof(std::size_t) / sizeof(float), dlogits,
                       detail::span(rows, n, ld)))
    detail::fail_arg(fn, "labels must not overlap dlogits");
  return mean(detail::active().softmax.ce_label(logits, labels, dlogits, rows, n, ld), rows);
}

// ---- cross-entropy with soft targets -----------------------------------------------------------

namespace {
void check_soft(const char* fn, const float* logits, const float* targets, std::size_t targets_n,
                const float* dlogits, bool grad, std::size_t rows, std::size_t n,
                std::size_t ld) {
  if (targets_n != n)
    detail::fail_arg(fn, "targets_n = " + std::to_string(targets_n) +
                             " differs from the number of logits n = " + std::to_string(n));
  detail::check_ld(fn, rows, n, ld);
  const std::size_t sp = detail::span(rows, n, ld);
  detail::check_ptr(fn, logits, "logits", sp, "rows * n");
  detail::check_ptr(fn, targets, "targets", sp, "rows * n");
  if (grad) {
    check_pair(fn, logits, "logits", dlogits, "dlogits", rows, n, ld);
    detail::check_disjoint(fn, targets, sp, "targets", dlogits, sp, "dlogits");
  }
  check_targets(fn, targets, rows, n, ld);
}
}  // namespace

float cross_entropy_soft(const float* logits, std::size_t n, const float* targets,
                         std::size_t targets_n) {
  check_soft("cross_entropy_soft", logits, targets, targets_n, nullptr, false, 1, n, n);
  if (n == 0) return 0.0f;
  return static_cast<float>(detail::active().softmax.ce_soft(logits, targets, nullptr, 1, n, n));
}

float cross_entropy_soft_grad(const float* logits, std::size_t n, const float* targets,
                              std::size_t targets_n, float* dlogits) {
  check_soft("cross_entropy_soft_grad", logits, targets, targets_n, dlogits, true, 1, n, n);
  if (n == 0) return 0.0f;
  return static_cast<float>(detail::active().softmax.ce_soft(logits, targets, dlogits, 1, n, n));
}

float cross_entropy_soft_batch(const float* logits, const float* targets, std::size_t rows,
                               std::size_t n, std::size_t ld) {
  check_soft("cross_entropy_soft_batch", logits, targets, n, nullptr, false, rows, n, ld);
  if (rows == 0 || n == 0) return 0.0f;
  return mean(detail::active().softmax.ce_soft(logits, targets, nullptr, rows, n, ld), rows);
}

float cross_entropy_soft_grad_batch(const float* logits, const float* targets, float* dlogits,
                                    std::size_t rows, std::size_t n, std::size_t ld) {
  check_soft("cross_entropy_soft_grad_batch", logits, targets, n, dlogits, true, rows, n, ld);
  if (rows == 0 || n == 0) return 0.0f;
  return mean(detail::active().softmax.ce_soft(logits, targets, dlogits, rows, n, ld), rows);
}

// ---- sigmoid binary cross-entropy --------------------------------------------------------------

namespace {
void check_bce(const char* fn, const float* s, const float* t, std::size_t n, const float* ds,
               const float* loss) {
  detail::check_ptr(fn, s, "scores", n);
  detail::check_ptr(fn, t, "targets", n);
  if (ds) {
    detail::check_inplace_or_disjoint(fn, s, "scores", ds, "dscores", n);
    detail::check_inplace_or_disjoint(fn, t, "targets", ds, "dscores", n);
  }
  if (loss) {
    detail::check_inplace_or_disjoint(fn, s, "scores", loss, "losses", n);
    detail::check_inplace_or_disjoint(fn, t, "targets", loss, "losses", n);
  }
  if (ds && loss) detail::check_disjoint(fn, ds, n, "dscores", loss, n, "losses");
  check_targets(fn, t, 1, n, n);
}
}  // namespace

float sigmoid_bce(const float* scores, const float* targets, std::size_t n, float* losses) {
  check_bce("sigmoid_bce", scores, targets, n, nullptr, losses);
  if (n == 0) return 0.0f;
  return mean(detail::active().softmax.sigmoid_bce(scores, targets, nullptr, losses, n), n);
}

float sigmoid_bce_grad(const float* scores, const float* targets, std::size_t n, float* dscores,
                       float* losses) {
  detail::check_ptr("sigmoid_bce_grad", dscores, "dscores", n);
  check_bce("sigmoid_bce_grad", scores, targets, n, dscores, losses);
  if (n == 0) return 0.0f;
  return mean(detail::active().softmax.sigmoid_bce(scores, targets, dscores, losses, n), n);
}

}  // namespace simdense
