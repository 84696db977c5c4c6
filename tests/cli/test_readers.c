/*
 * test_readers.c - the ncdyn tool's array reader (tools/ncdyn/array.h):
 * round trips on .npy files written here in C for every format version
 * (1.0, 2.0, 3.0), dtype (<f4 >f4 <f8 >f8 <i4 >i4 <i8 >i8), memory order (C,
 * Fortran) and shape ((n, d), (n,)), read back in batches of several sizes;
 * files written by numpy itself (when python3-numpy is present); .safetensors
 * files (F32 F64 I32 I64, named and single tensors); and every class of
 * malformed input, each of which must give a message naming the file and a
 * nonzero return. Values are chosen exactly representable in float32, so
 * every comparison is exact.
 */
#include <math.h>

#include "../../tools/ncdyn/array.h"
#include "cli_util.h"

static double value(size_t i, size_t j, size_t cols, char kind) {
  double t = (double)(i * cols + j);
  return kind == 'f' ? t * 0.25 - 3.0 : t - 5.0;
}

static void check_file(const char *path, size_t rows, size_t cols, char kind, int ndim) {
  char err[ARR_ERRLEN];
  arr_file a;
  ck_assert_msg(arr_open(path, &a, err) == 0, "%s", err);
  ck_assert_uint_eq(a.rows, rows);
  ck_assert_uint_eq(a.cols, cols);
  ck_assert_int_eq(a.ndim, ndim);
  const size_t batches[] = {1, 7, rows};
  double *d = malloc(rows * cols * sizeof *d);
  int32_t *y = malloc(rows * cols * sizeof *y);
  for (size_t bi = 0; bi < 3; bi++) {
    size_t b = batches[bi];
    for (size_t r0 = 0; r0 < rows; r0 += b) {
      size_t m = rows - r0 < b ? rows - r0 : b;
      if (kind == 'f') {
        ck_assert_msg(arr_read_f64(&a, r0, m, d + r0 * cols, err) == 0, "%s", err);
        ck_assert_int_ne(arr_read_i32(&a, r0, m, y, err), 0); /* floats are not labels */
      } else {
        ck_assert_msg(arr_read_i32(&a, r0, m, y + r0 * cols, err) == 0, "%s", err);
        ck_assert_int_ne(arr_read_f64(&a, r0, m, d, err), 0);
      }
    }
    for (size_t i = 0; i < rows; i++)
      for (size_t j = 0; j < cols; j++) {
        double want = value(i, j, cols, kind);
        double got = kind == 'f' ? d[i * cols + j] : (double)y[i * cols + j];
        ck_assert_msg(got == want, "%s (%zu,%zu): %g != %g", path, i, j, got, want);
      }
  }
  /* reading past the end is an error, not a crash */
  ck_assert_int_ne(arr_read_f64(&a, rows, 1, d, err), 0);
  free(d);
  free(y);
  arr_close(&a);
}

START_TEST(npy_round_trips) {
  char dir[64], path[128];
  cu_tmpdir(dir, sizeof dir);
  const size_t rows = 37;
  int files = 0;
  for (int major = 1; major <= 3; major++)
    for (int kt = 0; kt < 4; kt++)
      for (int big = 0; big <= 1; big++)
        for (int fortran = 0; fortran <= 1; fortran++)
          for (int ndim = 1; ndim <= 2; ndim++) {
            char kind = kt < 2 ? 'f' : 'i';
            int es = kt % 2 ? 8 : 4;
            size_t cols = ndim == 2 ? 5 : 1;
            double *v = malloc(rows * cols * sizeof *v);
            for (size_t i = 0; i < rows; i++)
              for (size_t j = 0; j < cols; j++) v[i * cols + j] = value(i, j, cols, kind);
            snprintf(path, sizeof path, "%s/a%d.npy", dir, files++);
            cu_write_npy(path, major, kind, es, big, fortran, ndim, rows, cols, v);
            check_file(path, rows, cols, kind, ndim);
            free(v);
          }
  ck_assert_int_eq(files, 96);
  cu_rmdir(dir);
}
END_TEST

