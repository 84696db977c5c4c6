/*
 * array.h - the ncdyn tool's reader of numeric arrays stored in `.npy` files
 * (format versions 1.0, 2.0, 3.0 as numpy writes them) and in `.safetensors`
 * files (one named tensor), read in batches of rows with bounded memory.
 *
 * An array is 1-D (n,) or 2-D (rows, cols); dtypes float32/float64 and
 * int32/int64, little- or big-endian (.npy), C or Fortran order (.npy).
 * Every function reports a failure as a one-line message in `err` (ARR_ERRLEN
 * bytes, prefixed with the file name) and a nonzero return; nothing crashes on
 * malformed input and nothing is allocated beyond one scratch buffer of
 * ARR_SCRATCH bytes (plus the safetensors JSON header, at most ARR_MAX_JSON).
 */
#ifndef NCDYN_TOOL_ARRAY_H
#define NCDYN_TOOL_ARRAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARR_ERRLEN 512
#define ARR_SCRATCH 65536                 /* bytes read per fread */
#define ARR_MAX_NPY_HEADER (1u << 20)     /* .npy header length limit */
#define ARR_MAX_JSON (100u << 20)         /* safetensors header limit (as upstream) */

typedef enum arr_dtype { ARR_F32 = 0, ARR_F64, ARR_I32, ARR_I64 } arr_dtype;

typedef struct arr_file {
  FILE *f;
  int owns;             /* 1: arr_close closes f */
  char name[256];       /* file (and tensor) name for messages */
  arr_dtype dtype;
  int big_endian;       /* stored byte order */
  int fortran;          /* .npy fortran_order (column-major) */
  int ndim;             /* 1 or 2 */
  uint64_t rows, cols;  /* shape; cols == 1 when ndim == 1 */
  uint64_t offset;      /* file offset of element 0 */
  unsigned char *scratch;
} arr_file;

/* Opens "PATH" (.npy or a one-tensor .safetensors) or "PATH.safetensors:TENSOR". */
int arr_open(const char *spec, arr_file *a, char *err);
/* Same on an open stream (not closed by arr_close); `tensor` may be NULL. */
int arr_open_stream(FILE *f, const char *name, const char *tensor, arr_file *a, char *err);
/* Parsers used by arr_open_stream, exposed for tests and fuzzing. `size` is
 * the file size in bytes. */
int arr_open_npy(FILE *f, uint64_t size, arr_file *a, char *err);
int arr_open_safetensors(FILE *f, uint64_t size, const char *tensor, arr_file *a, char *err);

/* Rows [row0, row0 + nrows) converted to double, row-major nrows x cols. */
int arr_read_f64(arr_file *a, uint64_t row0, size_t nrows, double *out, char *err);
/* Rows [row0, row0 + nrows) of a float32 array as float (error for other
 * dtypes), row-major nrows x cols, written straight from the scratch buffer
 * (bit-exact, no allocation). */
int arr_read_f32(arr_file *a, uint64_t row0, size_t nrows, float *out, char *err);
/* Rows of an integer array converted to int32 (values outside int32: error). */
int arr_read_i32(arr_file *a, uint64_t row0, size_t nrows, int32_t *out, char *err);
void arr_close(arr_file *a);

const char *arr_dtype_name(arr_dtype t);
size_t arr_elsize(arr_dtype t);
/* Writes "NAME: message" into err; returns -1. */
int arr_fail(char *err, const arr_file *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* rows * cols * elsize without overflow past 2^62: 0 ok, -1 too large. */
int arr_nbytes(uint64_t rows, uint64_t cols, size_t es, uint64_t *bytes);
int arr_is_float(const arr_file *a);

#endif
