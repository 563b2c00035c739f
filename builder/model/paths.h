/*
 * paths.h - chains through a certificate pool: which paths from a trust
 * anchor reach a distrusted key without crossing any distrusted certificate
 * (the path check of `distrust lint --pool`), and every chain of a leaf
 * (the impact analysis).
 */
#ifndef DT_PATHS_H
#define DT_PATHS_H

#include "pool.h"
#include "model.h"

#define DT_PATH_MAX_DEPTH 8
/* Certificates one walk visits at most: a pool of cross-signing meshes has
 * exponentially many paths; the walk stops there and says so. */
#define DT_PATH_MAX_STEPS 200000

/* Reports (as warnings at the entry that distrusts the key) every pool path
 * from a trust anchor to a distrusted CA key on which no certificate is
 * distrusted for NSS, for the first purpose the entry distrusts (TLS server
 * first), and every path to the key of a distrust-after root through another
 * certificate of that key. *open_paths is the number of open paths found.
 * DT_ERR_NOMEM, or a digest's failure: the check did not run to its end,
 * never a shorter report passed off as the whole. */
DT_MUST_USE enum dt_err dt_paths_check(struct dt_model *m, struct dt_diags *d,
                                       size_t *open_paths);

/* A chain through the pool, leaf first, anchor last. */
struct dt_chain {
    struct dt_pool_entry *certs[DT_PATH_MAX_DEPTH + 1];
    size_t n;
};

/* Calls fn for every chain from start up to a trust anchor for purpose (a
 * DT_PURPOSE_* bit) (signatures checked, no key twice, at most
 * DT_PATH_MAX_DEPTH issuers, at most max_chains chains, at most
 * DT_PATH_MAX_STEPS certificates visited: *exhausted, when not NULL, says
 * whether that cap stopped it). at > 0 keeps only certificates valid at that
 * time. *found is the number of chains found. Fails as dt_pool_signed_by:
 * the walk then stopped short. */
DT_MUST_USE enum dt_err dt_paths_chains(struct dt_pool *pool, struct dt_pool_entry *start,
                                        unsigned purpose, int64_t at, size_t max_chains,
                                        void (*fn)(const struct dt_chain *c, void *ctx),
                                        void *ctx, bool *exhausted, size_t *found);

#endif