START_TEST(npy_int64_out_of_int32) {
  char dir[64], path[128], err[ARR_ERRLEN];
  cu_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/y.npy", dir);
  double v[3] = {0, 4294967296.0, 1};
  cu_write_npy(path, 1, 'i', 8, 0, 0, 1, 3, 1, v);
  arr_file a;
  ck_assert_int_eq(arr_open(path, &a, err), 0);
  int32_t y[3];
  ck_assert_int_ne(arr_read_i32(&a, 0, 3, y, err), 0);
  ck_assert_ptr_nonnull(strstr(err, "int32"));
  arr_close(&a);
  cu_rmdir(dir);
}
END_TEST

/* Files written by numpy: every version, dtype, byte order, memory order. */
START_TEST(numpy_written_files) {
  const char *py = cu_numpy_python();
  if (!py) {
    fprintf(stderr, "cli: python3-numpy absent, numpy round trips skipped\n");
    return;
  }
  char dir[64], cmd[2048], path[160];
  cu_tmpdir(dir, sizeof dir);
  snprintf(cmd, sizeof cmd,
           "%s -c \""
           "import numpy as np\n"
           "from numpy.lib import format as F\n"
           "i=0\n"
           "for ver in [(1,0),(2,0),(3,0)]:\n"
           "  for dt in ['<f4','>f4','<f8','>f8','<i4','>i4','<i8','>i8']:\n"
           "    for order in 'CF':\n"
           "      for nd in (1,2):\n"
           "        cols=5 if nd==2 else 1\n"
           "        t=np.arange(37*cols,dtype=np.float64).reshape(37,cols)\n"
           "        v=(t*0.25-3.0) if dt[1]=='f' else (t-5.0)\n"
           "        a=np.array(v.reshape(37) if nd==1 else v,dtype=dt,order=order)\n"
           "        with open('%s/n%%d.npy'%%i,'wb') as f: F.write_array(f,a,version=ver)\n"
           "        i+=1\n"
           "np.save('%s/plain.npy', np.arange(12, dtype=np.float64).reshape(4,3)*0.25-3.0)\n"
           "\"",
           py, dir, dir);
  ck_assert_int_eq(system(cmd), 0);
  int i = 0;
  for (int major = 1; major <= 3; major++)
    for (int kt = 0; kt < 8; kt++)
      for (int order = 0; order < 2; order++)
        for (int nd = 1; nd <= 2; nd++) {
          snprintf(path, sizeof path, "%s/n%d.npy", dir, i++);
          check_file(path, 37, nd == 2 ? 5 : 1, kt < 4 ? 'f' : 'i', nd);
        }
  snprintf(path, sizeof path, "%s/plain.npy", dir);
  check_file(path, 4, 3, 'f', 2);
  cu_rmdir(dir);
}
END_TEST

