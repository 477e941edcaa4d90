// Built against the installed package (find_package and pkg-config) and run by ctest.
#include <cstdio>
#include <simdense/simdense.hpp>

int main() {
  float x[3] = {0.0f, 1.0f, -1.0f}, y[3];
  simdense::exp(x, y, 3);
  std::printf("simdense %s on %s: exp(1) = %.7f\n", simdense::version(),
              simdense::isa_name(simdense::active_isa()), double(y[1]));
  return (y[0] == 1.0f && y[1] > 2.718f && y[1] < 2.719f) ? 0 : 1;
}
