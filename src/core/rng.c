/*
 * rng.c - the portable random generator of spec/init.md section 2.3:
 * SplitMix64 (I-9) seeding xoshiro256** (I-10), uniform doubles, the portable
 * log (I-11) and Marsaglia-polar normals (I-12). Same seed, same bits on every
 * IEEE-754 platform: the library is compiled with -ffp-contract=off and only
 * sqrt and frexp come from libm.
 */
#include <float.h>
#include <math.h>

#include "core_internal.h"

_Static_assert(FLT_EVAL_METHOD == 0, "the portable RNG needs FLT_EVAL_METHOD == 0");

uint64_t ncd__splitmix64(uint64_t *x) {
  *x += 0x9E3779B97F4A7C15ull;
  uint64_t z = *x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void ncd__rng_seed(ncd__rng *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) r->s[i] = ncd__splitmix64(&x);
  r->spare = 0.0;
  r->has_spare = 0;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t ncd__rng_next(ncd__rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double ncd__rng_uniform(ncd__rng *r) {
  return (double)(ncd__rng_next(r) >> 11) * 0x1.0p-53;
}

double ncd__portable_log(double x) {
  int e;
  double f = frexp(x, &e);
  if (f < 0x1.6a09e667f3bcdp-1) {
    f = 2.0 * f;
    e = e - 1;
  }
  double t = (f - 1.0) / (f + 1.0);
  double t2 = t * t;
  double p = 1.0 / 23.0;
  for (int i = 10; i >= 0; i--) p = p * t2 + 1.0 / (double)(2 * i + 1);
  const double ln2 = 0x1.62e42fefa39efp-1;
  return ((double)e * ln2) + ((2.0 * t) * p);
}

double ncd__rng_normal(ncd__rng *r) {
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  double u, v, s;
  do {
    u = 2.0 * ncd__rng_uniform(r) - 1.0;
    v = 2.0 * ncd__rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (!(s > 0.0 && s < 1.0));
  double f = sqrt((-2.0 * ncd__portable_log(s)) / s);
  r->spare = v * f;
  r->has_spare = 1;
  return u * f;
}
