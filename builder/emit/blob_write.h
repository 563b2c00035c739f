/*
 * blob_write.h - the revocation blob (doc/blob-format.md): writing it from a
 * model. Reading it is the installed reader (include/distrust/blob.h).
 */
#ifndef DT_BLOB_WRITE_H
#define DT_BLOB_WRITE_H

#include "buf.h"
#include "diag.h"
#include "model.h"

/* One revoked key for the writer. */
struct dt_blob_entry {
    struct dt_slice a; /* issuer DER Name, or subject DER Name */
    struct dt_slice b; /* serial content octets, or the SHA-256 of the SPKI (32 bytes) */
};

struct dt_blob_write_opts {
    uint64_t sequence;
    int64_t created;      /* seconds since the epoch */
    const char *sign_key; /* PEM ECDSA P-256 or P-384 private key, or NULL */
    dt_progress_fn progress; /* optional: "writing revocations.blob", issuer+serial
                              * entries encoded so far, of all */
    void *progress_ctx;
};

struct dt_blob_write_stats {
    size_t issuers, serials, subject_keys;
    size_t ef_groups, raw_groups;
    size_t bytes;
};

/* Writes the blob of the given entries (any order; duplicates once) into
 * out. A serial of 0 or more than 255 octets, or an issuer that is not a DER
 * Name, is DT_ERR_INPUT (reported); a subject+key hash that is not 32
 * octets is DT_ERR_INTERNAL. o->sign_key, when set, is an ECDSA P-256 or
 * P-384 private key file; the signature is deterministic (RFC 6979), so the
 * same entries and options give the same bytes. st may be NULL. */
DT_MUST_USE enum dt_err dt_blob_write(const struct dt_blob_entry *serials, size_t n_serials,
                                      const struct dt_blob_entry *skeys, size_t n_skeys,
                                      const struct dt_blob_write_opts *o, struct dt_buf *out,
                                      struct dt_blob_write_stats *st, struct dt_diags *d);

/* The blob of a model: every item and subject+key entry that targets blob. */
DT_MUST_USE enum dt_err dt_blob_write_model(const struct dt_model *m,
                                            const struct dt_blob_write_opts *o, struct dt_buf *out,
                                            struct dt_blob_write_stats *st, struct dt_diags *d);

#endif
