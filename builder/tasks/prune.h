/*
 * prune.h - `distrust lint --expired-before DATE`: the entries whose
 * certificates have all expired, candidates for the clean-up releases in
 * which NSS removes old distrusts.
 */
#ifndef DT_PRUNE_H
#define DT_PRUNE_H

#include "model.h"

struct dt_prune_stats {
    size_t expired; /* entries every known certificate of which expired before the date */
    size_t unknown; /* entries with no known certificate (issuer/serial without a pool match) */
    size_t live;    /* entries with a certificate still valid at the date */
};

/* Calls fn with one line per entry of m that is expired or unknown at
 * before (seconds since the epoch), in policy order, and fills st. The
 * certificates of an entry are the ones it names, the pool's certificates
 * with its issuer and serial (or its subject and key), and, for a
 * distrust-after entry, the root. */
DT_MUST_USE enum dt_err dt_prune_report(const struct dt_model *m, const struct dt_pool *pool,
                                        int64_t before, dt_line_fn fn, void *ctx,
                                        struct dt_prune_stats *st);

#endif
