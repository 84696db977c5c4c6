/*
 * badinput.h - a table-driven bad-input engine (issue 10). A function's
 * arguments live in a struct; a field table says what each field is; the
 * engine checks that the valid call succeeds, then applies every mutation of
 * every field to a copy of the struct and checks the documented status:
 *   required pointer NULL -> NCD_EINVAL; size 0 -> NCD_EINVAL; a dimension of
 *   SIZE_MAX (overflowing products) -> NCD_EINVAL; k = 1 where k >= 2 is needed;
 *   a leading dimension one too small; labels -1 and k; NaN/+Inf/-Inf in each
 *   input array -> NCD_ENONFINITE; non-finite or out-of-range scalars.
 * An optional state function serializes opaque objects so the engine can check
 * they are unchanged by every rejected call.
 */
#ifndef NCD_TEST_BADINPUT_H
#define NCD_TEST_BADINPUT_H

#include <stddef.h>
#include <stdint.h>

typedef enum ncd_bf_type {
  BF_PTR,         /* required pointer                                            */
  BF_SIZE,        /* size >= 1                                                   */
  BF_DIM,         /* size >= 1 that also makes products overflow at SIZE_MAX     */
  BF_K2,          /* class count: 0, 1 and SIZE_MAX are invalid                  */
  BF_LD,          /* leading dimension >= the size_t field at `cols`             */
  BF_IN,          /* const double * input: rows x cols with ld (size_t fields)   */
  BF_IN32,        /* const float * input                                         */
  BF_VEC,         /* const double * input vector of `cols` entries (rows unused) */
  BF_LABELS,      /* const int32_t *: `rows` labels in [0, `cols`)              */
  BF_LABELS64,    /* const int64_t *                                             */
  BF_SCALAR,      /* double, finite                                              */
  BF_SCALAR_POS,  /* double, finite and > 0                                      */
  BF_SCALAR_NONNEG/* double, finite and >= 0                                     */
} ncd_bf_type;

#define BF_NONE ((size_t)-1)
typedef struct ncd_bf_field {
  ncd_bf_type type;
  size_t off;  /* offsetof the field                                   */
  size_t rows; /* offsetof the size_t giving rows (BF_NONE: 1)         */
  size_t cols; /* offsetof the size_t giving cols / k / the ld minimum */
  size_t ld;   /* offsetof the leading-dimension field (BF_IN/BF_IN32)  */
  const char *name;
} ncd_bf_field;

typedef struct ncd_bf_spec {
  const char *function;
  size_t args_size;
  const ncd_bf_field *fields;
  size_t nfields;
  int (*call)(void *args);
  /* optional: write a snapshot of opaque state into buf (cap bytes), return
   * its length; compared before/after each rejected call */
  size_t (*state)(void *args, unsigned char *buf, size_t cap);
} ncd_bf_spec;

/* Runs every mutation; fails the current Check test on the first mismatch.
 * Returns the number of mutations checked. */
int ncd_bf_run(const ncd_bf_spec *spec, void *valid_args);

#define BF_FIELDS(arr) arr, (sizeof(arr) / sizeof((arr)[0]))

#endif
