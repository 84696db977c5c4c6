/*
 * fuzz_acc_load.c - libFuzzer target for ncd_nc_acc_load (the portable byte
 * format of spec/metrics.md 4e). Each input is loaded twice: as given, and
 * with its trailing CRC-32 recomputed so that mutations reach the field
 * checks behind the checksum. A loaded state must give metrics, save, load
 * its own saved bytes back to the same bytes, and merge with a copy of itself;
 * any violation traps (a finding). Links the library sources built with the
 * fuzzer's instrumentation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_crc.h"

#include "ncdyn.h"

static void exercise(const uint8_t *data, size_t size) {
  ncd_nc_acc *acc = NULL;
  if (ncd_nc_acc_load(data, size, &acc) != NCD_OK) {
    if (acc) __builtin_trap(); /* nothing may be allocated on failure */
    return;
  }
  double out[NCD_METRIC_COUNT + 2];
  ncd_nc_acc_metrics(acc, out, NCD_METRIC_COUNT + 2);
  size_t len = 0;
  if (ncd_nc_acc_save(acc, NULL, 0, &len) != NCD_OK || len == 0) __builtin_trap();
  uint8_t *buf = malloc(len), *buf2 = malloc(len);
  size_t len2 = 0;
  ncd_nc_acc *copy = NULL;
  if (buf && buf2) {
    if (ncd_nc_acc_save(acc, buf, len, &len) != NCD_OK) __builtin_trap();
    if (ncd_nc_acc_load(buf, len, &copy) != NCD_OK) __builtin_trap();
    if (ncd_nc_acc_save(copy, buf2, len, &len2) != NCD_OK || len2 != len ||
        memcmp(buf, buf2, len) != 0)
      __builtin_trap(); /* save(load(save(x))) == save(x) */
    ncd_nc_acc_merge(acc, copy);
    ncd_nc_acc_metrics(acc, out, NCD_METRIC_COUNT);
  }
  ncd_nc_acc_free(copy);
  free(buf);
  free(buf2);
  ncd_nc_acc_free(acc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  exercise(data, size);
  with_fixed_crc(data, size, exercise);
  return 0;
}
