/*
 * npy.c - parser of the `.npy` header (numpy's NEP 1 format, versions 1.0,
 * 2.0 and 3.0): magic "\x93NUMPY", major/minor version bytes, a little-endian
 * header length (2 bytes in 1.0, 4 bytes in 2.0/3.0) and a Python dict literal
 * {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), } padded with
 * spaces and a newline. Accepted descr: <f4 >f4 <f8 >f8 <i4 >i4 <i8 >i8 (and
 * '|' or '=' are rejected as ambiguous/unsupported); shapes (n,) and (n, d).
 * The data must hold at least prod(shape) * itemsize bytes after the header.
 */
#include "ncdyn/array.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *s;
  size_t i, n;
} cursor;

static void skip_ws(cursor *c) {
  while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' ||
                         c->s[c->i] == '\r'))
    c->i++;
}

static int peek(cursor *c) { return c->i < c->n ? (unsigned char)c->s[c->i] : -1; }

/* A quoted Python string (no escapes needed for our keys/values). */
static int parse_string(cursor *c, char *out, size_t cap) {
  int q = peek(c);
  if (q != '\'' && q != '"') return -1;
  c->i++;
  size_t len = 0;
  while (c->i < c->n && c->s[c->i] != q) {
    if (c->s[c->i] == '\\' || c->s[c->i] == '\0') return -1;
    if (len + 1 < cap) out[len] = c->s[c->i];
    len++;
    c->i++;
  }
  if (c->i >= c->n || len + 1 > cap) return -1;
  out[len] = '\0';
  c->i++;
  return 0;
}

static int match_word(cursor *c, const char *w) {
  size_t l = strlen(w);
  if (c->n - c->i >= l && memcmp(c->s + c->i, w, l) == 0) {
    c->i += l;
    return 1;
  }
  return 0;
}

