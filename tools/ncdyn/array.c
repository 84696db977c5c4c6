/*
 * array.c - format detection, batched row reads and conversion for the ncdyn
 * tool's array reader (array.h). The .npy and .safetensors headers are parsed
 * in npy.c and safetensors.c; this file reads data.
 *
 * Memory bound: a read of R rows of a C-order array streams R*cols elements
 * through one ARR_SCRATCH-byte buffer straight into the caller's output. A
 * Fortran-order (column-major) array stores each column contiguously, so a
 * batch of rows is a strided read: for each of the cols columns one seek and
 * one contiguous run of R elements, again through the same scratch buffer.
 * Memory is therefore the caller's R x cols output plus 64 KiB, whatever the
 * file size or order; Fortran order costs cols seeks per batch (choose
 * batches of thousands of rows to keep runs long).
 */
#include "ncdyn/array.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

int arr_fail(char *err, const arr_file *a, const char *fmt, ...) {
  if (!err) return -1;
  size_t used = 0;
  if (a && a->name[0]) {
    int w = snprintf(err, ARR_ERRLEN, "%s: ", a->name);
    used = w > 0 && (size_t)w < ARR_ERRLEN ? (size_t)w : 0;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err + used, ARR_ERRLEN - used, fmt, ap);
  va_end(ap);
  return -1;
}

const char *arr_dtype_name(arr_dtype t) {
  static const char *const names[] = {"float32", "float64", "int32", "int64"};
  return (unsigned)t < 4 ? names[t] : "?";
}

size_t arr_elsize(arr_dtype t) { return (t == ARR_F32 || t == ARR_I32) ? 4 : 8; }

int arr_is_float(const arr_file *a) { return a->dtype == ARR_F32 || a->dtype == ARR_F64; }

int arr_nbytes(uint64_t rows, uint64_t cols, size_t es, uint64_t *bytes) {
  const uint64_t lim = (uint64_t)1 << 62;
  if (rows > lim || cols > lim) return -1;
  if (cols != 0 && rows > lim / cols) return -1;
  uint64_t e = rows * cols;
  if (e > lim / es) return -1;
  *bytes = e * es;
  return 0;
}

static int file_size(FILE *f, uint64_t *size) {
  if (fseeko(f, 0, SEEK_END) != 0) return -1;
  off_t s = ftello(f);
  if (s < 0) return -1;
  *size = (uint64_t)s;
  return fseeko(f, 0, SEEK_SET);
}

/* Copies src into dst[cap], truncating (the name is only for messages). */
static void copy_name(char *dst, size_t cap, const char *src) {
  size_t l = strlen(src);
  if (l >= cap) l = cap - 1;
  memcpy(dst, src, l);
  dst[l] = '\0';
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

int arr_open_stream(FILE *f, const char *name, const char *tensor, arr_file *a, char *err) {
  memset(a, 0, sizeof *a);
  copy_name(a->name, sizeof a->name, name ? name : "(stream)");
  uint64_t size;
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode))
    return arr_fail(err, a, "is a directory, not a file");
  if (file_size(f, &size) != 0)
    return arr_fail(err, a, "cannot determine the file size (not a regular file?)");
  unsigned char m[9] = {0};
  size_t got = fread(m, 1, 9, f);
  if (fseeko(f, 0, SEEK_SET) != 0) return arr_fail(err, a, "seek failed");
  int rc;
  if (got >= 6 && memcmp(m, "\x93NUMPY", 6) == 0) {
    if (tensor) return arr_fail(err, a, "a tensor name was given but this is a .npy file");
    rc = arr_open_npy(f, size, a, err);
  } else if ((got == 9 && m[8] == '{') || tensor || ends_with(a->name, ".safetensors")) {
    rc = arr_open_safetensors(f, size, tensor, a, err);
  } else if (got < 9) {
    return arr_fail(err, a, "file too short (%zu bytes) to be .npy or .safetensors", got);
  } else {
    return arr_fail(err, a, "not a .npy file (bad magic) and not a .safetensors file");
  }
  if (rc != 0) return rc;
  a->f = f;
  a->scratch = malloc(ARR_SCRATCH);
  if (!a->scratch) return arr_fail(err, a, "out of memory");
  return 0;
}

