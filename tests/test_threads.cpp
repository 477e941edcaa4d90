// Threads: every public kernel (support/kernel_calls.cpp) called from many threads at once, each
// thread on its own data, results compared bit for bit with single-threaded runs; set_isa racing
// running kernels; and first-use dispatch raced from many threads in a fresh process
// (suites threads_first_use*, one ctest entry each, nothing touches the dispatch before them).
// Also built with ThreadSanitizer by `./run.sh test` (build/tsan, ctest -L threads).
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "support/kernel_calls.hpp"
#include "support/test_util.hpp"

using namespace simdense;
using test::kernel_calls;
using test::same_bits;

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr int kThreads = 4, kRounds = 1;  // TSan: ~10x slower, races show up with fewer calls
#else
constexpr int kThreads = 8, kRounds = 3;
#endif

std::uint64_t seed_of(int thread, std::size_t call) {
  return 0x9e3779b97f4a7c15ULL * std::uint64_t(thread + 1) + 7919 * call;
}

// Spin barrier (C++17 has no std::barrier): releases all parties at once.
class StartLine {
 public:
  explicit StartLine(int parties) : left_(parties) {}
  void arrive_and_wait() {
    left_.fetch_sub(1, std::memory_order_acq_rel);
    while (left_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
  }

 private:
  std::atomic<int> left_;
};

// Failures seen by worker threads, reported on the main thread (doctest is not thread-safe).
class Failures {
 public:
  void add(const std::string& s) {
    std::lock_guard<std::mutex> lock(m_);
    if (all_.size() < 20) all_.push_back(s);
    ++count_;
  }
  void report() {
    for (const auto& s : all_) FAIL_CHECK(s);
    CHECK(count_ == 0);
  }

 private:
  std::mutex m_;
  std::vector<std::string> all_;
  int count_ = 0;
};

// Single-threaded results of every call for each thread's seeds, on the active ISA.
using Results = std::vector<std::vector<std::vector<float>>>;  // [thread][call]
Results single_threaded(int threads) {
  const auto& calls = kernel_calls();
  Results r(std::size_t(threads), std::vector<std::vector<float>>(calls.size()));
  for (int t = 0; t < threads; ++t)
    for (std::size_t c = 0; c < calls.size(); ++c) {
      auto p = calls[c].prepare(seed_of(t, c));
      p.call();
      r[std::size_t(t)][c] = p.outputs();
    }
  return r;
}

}  // namespace

TEST_SUITE("threads") {
  TEST_CASE("many threads call every kernel at once, each on its own data") {
    test::for_each_isa([](Isa isa) {
      const auto& calls = kernel_calls();
      const Results want = single_threaded(kThreads);
      Failures fails;
      StartLine start(kThreads);
      std::vector<std::thread> ts;
      for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&, t] {
          // Inputs are built before the start line so the kernels really overlap.
          std::vector<test::Prepared> ps;
          for (int r = 0; r < kRounds; ++r)
            for (std::size_t k = 0; k < calls.size(); ++k)
              ps.push_back(calls[(k + std::size_t(t)) % calls.size()].prepare(
                  seed_of(t, (k + std::size_t(t)) % calls.size())));
          start.arrive_and_wait();
          for (std::size_t j = 0; j < ps.size(); ++j) {
            const std::size_t c = (j % calls.size() + std::size_t(t)) % calls.size();
            ps[j].call();
            if (!same_bits(ps[j].outputs(), want[std::size_t(t)][c]))
              fails.add(calls[c].name + ": thread " + std::to_string(t) + " on " +
                        isa_name(isa) + " differs from the single-threaded result");
          }
        });
      for (auto& th : ts) th.join();
      fails.report();
      CHECK(active_isa() == isa);
    });
  }

  TEST_CASE("set_isa racing running kernels: every call runs one whole ISA") {
    // Each result must equal, bit for bit, the single-threaded result of one supported ISA:
    // a call never mixes two tables and never sees a half-written one.
    const auto isas = supported_isas();
    const auto& calls = kernel_calls();
    constexpr int workers = kThreads - 1;
    std::vector<Results> want;
    for (Isa isa : isas) {
      test::IsaScope scope(isa);
      want.push_back(single_threaded(workers));
    }
    const Isa before = active_isa();
    Failures fails;
    std::atomic<int> running{workers};
    StartLine start(workers + 1);
    std::vector<std::thread> ts;
    for (int t = 0; t < workers; ++t)
      ts.emplace_back([&, t] {
        start.arrive_and_wait();
        for (int r = 0; r < kRounds; ++r)
          for (std::size_t c = 0; c < calls.size(); ++c) {
            auto p = calls[c].prepare(seed_of(t, c));
            if ((c + std::size_t(r + t)) % 5 == 0) set_isa(isas[(c + std::size_t(t)) % isas.size()]);
            const Isa seen = active_isa();
            bool ok_isa = false;
            for (Isa i : isas) ok_isa = ok_isa || i == seen;
            if (!ok_isa) fails.add("active_isa() returned an unsupported ISA");
            p.call();
            const auto got = p.outputs();
            bool any = false;
            for (std::size_t k = 0; k < isas.size() && !any; ++k)
              any = same_bits(got, want[k][std::size_t(t)][c]);
            if (!any && !calls[c].composite) fails.add(calls[c].name + ": thread " + std::to_string(t) +
                                " matches no ISA's single-threaded result");
          }
        running.fetch_sub(1, std::memory_order_release);
      });
    // The switcher: cycles through every ISA while the workers run.
    ts.emplace_back([&] {
      start.arrive_and_wait();
      std::size_t k = 0;
      while (running.load(std::memory_order_acquire) > 0) {
        set_isa(isas[k++ % isas.size()]);
        std::this_thread::yield();
      }
    });
    for (auto& th : ts) th.join();
    fails.report();
    set_isa(Isa::scalar);
    CHECK(active_isa() == Isa::scalar);
    set_isa(before);
    CHECK(active_isa() == before);
  }
}

