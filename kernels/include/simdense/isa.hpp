// simdense/isa.hpp: instruction-set selection and run-time dispatch.
//
// Every kernel is compiled once per ISA (scalar reference, SSE2, AVX2+FMA, AVX-512 F/BW/DQ/CD)
// and the best one the CPU and OS support is picked on first use. The choice is process-wide:
//   - SIMDENSE_ISA=scalar|sse2|avx2|avx512 in the environment forces one at first use;
//   - simdense::set_isa() forces one at any time (thread-safe; calls already running finish on
//     the ISA they started with).
// Forcing an unknown name, or an ISA this CPU/OS lacks, throws std::invalid_argument whose
// message lists the available ISAs. An invalid SIMDENSE_ISA makes the first call that needs
// the dispatch (any kernel, active_isa()) throw that error.
#pragma once

#include <string_view>
#include <vector>

namespace simdense {

// Ordered from the plain reference to the widest vectors.
enum class Isa { scalar, sse2, avx2, avx512 };

// "scalar", "sse2", "avx2", "avx512": the tokens used in SIMDENSE_ISA, test and benchmark names.
const char* isa_name(Isa isa) noexcept;

// Parses one of the names above. Throws std::invalid_argument naming the bad value and listing
// the ISAs this CPU supports.
Isa parse_isa(std::string_view name);

// True when this CPU (CPUID) and OS (XGETBV: the OS saves the wide registers) support isa.
bool isa_supported(Isa isa) noexcept;

// All ISAs usable here, scalar first, best last.
std::vector<Isa> supported_isas();

// The best ISA this machine supports, ignoring SIMDENSE_ISA and set_isa.
Isa best_isa() noexcept;

// The ISA kernels run on now.
Isa active_isa();

// Forces an ISA. Throws std::invalid_argument if unknown or unsupported here.
void set_isa(Isa isa);
void set_isa(std::string_view name);

}  // namespace simdense
