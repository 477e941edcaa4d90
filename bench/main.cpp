// simdense_bench: validates SIMDENSE_ISA, registers every family for scalar and each ISA,
// adds the run's context (CPU model, ISAs, caches, compiler and flags, version, date, profile)
// to the output, then runs Google Benchmark (its flags pass through).
//
// Own flags: --profile=quick|full (also SIMDENSE_BENCH_PROFILE=full). The quick profile runs
// each benchmark for --benchmark_min_time=0.1 unless the command line sets it.
// Progress: console lines are prefixed with [done/total] of the benchmarks the filter selects.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/bench_util.hpp"

namespace {

using simdense::bench::registered_names;

bool starts_with(const char* s, const char* prefix) {
  return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

// How many registered benchmarks --benchmark_filter selects (Google Benchmark's rules: a
// leading '-' negates; "" and "all" select everything). -1 if the regex is not understood.
long count_selected(const std::string& filter) {
  const auto& names = registered_names();
  if (filter.empty() || filter == "all") return long(names.size());
  bool negate = false;
  std::string spec = filter;
  if (spec[0] == '-') {
    negate = true;
    spec.erase(0, 1);
  }
  try {
    const std::regex re(spec, std::regex::extended | std::regex::nosubs);
    long n = 0;
    for (const auto& name : names)
      if (std::regex_search(name, re) != negate) ++n;
    return n;
  } catch (const std::exception&) {
    return -1;
  }
}

// The console reporter with a [done/total] prefix on each line so long runs show progress.
class ProgressReporter : public benchmark::ConsoleReporter {
 public:
  ProgressReporter(OutputOptions opts, long total) : ConsoleReporter(opts), total_(total) {}
  void ReportRuns(const std::vector<Run>& reports) override {
    // Repetitions report their runs and then their aggregates: count each benchmark once.
    if (!reports.empty() && reports.front().run_name.str() != last_) {
      last_ = reports.front().run_name.str();
      ++done_;
    }
    ConsoleReporter::ReportRuns(reports);
  }

 protected:
  void PrintRunData(const Run& report) override {
    char prefix[48];
    if (total_ >= 0)
      std::snprintf(prefix, sizeof prefix, "[%*ld/%ld] ", width(), done_, total_);
    else
      std::snprintf(prefix, sizeof prefix, "[%ld] ", done_);
    GetOutputStream() << prefix;
    ConsoleReporter::PrintRunData(report);
  }
  void PrintHeader(const Run& report) override {
    // Indent the header lines by the prefix width so the columns line up.
    std::ostream& out = GetOutputStream();
    std::ostringstream header;
    SetOutputStream(&header);
    ConsoleReporter::PrintHeader(report);
    SetOutputStream(&out);
    const std::string pad(size_t(2 * width() + 4), ' ');
    std::istringstream lines(header.str());
    std::string line;
    while (std::getline(lines, line)) out << (line.empty() ? "" : pad) << line << "\n";
  }

 private:
  int width() const { return total_ >= 0 ? int(std::to_string(total_).size()) : 1; }
  long total_;
  long done_ = 0;
  std::string last_;
};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void add_context(bool full) {
  using namespace simdense;
  benchmark::AddCustomContext("cpu_model", bench::cpu_model());
  std::string isas;
  for (Isa i : supported_isas()) isas += std::string(isas.empty() ? "" : " ") + isa_name(i);
  benchmark::AddCustomContext("isas_supported", isas);
  std::string measured;
  for (Isa i : bench::bench_isas()) measured += std::string(measured.empty() ? "" : " ") + isa_name(i);
  benchmark::AddCustomContext("isas_measured", measured);
  if (const char* e = std::getenv("SIMDENSE_ISA"); e && *e) benchmark::AddCustomContext("simdense_isa_env", e);
  std::string caches;
  for (const auto& c : bench::cache_sizes()) {
    const std::string key = "cache_L" + std::to_string(c.level) +
                            (c.type == "Data" ? "d" : c.type == "Instruction" ? "i" : "");
    benchmark::AddCustomContext(key + "_bytes", std::to_string(c.bytes));
    caches += (caches.empty() ? "" : ", ") + key.substr(6) + " " + std::to_string(c.bytes / 1024) + " KiB";
  }
  benchmark::AddCustomContext("cache_summary", caches.empty() ? "unknown" : caches);
  benchmark::AddCustomContext("simdense_version", version());
  benchmark::AddCustomContext("simdense_build", build_info());
  benchmark::AddCustomContext("date_utc", utc_now());
  benchmark::AddCustomContext("profile", full ? "full" : "quick");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    (void)simdense::active_isa();  // throws on a bad SIMDENSE_ISA
  } catch (const std::exception& e) {
    std::fprintf(stderr, "simdense_bench: %s\n", e.what());
    return 2;
  }
  // Own flags are consumed here; Google Benchmark's pass through.
  std::vector<char*> args;
  bool has_min_time = false, console = true;
  std::string filter;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strcmp(argv[i], "--profile=full") == 0) {
      simdense::bench::set_full_profile(true);
      continue;
    }
    if (i > 0 && std::strcmp(argv[i], "--profile=quick") == 0) {
      simdense::bench::set_full_profile(false);
      continue;
    }
    if (i > 0 && starts_with(argv[i], "--profile")) {
      std::fprintf(stderr, "simdense_bench: unknown profile '%s' (use --profile=quick|full)\n", argv[i]);
      return 2;
    }
    if (starts_with(argv[i], "--benchmark_min_time")) has_min_time = true;
    if (starts_with(argv[i], "--benchmark_filter=")) filter = argv[i] + std::strlen("--benchmark_filter=");
    if (starts_with(argv[i], "--benchmark_format=") &&
        std::strcmp(argv[i], "--benchmark_format=console") != 0)
      console = false;
    args.push_back(argv[i]);
  }
  if (const char* p = std::getenv("SIMDENSE_BENCH_PROFILE"); p && std::string(p) == "full")
    simdense::bench::set_full_profile(true);
  const bool full = simdense::bench::full_profile();
  static char quick_min_time[] = "--benchmark_min_time=0.1";
  if (!full && !has_min_time) args.push_back(quick_min_time);
  args.push_back(nullptr);
  int n_args = int(args.size()) - 1;

  simdense::bench::register_families();
  benchmark::Initialize(&n_args, args.data());
  add_context(full);

  const long total = count_selected(filter);
  std::fprintf(stderr, "simdense_bench: %s profile, %ld benchmarks on %s (ISAs:", full ? "full" : "quick",
               total, simdense::bench::cpu_model().c_str());
  for (simdense::Isa i : simdense::bench::bench_isas()) std::fprintf(stderr, " %s", simdense::isa_name(i));
  std::fprintf(stderr, ")\n");

  if (console) {
    const int color = isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color : 0;
    ProgressReporter reporter(
        benchmark::ConsoleReporter::OutputOptions(benchmark::ConsoleReporter::OO_Tabular | color), total);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
