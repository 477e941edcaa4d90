#include "train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace simdense::train {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string value_of(int argc, char** argv, int& i, const std::string& flag) {
  const std::string a = argv[i];
  if (a.size() > flag.size() && a.compare(0, flag.size() + 1, flag + "=") == 0)
    return a.substr(flag.size() + 1);
  if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
  return argv[++i];
}

template <class T>
T number(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used != v.size() || !std::isfinite(d) || d < 0) throw std::invalid_argument("");
    return T(d);
  } catch (const std::exception&) {
    throw std::invalid_argument(flag + ": '" + v + "' is not a valid non-negative number");
  }
}
}  // namespace

const char* usage() {
  return "usage: simdense_train [--data DIR] [--sizes 784,256,128,10] [--act relu|gelu|...]\n"
         "       [--epochs E] [--lr LR] [--schedule const|step|cosine] [--batch B] [--seed S]\n"
         "       [--train-limit N] [--test-limit N] [--target ACC] [--quiet]\n"
         "SIMDENSE_ISA=scalar|sse2|avx2|avx512 selects the kernels.\n";
}

Activation parse_activation(const std::string& n) {
  static const std::pair<const char*, Activation> names[] = {
      {"identity", Activation::identity}, {"sigmoid", Activation::sigmoid},
      {"tanh", Activation::tanh},         {"relu", Activation::relu},
      {"leaky_relu", Activation::leaky_relu}, {"elu", Activation::elu},
      {"silu", Activation::silu},         {"gelu", Activation::gelu},
      {"gelu_tanh", Activation::gelu_tanh}, {"softplus", Activation::softplus}};
  for (const auto& p : names)
    if (n == p.first) return p.second;
  throw std::invalid_argument("--act: unknown activation '" + n + "'");
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto is = [&](const char* f) { return a == f || a.rfind(std::string(f) + "=", 0) == 0; };
    if (a == "-h" || a == "--help") o.help = true;
    else if (a == "--quiet") o.quiet = true;
    else if (is("--data")) o.data = value_of(argc, argv, i, "--data");
    else if (is("--act")) o.act = parse_activation(value_of(argc, argv, i, "--act"));
    else if (is("--epochs")) o.epochs = number<std::size_t>("--epochs", value_of(argc, argv, i, "--epochs"));
    else if (is("--lr")) o.lr = number<float>("--lr", value_of(argc, argv, i, "--lr"));
    else if (is("--batch")) o.batch = number<std::size_t>("--batch", value_of(argc, argv, i, "--batch"));
    else if (is("--seed")) o.seed = number<std::uint64_t>("--seed", value_of(argc, argv, i, "--seed"));
    else if (is("--train-limit")) o.train_limit = number<std::size_t>("--train-limit", value_of(argc, argv, i, "--train-limit"));
    else if (is("--test-limit")) o.test_limit = number<std::size_t>("--test-limit", value_of(argc, argv, i, "--test-limit"));
    else if (is("--target")) o.target = number<double>("--target", value_of(argc, argv, i, "--target"));
    else if (is("--schedule")) {
      o.schedule = value_of(argc, argv, i, "--schedule");
      if (o.schedule != "const" && o.schedule != "step" && o.schedule != "cosine")
        throw std::invalid_argument("--schedule: '" + o.schedule + "' is not const, step or cosine");
    } else if (is("--sizes")) {
      const std::string v = value_of(argc, argv, i, "--sizes");
      o.sizes.clear();
      std::size_t at = 0;
      while (at <= v.size()) {
        const std::size_t comma = std::min(v.find(',', at), v.size());
        o.sizes.push_back(number<std::size_t>("--sizes", v.substr(at, comma - at)));
        at = comma + 1;
      }
      if (o.sizes.size() < 2) throw std::invalid_argument("--sizes: need at least input,output");
    } else {
      throw std::invalid_argument("unknown option '" + a + "'");
    }
  }
  if (o.batch == 0) throw std::invalid_argument("--batch: must be at least 1");
  if (o.epochs == 0) throw std::invalid_argument("--epochs: must be at least 1");
  return o;
}

