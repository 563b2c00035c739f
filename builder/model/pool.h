/*
 * pool.h - a certificate pool: every certificate the build may need to find
 * cross-certificates, re-issued intermediates and paths to a distrusted key.
 *
 * A pool is read from directories (walked recursively; PEM and DER files,
 * PEM bundles, certdata.txt files), single files, and certdata.txt root
 * stores (their certificate objects; their trust objects say, per purpose,
 * which certificates are trust anchors and which are distrusted already,
 * whatever the order the files are read in). Certificates are de-duplicated
 * by SHA-256 and indexed by key (subject + public key), by issuer + serial,
 * by subject and by SHA-256.
 */
#ifndef DT_POOL_H
#define DT_POOL_H

#include "cert.h"
#include "idkey.h"
#include "arena.h"
#include "dmap.h"

struct x509_st;     /* OpenSSL X509, parsed on demand for signature checks */
struct evp_pkey_st; /* OpenSSL EVP_PKEY, a CA's public key, parsed on demand */

struct dt_pool_entry {
    struct dt_cert *cert;
    const char *file; /* as found, for messages */
    const char *name; /* stable name for outputs: relative to the pool root */
    /* Purposes as bits: 1 server, 2 email, 4 code signing (DT_PURPOSE_*). */
    uint8_t trusted_for;       /* CKT_NSS_TRUSTED_DELEGATOR in a root store of the pool */
    uint8_t distrusted_before; /* CKT_NSS_NOT_TRUSTED in a root store of the pool */
    bool store_says;           /* a root store of the pool has a trust object for it:
                                * its word decides, not the self-signature */
    bool no_anchor;            /* never a trust anchor (a corpus certificate) */
    int8_t self_signed;        /* -1 not checked yet, 0 no, 1 a CA whose own key verifies it */
    bool from_certdata;        /* read from a certdata.txt file */
    const char *trusted_by;    /* the root store file whose trust object (or whose
                                * certificate list, for --roots) makes it an anchor */
    struct x509_st *x509;
    bool x509_tried;
    struct evp_pkey_st *pkey;
    bool pkey_tried;
};

struct dt_pool_file {
    const char *name;
    uint8_t sha256[32];
};

struct dt_pool {
    struct dt_pool_entry *v;
    size_t n, cap;
    struct dt_certlist certs; /* owns the certificates */
    struct dt_dmap by_sha256, by_key, by_spki, by_issuer_serial, by_name_serial, by_subject;
    struct dt_dmap sig_cache; /* (child, parent key) -> signature verifies (1) or not (0) */
    struct dt_pool_file *files;
    size_t n_files, cap_files;
    size_t skipped_files;       /* files in directories that hold no certificate */
    size_t skipped_links;       /* links to directories and dangling links, not followed */
    size_t skipped_special;     /* FIFOs, sockets, devices in directories: never opened */
    size_t excluded_dirs;       /* directories left out (dt_pool_exclude) */
    size_t duplicates;          /* certificates seen more than once */
    bool explicit_anchors;      /* only trusted_for counts (a root store was given): no
                                 * self-signed inference */
    struct dt_dmap trust_by_is; /* issuer + serial -> index in trusts */
    struct dt_pool_trust {
        uint8_t trusted_for, distrusted;
        const char *file; /* the certdata.txt it came from (arena) */
        unsigned line;    /* its object's first line */
        /* The object's values: CKA_TRUST_SERVER_AUTH, _EMAIL_PROTECTION,
         * _CODE_SIGNING (0: absent), CKA_TRUST_STEP_UP_APPROVED, hashes. */
        unsigned long value[3];
        bool has_step_up, step_up;
        bool has_sha1, has_md5;
        uint8_t sha1[20], md5[16];
    } * trusts;
    size_t n_trusts, cap_trusts;
    const char *kind; /* "pool" (default), "corpus", "root store": for messages */
    char **excluded;  /* real paths of directories never walked (a build's output) */
    size_t n_excluded, cap_excluded;
    struct dt_arena arena;
};

void dt_pool_init(struct dt_pool *p);
void dt_pool_free(struct dt_pool *p);

/* Adds a file or a directory to the pool. name_root is the stable name of
 * path in outputs (its basename when NULL). Problems in files that are
 * certificates or certdata.txt are errors at file:line; files that hold no
 * certificate (keys, READMEs) are skipped and counted. */
DT_MUST_USE enum dt_err dt_pool_add(struct dt_pool *p, const char *path, const char *name_root,
                                    struct dt_diags *d, dt_progress_fn progress,
                                    void *progress_ctx);


/* Adds one certificate by its DER (copied); *out is the new or known entry. */
DT_MUST_USE enum dt_err dt_pool_add_der(struct dt_pool *p, const uint8_t *der, size_t len,
                                        const char *file, const char *name,
                                        struct dt_pool_entry **out);

/* The entry with this certificate (by SHA-256), or NULL. */
struct dt_pool_entry *dt_pool_find(struct dt_pool *p, const uint8_t sha256[32]);

/* Sets *signed_by when child's signature verifies with parent's public key
 * (OpenSSL). DT_ERR_NOMEM, or a digest's failure: no answer, never "not
 * signed" for it. */
DT_MUST_USE enum dt_err dt_pool_signed_by(struct dt_pool *p, struct dt_pool_entry *child,
                                          struct dt_pool_entry *parent, bool *signed_by);
/* Frees e's parsed OpenSSL certificate (parsed again when needed). */
void dt_pool_release(struct dt_pool_entry *e);
/* Sets *anchor when e is a trust anchor for a purpose (DT_PURPOSE_* bit):
 * trusted for it by a root store of the pool, or, unless a root store has a
 * trust object for it or the pool's anchors are explicit, a self-signed CA
 * certificate whose signature verifies. Fails as dt_pool_signed_by. */
DT_MUST_USE enum dt_err dt_pool_is_anchor(struct dt_pool *p, struct dt_pool_entry *e,
                                          unsigned purpose, bool *anchor);

/* Makes the certificates of roots (root stores, read with dt_pool_add: a
 * certdata.txt's certificates are anchors for the purposes its trust objects
 * give them, a PEM or DER file's for every purpose) the only trust anchors
 * of p: they join p, every other certificate of p becomes an anchor for
 * nothing (the first call only: later calls add anchors), and no
 * self-signed certificate is taken for an anchor. */
DT_MUST_USE enum dt_err dt_pool_set_roots(struct dt_pool *p, const struct dt_pool *roots);

/* Gives every certificate of a root store that was read from a PEM or DER
 * file (not a certdata.txt) the trust record such a store implies: a trust
 * anchor for every purpose (CKT_NSS_TRUSTED_DELEGATOR), with its hashes, at
 * line 0 of its file. */
DT_MUST_USE enum dt_err dt_pool_trust_file_anchors(struct dt_pool *roots);

/* The trust object a root store of p (a certdata.txt read into it) has for
 * issuer + serial into *out, or NULL. Borrowed, valid while p lives. Fails
 * only as dt_idkey_issuer_serial does. */
DT_MUST_USE enum dt_err dt_pool_trust_of(const struct dt_pool *p, struct dt_slice issuer,
                                         struct dt_slice serial, const struct dt_pool_trust **out);

/* A note on what was skipped, if anything was. */
void dt_pool_note(const struct dt_pool *p, struct dt_diags *d);

/* Directories under path are never walked (their real path is compared). */
DT_MUST_USE enum dt_err dt_pool_exclude(struct dt_pool *p, const char *path);

#endif
