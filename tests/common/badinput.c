/*
 * badinput.c - the table-driven bad-input engine (see badinput.h).
 */
#include "common/badinput.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ncdyn.h"

#define STATE_CAP (1u << 20)

static size_t get_size(const void *args, size_t off) {
  size_t v;
  if (off == BF_NONE) return 1;
  memcpy(&v, (const char *)args + off, sizeof v);
  return v;
}
static void set_size(void *args, size_t off, size_t v) { memcpy((char *)args + off, &v, sizeof v); }
static void *get_ptr(const void *args, size_t off) {
  void *p;
  memcpy(&p, (const char *)args + off, sizeof p);
  return p;
}
static void set_ptr(void *args, size_t off, const void *p) { memcpy((char *)args + off, &p, sizeof p); }
static void set_double(void *args, size_t off, double v) { memcpy((char *)args + off, &v, sizeof v); }

typedef struct {
  const ncd_bf_spec *spec;
  void *valid;
  unsigned char *state0, *state1;
  size_t len0;
  int count;
} ctx_t;

static void expect(ctx_t *c, void *args, int want, const char *field, const char *what) {
  int got = c->spec->call(args);
  c->count++;
  ck_assert_msg(got == want, "%s: %s %s returned %d (%s), expected %d (%s)", c->spec->function,
                field, what, got, ncd_strerror(got), want, ncd_strerror(want));
  if (c->spec->state) {
    size_t len1 = c->spec->state(c->valid, c->state1, STATE_CAP); /* the original object */
    ck_assert_msg(len1 == c->len0 && memcmp(c->state0, c->state1, len1) == 0,
                  "%s: %s %s changed the opaque object's state", c->spec->function, field, what);
  }
}

static void mutate_data(ctx_t *c, const ncd_bf_field *f, void *args) {
  size_t rows = f->type == BF_VEC ? 1 : get_size(c->valid, f->rows);
  size_t cols = get_size(c->valid, f->cols);
  size_t ld = f->type == BF_VEC ? cols : get_size(c->valid, f->ld);
  size_t count = (rows - 1) * ld + cols;
  size_t elem = f->type == BF_IN32 ? sizeof(float) : sizeof(double);
  const void *orig = get_ptr(c->valid, f->off);
  unsigned char *copy = malloc(count * elem);
  const double bad[3] = {NAN, INFINITY, -INFINITY};
  const char *names[3] = {"= NaN", "= +Inf", "= -Inf"};
  size_t where[2] = {0, count - 1};
  for (int w = 0; w < 2; w++)
    for (int b = 0; b < 3; b++) {
      memcpy(copy, orig, count * elem);
      if (elem == sizeof(float)) {
        float v = (float)bad[b];
        memcpy(copy + where[w] * elem, &v, elem);
      } else {
        memcpy(copy + where[w] * elem, &bad[b], elem);
      }
      memcpy(args, c->valid, c->spec->args_size);
      set_ptr(args, f->off, copy);
      expect(c, args, NCD_ENONFINITE, f->name, names[b]);
    }
  free(copy);
}

static void mutate_labels(ctx_t *c, const ncd_bf_field *f, void *args) {
  size_t n = get_size(c->valid, f->rows), k = get_size(c->valid, f->cols);
  size_t elem = f->type == BF_LABELS64 ? 8 : 4;
  const void *orig = get_ptr(c->valid, f->off);
  unsigned char *copy = malloc(n * elem);
  int64_t vals[2] = {-1, (int64_t)k};
  const char *names[2] = {"= -1", "= k"};
  for (int v = 0; v < 2; v++)
    for (size_t pos = 0; pos < n; pos += (n > 1 ? n - 1 : 1)) {
      memcpy(copy, orig, n * elem);
      if (elem == 4) {
        int32_t x = (int32_t)vals[v];
        memcpy(copy + pos * 4, &x, 4);
      } else {
        memcpy(copy + pos * 8, &vals[v], 8);
      }
      memcpy(args, c->valid, c->spec->args_size);
      set_ptr(args, f->off, copy);
      expect(c, args, NCD_EINVAL, f->name, names[v]);
      if (n == 1) break;
    }
  free(copy);
}

