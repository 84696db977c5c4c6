/*
 * fuzz_acc_stream_load.c - libFuzzer target for ncd_cka_acc_load and
 * ncd_nrc_acc_load (the "NCDK"/"NCDR" byte formats of docs/peers.md
 * "Streaming objects"). Each input is loaded by both, as given and with its
 * trailing CRC-32 recomputed so that mutations reach the field checks behind
 * the checksum. A loaded state must give its value/metrics, save, load its own
 * saved bytes back to the same bytes, and merge with a copy of itself; any
 * violation traps (a finding). Links the library sources built with the
 * fuzzer's instrumentation (the fuzz_acc% rule of the Makefile).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_crc.h"

#include "ncdyn.h"

static void cka(const uint8_t *data, size_t size) {
  ncd_cka_acc *a = NULL, *copy = NULL;
  if (ncd_cka_acc_load(data, size, &a) != NCD_OK) {
    if (a) __builtin_trap();
    return;
  }
  double v;
  size_t len = 0, len2 = 0;
  if (ncd_cka_acc_value(a, &v) != NCD_OK) __builtin_trap();
  if (ncd_cka_acc_save(a, NULL, 0, &len) != NCD_OK || len != size) __builtin_trap();
  uint8_t *b1 = malloc(len), *b2 = malloc(len);
  if (b1 && b2) {
    if (ncd_cka_acc_save(a, b1, len, &len) != NCD_OK) __builtin_trap();
    if (ncd_cka_acc_load(b1, len, &copy) != NCD_OK) __builtin_trap();
    if (ncd_cka_acc_save(copy, b2, len, &len2) != NCD_OK || memcmp(b1, b2, len) != 0)
      __builtin_trap();
    ncd_cka_acc_merge(a, copy);
    ncd_cka_acc_value(a, &v);
  }
  free(b1);
  free(b2);
  ncd_cka_acc_free(copy);
  ncd_cka_acc_free(a);
}

static void nrc(const uint8_t *data, size_t size) {
  ncd_nrc_acc *a = NULL, *copy = NULL;
  if (ncd_nrc_acc_load(data, size, &a) != NCD_OK) {
    if (a) __builtin_trap();
    return;
  }
  double out[4];
  size_t len = 0, len2 = 0;
  if (size < 4096) { /* the final eigen-decompositions are O(d^3) */
    ncd_nrc_acc_metrics(a, NULL, 0, 0.0, 1.0, 0, out);
    ncd_nrc_acc_metrics(a, NULL, 0, 0.0, 1.0, NCD_NRC_PCA_CENTRED, out);
  }
  if (ncd_nrc_acc_save(a, NULL, 0, &len) != NCD_OK || len != size) __builtin_trap();
  uint8_t *b1 = malloc(len), *b2 = malloc(len);
  if (b1 && b2) {
    if (ncd_nrc_acc_save(a, b1, len, &len) != NCD_OK) __builtin_trap();
    if (ncd_nrc_acc_load(b1, len, &copy) != NCD_OK) __builtin_trap();
    if (ncd_nrc_acc_save(copy, b2, len, &len2) != NCD_OK || memcmp(b1, b2, len) != 0)
      __builtin_trap();
    ncd_nrc_acc_merge(a, copy);
  }
  free(b1);
  free(b2);
  ncd_nrc_acc_free(copy);
  ncd_nrc_acc_free(a);
}

static void both(const uint8_t *data, size_t size) {
  cka(data, size);
  nrc(data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  both(data, size);
  with_fixed_crc(data, size, both);
  return 0;
}