float learning_rate(const Options& o, std::size_t epoch) {
  if (o.schedule == "step") return o.lr * std::pow(0.5f, float(epoch / 3));
  if (o.schedule == "cosine") {
    const double t = o.epochs > 1 ? double(epoch) / double(o.epochs - 1) : 0.0;
    return float(o.lr * (0.05 + 0.95 * 0.5 * (1.0 + std::cos(3.141592653589793 * t))));
  }
  return o.lr;
}

double accuracy(const Network& net, const Split& s, std::size_t limit) {
  const std::size_t n = limit ? std::min(limit, s.count) : s.count;
  if (n == 0) return 0.0;
  std::size_t right = 0;
  for (std::size_t i = 0; i < n; ++i)
    right += net.predict(s.x.data() + i * s.features) == s.labels[i];
  return double(right) / double(n);
}

Report run_training(const Options& o, const Split& train, const Split& test, std::FILE* out) {
  if (o.sizes.front() != train.features)
    throw std::invalid_argument("--sizes: input size " + std::to_string(o.sizes.front()) +
                                " does not match the data's " + std::to_string(train.features) +
                                " features");
  Network net(o.sizes, o.act, o.seed);
  const std::size_t n = o.train_limit ? std::min(o.train_limit, train.count) : train.count;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::mt19937_64 rng(o.seed);
  std::vector<float> xb(o.batch * train.features);
  std::vector<std::size_t> lb(o.batch);
  Report rep;
  if (out)
    std::fprintf(out, "simdense_train: %zu train / %zu test samples, net", n,
                 o.test_limit ? std::min(o.test_limit, test.count) : test.count);
  if (out) {
    for (std::size_t s : o.sizes) std::fprintf(out, " %zu", s);
    std::fprintf(out, ", isa %s, batch %zu, lr %g (%s)\n", isa_name(active_isa()), o.batch,
                 double(o.lr), o.schedule.c_str());
  }
  for (std::size_t e = 0; e < o.epochs; ++e) {
    std::shuffle(order.begin(), order.end(), rng);
    const float lr = learning_rate(o, e);
    const auto t0 = Clock::now();
    auto last_progress = t0;
    double loss_sum = 0;
    std::size_t done = 0;
    while (done < n) {
      const std::size_t b = std::min(o.batch, n - done);
      if (o.batch == 1) {
        const std::size_t k = order[done];
        loss_sum += net.train_step(train.x.data() + k * train.features, train.labels[k], lr);
      } else {
        for (std::size_t j = 0; j < b; ++j) {
          const std::size_t k = order[done + j];
          std::copy_n(train.x.data() + k * train.features, train.features,
                      xb.data() + j * train.features);
          lb[j] = train.labels[k];
        }
        loss_sum += double(net.train_batch(xb.data(), lb.data(), b, lr)) * double(b);
      }
      done += b;
      if (out && !o.quiet && since(last_progress) > 1.0) {
        last_progress = Clock::now();
        std::fprintf(stderr, "\r  epoch %zu: %5.1f%%  loss %.4f   ", e + 1, 100.0 * done / n,
                     loss_sum / double(done));
        std::fflush(stderr);
      }
    }
    EpochStats st;
    st.seconds = since(t0);
    st.loss = loss_sum / double(n);
    st.samples_per_s = double(n) / st.seconds;
    st.accuracy = accuracy(net, test, o.test_limit);
    rep.train_seconds += st.seconds;
    rep.epochs.push_back(st);
    if (out) {
      if (!o.quiet) std::fprintf(stderr, "\r%60s\r", "");
      std::fprintf(out, "epoch %2zu  lr %.4f  train loss %.4f  test accuracy %.4f  %9.0f samples/s  %6.2f s\n",
                   e + 1, double(lr), st.loss, st.accuracy, st.samples_per_s, st.seconds);
      std::fflush(out);
    }
  }
  rep.final_accuracy = rep.epochs.back().accuracy;
  rep.samples_per_s = double(n) * double(o.epochs) / rep.train_seconds;
  if (out)
    std::fprintf(out, "final test accuracy %.4f, %.0f samples/s (%s), %.1f s of training\n",
                 rep.final_accuracy, rep.samples_per_s, isa_name(active_isa()), rep.train_seconds);
  return rep;
}

}  // namespace simdense::train
