/*
 * merge.h - an upstream NSS certdata.txt with a policy applied
 * (`distrust build --certdata UPSTREAM.txt` writes OUT/certdata.txt).
 */
#ifndef DT_MERGE_H
#define DT_MERGE_H

#include "model.h"

struct dt_merge_stats {
    size_t added;              /* trust objects appended */
    size_t replaced;           /* upstream trust objects replaced by the build's (every
                                * purpose distrusted) */
    size_t edited;             /* upstream trust objects edited in place (the lines of the
                                * purposes the policy distrusts, or relaxes) */
    size_t unchanged;          /* upstream trust objects that already distrust what the
                                * policy says */
    size_t relaxed;            /* of the replaced and edited: those whose upstream distrust
                                * an entry's relax_upstream loosened */
    size_t cert_objects_added; /* certificate objects appended (certificate+trust) */
    size_t afters_set;         /* distrust-after dates set where upstream had none */
    size_t afters_unchanged;   /* dates upstream already had */
    size_t afters_tightened;   /* dates moved earlier than upstream's */
    size_t afters_relaxed;     /* dates moved later than upstream's (relax_upstream) */
};

/* Writes upstream (text of the file named upstream_path) with every
 * NSS-targeted distrust and distrust-after date of m applied into out (see
 * merge.c for what changes): nothing else touched, merging the result again
 * changes nothing. p is the policy m was resolved from (for relax_upstream
 * that has no effect; may be NULL). A root that upstream does not hold, an
 * upstream trust object for another certificate with the same issuer and
 * serial, and a relaxation of upstream's distrust without relax_upstream are
 * errors at the policy entry; returns DT_ERR_INPUT after reporting them. */
DT_MUST_USE enum dt_err dt_certdata_merge(const struct dt_model *m, const struct dt_policy *p,
                                          const char *policy_sha256_hex, const char *upstream_path,
                                          struct dt_slice upstream, struct dt_buf *out,
                                          struct dt_merge_stats *st, struct dt_diags *d);

#endif
