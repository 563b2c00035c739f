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

/* What the pool knows of one revocation key at before, by the rules of
 * dt_prune_report: every pool certificate with that exact issuer and serial,
 * or of that subject (as a name) and SPKI hash. */
enum dt_prune_state { DT_PRUNE_UNKNOWN, DT_PRUNE_EXPIRED, DT_PRUNE_LIVE };
struct dt_prune_fate {
    enum dt_prune_state state; /* UNKNOWN: no certificate; EXPIRED: all expired */
    int64_t latest;            /* the latest notAfter seen (certs > 0) */
    size_t certs;              /* certificates seen */
};
/* Fill *f for an issuer + serial key, or a subject + SPKI SHA-256 key.
 * Fail only as dt_idkey_issuer_serial / dt_idkey_spki do. */
DT_MUST_USE enum dt_err dt_prune_issuer_serial(const struct dt_pool *pool, struct dt_slice issuer,
                                               struct dt_slice serial, int64_t before,
                                               struct dt_prune_fate *f);
DT_MUST_USE enum dt_err dt_prune_subject_key(const struct dt_pool *pool, struct dt_slice subject,
                                             const uint8_t spki_sha256[32], int64_t before,
                                             struct dt_prune_fate *f);

#endif