START_TEST(safetensors_round_trips) {
  char dir[64], path[160], spec[200], json[512];
  cu_tmpdir(dir, sizeof dir);
  const size_t rows = 9, cols = 4;
  const char *dts[4] = {"F32", "F64", "I32", "I64"};
  for (int kt = 0; kt < 4; kt++)
    for (int nd = 1; nd <= 2; nd++) {
      char kind = kt < 2 ? 'f' : 'i';
      int es = kt % 2 ? 8 : 4;
      size_t c = nd == 2 ? cols : 1, bytes = rows * c * (size_t)es;
      /* tensor "pad" first (8 bytes), then "x" */
      unsigned char *data = calloc(8 + bytes, 1);
      for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < c; j++)
          cu_put(data + 8 + (i * c + j) * (size_t)es, value(i, j, c, kind), kind, es, 0);
      char shape[32];
      if (nd == 2) snprintf(shape, sizeof shape, "[%zu, %zu]", rows, c);
      else snprintf(shape, sizeof shape, "[%zu]", rows);
      snprintf(json, sizeof json,
               "{\"__metadata__\": {\"format\": \"pt\"}, \"pad\": {\"dtype\": \"F64\", "
               "\"shape\": [1], \"data_offsets\": [0, 8]}, \"x\": {\"dtype\": \"%s\", "
               "\"shape\": %s, \"data_offsets\": [8, %zu]}}  ",
               dts[kt], shape, 8 + bytes);
      snprintf(path, sizeof path, "%s/t%d%d.safetensors", dir, kt, nd);
      cu_write_st(path, json, data, 8 + bytes);
      snprintf(spec, sizeof spec, "%s:x", path);
      check_file(spec, rows, c, kind, nd);
      /* two tensors and no name: an error that lists them */
      char err[ARR_ERRLEN];
      arr_file a;
      ck_assert_int_ne(arr_open(path, &a, err), 0);
      ck_assert_ptr_nonnull(strstr(err, "pad, x"));
      /* one tensor: no name needed */
      snprintf(json, sizeof json, "{\"x\": {\"dtype\": \"%s\", \"shape\": %s, "
               "\"data_offsets\": [0, %zu]}}", dts[kt], shape, bytes);
      snprintf(path, sizeof path, "%s/s%d%d.safetensors", dir, kt, nd);
      cu_write_st(path, json, data + 8, bytes);
      check_file(path, rows, c, kind, nd);
      free(data);
    }
  cu_rmdir(dir);
}
END_TEST

/* Writes a .npy preamble (version major.minor), header text and `data` bytes. */
static void npy_case(const char *path, int major, int minor, const char *hdr, size_t data) {
  size_t pre = major == 1 ? 10 : 12, hl = strlen(hdr);
  unsigned char *buf = calloc(pre + hl + data + 1, 1);
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (unsigned char)major;
  buf[7] = (unsigned char)minor;
  for (size_t i = 0; i < pre - 8; i++) buf[8 + i] = (unsigned char)(hl >> (8 * i));
  memcpy(buf + pre, hdr, hl);
  cu_write_raw(path, buf, pre + hl + data);
  free(buf);
}

static void expect_fail(const char *spec, const char *needle) {
  char err[ARR_ERRLEN] = "";
  arr_file a;
  int rc = arr_open(spec, &a, err);
  if (rc == 0) { /* header fine: the data read must fail */
    double buf[64];
    rc = a.rows ? arr_read_f64(&a, 0, 1, buf, err) : 0;
    arr_close(&a);
  }
  ck_assert_msg(rc != 0, "%s: accepted (wanted '%s')", spec, needle);
  ck_assert_msg(strstr(err, needle) != NULL, "%s: message '%s' lacks '%s'", spec, err, needle);
}

#define GOOD "'descr': '<f8', 'fortran_order': False, "

