/*
 * bench_common.h - shared benchmark helpers: a monotonic clock, best-of-N
 * timing, the machine's peak (BLIS dgemm GF/s, single-thread read bandwidth)
 * measured by bench/peak and read back here, and one output format:
 *   routine | size | time | figure | ratio to the reference route | % of peak
 */
#ifndef NCD_BENCH_COMMON_H
#define NCD_BENCH_COMMON_H

#include <stddef.h>

typedef struct ncd_bench_peak {
  double gemm_gflops;   /* BLIS dgemm, n = 1000, this process's threading */
  double read_gbs;      /* single-thread streaming read, 256 MiB          */
} ncd_bench_peak;

double ncd_bench_now(void);  /* seconds, monotonic */
/* Best time of `reps` runs of fn(ctx) (at least one, stops after ~max_s). */
double ncd_bench_best(void (*fn)(void *), void *ctx, int reps, double max_s);
/* Measure the peak now. */
void ncd_bench_measure_peak(ncd_bench_peak *p);
/* Peak from the file named by NCD_BENCH_PEAK (written by bench/peak), else
 * measured now. */
void ncd_bench_get_peak(ncd_bench_peak *p);
/* Header line of a benchmark binary (prints the peak beside it). */
void ncd_bench_header(const char *title, const ncd_bench_peak *p);
/* One result row. flops or bytes may be 0 (then that column is "-"). */
void ncd_bench_row(const char *routine, const char *size, double seconds, double flops,
                   double bytes, const ncd_bench_peak *p);
/* One ratio row: "name: X.XXx (a vs b)". */
void ncd_bench_ratio(const char *what, double ours, double reference);
/* Bytes of a fresh buffer filled with normal-ish values (for inputs). */
double *ncd_bench_randn(size_t count, unsigned long long seed);
/* Streaming read of count doubles (returns a sum so it is not optimised away). */
double ncd_bench_stream_read(const double *x, size_t count);

#endif
