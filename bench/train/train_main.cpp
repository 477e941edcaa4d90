// simdense_train: trains an MLP on Fashion-MNIST with the library's fused dense-layer steps.
//
//   simdense_train [--data DIR] [--sizes 784,256,128,10] [--act relu|gelu|...] [--epochs E]
//                  [--lr LR] [--schedule const|step|cosine] [--batch B] [--seed S]
//                  [--train-limit N] [--test-limit N] [--target ACC]
//
// Per epoch it prints training loss, test accuracy, samples/s and wall time; SIMDENSE_ISA
// selects the ISA (scalar for the reference speed). Exit 0 when the final test accuracy is at
// least --target (default 0), 1 otherwise, 2 on bad arguments or data.
#include <simdense/simdense.hpp>

#include <cstdio>
#include <exception>


#include "train/idx.hpp"
#include "train/trainer.hpp"

int main(int argc, char** argv) {
  using namespace simdense::train;
  Options opt;
  try {
    opt = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "simdense_train: %s\n%s", e.what(), usage());
    return 2;
  }
  if (opt.help) {
    std::fputs(usage(), stdout);
    return 0;
  }
  try {
    const Split train = load_split(opt.data + "/train-images-idx3-ubyte.gz",
                                   opt.data + "/train-labels-idx1-ubyte.gz");
    const Split test = load_split(opt.data + "/t10k-images-idx3-ubyte.gz",
                                  opt.data + "/t10k-labels-idx1-ubyte.gz");
    const Report r = run_training(opt, train, test, stdout);
    return r.final_accuracy >= opt.target ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "simdense_train: %s\n", e.what());
    return 2;
  }
}
