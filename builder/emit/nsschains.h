/*
 * emittests.h - the chain cases of a build as NSS tests/chains scenarios
 * (`distrust emit-tests --build OUT --nss-chains DIR`).
 */
#ifndef DT_EMITTESTS_H
#define DT_EMITTESTS_H

#include "diag.h"

struct dt_emit_summary {
    size_t cases;   /* written (each with a baseline) */
    size_t skipped; /* left out: root-store anchors, distrust-after only */
};

/* Writes DIR/scenarios/distrust.cfg and DIR/certs/NICK.cert for the cases
 * of build_dir/tests/cases.json, replacing DIR atomically. */
DT_MUST_USE enum dt_err dt_nsschains_write(const char *build_dir, const char *out_dir,
                                           struct dt_emit_summary *sum, struct dt_diags *d);

#endif