int arr_open(const char *spec, arr_file *a, char *err) {
  memset(a, 0, sizeof *a);
  char path[4096];
  const char *tensor = NULL;
  if (strlen(spec) >= sizeof path) {
    snprintf(a->name, sizeof a->name, "%.200s...", spec);
    return arr_fail(err, a, "path too long");
  }
  strcpy(path, spec);
  /* "FILE.safetensors:TENSOR": split at the last ".safetensors:" */
  char *cut = NULL, *p = path;
  while ((p = strstr(p, ".safetensors:")) != NULL) cut = p++;
  if (cut) {
    cut += strlen(".safetensors");
    *cut = '\0';
    tensor = cut + 1;
    if (!*tensor) {
      copy_name(a->name, sizeof a->name, path);
      return arr_fail(err, a, "empty tensor name after ':'");
    }
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    copy_name(a->name, sizeof a->name, path);
    return arr_fail(err, a, "cannot open: %s", strerror(errno));
  }
  char name[256];
  if (tensor)
    snprintf(name, sizeof name, "%.150s:%.100s", path, tensor);
  else
    copy_name(name, sizeof name, path);
  if (arr_open_stream(f, name, tensor, a, err) != 0) {
    free(a->scratch);
    a->scratch = NULL;
    fclose(f);
    a->f = NULL;
    return -1;
  }
  a->owns = 1;
  return 0;
}

void arr_close(arr_file *a) {
  if (!a) return;
  if (a->owns && a->f) fclose(a->f);
  free(a->scratch);
  a->f = NULL;
  a->scratch = NULL;
}

static int host_big_endian(void) {
  const uint16_t one = 1;
  unsigned char c;
  memcpy(&c, &one, 1);
  return c == 0;
}

/* Where converted elements go: exactly one of d (double), f (float) or i
 * (int64) is set; element i of a run lands at index i * stride. */
typedef struct arr_out {
  double *d;
  float *f;
  int64_t *i;
} arr_out;

static arr_out out_advance(arr_out o, size_t by) {
  if (o.d) o.d += by;
  else if (o.f) o.f += by;
  else o.i += by;
  return o;
}

/* Converts `count` stored elements at `src` into the output at o[i * stride]:
 * float32 into float is a copy of the (byte-swapped) bits, float64 into float
 * one rounding (arr_read_f32 accepts float32 only today), floats into double
 * and integers into int64 exact. Float output is for float sources only. */
static void convert(const arr_file *a, const unsigned char *src, size_t count, arr_out o,
                    size_t stride) {
  size_t es = arr_elsize(a->dtype);
  int swap = a->big_endian != host_big_endian();
  for (size_t i = 0; i < count; i++) {
    unsigned char b[8];
    for (size_t j = 0; j < es; j++) b[j] = src[i * es + (swap ? es - 1 - j : j)];
    double v = 0;
    int64_t iv = 0;
    switch (a->dtype) {
    case ARR_F32: {
      float x;
      memcpy(&x, b, 4);
      if (o.f) {
        o.f[i * stride] = x;
        continue;
      }
      v = x;
      break;
    }
    case ARR_F64: memcpy(&v, b, 8); break;
    case ARR_I32: { int32_t x; memcpy(&x, b, 4); iv = x; break; }
    case ARR_I64: memcpy(&iv, b, 8); break;
    }
    if (o.d) o.d[i * stride] = v;
    else if (o.f) o.f[i * stride] = (float)v;
    else o.i[i * stride] = iv;
  }
}

