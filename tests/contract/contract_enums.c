/* contract_enums.c - the enum values and types api.md fixes, asserted at compile
 * time against include/ncdyn.h (run by tests/scripts/check_contract.sh). */
#include "ncdyn.h"
_Static_assert(NCD_OK == 0 && NCD_EINVAL > 0, "status");
_Static_assert(NCD_LOSS_CE == 0 && NCD_LOSS_MSE == 1, "loss");
_Static_assert(NCD_STEP_FIXED == 0 && NCD_STEP_CLIP == 1 && NCD_STEP_GHOST == 2 && NCD_STEP_GHOST_SET == 3, "policy");
_Static_assert(NCD_UFM_LOSS == 0 && NCD_UFM_LAMBDA_W == 1 && NCD_UFM_LAMBDA_H == 2 && NCD_UFM_LAMBDA_B == 3 && NCD_UFM_ALPHA == 4 && NCD_UFM_M == 5 && NCD_UFM_BIAS == 6 && NCD_UFM_LR == 7 && NCD_UFM_MOMENTUM == 8 && NCD_UFM_STEP_POLICY == 9 && NCD_UFM_CLIP == 10 && NCD_UFM_R_TARGET == 11, "params");
_Static_assert(NCD_STAT_STEP == 0 && NCD_STAT_OBJECTIVE == 1 && NCD_STAT_LOSS == 2 && NCD_STAT_GRAD_NORM == 3 && NCD_STAT_STEP_NORM == 4 && NCD_STAT_LR_EFF == 5 && NCD_STAT_RHO == 6 && NCD_STAT_R == 7, "stats");
_Static_assert(NCD_NC1 == 0 && NCD_NC2_EQUINORM_H == 1 && NCD_NC2_EQUINORM_W == 2 && NCD_NC2_EQUIANGLE_H == 3 && NCD_NC2_MAXANGLE_H == 4 && NCD_NC2_ETF_H == 5 && NCD_NC2_ETF_W == 6 && NCD_NC3 == 7 && NCD_NC3_DUALITY == 8 && NCD_NC4 == 9 && NCD_ACCURACY == 10 && NCD_NC1_TRACE_RATIO == 11 && NCD_NC1_CDNV == 12 && NCD_NC1_PINV_RANK == 13 && NCD_COSMARGIN_MEAN == 14 && NCD_COSMARGIN_MIN == 15 && NCD_NUMRANK_H == 16 && NCD_SNR_MIN == 17 && NCD_SNR_MAX == 18, "metrics");
_Static_assert(NCD_ACC_SCATTER == 1 && NCD_ACC_CLASS_SCATTER == 2, "acc flags");
static ncd_ufm_callback cb_check = (int (*)(ncd_ufm *, const double *, const double *, const double *, void *))0;
int main(void) { (void)cb_check; return NCD_VERSION_MAJOR + NCD_VERSION_MINOR + NCD_VERSION_PATCH >= 0 ? 0 : 1; }
