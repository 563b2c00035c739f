/*
 * distrust-openssl.h - enforcing a revocation blob in an OpenSSL client.
 *
 * Link with -ldistrust (or libdistrust.a) and -lcrypto. The blob is opened
 * with dt_blob_open() (distrust.h); these helpers look certificates up in
 * it the way Firefox looks them up in OneCRL: by DER issuer + serial content
 * octets, and by DER subject + SHA-256 of the SubjectPublicKeyInfo, both
 * taken from the certificate's own encoding (never re-encoded).
 */
#ifndef DISTRUST_OPENSSL_H
#define DISTRUST_OPENSSL_H

#include "distrust.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the blob lists the certificate, 0 when not, -1 when it cannot be
 * encoded or parsed (treat as an error, not as "not listed"). */
int dt_blob_has_cert(const struct dt_blob *b, X509 *cert);

/* The index in chain (0 = the leaf) of the first certificate the blob
 * lists; -1 when none is; -2 on a certificate that cannot be read. Use it
 * on the chain X509_verify_cert() built (X509_STORE_CTX_get0_chain). */
int dt_blob_check_chain(const struct dt_blob *b, STACK_OF(X509) * chain);

/* Makes every verification with store fail with X509_V_ERR_CERT_REVOKED
 * when a certificate of the chain it builds is listed: installs
 * dt_blob_verify_cb as the store's verify callback and keeps b with the
 * store (b must outlive it; the store does not own it). Returns 1, or 0 on
 * failure. */
int dt_blob_attach(X509_STORE *store, const struct dt_blob *b);

/* The verify callback dt_blob_attach installs, for a caller that composes
 * its own: it keeps OpenSSL's verdict and adds the blob's. */
int dt_blob_verify_cb(int ok, X509_STORE_CTX *ctx);

#ifdef __cplusplus
}
#endif

#endif /* DISTRUST_OPENSSL_H */