namespace {

// Threads wait at a start line, then each makes its first library call at once: kernels on every
// thread but one, which (when `setter`) calls set_isa(target) instead. Returns what each kernel
// call produced; the caller checks them after the join.
struct FirstUseRun {
  std::vector<std::vector<std::vector<float>>> got;  // [thread][call]
  std::vector<Isa> seen;                              // active_isa() after each thread's calls
};

FirstUseRun race_first_use(bool setter, Isa target) {
  const auto& calls = kernel_calls();
  constexpr int n = kThreads;
  FirstUseRun out;
  out.got.assign(n, std::vector<std::vector<float>>(calls.size()));
  out.seen.assign(n, Isa::scalar);
  // Prepared before the start line: building inputs never touches the dispatch.
  std::vector<std::vector<test::Prepared>> ps(n);
  for (int t = 0; t < n; ++t)
    for (std::size_t c = 0; c < calls.size(); ++c) ps[std::size_t(t)].push_back(calls[c].prepare(seed_of(t, c)));
  StartLine start(n);
  std::vector<std::thread> ts;
  for (int t = 0; t < n; ++t)
    ts.emplace_back([&, t] {
      start.arrive_and_wait();
      if (setter && t == n - 1) {
        set_isa(target);
      } else {
        for (std::size_t c = 0; c < calls.size(); ++c) {
          ps[std::size_t(t)][c].call();
          out.got[std::size_t(t)][c] = ps[std::size_t(t)][c].outputs();
        }
      }
      out.seen[std::size_t(t)] = active_isa();
    });
  for (auto& th : ts) th.join();
  return out;
}

// The ISA first use resolves to: SIMDENSE_ISA when set, else the best one.
Isa initial_isa() {
  const char* env = std::getenv("SIMDENSE_ISA");
  return (env != nullptr && *env != '\0') ? parse_isa(env) : best_isa();
}

}  // namespace

TEST_SUITE("threads_first_use") {
  // ctest threads_first_use/<variant>: a fresh process, SIMDENSE_ISA unset or set to each ISA.
  TEST_CASE("first use of the dispatch from many threads at once") {
    const FirstUseRun run = race_first_use(false, Isa::scalar);
    const Isa want_isa = initial_isa();
    CHECK(active_isa() == want_isa);
    for (Isa s : run.seen) CHECK(s == want_isa);
    const Results want = single_threaded(kThreads);  // now on want_isa
    const auto& calls = kernel_calls();
    for (int t = 0; t < kThreads; ++t)
      for (std::size_t c = 0; c < calls.size(); ++c) {
        CAPTURE(calls[c].name);
        CAPTURE(t);
        CHECK(same_bits(run.got[std::size_t(t)][c], want[std::size_t(t)][c]));
      }
  }
}

TEST_SUITE("threads_first_use_set") {
  // ctest threads_first_use_set: a fresh process; set_isa races the first kernel calls and wins
  // (it is the last word on the ISA whatever the order); each call ran one whole ISA.
  TEST_CASE("set_isa racing first use wins, and each call runs one whole ISA") {
    const Isa target = Isa::scalar;
    const FirstUseRun run = race_first_use(true, target);
    CHECK(active_isa() == target);
    const auto& calls = kernel_calls();
    std::vector<Results> want;
    for (Isa isa : {initial_isa(), target}) {
      test::IsaScope scope(isa);
      want.push_back(single_threaded(kThreads));
    }
    for (int t = 0; t + 1 < kThreads; ++t)
      for (std::size_t c = 0; c < calls.size(); ++c) {
        CAPTURE(calls[c].name);
        CAPTURE(t);
        const auto& g = run.got[std::size_t(t)][c];
        if (!calls[c].composite)
          CHECK((same_bits(g, want[0][std::size_t(t)][c]) || same_bits(g, want[1][std::size_t(t)][c])));
      }
  }
}
