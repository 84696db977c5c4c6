/*
 * fuzz_safetensors.c - libFuzzer target for the ncdyn tool's .safetensors
 * reader (tools/ncdyn/safetensors.c, array.c): the input is a whole file,
 * opened from memory as a .safetensors file, once without a tensor name and
 * once asking for the tensor "x"; accepted tensors are read back entirely.
 */
#include <stdint.h>
#include <stdio.h>

#define FUZZ_NO_MAIN_TARGET
#include "fuzz_npy.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const char *tensors[2] = {NULL, "x"};
  for (int t = 0; t < 2; t++) {
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f) return 0;
    fuzz_read_all(f, "fuzz.safetensors", tensors[t]);
    fclose(f);
  }
  return 0;
}
