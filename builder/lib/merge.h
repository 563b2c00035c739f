/*
 * merge.h - an upstream NSS certdata.txt with a policy applied
 * (`distrust build --certdata UPSTREAM.txt` writes OUT/certdata.txt).
 */
#ifndef DT_MERGE_H
#define DT_MERGE_H

#include "resolve.h"

struct dt_merge_stats {
    size_t added;              /* trust objects appended */
    size_t replaced;           /* upstream trust objects the policy changes */
    size_t unchanged;          /* upstream trust objects already as the policy says */
    size_t cert_objects_added; /* certificate objects appended (certificate+trust) */
    size_t afters_set;         /* roots whose distrust-after attributes changed */
    size_t afters_unchanged;   /* roots that already had the policy's dates */
};

/* Writes upstream (text of the file named upstream_path) with every
 * NSS-targeted distrust and distrust-after date of m applied into out:
 * objects added or replaced, dates set on the roots' certificate objects,
 * nothing else touched (merging the result again changes nothing). A root
 * that upstream does not hold is an error at its policy entry. */
DT_MUST_USE enum dt_err dt_certdata_merge(const struct dt_model *m, const char *policy_sha256_hex,
                                          const char *upstream_path, struct dt_slice upstream,
                                          struct dt_buf *out, struct dt_merge_stats *st,
                                          struct dt_diags *d);

#endif
