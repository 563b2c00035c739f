/*
 * p11kit.h - distrust.p11-kit, the build as p11-kit trust source objects
 * (doc/p11-kit.md).
 */
#ifndef DT_P11KIT_H
#define DT_P11KIT_H

#include "model.h"

struct dt_p11kit_stats {
    size_t certificates;          /* certificates with x-distrusted: true */
    size_t nss_trust;             /* nss-trust objects of certificates the build does not
                                   * have (issuer and serial only) */
    size_t nss_trust_partial;     /* nss-trust objects of certificates it has, distrusted
                                   * for some purposes only */
    size_t afters;                /* roots with distrust-after dates */
    size_t subject_keys_left_out; /* subject+key entries p11-kit cannot express */
};

/* Writes distrust.p11-kit for every p11-kit-targeted item and distrust-after
 * root of m into out. */
DT_MUST_USE enum dt_err dt_p11kit_write(const struct dt_model *m, const char *policy_sha256_hex,
                                        struct dt_buf *out, struct dt_p11kit_stats *st);

#endif
