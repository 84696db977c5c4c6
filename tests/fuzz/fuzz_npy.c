/*
 * fuzz_npy.c - libFuzzer target for the ncdyn tool's .npy reader
 * (tools/ncdyn/npy.c, array.c): the input is a whole file, opened from memory;
 * when the header is accepted every row is read back in small batches as
 * float64 and as int32 (one of them is the dtype's, the other must fail
 * cleanly). Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ncdyn/array.h"

int fuzz_read_all(FILE *f, const char *name, const char *tensor);

int fuzz_read_all(FILE *f, const char *name, const char *tensor) {
  char err[ARR_ERRLEN];
  arr_file a;
  if (arr_open_stream(f, name, tensor, &a, err) != 0) {
    free(a.scratch);
    return 0;
  }
  /* rows * cols * itemsize <= file size was checked, so this is bounded */
  size_t cols = (size_t)a.cols ? (size_t)a.cols : 1, batch = 3;
  double *d = malloc(batch * cols * sizeof *d);
  int32_t *y = malloc(batch * cols * sizeof *y);
  if (d && y)
    for (uint64_t r = 0; r < a.rows; r += batch) {
      size_t m = a.rows - r < batch ? (size_t)(a.rows - r) : batch;
      int e1 = arr_read_f64(&a, r, m, d, err);
      int e2 = arr_read_i32(&a, r, m, y, err);
      if (e1 && e2) break;
    }
  free(d);
  free(y);
  arr_close(&a);
  return 0;
}

#ifndef FUZZ_NO_MAIN_TARGET
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f) return 0;
  fuzz_read_all(f, "fuzz.npy", NULL);
  fclose(f);
  return 0;
}
#endif
