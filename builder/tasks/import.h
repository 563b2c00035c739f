/*
 * import.h - reading other formats into policies (distrust import).
 */
#ifndef DT_IMPORT_H
#define DT_IMPORT_H

#include "distrust.h"

#include "buf.h"
#include "diag.h"
#include "outdir.h"

/* A OneCRL Remote Settings dump (text, named input in messages) as policy
 * JSON appended to policy. DT_ERR_INPUT after reporting every bad record. */
DT_MUST_USE enum dt_err dt_import_onecrl_mem(const char *input, struct dt_slice text,
                                             struct dt_buf *policy, struct dt_import_summary *s,
                                             struct dt_diags *d, dt_progress_fn progress,
                                             void *progress_ctx);

/* The distrusts of an NSS certdata.txt (text, named input in messages) as
 * policy JSON appended to policy; the certificates it names go into pems,
 * to be written into dir_name beside the policy. DT_ERR_INPUT after
 * reporting every problem. */
DT_MUST_USE enum dt_err dt_import_certdata_mem(const char *input, struct dt_slice text,
                                               const char *dir_name, struct dt_buf *policy,
                                               struct dt_outlist *pems, struct dt_import_summary *s,
                                               struct dt_diags *d);

#endif