int ncd_bf_run(const ncd_bf_spec *spec, void *valid) {
  ctx_t c = {spec, valid, NULL, NULL, 0, 0};
  void *args = malloc(spec->args_size);
  if (spec->state) {
    c.state0 = malloc(STATE_CAP);
    c.state1 = malloc(STATE_CAP);
  }
  memcpy(args, valid, spec->args_size);
  int st = spec->call(args);
  ck_assert_msg(st == NCD_OK, "%s: the valid call returned %d (%s)", spec->function, st,
                ncd_strerror(st));
  if (spec->state) c.len0 = spec->state(valid, c.state0, STATE_CAP);
  for (size_t i = 0; i < spec->nfields; i++) {
    const ncd_bf_field *f = &spec->fields[i];
    memcpy(args, valid, spec->args_size);
    switch (f->type) {
    case BF_PTR:
      set_ptr(args, f->off, NULL);
      expect(&c, args, NCD_EINVAL, f->name, "= NULL");
      break;
    case BF_SIZE:
      set_size(args, f->off, 0);
      expect(&c, args, NCD_EINVAL, f->name, "= 0");
      break;
    case BF_DIM:
      set_size(args, f->off, 0);
      expect(&c, args, NCD_EINVAL, f->name, "= 0");
      memcpy(args, valid, spec->args_size);
      set_size(args, f->off, SIZE_MAX);
      expect(&c, args, NCD_EINVAL, f->name, "= SIZE_MAX");
      memcpy(args, valid, spec->args_size);
      set_size(args, f->off, SIZE_MAX / 2 + 1);
      expect(&c, args, NCD_EINVAL, f->name, "= SIZE_MAX/2+1");
      break;
    case BF_K2:
      for (size_t v = 0; v < 2; v++) {
        memcpy(args, valid, spec->args_size);
        set_size(args, f->off, v);
        expect(&c, args, NCD_EINVAL, f->name, v ? "= 1" : "= 0");
      }
      memcpy(args, valid, spec->args_size);
      set_size(args, f->off, SIZE_MAX);
      expect(&c, args, NCD_EINVAL, f->name, "= SIZE_MAX");
      break;
    case BF_LD:
      set_size(args, f->off, get_size(valid, f->cols) - 1);
      expect(&c, args, NCD_EINVAL, f->name, "= cols - 1");
      break;
    case BF_IN:
    case BF_IN32:
    case BF_VEC:
      mutate_data(&c, f, args);
      break;
    case BF_LABELS:
    case BF_LABELS64:
      mutate_labels(&c, f, args);
      break;
    case BF_SCALAR:
    case BF_SCALAR_POS:
    case BF_SCALAR_NONNEG: {
      double bad[5] = {NAN, INFINITY, -INFINITY, 0.0, -1.0};
      const char *names[5] = {"= NaN", "= +Inf", "= -Inf", "= 0", "= -1"};
      int nb = f->type == BF_SCALAR ? 3 : f->type == BF_SCALAR_POS ? 5 : 3;
      for (int b = 0; b < nb; b++) {
        memcpy(args, valid, spec->args_size);
        set_double(args, f->off, bad[b]);
        expect(&c, args, NCD_EINVAL, f->name, names[b]);
      }
      if (f->type == BF_SCALAR_NONNEG) {
        memcpy(args, valid, spec->args_size);
        set_double(args, f->off, -1e-300);
        expect(&c, args, NCD_EINVAL, f->name, "= -1e-300");
      }
      break;
    }
    }
  }
  free(args);
  free(c.state0);
  free(c.state1);
  return c.count;
}
