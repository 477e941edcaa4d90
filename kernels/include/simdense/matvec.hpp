// simdense/matvec.hpp: (API added by the matvec issue)
#pragma once

#include <cstddef>

namespace simdense {
}  // namespace simdense
