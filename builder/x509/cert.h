/*
 * cert.h - certificates loaded from PEM or DER files.
 */
#ifndef DT_CERT_H
#define DT_CERT_H

#include "der.h"
#include "diag.h"
#include "digest.h"

struct dt_cert {
    uint8_t *der; /* owned */
    size_t der_len;
    struct dt_certinfo info; /* slices into der */
    uint8_t sha1[20];
    uint8_t md5[16];
    uint8_t sha256[32];
    uint8_t spki_sha256[32];
    /* Identities for discovery (never written out): the subject and the
     * issuer as names (x509name.h: equal names, whatever their encoding,
     * have equal ids) and the public key whatever its encoding (pubkey.h). */
    uint8_t subject_id[32];
    uint8_t issuer_id[32];
    uint8_t pubkey_id[32];
    int64_t not_before; /* seconds since the epoch */
    int64_t not_after;
    char *file;     /* owned: the path it was read from */
    unsigned index; /* 1-based position in that file */
    unsigned line;  /* line of its PEM BEGIN, 0 for DER */
};

/* Whether OpenSSL's own parser accepts the certificate too. */
bool dt_cert_openssl_ok(const struct dt_cert *c);

/* A list of certificates that owns its elements. */
struct dt_certlist {
    struct dt_cert **v;
    size_t n;
    size_t cap;
    size_t max_per_file;     /* certificates one file may add; 0: DT_MAX_CERTS_PER_FILE */
    bool skip_openssl_check; /* no warning when OpenSSL rejects a certificate (pools:
                              * such a certificate never verifies a signature) */
};

/* Parses one DER certificate (copied). On failure returns DT_ERR_INPUT (or
 * DT_ERR_LIMIT) and sets *why to a static reason; DT_ERR_INTERNAL when a
 * digest it needs is not available from OpenSSL (or failed), *why then
 * naming the digest and what needs it (valid until this thread's next
 * call); DT_ERR_NOMEM, *why dt_mem_why_nomem. Never a certificate with
 * made-up hashes. Caller frees *out with dt_cert_free(). */
DT_MUST_USE enum dt_err dt_cert_from_der(const uint8_t *der, size_t n, struct dt_cert **out,
                                         const char **why);
void dt_cert_free(struct dt_cert *c);

/* Reads every certificate in a PEM file (any number of CERTIFICATE,
 * X509 CERTIFICATE or TRUSTED CERTIFICATE blocks; other blocks are skipped
 * with a warning) or a DER file (one or more concatenated certificates) and
 * appends them to out. ref is the place that named the file; problems inside
 * the file are reported at file:line. A file without certificates is an
 * error. All or nothing: on failure out is left as it was. */
DT_MUST_USE enum dt_err dt_cert_load_file(const char *path, struct dt_certlist *out,
                                          struct dt_diags *d, const struct dt_place *ref);

/* Same, from bytes already in memory (path is used for messages only). */
DT_MUST_USE enum dt_err dt_cert_load_mem(const char *path, struct dt_slice data,
                                         struct dt_certlist *out, struct dt_diags *d,
                                         const struct dt_place *ref);

DT_MUST_USE enum dt_err dt_cert_list_push(struct dt_certlist *l, struct dt_cert *c);
void dt_cert_list_free(struct dt_certlist *l);

/* Appends the certificate as PEM (64-column base64). */
DT_MUST_USE enum dt_err dt_cert_pem(const struct dt_cert *c, struct dt_buf *out);


#endif
