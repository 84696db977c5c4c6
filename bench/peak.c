/*
 * peak.c - measures the machine's own peak for `make bench`: BLIS dgemm GF/s
 * (n = 1000) and single-thread streaming read bandwidth (256 MiB); prints it
 * and writes it to the file named on the command line for the other benches.
 */
#include <stdio.h>

#include "bench_common.h"

int main(int argc, char **argv) {
  ncd_bench_peak p;
  ncd_bench_measure_peak(&p);
  printf("machine peak: BLIS dgemm %.2f GF/s (n=1000), streaming read %.2f GB/s (1 thread)\n",
         p.gemm_gflops, p.read_gbs);
  if (argc > 1) {
    FILE *f = fopen(argv[1], "w");
    if (!f) return 1;
    fprintf(f, "%.6f %.6f\n", p.gemm_gflops, p.read_gbs);
    fclose(f);
  }
  return 0;
}
