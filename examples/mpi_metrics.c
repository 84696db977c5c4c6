/*
 * mpi_metrics.c - neural-collapse metrics of a data set spread over MPI ranks
 * (spec/metrics.md 4e "MPI", option 1 with a fixed merge tree):
 *   1. every rank accumulates its shard of the samples (first pass),
 *   2. the serialized states are gathered on rank 0 and merged in a fixed
 *      binary tree (so the result is bitwise reproducible),
 *   3. the merged first pass is broadcast; every rank replays its shard as the
 *      second pass; those states are gathered and merged the same way,
 *   4. rank 0 compares every metric with the one-process ncd_nc_metrics on all
 *      the data and exits nonzero if any differs by more than 1e-12.
 * Build:  mpicc mpi_metrics.c $(pkg-config --cflags --libs ncdyn)
 * Run:    mpirun -np 4 ./mpi_metrics
 */
#if defined(__has_include)
#if !__has_include(<mpi.h>)
#define NCD_NO_MPI 1
#endif
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ncdyn.h>

#ifdef NCD_NO_MPI
int main(void) {
  puts("mpi_metrics: built without <mpi.h>; build it with mpicc (make check-mpi)");
  return 0;
}
#else
#include <mpi.h>

enum { N = 6000, D = 24, K = 6 };

/* Deterministic data, identical on every rank: SplitMix64 + Box-Muller. */
static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double normal(uint64_t *s) {
  double u1 = ((double)(next(s) >> 11) + 0.5) * 0x1.0p-53, u2 = (double)(next(s) >> 11) * 0x1.0p-53;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
static void make_data(double *h, int32_t *y, double *w, double *b) {
  uint64_t s = 2024;
  double cen[K * D];
  for (int i = 0; i < K * D; i++) cen[i] = 3.0 * normal(&s);
  for (int i = 0; i < N; i++) {
    y[i] = (int32_t)(next(&s) % K);
    for (int j = 0; j < D; j++) h[i * D + j] = 10.0 + cen[y[i] * D + j] + normal(&s);
  }
  for (int i = 0; i < K * D; i++) w[i] = 0.3 * cen[i] + 0.1 * normal(&s);
  for (int c = 0; c < K; c++) b[c] = 0.1 * normal(&s);
}

static void die(int st, const char *what) {
  if (st == NCD_OK) return;
  fprintf(stderr, "%s: %s\n", what, ncd_strerror(st));
  MPI_Abort(MPI_COMM_WORLD, 2);
}

/* Accumulate rows [lo, hi) in batches of 250 rows. */
static void feed(ncd_nc_acc *a, const double *h, const int32_t *y, int lo, int hi) {
  for (int i = lo; i < hi; i += 250) {
    int nb = hi - i < 250 ? hi - i : 250;
    die(ncd_nc_acc_update(a, (size_t)nb, h + (size_t)i * D, D, y + i), "update");
  }
}

/* Gather every rank's saved state on rank 0 and merge them in a fixed binary
 * tree ((0+1)+(2+3))+...; returns the merged state on rank 0, NULL elsewhere. */
static ncd_nc_acc *gather_merge(ncd_nc_acc *mine, int rank, int size) {
  size_t len;
  die(ncd_nc_acc_save(mine, NULL, 0, &len), "save size");
  unsigned char *buf = malloc(len), *all = rank == 0 ? malloc(len * (size_t)size) : NULL;
  die(ncd_nc_acc_save(mine, buf, len, &len), "save");
  MPI_Gather(buf, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
  free(buf);
  if (rank != 0) return NULL;
  ncd_nc_acc **s = malloc((size_t)size * sizeof *s);
  for (int r = 0; r < size; r++) die(ncd_nc_acc_load(all + (size_t)r * len, len, &s[r]), "load");
  for (int step = 1; step < size; step *= 2)
    for (int r = 0; r + step < size; r += 2 * step) {
      die(ncd_nc_acc_merge(s[r], s[r + step]), "merge");
      ncd_nc_acc_free(s[r + step]);
    }
  ncd_nc_acc *out = s[0];
  free(s);
  free(all);
  return out;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double *h = malloc(sizeof(double) * N * D), w[K * D], b[K];
  int32_t *y = malloc(sizeof(int32_t) * N);
  make_data(h, y, w, b);
  int lo = (int)((long)N * rank / size), hi = (int)((long)N * (rank + 1) / size);

  /* pass 1 on every rank, with the pooled scatter (NC1 and SNR in one pass) */
  ncd_nc_acc *a;
  die(ncd_nc_acc_create(D, K, NCD_ACC_SCATTER, &a), "create");
  die(ncd_nc_acc_set_classifier(a, w, D, b), "set_classifier");
  feed(a, h, y, lo, hi);
  ncd_nc_acc *p1 = gather_merge(a, rank, size);
  ncd_nc_acc_free(a);

  /* broadcast the merged first pass; pass 2 (NC4, cosine margins) per shard */
  size_t len = 0;
  if (rank == 0) die(ncd_nc_acc_save(p1, NULL, 0, &len), "save size");
  unsigned long long ulen = len;
  MPI_Bcast(&ulen, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  len = (size_t)ulen;
  unsigned char *buf = malloc(len);
  if (rank == 0) die(ncd_nc_acc_save(p1, buf, len, &len), "save");
  MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
  die(ncd_nc_acc_load(buf, len, &a), "load");
  free(buf);
  die(ncd_nc_acc_begin_pass2(a), "begin_pass2");
  feed(a, h, y, lo, hi);
  ncd_nc_acc *p2 = gather_merge(a, rank, size);
  ncd_nc_acc_free(a);

  int bad = 0;
  if (rank == 0) {
    double got[NCD_METRIC_COUNT], want[NCD_METRIC_COUNT];
    die(ncd_nc_acc_metrics(p2, got, NCD_METRIC_COUNT), "metrics");
    die(ncd_nc_metrics(N, D, K, h, D, y, w, D, b, want, NCD_METRIC_COUNT), "one-shot");
    printf("%d ranks, n = %d, d = %d, k = %d\n", size, N, D, K);
    for (int i = 0; i < NCD_METRIC_COUNT; i++) {
      if (i == NCD_NUMRANK_H) continue; /* needs NCD_ACC_CLASS_SCATTER */
      if (i >= NCD_NC4_CLASSAVG && i <= NCD_ERANK) continue; /* one-shot only */
      double err = fabs(got[i] - want[i]), tol = 1e-12 * fmax(1.0, fabs(want[i]));
      printf("  metric %2d  merged %.15g  one-process %.15g  diff %.1e\n", i, got[i], want[i], err);
      if (!(err <= tol)) bad = 1;
    }
    puts(bad ? "MISMATCH" : "merged shards equal the one-process result to 1e-12");
    ncd_nc_acc_free(p1);
    ncd_nc_acc_free(p2);
  }
  MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
  free(h);
  free(y);
  MPI_Finalize();
  return bad;
}
#endif
