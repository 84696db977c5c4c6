"""probe.py - builds the zero-copy probe: a tiny shared library exporting the
ncd_* symbols the package calls, which records the data addresses and leading
dimensions it receives (cc -shared -fPIC into a tmp dir). A test switches the
package to it with ncdyn.use_library and compares the recorded addresses with
the arrays' buffers: the proof, from the C side, that nothing was copied."""
import ctypes
import os
import shutil
import subprocess

PROBE_C = r"""
#include <stddef.h>
#include <stdint.h>
static const void *last[8];
static size_t lds[8];
const void *probe_ptr(int i) { return last[i]; }
size_t probe_ld(int i) { return lds[i]; }
void probe_reset(void) { for (int i = 0; i < 8; i++) { last[i] = 0; lds[i] = 0; } }
const char *ncd_strerror(int s) { (void)s; return "probe status"; }
int ncd_ghost_radius_bound(size_t n, size_t k, const double *a, size_t lda,
                           double *rho, size_t *arg) {
  (void)n; (void)k; last[0] = a; lds[0] = lda; *rho = 1.0; if (arg) *arg = 0; return 0;
}
int ncd_ghost_radius_bound_f32(size_t n, size_t k, const float *a, size_t lda,
                               double *rho, size_t *arg) {
  (void)n; (void)k; last[0] = a; lds[0] = lda; *rho = 2.0; if (arg) *arg = 0; return 0;
}
int ncd_nc_metrics(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                   const int32_t *y, const double *w, size_t ldw, const double *b,
                   double *out, size_t nout) {
  (void)n; (void)d; (void)k;
  last[0] = h; lds[0] = ldh; last[1] = y; last[2] = w; lds[2] = ldw; last[3] = b;
  for (size_t i = 0; i < nout; i++) out[i] = 0.0;
  return 0;
}
int ncd_nc_metrics_select(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                          const int32_t *y, const double *w, size_t ldw, const double *b,
                          const void *opt, uint64_t sel, double *out, size_t nout) {
  (void)n; (void)d; (void)k; (void)opt; (void)sel;
  last[0] = h; lds[0] = ldh; last[1] = y; last[2] = w; lds[2] = ldw; last[3] = b;
  for (size_t i = 0; i < nout; i++) out[i] = 0.0;
  return 0;
}
int ncd_nc_pairs(size_t n, size_t d, size_t k, const double *h, size_t ldh,
                 const int32_t *y, const double *w, size_t ldw, int c, int which, double p,
                 double *mean, double *var, double *vals) {
  (void)n; (void)d; (void)c; (void)which; (void)p;
  last[0] = h; lds[0] = ldh; last[1] = y; last[2] = w; lds[2] = ldw;
  *mean = 1.0; *var = 0.0;
  for (size_t i = 0; i < k * (k - 1) / 2; i++) vals[i] = 1.0;
  return 0;
}
int ncd_nrc_metrics(size_t n, size_t d, const double *h, size_t ldh, size_t m,
                    const double *t, size_t ldt, const double *wr, size_t ldwr, double lo,
                    double hi, unsigned flags, double out[4]) {
  (void)n; (void)d; (void)m; (void)lo; (void)hi; (void)flags;
  last[0] = h; lds[0] = ldh; last[2] = t; lds[2] = ldt; last[3] = wr; lds[3] = ldwr;
  for (int i = 0; i < 4; i++) out[i] = 0.0;
  return 0;
}
static int dummy;
int ncd_nc_acc_create(size_t d, size_t k, unsigned f, void **acc) {
  (void)d; (void)k; (void)f; *acc = &dummy; return 0;
}
void ncd_nc_acc_free(void *acc) { (void)acc; }
int ncd_nc_acc_update(void *acc, size_t n, const double *h, size_t ldh, const int32_t *y) {
  (void)acc; (void)n; last[0] = h; lds[0] = ldh; last[1] = y; return 0;
}
int ncd_nc_acc_update_f32(void *acc, size_t n, const float *h, size_t ldh,
                          const int32_t *y) {
  (void)acc; (void)n; last[0] = h; lds[0] = ldh; last[1] = y; return 0;
}
int ncd_softmax(size_t n, size_t k, const double *z, size_t ldz, double *p, size_t ldp) {
  (void)n; (void)k; last[0] = z; lds[0] = ldz; last[1] = p; lds[1] = ldp; return 0;
}
int ncd_ufm_create(size_t n, size_t d, size_t k, const int32_t *y, void **u) {
  (void)n; (void)d; (void)k; last[1] = y; *u = &dummy; return 0;
}
void ncd_ufm_free(void *u) { (void)u; }
int ncd_ufm_set(void *u, int p, double v) { (void)u; (void)p; (void)v; return 0; }
int ncd_ufm_get_stat(const void *u, int s, double *v) { (void)u; (void)s; *v = 0; return 0; }
int ncd_ufm_train(void *u, size_t steps, double *w, size_t ldw, double *h, size_t ldh,
                  double *b, void *cb, void *ctx) {
  (void)u; (void)steps; (void)cb; (void)ctx;
  last[0] = w; lds[0] = ldw; last[2] = h; lds[2] = ldh; last[3] = b; return 0;
}
"""


def build(tmpdir, source=None):
    """Path of the compiled probe library (PROBE_C, or the C text `source`), or
    None when no C compiler exists."""
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc:
        return None
    src = os.path.join(str(tmpdir), "probe.c")
    so = os.path.join(str(tmpdir), "libprobe.so")
    with open(src, "w") as f:
        f.write(PROBE_C if source is None else source)
    subprocess.run([cc, "-shared", "-fPIC", "-O0", "-o", so, src], check=True)
    return so


class Probe:
    def __init__(self, path):
        self.cdll = ctypes.CDLL(path)
        self.cdll.probe_ptr.restype = ctypes.c_void_p
        self.cdll.probe_ptr.argtypes = [ctypes.c_int]
        self.cdll.probe_ld.restype = ctypes.c_size_t
        self.cdll.probe_ld.argtypes = [ctypes.c_int]

    def ptr(self, i):
        return self.cdll.probe_ptr(i) or 0

    def ld(self, i):
        return self.cdll.probe_ld(i)

    def reset(self):
        self.cdll.probe_reset()
