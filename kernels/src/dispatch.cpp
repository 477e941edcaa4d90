// Run-time dispatch: CPU probe, SIMDENSE_ISA, set_isa, and the table of the active ISA.
#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <simdense/isa.hpp>
#include <simdense/version.hpp>

#include "cpu.hpp"
#include "table.hpp"

namespace simdense {

namespace {

constexpr Isa kAllIsas[] = {Isa::scalar, Isa::sse2, Isa::avx2, Isa::avx512};

const detail::CpuFeatures& features() {
  static const detail::CpuFeatures f = detail::probe_cpu();
  return f;
}

std::string available_list() {
  std::string s;
  for (Isa i : supported_isas()) s += (s.empty() ? "" : ", ") + std::string(isa_name(i));
  return s;
}

const detail::KernelTable* resolve_initial() {
  const char* env = std::getenv("SIMDENSE_ISA");
  if (env != nullptr && *env != '\0') {
    for (Isa isa : kAllIsas) {
      if (std::string_view(env) != isa_name(isa)) continue;
      if (!isa_supported(isa))
        throw std::invalid_argument(std::string("simdense: SIMDENSE_ISA=") + env +
                                    " is not supported by this CPU; available: " +
                                    available_list());
      return &detail::table_for(isa);
    }
    throw std::invalid_argument(std::string("simdense: SIMDENSE_ISA=") + env +
                                " is not a known ISA; available: " + available_list());
  }
  return &detail::table_for(best_isa());
}

}  // namespace

const char* isa_name(Isa isa) noexcept {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::sse2: return "sse2";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "unknown";
}

Isa parse_isa(std::string_view name) {
  for (Isa i : kAllIsas)
    if (name == isa_name(i)) return i;
  throw std::invalid_argument("simdense: unknown ISA '" + std::string(name) +
                              "'; available: " + available_list());
}

bool isa_supported(Isa isa) noexcept {
  switch (isa) {
    case Isa::scalar: return true;
    case Isa::sse2: return features().sse2;
    case Isa::avx2: return features().avx2_fma;
    case Isa::avx512: return features().avx512;
  }
  return false;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> v;
  for (Isa i : kAllIsas)
    if (isa_supported(i)) v.push_back(i);
  return v;
}

Isa best_isa() noexcept {
  Isa best = Isa::scalar;
  for (Isa i : kAllIsas)
    if (isa_supported(i)) best = i;
  return best;
}

Isa active_isa() { return detail::active().isa; }

void set_isa(Isa isa) {
  if (!isa_supported(isa)) {
    throw std::invalid_argument(std::string("simdense::set_isa: isa '") + isa_name(isa) +
                                "' is not supported by this CPU; available: " +
                                available_list());
  }
  detail::g_active.store(&detail::table_for(isa), std::memory_order_release);
}

void set_isa(std::string_view name) {
  Isa isa;
  try {
    isa = parse_isa(name);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("simdense::set_isa: name: ") + e.what());
  }
  set_isa(isa);
}

const char* version() noexcept { return SIMDENSE_VERSION_STRING; }

namespace detail {

const KernelTable& table_for(Isa isa) {
  switch (isa) {
    case Isa::sse2: return isa_sse2::table;
    case Isa::avx2: return isa_avx2::table;
    case Isa::avx512: return isa_avx512::table;
    case Isa::scalar: break;
  }
  return ref::table();
}

std::atomic<const KernelTable*> g_active{nullptr};

const KernelTable& active_slow() {
  if (const KernelTable* t = g_active.load(std::memory_order_acquire)) return *t;
  // First use: resolve once (a throwing resolution is retried on the next call, so a bad
  // SIMDENSE_ISA keeps failing loudly). A concurrent set_isa wins over the environment.
  static const KernelTable* const initial = resolve_initial();
  const KernelTable* expected = nullptr;
  g_active.compare_exchange_strong(expected, initial, std::memory_order_acq_rel);
  return *g_active.load(std::memory_order_acquire);
}

}  // namespace detail
}  // namespace simdense

namespace simdense {
#ifndef SIMDENSE_BUILD_INFO
#define SIMDENSE_BUILD_INFO "unknown"
#endif
const char* build_info() noexcept { return SIMDENSE_BUILD_INFO; }
}  // namespace simdense
