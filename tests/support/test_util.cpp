#include "support/test_util.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

namespace simdense::test {

std::vector<Isa> test_isas() {
  const char* env = std::getenv("SIMDENSE_TEST_ISA");
  if (env != nullptr && *env != '\0') return {parse_isa(env)};
  return supported_isas();
}

GuardedBuffer::GuardedBuffer(std::size_t n, Guard where) : n_(n) {
  const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
  const std::size_t data_pages = (n * sizeof(float) + page - 1) / page;
  bytes_ = (data_pages + 1) * page;
  base_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base_ == MAP_FAILED) throw std::bad_alloc();
  char* const first = static_cast<char*>(base_);
  if (where == Guard::back) {
    char* guard = first + data_pages * page;
    if (mprotect(guard, page, PROT_NONE) != 0) throw std::bad_alloc();
    data_ = reinterpret_cast<float*>(guard) - n;
  } else {
    if (mprotect(first, page, PROT_NONE) != 0) throw std::bad_alloc();
    data_ = reinterpret_cast<float*>(first + page);
  }
}

GuardedBuffer::~GuardedBuffer() { munmap(base_, bytes_); }

double Rng::normal() {
  // Box-Muller; u1 in (0, 1].
  const double u1 = 1.0 - uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

const std::vector<float>& special_floats() {
  constexpr float inf = std::numeric_limits<float>::infinity();
  static const std::vector<float> v = {
      0.0f, -0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
      -std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::max(),
      -std::numeric_limits<float>::max(), std::numeric_limits<float>::min(),
      -std::numeric_limits<float>::min(), std::numeric_limits<float>::denorm_min(),
      -std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::epsilon(), 1.0f,
      -1.0f, 0.5f, -0.5f, 88.0f, 88.72283f, 88.72284f, 89.0f, -87.33654f, -87.33655f, -103.97208f,
      -103.97209f, -104.0f, -150.0f, 16.0f, -16.0f, 1e-8f, -1e-8f, 1e30f, -1e30f};
  return v;
}

void for_strided_floats(std::uint32_t stride,
                        const std::function<void(const float*, std::size_t)>& f,
                        std::size_t batch) {
  std::vector<float> buf(batch);
  std::size_t k = 0;
  for (std::uint64_t b = 0; b <= 0xffffffffULL; b += stride) {
    const std::uint32_t u = std::uint32_t(b);
    std::memcpy(&buf[k], &u, sizeof u);
    if (++k == batch) {
      f(buf.data(), k);
      k = 0;
    }
  }
  if (k != 0) f(buf.data(), k);
}

}  // namespace simdense::test
