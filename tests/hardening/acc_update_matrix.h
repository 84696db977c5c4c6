/*
 * acc_update_matrix.h - the bad-input field table of ncd_nc_acc_update
 * (tests/common/badinput.h engine) and the accumulator state snapshot (its
 * saved bytes), shared by test_bad_metrics.c and test_bad_acc_ext.c.
 */
#ifndef NCD_TEST_ACC_UPDATE_MATRIX_H
#define NCD_TEST_ACC_UPDATE_MATRIX_H

#include <stddef.h>

#include "common/badinput.h"
#include "common/testutil.h"

typedef struct {
  ncd_nc_acc *acc;
  size_t n, d, k;
  const double *h;
  size_t ldh;
  const int32_t *y;
} up_args;
static inline int call_up(void *v) {
  up_args *x = v;
  return ncd_nc_acc_update(x->acc, x->n, x->h, x->ldh, x->y);
}
static inline size_t acc_state(void *v, unsigned char *buf, size_t cap) {
  ncd_nc_acc *acc = ((up_args *)v)->acc;
  size_t len = 0;
  if (!acc) return 0;
  ck_assert_status(ncd_nc_acc_save(acc, buf, cap, &len), NCD_OK);
  return len;
}
static const ncd_bf_field up_fields[] = {
    {BF_PTR, offsetof(up_args, acc), BF_NONE, BF_NONE, BF_NONE, "acc"},
    {BF_DIM, offsetof(up_args, n), BF_NONE, BF_NONE, BF_NONE, "n"},
    {BF_PTR, offsetof(up_args, h), BF_NONE, BF_NONE, BF_NONE, "h"},
    {BF_LD, offsetof(up_args, ldh), BF_NONE, offsetof(up_args, d), BF_NONE, "ldh"},
    {BF_IN, offsetof(up_args, h), offsetof(up_args, n), offsetof(up_args, d), offsetof(up_args, ldh), "h"},
    {BF_PTR, offsetof(up_args, y), BF_NONE, BF_NONE, BF_NONE, "y"},
    {BF_LABELS, offsetof(up_args, y), offsetof(up_args, n), offsetof(up_args, k), BF_NONE, "y"},
};

#endif
