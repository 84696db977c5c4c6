/*
 * status.c - library information: version string and status messages
 * (api.md "Library information").
 */
#include "core_internal.h"

#define NCD_STR2(x) #x
#define NCD_STR(x) NCD_STR2(x)

NCD_API const char *ncd_version_string(void) {
  return NCD_STR(NCD_VERSION_MAJOR) "." NCD_STR(NCD_VERSION_MINOR) "." NCD_STR(
      NCD_VERSION_PATCH);
}

NCD_API const char *ncd_strerror(int status) {
  switch (status) {
  case NCD_OK: return "success";
  case NCD_EINVAL:
    return "invalid argument (NULL pointer, zero or overflowing size, leading "
           "dimension too small, label out of range, or scalar out of range)";
  case NCD_ENONFINITE: return "NaN or infinity in input data";
  case NCD_ENOMEM: return "out of memory";
  case NCD_ESINGULAR:
    return "singular or rank-deficient problem (no unique solution)";
  case NCD_ENOTSUP: return "unsupported case";
  case NCD_ENOCONV: return "iteration did not converge";
  case NCD_EIO: return "input/output error";
  case NCD_EFORMAT: return "malformed, truncated or corrupt data";
  default: return "unknown status code";
  }
}
