// cxx_metrics.cpp - the libncdyn C API from a C++17 program: RAII wrappers
// for the opaque accumulator, std::vector buffers, exceptions carrying
// ncd_strerror. Streams a synthetic Gaussian mixture in batches (two passes)
// and checks the result against the one-shot call.
//   c++ -std=c++17 cxx_metrics.cpp $(pkg-config --cflags --libs ncdyn)
#include <ncdyn.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check(int status, const char *what) {
  if (status != NCD_OK) throw std::runtime_error(std::string(what) + ": " + ncd_strerror(status));
}

struct AccDeleter {
  void operator()(ncd_nc_acc *a) const noexcept { ncd_nc_acc_free(a); }
};
using Accumulator = std::unique_ptr<ncd_nc_acc, AccDeleter>;

Accumulator make_accumulator(size_t d, size_t k, unsigned flags) {
  ncd_nc_acc *raw = nullptr;
  check(ncd_nc_acc_create(d, k, flags, &raw), "ncd_nc_acc_create");
  return Accumulator(raw);
}

}  // namespace

int main() {
  const size_t n = 3000, d = 16, k = 5, batch = 256;
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> centres(k * d), h(n * d), w(k * d), b(k, 0.0);
  std::vector<int32_t> y(n);
  for (double &c : centres) c = 3.0 * normal(gen);
  for (size_t i = 0; i < n; i++) {
    y[i] = static_cast<int32_t>(i % k);
    for (size_t j = 0; j < d; j++) h[i * d + j] = centres[y[i] * d + j] + normal(gen);
  }
  for (size_t i = 0; i < k * d; i++) w[i] = centres[i];  // a nearest-mean-like classifier

  try {
    std::vector<double> one_shot(NCD_METRIC_COUNT), streamed(NCD_METRIC_COUNT);
    check(ncd_nc_metrics(n, d, k, h.data(), d, y.data(), w.data(), d, b.data(), one_shot.data(),
                         one_shot.size()),
          "ncd_nc_metrics");

    Accumulator acc = make_accumulator(d, k, 0);  // two-pass mode: no d x d matrix
    check(ncd_nc_acc_set_classifier(acc.get(), w.data(), d, b.data()), "set_classifier");
    for (int pass = 0; pass < 2; pass++) {
      for (size_t i0 = 0; i0 < n; i0 += batch) {
        size_t nb = std::min(batch, n - i0);
        check(ncd_nc_acc_update(acc.get(), nb, &h[i0 * d], d, &y[i0]), "ncd_nc_acc_update");
      }
      if (pass == 0) check(ncd_nc_acc_begin_pass2(acc.get()), "ncd_nc_acc_begin_pass2");
    }
    check(ncd_nc_acc_metrics(acc.get(), streamed.data(), streamed.size()), "ncd_nc_acc_metrics");

    const char *names[] = {"NC1", "NC2_EQUINORM_H", "NC2_ETF_H", "NC3", "NC4", "ACCURACY"};
    const int ids[] = {NCD_NC1, NCD_NC2_EQUINORM_H, NCD_NC2_ETF_H, NCD_NC3, NCD_NC4, NCD_ACCURACY};
    int bad = 0;
    for (int i = 0; i < 6; i++) {
      double a = one_shot[ids[i]], s = streamed[ids[i]];
      bool ok = std::fabs(a - s) <= 1e-10 * std::fabs(a) + 1e-12;
      std::printf("%-16s one-shot %.15g  streamed %.15g  %s\n", names[i], a, s, ok ? "ok" : "DIFFER");
      bad += !ok;
    }
    // errors come back as statuses, turned into exceptions here
    try {
      check(ncd_nc_acc_update(acc.get(), 1, h.data(), d - 1, y.data()), "bad leading dimension");
    } catch (const std::runtime_error &e) {
      std::printf("caught: %s\n", e.what());
    }
    return bad ? 1 : 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
