// Every public kernel as a table of prepared calls, for the suites that treat all kernels alike:
// threads (many threads at once, racing dispatch), fpu (MXCSR / x87 state around each call).
// A family adds its functions to kernel_calls() in kernel_calls.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support/test_util.hpp"

namespace simdense::test {

// One public call on deterministic inputs. Buffers are 64-byte aligned plus a fixed offset, so a
// call on the same ISA is bit-reproducible wherever the buffers are (the same address mod 64).
struct Prepared {
  std::vector<std::unique_ptr<OffsetBuffer>> in, out;
  std::vector<float> ret;  // returned scalars (losses), written by fn
  std::function<void(Prepared&)> fn;

  void call() { fn(*this); }
  float* i(std::size_t k) { return in[k]->data(); }
  float* o(std::size_t k) { return out[k]->data(); }
  // Every output array, then the returned scalars.
  std::vector<float> outputs() const;
};

struct KernelCall {
  std::string name;  // e.g. "exp", "matvec 67x131"
  // Builds the inputs from seed (inputs only depend on the seed) and the call.
  std::function<Prepared(std::uint64_t seed)> prepare;
  // More than one public call (e.g. forward then backward_sgd): under a racing set_isa its
  // parts may run on different ISAs, so it matches no single ISA's result.
  bool composite = false;
};

const std::vector<KernelCall>& kernel_calls();

// Input helpers for prepare(): n floats at `offset` floats past a 64-byte boundary.
// typical: normal(0, scale); mixed: typical plus special values and subnormals at a few spots.
std::unique_ptr<OffsetBuffer> typical(std::size_t n, std::uint64_t seed, double scale = 3.0,
                                      std::size_t offset = 1);
std::unique_ptr<OffsetBuffer> mixed(std::size_t n, std::uint64_t seed, double scale = 3.0,
                                    std::size_t offset = 1);
std::unique_ptr<OffsetBuffer> zeros(std::size_t n, std::size_t offset = 3);

// Bit-exact comparison of two output vectors (NaN payloads included).
bool same_bits(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace simdense::test
