// The bad-input contract: every row of the README's "Robustness" table, one subcase each. A bad
// input gets an exception derived from std::invalid_argument or std::out_of_range whose message
// names the function and the argument; the documented edge inputs (n = 0 with null pointers,
// exact in-place aliasing) are accepted. Runs on every ISA: the checks sit before the dispatch.
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "support/test_util.hpp"

using namespace simdense;

namespace {

enum class Want { invalid_argument, out_of_range, accepted };

struct Row {
  std::string function;  // the public function
  std::string input;     // the bad (or edge) input, as in the README table
  Want want;
  std::string needle;    // what the message must contain: the function and the argument
  std::function<void()> call;
};

// Scratch memory for the rows: big enough for every call below, never read for results.
float g_buf[4096];
float* buf(std::size_t at = 0) { return g_buf + at; }

// An ISA value this CPU lacks, if any (else none: the row uses an out-of-range enum value).
Isa unsupported_isa() {
  for (Isa i : {Isa::avx512, Isa::avx2, Isa::sse2})
    if (!isa_supported(i)) return i;
  return static_cast<Isa>(42);
}

// Rows for an elementwise y = f(x, n) function: null x/y with n > 0, partial overlap, and the
// accepted edges (n = 0 with nulls, exact in place).
void elementwise_rows(std::vector<Row>& v, const std::string& fn,
                      std::function<void(const float*, float*, std::size_t)> f,
                      const char* x = "x", const char* y = "y") {
  const std::string pre = "simdense::" + fn + ": ";
  v.push_back({fn, std::string(x) + " null, n > 0", Want::invalid_argument,
               pre + x + " is null but n = 5", [f] { f(nullptr, buf(), 5); }});
  v.push_back({fn, std::string(y) + " null, n > 0", Want::invalid_argument,
               pre + y + " is null but n = 5", [f] { f(buf(), nullptr, 5); }});
  v.push_back({fn, std::string(y) + " partially overlaps " + x, Want::invalid_argument,
               pre + y + " partially overlaps " + x, [f] { f(buf(0), buf(3), 8); }});
  v.push_back({fn, "n = 0 with null pointers", Want::accepted, "",
               [f] { f(nullptr, nullptr, 0); }});
  v.push_back({fn, std::string(y) + " == " + x + " (in place)", Want::accepted, "",
               [f] { f(buf(), buf(), 8); }});
}

const std::vector<Row>& rows() {
  static const std::vector<Row> v = [] {
    std::vector<Row> r;
    // ---- isa.hpp
    r.push_back({"parse_isa", "unknown name", Want::invalid_argument, "unknown ISA 'avx9'",
                 [] { parse_isa("avx9"); }});
    r.push_back({"set_isa(name)", "unknown name", Want::invalid_argument,
                 "simdense::set_isa: name: simdense: unknown ISA 'AVX2'", [] { set_isa("AVX2"); }});
    r.push_back({"set_isa(name)", "empty name", Want::invalid_argument, "unknown ISA ''",
                 [] { set_isa(""); }});
    r.push_back({"set_isa(Isa)", "ISA this CPU lacks (or not an Isa value)", Want::invalid_argument,
                 "is not supported by this CPU; available: scalar",
                 [] { set_isa(unsupported_isa()); }});
    // ---- math.hpp
    elementwise_rows(r, "exp", [](const float* x, float* y, std::size_t n) { simdense::exp(x, y, n); });
    elementwise_rows(r, "log1p",
                     [](const float* x, float* y, std::size_t n) { simdense::log1p(x, y, n); });
    return r;
  }();
  return v;
}

// Every public array kernel as a call on guarded buffers, for the memory-bounds test: `in` are
// the input arrays and `out` the output arrays the contract gives it, all of length n.
struct BoundsCall {
  std::string name;
  int inputs, outputs;
  std::function<void(const std::vector<float*>& in, const std::vector<float*>& out, std::size_t n)> call;
};

const std::vector<BoundsCall>& bounds_calls() {
  static const std::vector<BoundsCall> v = [] {
    std::vector<BoundsCall> r;
    r.push_back({"exp", 1, 1, [](auto& in, auto& out, std::size_t n) { simdense::exp(in[0], out[0], n); }});
    r.push_back({"log1p", 1, 1, [](auto& in, auto& out, std::size_t n) { simdense::log1p(in[0], out[0], n); }});
    return r;
  }();
  return v;
}

const char* want_name(Want w) {
  switch (w) {
    case Want::invalid_argument: return "std::invalid_argument";
    case Want::out_of_range: return "std::out_of_range";
    case Want::accepted: return "accepted";
  }
  return "?";
}

}  // namespace

TEST_SUITE("contract") {
  TEST_CASE("each row of the contract table") {
    test::for_each_isa([](Isa isa) {
      for (const Row& row : rows()) {
        const std::string label = std::string(isa_name(isa)) + ": " + row.function + ": " +
                                  row.input + " -> " + want_name(row.want);
        SUBCASE(label.c_str()) {
          std::string got = "no exception";
          try {
            row.call();
          } catch (const std::out_of_range& e) {
            got = std::string("std::out_of_range: ") + e.what();
          } catch (const std::invalid_argument& e) {
            got = std::string("std::invalid_argument: ") + e.what();
          } catch (const std::exception& e) {
            got = std::string("other exception: ") + e.what();
          }
          INFO("got: " << got);
          if (row.want == Want::accepted) {
            CHECK(got == "no exception");
          } else {
            CHECK(got.rfind(std::string(want_name(row.want)) + ": ", 0) == 0);
            CHECK(got.find(row.needle) != std::string::npos);
          }
          CHECK(active_isa() == isa);  // a refused call changes nothing
        }
      }
    });
  }

  TEST_CASE("no kernel reads or writes outside its arrays: guard pages on both sides, every tail") {
    // Buffers end at (Guard::back) or start at (Guard::front) a PROT_NONE page: one float past
    // either end faults, in any build. Every size of test::tail_sizes(), in and out of place.
    test::for_each_isa([](Isa) {
      const auto& sp = test::special_floats();
      for (const auto& k : bounds_calls()) {
        CAPTURE(k.name);
        for (std::size_t n : test::tail_sizes()) {
          CAPTURE(n);
          for (test::Guard g : {test::Guard::back, test::Guard::front}) {
            std::vector<std::unique_ptr<test::GuardedBuffer>> bufs;
            std::vector<float*> in, out;
            for (int j = 0; j < k.inputs + k.outputs; ++j) {
              bufs.push_back(std::make_unique<test::GuardedBuffer>(n, g));
              for (std::size_t i = 0; i < n; ++i) (*bufs.back())[i] = sp[(i * 7 + std::size_t(j)) % sp.size()];
              (j < k.inputs ? in : out).push_back(bufs.back()->data());
            }
            k.call(in, out, n);
          }
        }
      }
    });
  }

  TEST_CASE("every row names a function of the public API once per input") {
    // Guards the table itself: no duplicate rows, every refused row has a message to match.
    for (std::size_t i = 0; i < rows().size(); ++i) {
      CAPTURE(rows()[i].function + ": " + rows()[i].input);
      CHECK((rows()[i].want == Want::accepted || !rows()[i].needle.empty()));
      for (std::size_t j = i + 1; j < rows().size(); ++j)
        CHECK(!(rows()[i].function == rows()[j].function && rows()[i].input == rows()[j].input));
    }
  }
}
