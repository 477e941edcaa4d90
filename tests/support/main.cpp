// doctest main. With SIMDENSE_TEST_ISA=<isa> (one ctest entry per test suite and ISA) it exits
// 77, which ctest reports as skipped, when this CPU lacks that ISA.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <simdense/simdense.hpp>

int main(int argc, char** argv) {
  if (const char* env = std::getenv("SIMDENSE_TEST_ISA"); env != nullptr && *env != '\0') {
    try {
      if (!simdense::isa_supported(simdense::parse_isa(env))) {
        std::printf("SIMDENSE_TEST_ISA=%s: not supported by this CPU, skipped\n", env);
        return 77;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 2;
    }
  }
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
