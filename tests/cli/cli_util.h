/*
 * cli_util.h - helpers of the tests/cli suite: writers of .npy files (every
 * version, dtype, byte order and memory order) and .safetensors files,
 * independent of the tool's reader, a temporary directory, and a runner of
 * the built tool ($NCD_TOOL) that captures stdout, stderr and the exit code.
 */
#ifndef NCDYN_TESTS_CLI_UTIL_H
#define NCDYN_TESTS_CLI_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/testutil.h"

/* Stores v (row-major rows x cols) as one element of the dtype: 'f' or 'i', es 4/8. */
static inline void cu_put(unsigned char *dst, double v, char kind, int es, int big) {
  unsigned char b[8];
  if (kind == 'f' && es == 4) { float x = (float)v; memcpy(b, &x, 4); }
  else if (kind == 'f') memcpy(b, &v, 8);
  else if (es == 4) { int32_t x = (int32_t)v; memcpy(b, &x, 4); }
  else { int64_t x = (int64_t)v; memcpy(b, &x, 8); }
  const uint16_t one = 1;
  unsigned char le;
  memcpy(&le, &one, 1);
  int swap = (le == 1) == big; /* host little and file big, or the reverse */
  for (int j = 0; j < es; j++) dst[j] = b[swap ? es - 1 - j : j];
}

/* Writes an .npy file; ndim 1 writes shape (rows,) (cols must be 1). */
static inline void cu_write_npy(const char *path, int major, char kind, int es, int big,
                                int fortran, int ndim, size_t rows, size_t cols,
                                const double *v) {
  char dict[256];
  if (ndim == 1)
    snprintf(dict, sizeof dict, "{'descr': '%c%c%d', 'fortran_order': %s, 'shape': (%zu,), }",
             big ? '>' : '<', kind, es, fortran ? "True" : "False", rows);
  else
    snprintf(dict, sizeof dict, "{'descr': '%c%c%d', 'fortran_order': %s, 'shape': (%zu, %zu), }",
             big ? '>' : '<', kind, es, fortran ? "True" : "False", rows, cols);
  size_t pre = major == 1 ? 10 : 12, hl = strlen(dict) + 1;
  while ((pre + hl) % 64) hl++;
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  unsigned char p[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', (unsigned char)major, 0};
  p[8] = (unsigned char)(hl & 255);
  p[9] = (unsigned char)(hl >> 8 & 255);
  p[10] = (unsigned char)(hl >> 16 & 255);
  p[11] = (unsigned char)(hl >> 24 & 255);
  fwrite(p, 1, pre, f);
  fputs(dict, f);
  for (size_t i = strlen(dict); i + 1 < hl; i++) fputc(' ', f);
  fputc('\n', f);
  unsigned char e[8];
  for (size_t t = 0; t < rows * cols; t++) {
    size_t i = fortran ? t % rows : t / cols, j = fortran ? t / rows : t % cols;
    cu_put(e, v[i * cols + j], kind, es, big);
    fwrite(e, 1, (size_t)es, f);
  }
  ck_assert_int_eq(fclose(f), 0);
}

/* Writes bytes to a file. */
static inline void cu_write_raw(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  if (len) ck_assert_uint_eq(fwrite(data, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

/* Writes a .safetensors file with one header JSON and a data buffer. */
static inline void cu_write_st(const char *path, const char *json, const void *data,
                               size_t len) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  uint64_t n = strlen(json);
  unsigned char p[8];
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(n >> (8 * i));
  fwrite(p, 1, 8, f);
  fputs(json, f);
  if (len) fwrite(data, 1, len, f);
  ck_assert_int_eq(fclose(f), 0);
}

/* A fresh temporary directory (removed by cu_rmdir). */
static inline void cu_tmpdir(char *dir, size_t cap) {
  snprintf(dir, cap, "/tmp/ncdyn_cli_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}
static inline void cu_rmdir(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* Runs "$NCD_TOOL ARGS" through the shell; stdout into out (cap bytes), stderr
 * into err; returns the exit code (or 128 + signal). */
static inline int cu_run_env(const char *env, const char *args, char *out, size_t cap,
                             char *err, size_t ecap);
static inline int cu_run(const char *args, char *out, size_t cap, char *err, size_t ecap) {
  return cu_run_env("", args, out, cap, err, ecap);
}
/* As cu_run with environment assignments `env` ("NAME=VALUE ...", may be ""). */
static inline int cu_run_env(const char *env, const char *args, char *out, size_t cap,
                             char *err, size_t ecap) {
  const char *tool = getenv("NCD_TOOL");
  ck_assert_msg(tool && *tool, "NCD_TOOL is not set");
  char ef[64];
  snprintf(ef, sizeof ef, "/tmp/ncdyn_cli_err_%d", (int)getpid());
  size_t clen = strlen(env) + strlen(tool) + strlen(args) + 128;
  char *cmd = malloc(clen);
  snprintf(cmd, clen, "%s%s%s'%s' %s 2>%s", *env ? "env " : "", env, *env ? " " : "", tool,
           args, ef);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t got = 0;
  int ch;
  while ((ch = fgetc(p)) != EOF)
    if (out && got + 1 < cap) out[got++] = (char)ch;
  if (out) out[got] = '\0';
  int st = pclose(p);
  free(cmd);
  FILE *e = fopen(ef, "r");
  size_t eg = 0;
  if (e) {
    while ((ch = fgetc(e)) != EOF)
      if (err && eg + 1 < ecap) err[eg++] = (char)ch;
    fclose(e);
  }
  if (err) err[eg] = '\0';
  remove(ef);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return WEXITSTATUS(st);
}

/* Peak resident size (KiB) of one run of "$NCD_TOOL ARGS" (stdout discarded),
 * measured by the kernel for the child; the run must exit 0. ASan builds get a
 * small quarantine, so freed per-batch workspaces are reused (the default
 * 256 MiB quarantine would show up as resident growth). */
static inline long cu_peak_rss_kib(const char *args) {
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    char cmd[800];
    snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=1 exec '%s' %s >/dev/null",
             getenv("NCD_TOOL"), args);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  int st;
  struct rusage ru;
  ck_assert_int_eq(wait4(pid, &st, 0, &ru), pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "tool failed: %s", args);
  return ru.ru_maxrss;
}

/* A python3 that imports numpy ("python3" on PATH, else Debian's
 * /usr/bin/python3), or NULL. */
static inline const char *cu_numpy_python(void) {
  if (system("python3 -c 'import numpy' >/dev/null 2>&1") == 0) return "python3";
  if (system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0) return "/usr/bin/python3";
  return NULL;
}

#endif
