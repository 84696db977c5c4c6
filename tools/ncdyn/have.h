/*
 * have.h - which library layers this build of the ncdyn tool uses. The tool is
 * written against the API contract; a subcommand whose library functions are
 * not yet in include/ncdyn.h is compiled as a stub that says so (exit 3).
 * Flip a flag when the layer is merged.
 */
#ifndef NCDYN_TOOL_HAVE_H
#define NCDYN_TOOL_HAVE_H
#define NCDYN_HAVE_NC_ACC 1      /* ncd_nc_acc_*, ncd_nc_metrics (metrics layer)  */
#define NCDYN_HAVE_GHOST_EXACT 1 /* ncd_ghost_radius_exact and the tilt bound      */
#define NCDYN_HAVE_CPATH 1       /* ncd_cpath_omega (central-path layer)           */
#define NCDYN_HAVE_UFM 1         /* ncd_ufm_*, ncd_simplex_etf, ncd_hadamard       */
#endif
