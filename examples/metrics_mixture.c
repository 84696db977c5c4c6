/*
 * metrics_mixture.c - neural-collapse metrics of a Gaussian mixture whose
 * within-class spread shrinks, as features do late in training: class centres
 * drift towards a simplex ETF, the classifier towards the centred means. Each
 * "epoch" prints NC1, the NC2/NC3 ETF errors, NC4 and the accuracy from
 * ncd_nc_metrics, then the same metrics from the streaming accumulator fed in
 * batches (two passes) and from two shards merged after a save/load round trip.
 *   cc metrics_mixture.c $(pkg-config --cflags --libs ncdyn) -lm
 * NCD_EXAMPLE_QUICK=1 runs a smaller problem.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ncdyn.h>

static uint64_t state = 12345;
static double uniform(void) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}
static double normal(void) {
  double u = uniform() + 0x1.0p-54, v = uniform();
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static int check(int st, const char *what) {
  if (st != NCD_OK) fprintf(stderr, "%s: %s\n", what, ncd_strerror(st));
  return st != NCD_OK;
}

/* Accumulate all rows in batches of `bs` (two passes), then read the metrics. */
static int streamed(size_t n, size_t d, size_t k, const double *h, const int32_t *y,
                    const double *w, double *out) {
  ncd_nc_acc *a = NULL;
  size_t bs = 500;
  int bad = check(ncd_nc_acc_create(d, k, 0, &a), "create");
  bad = bad || check(ncd_nc_acc_set_classifier(a, w, d, NULL), "set_classifier");
  for (int pass = 0; pass < 2 && !bad; pass++) {
    for (size_t i = 0; i < n && !bad; i += bs)
      bad = check(ncd_nc_acc_update(a, n - i < bs ? n - i : bs, h + i * d, d, y + i), "update");
    if (pass == 0 && !bad) bad = check(ncd_nc_acc_begin_pass2(a), "begin_pass2");
  }
  bad = bad || check(ncd_nc_acc_metrics(a, out, NCD_METRIC_COUNT), "metrics");
  ncd_nc_acc_free(a);
  return bad;
}

/* Two shards of the first pass, one saved and loaded (as another process
 * would send it), merged; NC2_ETF_H and the trace ratio need no second pass. */
static int sharded(size_t n, size_t d, size_t k, const double *h, const int32_t *y,
                   double *out) {
  ncd_nc_acc *a = NULL, *b = NULL, *c = NULL;
  size_t half = n / 2, len = 0;
  unsigned char *buf = NULL;
  int bad = check(ncd_nc_acc_create(d, k, NCD_ACC_SCATTER, &a), "create");
  bad = bad || check(ncd_nc_acc_create(d, k, NCD_ACC_SCATTER, &b), "create");
  bad = bad || check(ncd_nc_acc_update(a, half, h, d, y), "update");
  bad = bad || check(ncd_nc_acc_update(b, n - half, h + half * d, d, y + half), "update");
  bad = bad || check(ncd_nc_acc_save(b, NULL, 0, &len), "save");
  if (!bad && !(buf = malloc(len))) bad = 1;
  bad = bad || check(ncd_nc_acc_save(b, buf, len, &len), "save");
  bad = bad || check(ncd_nc_acc_load(buf, len, &c), "load");
  bad = bad || check(ncd_nc_acc_merge(a, c), "merge");
  bad = bad || check(ncd_nc_acc_metrics(a, out, NCD_METRIC_COUNT), "metrics");
  free(buf);
  ncd_nc_acc_free(a);
  ncd_nc_acc_free(b);
  ncd_nc_acc_free(c);
  return bad;
}

int main(void) {
  const char *q = getenv("NCD_EXAMPLE_QUICK");
  int quick = q && *q && *q != '0';
  size_t k = 5, d = 16, n = quick ? 2000 : 20000;
  double *h = malloc(n * d * sizeof *h), *etf = calloc(k * d, sizeof *etf), *rnd = malloc(k * d * sizeof *rnd);
  double *cen = malloc(k * d * sizeof *cen), *w = malloc(k * d * sizeof *w);
  int32_t *y = malloc(n * sizeof *y);
  if (!h || !etf || !rnd || !cen || !w || !y) return 1;
  /* simplex ETF in the first k coordinates: e_c - 1/k, scaled */
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < k; j++) etf[c * d + j] = 3.0 * ((c == j) - 1.0 / (double)k);
  for (size_t i = 0; i < k * d; i++) rnd[i] = 2.0 * normal();
  for (size_t i = 0; i < n; i++) y[i] = (int32_t)(i % k);
  printf("libncdyn %s: Gaussian mixture, n = %zu, d = %zu, k = %zu\n", ncd_version_string(), n, d, k);
  printf("%6s %11s %11s %11s %8s %8s %11s %11s\n", "spread", "NC1", "NC2_ETF_H", "NC3", "NC4",
         "acc", "NC1 stream", "ETF shards");
  int bad = 0;
  double rank = 0;
  for (int epoch = 0; epoch < 6 && !bad; epoch++) {
    double t = epoch / 5.0, spread = pow(10.0, -epoch * 0.6);
    for (size_t i = 0; i < k * d; i++) cen[i] = (1 - t) * rnd[i] + t * etf[i];
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++) h[i * d + j] = 1.0 + cen[y[i] * d + j] + spread * normal();
    for (size_t i = 0; i < k * d; i++) w[i] = 0.5 * cen[i] + 0.3 * (1 - t) * normal();
    double out[NCD_METRIC_COUNT], s[NCD_METRIC_COUNT], m[NCD_METRIC_COUNT];
    bad = check(ncd_nc_metrics(n, d, k, h, d, y, w, d, NULL, out, NCD_METRIC_COUNT), "ncd_nc_metrics");
    bad = bad || streamed(n, d, k, h, y, w, s) || sharded(n, d, k, h, y, m);
    if (bad) break;
    printf("%6.0e %11.4e %11.4e %11.4e %8.4f %8.4f %11.4e %11.4e\n", spread, out[NCD_NC1],
           out[NCD_NC2_ETF_H], out[NCD_NC3], out[NCD_NC4], out[NCD_ACCURACY], s[NCD_NC1],
           m[NCD_NC2_ETF_H]);
    rank = out[NCD_NC1_PINV_RANK];
    /* the streamed and merged states reproduce the one-shot values */
    if (fabs(s[NCD_NC1] - out[NCD_NC1]) > 1e-10 * fabs(out[NCD_NC1]) + 1e-12 ||
        fabs(m[NCD_NC2_ETF_H] - out[NCD_NC2_ETF_H]) > 1e-10) {
      fprintf(stderr, "streamed metrics differ from the one-shot ones\n");
      bad = 1;
    }
  }
  printf("rank of Sigma_B kept by the pseudo-inverse: %.0f (k - 1 = %zu)\n", rank, k - 1);
  free(h), free(etf), free(rnd), free(cen), free(w), free(y);
  return bad;
}