int arr_open_npy(FILE *f, uint64_t size, arr_file *a, char *err) {
  unsigned char pre[12];
  if (size < 10 || fread(pre, 1, 10, f) != 10)
    return arr_fail(err, a, "truncated .npy preamble");
  if (memcmp(pre, "\x93NUMPY", 6) != 0) return arr_fail(err, a, "bad .npy magic");
  unsigned major = pre[6], minor = pre[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return arr_fail(err, a, "unsupported .npy format version %u.%u (1.0, 2.0, 3.0 are read)",
                    major, minor);
  uint64_t hlen, start;
  if (major == 1) {
    hlen = (uint64_t)pre[8] | (uint64_t)pre[9] << 8;
    start = 10;
  } else {
    if (size < 12 || fread(pre + 10, 1, 2, f) != 2)
      return arr_fail(err, a, "truncated .npy preamble");
    hlen = (uint64_t)pre[8] | (uint64_t)pre[9] << 8 | (uint64_t)pre[10] << 16 |
           (uint64_t)pre[11] << 24;
    start = 12;
  }
  if (hlen > ARR_MAX_NPY_HEADER)
    return arr_fail(err, a, "header length %" PRIu64 " exceeds the limit of %u bytes", hlen,
                    ARR_MAX_NPY_HEADER);
  if (start + hlen > size)
    return arr_fail(err, a, "truncated header: %" PRIu64 " header bytes announced, file has %" PRIu64,
                    hlen, size - start);
  char *h = malloc(hlen ? hlen : 1);
  if (!h) return arr_fail(err, a, "out of memory");
  if (fread(h, 1, hlen, f) != hlen) {
    free(h);
    return arr_fail(err, a, "read error in the header");
  }
  cursor c = {h, 0, hlen};
  char key[32], descr[32] = "";
  int have_descr = 0, have_fortran = 0, have_shape = 0, fortran = 0, ndim = 0;
  uint64_t shape[2] = {0, 0};
  const char *why = NULL;
  skip_ws(&c);
  if (peek(&c) != '{') {
    why = "header is not a dict literal";
    goto bad;
  }
  c.i++;
  for (;;) {
    skip_ws(&c);
    if (peek(&c) == '}') break;
    if (parse_string(&c, key, sizeof key) != 0) {
      why = "expected a quoted key in the header dict";
      goto bad;
    }
    skip_ws(&c);
    if (peek(&c) != ':') {
      why = "expected ':' after a key in the header dict";
      goto bad;
    }
    c.i++;
    skip_ws(&c);
    if (strcmp(key, "descr") == 0 && !have_descr) {
      if (parse_string(&c, descr, sizeof descr) != 0) {
        why = "'descr' is not a simple dtype string (structured dtypes are not supported)";
        goto bad;
      }
      have_descr = 1;
    } else if (strcmp(key, "fortran_order") == 0 && !have_fortran) {
      if (match_word(&c, "True")) fortran = 1;
      else if (match_word(&c, "False")) fortran = 0;
      else {
        why = "'fortran_order' is not True or False";
        goto bad;
      }
      have_fortran = 1;
    } else if (strcmp(key, "shape") == 0 && !have_shape) {
      if (peek(&c) != '(') {
        why = "'shape' is not a tuple";
        goto bad;
      }
      c.i++;
      for (;;) {
        skip_ws(&c);
        if (peek(&c) == ')') break;
        if (peek(&c) == '-') {
          why = "negative dimension in 'shape'";
          goto bad;
        }
        if (peek(&c) < '0' || peek(&c) > '9') {
          why = "'shape' holds something other than non-negative integers";
          goto bad;
        }
        uint64_t v = 0;
        while (peek(&c) >= '0' && peek(&c) <= '9') {
          if (v > ((uint64_t)1 << 62) / 10) {
            why = "dimension in 'shape' too large";
            goto bad;
          }
          v = v * 10 + (uint64_t)(peek(&c) - '0');
          c.i++;
        }
        if (peek(&c) == 'L') c.i++; /* Python 2 long */
        if (ndim < 2) shape[ndim] = v;
        ndim++;
        skip_ws(&c);
        if (peek(&c) == ',') c.i++;
        else if (peek(&c) != ')') {
          why = "malformed 'shape' tuple";
          goto bad;
        }
      }
      c.i++;
      have_shape = 1;
    } else {
      snprintf(descr, sizeof descr, "%.20s", key);
      free(h);
      return arr_fail(err, a, "unexpected or repeated key '%s' in the header dict", descr);
    }
    skip_ws(&c);
    if (peek(&c) == ',') c.i++;
    else if (peek(&c) != '}') {
      why = "expected ',' or '}' in the header dict";
      goto bad;
    }
  }
  c.i++;
  skip_ws(&c);
  if (c.i != c.n) {
    why = "trailing characters after the header dict";
    goto bad;
  }
  free(h);
  h = NULL;
  if (!have_descr || !have_fortran || !have_shape)
    return arr_fail(err, a, "header dict lacks the key '%s'",
                    !have_descr ? "descr" : !have_fortran ? "fortran_order" : "shape");
  if (strlen(descr) != 3 || (descr[0] != '<' && descr[0] != '>') ||
      (descr[1] != 'f' && descr[1] != 'i') || (descr[2] != '4' && descr[2] != '8'))
    return arr_fail(err, a,
                    "unsupported dtype '%s' (read: <f4 >f4 <f8 >f8 <i4 >i4 <i8 >i8)", descr);
  a->big_endian = descr[0] == '>';
  a->dtype = descr[1] == 'f' ? (descr[2] == '4' ? ARR_F32 : ARR_F64)
                             : (descr[2] == '4' ? ARR_I32 : ARR_I64);
  if (ndim == 0) return arr_fail(err, a, "0-d array (a scalar); expected shape (n,) or (n, d)");
  if (ndim > 2)
    return arr_fail(err, a, "array has %d dimensions; expected shape (n,) or (n, d)", ndim);
  a->ndim = ndim;
  a->fortran = fortran;
  a->rows = shape[0];
  a->cols = ndim == 2 ? shape[1] : 1;
  uint64_t bytes;
  if (a->rows == 0 || a->cols == 0)
    return arr_fail(err, a, "empty array: the shape has a zero dimension");
  if (arr_nbytes(a->rows, a->cols, arr_elsize(a->dtype), &bytes) != 0)
    return arr_fail(err, a, "shape too large");
  a->offset = start + hlen;
  if (size - a->offset < bytes)
    return arr_fail(err, a,
                    "truncated data: shape needs %" PRIu64 " bytes, file has %" PRIu64, bytes,
                    size - a->offset);
  return 0;
bad:
  free(h);
  return arr_fail(err, a, "malformed .npy header: %s", why);
}