/* Reads `count` contiguous elements starting at element index `first`. */
static int read_run(arr_file *a, uint64_t first, uint64_t count, arr_out o, size_t stride,
                    char *err) {
  size_t es = arr_elsize(a->dtype);
  uint64_t off = a->offset + first * es;
  if (off > (uint64_t)INT64_MAX || fseeko(a->f, (off_t)off, SEEK_SET) != 0)
    return arr_fail(err, a, "seek to byte %" PRIu64 " failed", off);
  size_t per = ARR_SCRATCH / es;
  while (count > 0) {
    size_t m = count < per ? (size_t)count : per;
    size_t got = fread(a->scratch, es, m, a->f);
    if (got != m)
      return arr_fail(err, a, "truncated data: read failed %s byte %" PRIu64,
                      ferror(a->f) ? "at" : "(end of file) near",
                      (uint64_t)ftello(a->f));
    convert(a, a->scratch, m, o, stride);
    o = out_advance(o, m * stride);
    count -= m;
  }
  return 0;
}

static int read_rows(arr_file *a, uint64_t row0, size_t nrows, arr_out o, char *err) {
  if (row0 > a->rows || nrows > a->rows - row0)
    return arr_fail(err, a, "rows %" PRIu64 "..%" PRIu64 " past the %" PRIu64 " rows", row0,
                    row0 + nrows, a->rows);
  if (nrows == 0 || a->cols == 0) return 0;
  if (!a->fortran || a->ndim == 1 || a->cols == 1)
    return read_run(a, row0 * a->cols, (uint64_t)nrows * a->cols, o, 1, err);
  for (uint64_t j = 0; j < a->cols; j++) /* column j of the batch: one run */
    if (read_run(a, j * a->rows + row0, nrows, out_advance(o, (size_t)j), (size_t)a->cols,
                 err) != 0)
      return -1;
  return 0;
}

int arr_read_f64(arr_file *a, uint64_t row0, size_t nrows, double *out, char *err) {
  if (!arr_is_float(a))
    return arr_fail(err, a, "dtype %s where floating-point data is needed",
                    arr_dtype_name(a->dtype));
  const arr_out o = {out, NULL, NULL};
  return read_rows(a, row0, nrows, o, err);
}

int arr_read_f32(arr_file *a, uint64_t row0, size_t nrows, float *out, char *err) {
  if (a->dtype != ARR_F32)
    return arr_fail(err, a, "dtype %s where float32 data is needed", arr_dtype_name(a->dtype));
  const arr_out o = {NULL, out, NULL}; /* straight into out: no staging, no allocation */
  return read_rows(a, row0, nrows, o, err);
}

int arr_read_i32(arr_file *a, uint64_t row0, size_t nrows, int32_t *out, char *err) {
  if (arr_is_float(a))
    return arr_fail(err, a, "dtype %s where integer labels are needed (int32 or int64)",
                    arr_dtype_name(a->dtype));
  /* convert through an int64 staging area in slices so memory stays bounded */
  int64_t tmp[1024];
  uint64_t step = a->cols ? 1024 / a->cols : 1024;
  if (step == 0) { /* a row longer than the 1024-integer staging area: refused */
    return arr_fail(err, a, "integer rows of %" PRIu64 " values are not supported", a->cols);
  }
  for (size_t r = 0; r < nrows;) {
    size_t m = nrows - r < step ? nrows - r : (size_t)step;
    const arr_out o = {NULL, NULL, tmp};
    if (read_rows(a, row0 + r, m, o, err) != 0) return -1;
    for (size_t i = 0; i < m * a->cols; i++) {
      if (tmp[i] < INT32_MIN || tmp[i] > INT32_MAX)
        return arr_fail(err, a, "value %" PRId64 " at row %" PRIu64 " does not fit in int32",
                        tmp[i], row0 + r + i / a->cols);
      out[r * a->cols + i] = (int32_t)tmp[i];
    }
    r += m;
  }
  return 0;
}
