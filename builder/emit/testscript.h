/*
 * testscript.h - OUT/test-distrust.sh and OUT/tests/ from the chain cases
 * given to `distrust build --cases` (doc/packaging.md).
 */
#ifndef DT_TESTSCRIPT_H
#define DT_TESTSCRIPT_H

#include "cases.h"
#include "outdir.h"
#include "model.h"

struct dt_testscript {
    struct dt_outlist out;           /* test-distrust.sh, tests/... */
    size_t cases, distrusted, dated; /* dated: the build dates an anchor */
};

/* The script and the case files for cases (may be NULL: a script that
 * says it has no cases). Free with dt_testscript_free(). */
DT_MUST_USE enum dt_err dt_testscript_write(const struct dt_model *m, const struct dt_cases *cases,
                                            const char *policy_sha256_hex, struct dt_testscript *ts,
                                            struct dt_diags *d);
void dt_testscript_free(struct dt_testscript *ts);

#endif
