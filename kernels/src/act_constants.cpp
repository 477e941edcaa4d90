// Constants of the AVX-512 activation kernels that must stay out of the kernels' sight
// (impl/act-inl.hpp, act_detail::slot_outside): the bits of the signed tables' shifter
// 1.5 * 2^23 + 16, and the largest slot. Seen as constants, GCC rebuilds them with mov +
// vpbroadcastd (a port-5 uop) in every loop iteration; as extern objects it loads them.
// A file of their own, with no other dependency, so that the same-process A/B tool
// (bench/tools/ab) links this definition instead of keeping a copy.
#include <cstdint>

namespace simdense::detail {
extern const std::int32_t kSignedSlotBits = 0x4B400010;
extern const std::int32_t kSlotMax = 31;
}  // namespace simdense::detail