START_TEST(npy_malformed) {
  char dir[64], p[160];
  cu_tmpdir(dir, sizeof dir);
  struct { int major, minor; const char *hdr; size_t data; const char *needle; } cs[] = {
      {1, 0, "{" GOOD "'shape': (2, 3), }\n", 48, ""},           /* control: valid */
      {4, 0, "{" GOOD "'shape': (2, 3), }\n", 48, "version 4.0"},
      {1, 1, "{" GOOD "'shape': (2, 3), }\n", 48, "version 1.1"},
      {1, 0, "[1, 2, 3]\n", 0, "not a dict"},
      {1, 0, "{'fortran_order': False, 'shape': (2, 3), }\n", 48, "'descr'"},
      {1, 0, "{'descr': '<f8', 'shape': (2, 3), }\n", 48, "'fortran_order'"},
      {1, 0, "{" GOOD "}\n", 48, "'shape'"},
      {1, 0, "{" GOOD "'shape': (2, 3), 'extra': 1}\n", 48, "'extra'"},
      {1, 0, "{" GOOD "'shape': (2, 3), 'shape': (2, 3)}\n", 48, "repeated"},
      {1, 0, "{" GOOD "'shape': (2, 3), }\n", 47, "truncated data"},
      {1, 0, "{" GOOD "'shape': (2, 3), }\n", 0, "truncated data"},
      {1, 0, "{" GOOD "'shape': (-2, 3), }\n", 48, "negative"},
      {1, 0, "{" GOOD "'shape': (1099511627776, 1099511627776), }\n", 48, "too large"},
      {1, 0, "{" GOOD "'shape': (99999999999999999999999, 3), }\n", 48, "too large"},
      {1, 0, "{" GOOD "'shape': (2, 3, 4), }\n", 192, "3 dimensions"},
      /* fuzz finding (fuzz_npy, hang): 2^62 rows of 0 columns made a reader of
         all rows loop ~2^62 times on an empty file; empty arrays are refused */
      {1, 0, "{" GOOD "'shape': (4611686018427387904, 0), }\n", 0, "empty array"},
      {1, 0, "{" GOOD "'shape': (0,), }\n", 0, "empty array"},
      {1, 0, "{" GOOD "'shape': (), }\n", 8, "0-d"},
      {1, 0, "{" GOOD "'shape': 6, }\n", 48, "not a tuple"},
      {1, 0, "{" GOOD "'shape': (2.5, 3), }\n", 48, "shape"},
      {1, 0, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n", 4, "dtype '<f2'"},
      {1, 0, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }\n", 2, "dtype '|u1'"},
      {1, 0, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }\n", 32, "dtype"},
      {1, 0, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }\n", 16,
       "structured"},
      {1, 0, "{'descr': '<f8', 'fortran_order': maybe, 'shape': (2,), }\n", 16, "True or False"},
      {1, 0, "{" GOOD "'shape': (2, 3), } junk\n", 48, "trailing"},
      {1, 0, "{" GOOD "'shape': (2, 3)\n", 48, "expected ','"},
      {1, 0, "{'descr: '<f8'}\n", 0, "malformed"},
      {2, 0, "{" GOOD "'shape': (2, 3), }\n", 48, ""},
      {3, 0, "{" GOOD "'shape': (2, 3), }\n", 48, ""},
  };
  size_t ncase = sizeof cs / sizeof cs[0];
  for (size_t i = 0; i < ncase; i++) {
    snprintf(p, sizeof p, "%s/m%zu.npy", dir, i);
    npy_case(p, cs[i].major, cs[i].minor, cs[i].hdr, cs[i].data);
    if (!cs[i].needle[0]) { /* controls must open */
      char err[ARR_ERRLEN];
      arr_file a;
      ck_assert_msg(arr_open(p, &a, err) == 0, "%s", err);
      arr_close(&a);
    } else {
      expect_fail(p, cs[i].needle);
      expect_fail(p, p); /* the message names the file */
    }
  }
  /* header length past the end, huge header length, short files, bad magic */
  unsigned char b[16] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0xff, 0x7f, '{'};
  snprintf(p, sizeof p, "%s/hl.npy", dir);
  cu_write_raw(p, b, 11);
  expect_fail(p, "truncated header");
  unsigned char h2[16] = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0xff, 0xff, 0xff, 0xff, '{'};
  cu_write_raw(p, h2, 13);
  expect_fail(p, "exceeds the limit");
  cu_write_raw(p, h2, 9);
  expect_fail(p, "truncated");
  cu_write_raw(p, "", 0);
  expect_fail(p, "too short");
  cu_write_raw(p, "\x93NUMPZ\x01\x00\x00\x00{}", 12);
  expect_fail(p, "bad magic");
  snprintf(p, sizeof p, "%s/none.npy", dir);
  expect_fail(p, "cannot open");
  expect_fail(dir, "is a directory");
  cu_rmdir(dir);
}
END_TEST

