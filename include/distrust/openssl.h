/*
 * distrust/openssl.h - enforcing a revocation blob in an OpenSSL client
 * (libdistrust.so.1, ABI DISTRUST_1.0; OpenSSL 3.0 or later).
 *
 * `pkg-config --cflags --libs distrust` gives everything a program using
 * this header needs (libdistrust, libcrypto). The return convention is the
 * one of distrust/blob.h: a lookup returns 1 listed, 0 not listed, a
 * negative DT_BLOB_ERR_* code otherwise; every other function 0 or a
 * negative code.
 *
 * Certificates are looked up as Firefox looks them up in OneCRL: by DER
 * issuer + serial content octets, and by DER subject + SHA-256 of the
 * SubjectPublicKeyInfo, all taken from the certificate's own encoding.
 *
 * ENFORCEMENT (dt_blob_attach): the blob is checked by the store's
 * revocation hook (X509_STORE_set_check_revocation), which X509_verify_cert
 * runs on every chain it builds, whatever verify callback the application
 * sets (SSL_CTX_set_verify, SSL_set_verify, X509_STORE_CTX_set_verify_cb,
 * X509_STORE_set_verify_cb): a listed certificate is reported through the
 * normal error path as X509_V_ERR_CERT_REVOKED at its depth, so the
 * application's callback sees it with preverify_ok = 0 and the handshake
 * or verification fails unless that callback returns 1. The caller must:
 *   - attach to the store the verification uses: SSL_CTX_get_cert_store()
 *     (or the store given to SSL_CTX_set1_verify_cert_store /
 *     SSL_set1_verify_cert_store when one is set), and before the store is
 *     shared between threads;
 *   - keep the blob open as long as the store can verify (the store does
 *     not own it), and not call dt_blob_attach on a store another thread is
 *     verifying with;
 * and must not:
 *   - return 1 from a verify callback for X509_V_ERR_CERT_REVOKED (or for
 *     every error): that overrides the blob as it overrides any other
 *     verification error;
 *   - replace the store's check_revocation after attaching, or the
 *     verification itself (SSL_CTX_set_cert_verify_callback with a function
 *     that does not call X509_verify_cert);
 *   - use SSL_VERIFY_NONE, which ignores every verification result.
 * CRL checking (X509_V_FLAG_CRL_CHECK) keeps working: the hook runs the
 * store's previous revocation check, or OpenSSL's own, after the blob's.
 */
#ifndef DISTRUST_OPENSSL_H
#define DISTRUST_OPENSSL_H

#include "blob.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Whether the blob lists the certificate, by issuer + serial or by subject
 * + key: 1 listed, 0 not listed; DT_BLOB_ERR_CERT when the certificate
 * cannot be encoded or read, DT_BLOB_ERR_ARG for a NULL argument. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_has_cert(const struct dt_blob *b, const X509 *cert);

/* Whether the blob lists a certificate of chain (as X509_verify_cert built
 * it: X509_STORE_CTX_get0_chain): 1 when one is listed, and then *depth
 * (when depth is not NULL) is the index of the first one (0 = the leaf);
 * 0 when none is (an empty chain included); a negative code when a
 * certificate cannot be read or an argument is NULL. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_check_chain(const struct dt_blob *b,
                                                       const STACK_OF(X509) * chain, int *depth);

/* Makes every verification with store check each certificate of the chain
 * it builds against b (see ENFORCEMENT above): a listed one fails with
 * X509_V_ERR_CERT_REVOKED, one that cannot be checked with
 * X509_V_ERR_UNSPECIFIED. Attaching again replaces the blob. Returns 0, or
 * DT_BLOB_ERR_ARG (NULL store or blob), DT_BLOB_ERR_NOMEM or
 * DT_BLOB_ERR_OPENSSL, and then the store is unchanged. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_attach(X509_STORE *store, const struct dt_blob *b);

#ifdef __cplusplus
}
#endif

#endif /* DISTRUST_OPENSSL_H */
