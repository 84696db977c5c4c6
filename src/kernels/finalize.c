/*
 * finalize.c - releases BLIS's internal pools (ncd__finalize) so that leak
 * checkers see a clean exit; tests call it at the end of main.
 */
#include <blis.h>

#include "kernels_internal.h"

void ncd__finalize(void) { bli_finalize(); }