START_TEST(safetensors_malformed) {
  char dir[64], p[160], spec[200];
  cu_tmpdir(dir, sizeof dir);
  unsigned char data[64] = {0};
  struct { const char *json; size_t data; const char *tensor, *needle; } cs[] = {
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [2, 3], \"data_offsets\": [0, 48]}}", 48, "x", ""},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [2, 3], \"data_offsets\": [0, 48]}", 48, "x", "JSON"},
      {"[1, 2]     ", 0, "x", "not an object"},
      {"{\"x\": 5}", 0, "x", "not a JSON object"},
      {"{\"x\": {\"shape\": [2, 3], \"data_offsets\": [0, 48]}}", 48, "x", "'dtype'"},
      {"{\"x\": {\"dtype\": \"F64\", \"data_offsets\": [0, 48]}}", 48, "x", "'shape'"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [2, 3]}}", 48, "x", "'data_offsets'"},
      {"{\"x\": {\"dtype\": \"BF16\", \"shape\": [2, 3], \"data_offsets\": [0, 12]}}", 12, "x", "BF16"},
      {"{\"x\": {\"dtype\": 3, \"shape\": [2, 3], \"data_offsets\": [0, 48]}}", 48, "x", "not a string"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [2, 4], \"data_offsets\": [0, 48]}}", 48, "x", "span 48"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [2, 3], \"data_offsets\": [0, 48]}}", 40, "x", "past the end"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [2, 3], \"data_offsets\": [48, 0]}}", 48, "x", "begin"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [-2, 3], \"data_offsets\": [0, 48]}}", 48, "x", "negative"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [2.0, 3], \"data_offsets\": [0, 48]}}", 48, "x", "integers"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [4611686018427387904, 4611686018427387904], "
       "\"data_offsets\": [0, 48]}}", 48, "x", "too large"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [99999999999999999999999], \"data_offsets\": [0, 8]}}",
       8, "x", "JSON"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [1, 1, 1], \"data_offsets\": [0, 8]}}", 8, "x", "3 dimensions"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [], \"data_offsets\": [0, 8]}}", 8, "x", "0-d"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [4611686018427387904, 0], \"data_offsets\": [0, 0]}}",
       0, "x", "empty tensor"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0]}}", 8, "x", "two integers"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}, "
       "\"x\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", 8, "x", "JSON"},
      {"{\"x\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", 8, "y", "no tensor 'y'"},
      {"{\"__metadata__\": {}, \"x\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}",
       8, "__metadata__", "not a tensor"},
      {"{\"__metadata__\": 3, \"x\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}",
       8, "x", "'__metadata__'"},
      {"{}", 0, NULL, "holds 0 tensors"},
  };
  size_t ncase = sizeof cs / sizeof cs[0];
  for (size_t i = 0; i < ncase; i++) {
    snprintf(p, sizeof p, "%s/m%zu.safetensors", dir, i);
    cu_write_st(p, cs[i].json, data, cs[i].data);
    if (cs[i].tensor) snprintf(spec, sizeof spec, "%s:%s", p, cs[i].tensor);
    else snprintf(spec, sizeof spec, "%s", p);
    if (!cs[i].needle[0]) {
      char err[ARR_ERRLEN];
      arr_file a;
      ck_assert_msg(arr_open(spec, &a, err) == 0, "%s", err);
      arr_close(&a);
    } else {
      expect_fail(spec, cs[i].needle);
      expect_fail(spec, p);
    }
  }
  /* header length: huge, past EOF, short file */
  unsigned char b[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '{', '}'};
  snprintf(p, sizeof p, "%s/h.safetensors", dir);
  cu_write_raw(p, b, 10);
  expect_fail(p, "exceeds the limit");
  unsigned char c[16] = {100, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
  cu_write_raw(p, c, 10);
  expect_fail(p, "truncated header");
  cu_write_raw(p, c, 5);
  expect_fail(p, "truncated");
  snprintf(spec, sizeof spec, "%s:", p);
  expect_fail(spec, "empty tensor name");
  cu_rmdir(dir);
}
END_TEST

Suite *suite_cli_readers(void) {
  Suite *s = suite_create("cli_readers");
  TCase *tc = tcase_create("readers");
  tcase_add_test(tc, npy_round_trips);
  tcase_add_test(tc, npy_int64_out_of_int32);
  tcase_add_test(tc, numpy_written_files);
  tcase_add_test(tc, safetensors_round_trips);
  tcase_add_test(tc, npy_malformed);
  tcase_add_test(tc, safetensors_malformed);
  suite_add_tcase(s, tc);
  return s;
}
