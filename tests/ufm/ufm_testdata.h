/*
 * ufm_testdata.h - shared data of the UFM suites: the test point of
 * spec/ufm.md section 9 (N = 6, K = 3, d = 4) and small helpers.
 */
#ifndef NCD_UFM_TESTDATA_H
#define NCD_UFM_TESTDATA_H

#include <stdint.h>

static const int32_t UFM9_Y[6] = {2, 0, 1, 1, 0, 2};
static const double UFM9_H[24] = {0.5,   -1.25, 0.75,  0.25,  1.0,  0.5,  -0.5,  0.125,
                                  -0.75, 0.25,  1.25,  -1.0,  0.375, -0.5, 1.0,   0.75,
                                  1.5,   0.25,  -0.25, -0.625, -0.25, -1.0, 0.5,  1.125};
static const double UFM9_W[12] = {0.75, 0.5,    -0.25, 0.125, -0.5, 1.0,
                                  0.375, -0.75, 0.25,  -0.625, 1.25, 0.5};
static const double UFM9_B[3] = {0.125, -0.0625, 0.25};
#define UFM9_LW 0.03125
#define UFM9_LH 0.015625
#define UFM9_LB 0.0625

#endif
