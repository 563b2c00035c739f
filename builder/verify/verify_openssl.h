/*
 * verify_openssl.h - one chain verification under OpenSSL's
 * X509_verify_cert, with the revocation blob enforced by dt_blob_attach
 * (include/distrust/openssl.h: the store's revocation check). In process:
 * OpenSSL keeps no trust state between stores.
 */
#ifndef DT_VERIFY_OPENSSL_H
#define DT_VERIFY_OPENSSL_H

#include "cases.h"
#include "common.h"

#include <distrust/blob.h>

#define DT_OSSL_MAX_PATH 12

struct dt_ossl_outcome {
    bool ran;
    bool good;
    int error; /* X509_V_ERR_* */
    char error_name[96];
    size_t n_path; /* the chain OpenSSL built, leaf first */
    uint8_t path_sha256[DT_OSSL_MAX_PATH][32];
    int error_depth;
    char failure[256];
};

/* anchors: the case's anchor certificates (n_anchors), plus, when given,
 * the anchors of a root store read as a pool (trusted for the usage's
 * purpose). blob NULL: the baseline. */
struct dt_pool;
DT_MUST_USE enum dt_err dt_verify_openssl_run(const struct dt_case *k, struct dt_pool *rootstore,
                                       int64_t time, const struct dt_blob *blob,
                                       struct dt_ossl_outcome *out);

#endif
