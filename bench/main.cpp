// simdense_bench: validates SIMDENSE_ISA, registers every family for scalar and each ISA,
// then runs Google Benchmark (its flags pass through).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "support/bench_util.hpp"

int main(int argc, char** argv) {
  try {
    (void)simdense::active_isa();  // throws on a bad SIMDENSE_ISA
  } catch (const std::exception& e) {
    std::fprintf(stderr, "simdense_bench: %s\n", e.what());
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--profile=full") == 0) simdense::bench::set_full_profile(true);
  }
  if (const char* p = std::getenv("SIMDENSE_BENCH_PROFILE"); p && std::string(p) == "full")
    simdense::bench::set_full_profile(true);
  simdense::bench::register_families();
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("simdense_version", simdense::version());
  benchmark::AddCustomContext("simdense_build", simdense::build_info());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
