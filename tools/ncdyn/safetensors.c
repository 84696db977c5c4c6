/*
 * safetensors.c - parser of the `.safetensors` header (Hugging Face format):
 * 8 bytes little-endian N, then N bytes of JSON (parsed with jansson,
 * duplicate keys rejected) mapping tensor names to
 *   {"dtype": "F32"|"F64"|"I32"|"I64", "shape": [..], "data_offsets": [b, e]}
 * plus an optional "__metadata__" string map; the data buffer starts at 8 + N,
 * the tensor occupies bytes [8 + N + b, 8 + N + e) and e - b must equal
 * prod(shape) * itemsize, with 8 + N + e within the file. Little-endian,
 * C order. N is limited to ARR_MAX_JSON (100 MiB, as the upstream reader).
 */
#include "ncdyn/array.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int get_u64(json_t *v, uint64_t *out) {
  if (!json_is_integer(v)) return -1;
  json_int_t x = json_integer_value(v);
  if (x < 0) return -2;
  *out = (uint64_t)x;
  return 0;
}

/* Names the tensors of the header (for the "which one?" message). */
static void list_tensors(json_t *root, char *buf, size_t cap) {
  const char *key;
  json_t *val;
  size_t used = 0;
  buf[0] = '\0';
  json_object_foreach(root, key, val) {
    if (strcmp(key, "__metadata__") == 0) continue;
    int w = snprintf(buf + used, cap - used, "%s%.40s", used ? ", " : "", key);
    if (w < 0 || (size_t)w >= cap - used) {
      if (cap > 4) strcpy(buf + cap - 4, "...");
      return;
    }
    used += (size_t)w;
  }
}

static int check_tensor(json_t *t, uint64_t data_start, uint64_t size, arr_file *a, char *err) {
  if (!json_is_object(t)) return arr_fail(err, a, "tensor entry is not a JSON object");
  json_t *dt = json_object_get(t, "dtype"), *sh = json_object_get(t, "shape"),
         *off = json_object_get(t, "data_offsets");
  if (!dt || !sh || !off)
    return arr_fail(err, a, "tensor entry lacks the key '%s'",
                    !dt ? "dtype" : !sh ? "shape" : "data_offsets");
  if (!json_is_string(dt)) return arr_fail(err, a, "'dtype' is not a string");
  const char *d = json_string_value(dt);
  if (strcmp(d, "F32") == 0) a->dtype = ARR_F32;
  else if (strcmp(d, "F64") == 0) a->dtype = ARR_F64;
  else if (strcmp(d, "I32") == 0) a->dtype = ARR_I32;
  else if (strcmp(d, "I64") == 0) a->dtype = ARR_I64;
  else
    return arr_fail(err, a, "unsupported dtype '%.20s' (read: F32 F64 I32 I64)", d);
  if (!json_is_array(sh)) return arr_fail(err, a, "'shape' is not an array");
  size_t nd = json_array_size(sh);
  if (nd == 0) return arr_fail(err, a, "0-d tensor (a scalar); expected shape [n] or [n, d]");
  if (nd > 2)
    return arr_fail(err, a, "tensor has %zu dimensions; expected shape [n] or [n, d]", nd);
  uint64_t dims[2] = {0, 1};
  for (size_t i = 0; i < nd; i++) {
    int r = get_u64(json_array_get(sh, i), &dims[i]);
    if (r == -2) return arr_fail(err, a, "negative dimension in 'shape'");
    if (r != 0) return arr_fail(err, a, "'shape' holds something other than integers");
  }
  if (!json_is_array(off) || json_array_size(off) != 2)
    return arr_fail(err, a, "'data_offsets' is not an array of two integers");
  uint64_t b, e;
  if (get_u64(json_array_get(off, 0), &b) != 0 || get_u64(json_array_get(off, 1), &e) != 0)
    return arr_fail(err, a, "'data_offsets' holds something other than non-negative integers");
  if (b > e) return arr_fail(err, a, "'data_offsets' begin %" PRIu64 " > end %" PRIu64, b, e);
  uint64_t bytes;
  if (dims[0] == 0 || dims[1] == 0)
    return arr_fail(err, a, "empty tensor: the shape has a zero dimension");
  if (arr_nbytes(dims[0], dims[1], arr_elsize(a->dtype), &bytes) != 0)
    return arr_fail(err, a, "shape too large");
  if (e - b != bytes)
    return arr_fail(err, a,
                    "'data_offsets' span %" PRIu64 " bytes but the shape and dtype need %" PRIu64,
                    e - b, bytes);
  if (e > size - data_start)
    return arr_fail(err, a,
                    "'data_offsets' end %" PRIu64 " is past the end of the data (%" PRIu64
                    " bytes): truncated file?",
                    e, size - data_start);
  a->ndim = (int)nd;
  a->rows = dims[0];
  a->cols = dims[1];
  a->offset = data_start + b;
  a->big_endian = 0;
  a->fortran = 0;
  return 0;
}

int arr_open_safetensors(FILE *f, uint64_t size, const char *tensor, arr_file *a, char *err) {
  unsigned char pre[8];
  if (size < 8 || fread(pre, 1, 8, f) != 8)
    return arr_fail(err, a, "truncated .safetensors header length");
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = n << 8 | pre[i];
  if (n > ARR_MAX_JSON)
    return arr_fail(err, a, "header length %" PRIu64 " exceeds the limit of %u bytes", n,
                    ARR_MAX_JSON);
  if (n > size - 8)
    return arr_fail(err, a, "truncated header: %" PRIu64 " bytes announced, file has %" PRIu64,
                    n, size - 8);
  char *buf = malloc(n ? n : 1);
  if (!buf) return arr_fail(err, a, "out of memory for a %" PRIu64 "-byte header", n);
  if (fread(buf, 1, n, f) != n) {
    free(buf);
    return arr_fail(err, a, "read error in the header");
  }
  json_error_t je;
  json_t *root = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &je);
  free(buf);
  if (!root) return arr_fail(err, a, "malformed JSON header: %s", je.text);
  int rc = 0;
  json_t *meta = json_object_get(root, "__metadata__");
  if (!json_is_object(root)) {
    rc = arr_fail(err, a, "JSON header is not an object");
  } else if (meta && !json_is_object(meta)) {
    rc = arr_fail(err, a, "'__metadata__' is not an object");
  } else if (tensor && strcmp(tensor, "__metadata__") == 0) {
    rc = arr_fail(err, a, "'__metadata__' is not a tensor");
  } else {
    json_t *t = NULL;
    size_t count = json_object_size(root) - (meta ? 1 : 0);
    if (tensor) {
      t = json_object_get(root, tensor);
      if (!t) {
        char names[200];
        list_tensors(root, names, sizeof names);
        rc = arr_fail(err, a, "no tensor '%.60s' in the file (tensors: %s)", tensor, names);
      }
    } else if (count == 1) {
      const char *key;
      json_t *val;
      json_object_foreach(root, key, val) {
        if (strcmp(key, "__metadata__") != 0) t = val;
      }
    } else {
      char names[200];
      list_tensors(root, names, sizeof names);
      rc = arr_fail(err, a,
                    "holds %zu tensors; name one as FILE.safetensors:TENSOR (tensors: %s)",
                    count, count ? names : "none");
    }
    if (t) rc = check_tensor(t, 8 + n, size, a, err);
  }
  json_decref(root);
  return rc;
}
