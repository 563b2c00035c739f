/*
 * digest.c - SHA-1, MD5 and SHA-256 (OpenSSL), the digests fetched once.
 *
 * A digest OpenSSL cannot give is an error with its cause, never zeros: a
 * certdata.txt object whose CKA_CERT_MD5_HASH is zeros is a distrust NSS
 * silently ignores.
 */
#include "digest.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

enum { MD_SHA1, MD_MD5, MD_SHA256, MD_N };

static const struct {
    const char *fetch;       /* OpenSSL's name */
    const char *unavailable; /* the cause when it cannot be fetched */
    const char *failed;      /* the cause when fetched but the digest fails */
} mds[MD_N] = {
    [MD_SHA1] = {"SHA1", "SHA-1 is not available from OpenSSL (check the providers it loads: "
                         "OPENSSL_CONF)",
                 "OpenSSL failed to compute a SHA-1 digest"},
    [MD_MD5] = {"MD5", "MD5 is not available from OpenSSL (a FIPS provider?)",
                "OpenSSL failed to compute an MD5 digest"},
    [MD_SHA256] = {"SHA256",
                   "SHA-256 is not available from OpenSSL (check the providers it loads: "
                   "OPENSSL_CONF)",
                   "OpenSSL failed to compute a SHA-256 digest"},
};

/* Digests fetched once: an implicit fetch per call (EVP_sha256() with
 * EVP_Digest) takes OpenSSL's provider locks every time, which dominates
 * reading a pool of 100,000 certificates. NULL: not available. */
static EVP_MD *fetched[MD_N];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static _Thread_local const char *last_why;

static void fetch_mds(void)
{
    for (int i = 0; i < MD_N; i++)
        fetched[i] = EVP_MD_fetch(NULL, mds[i].fetch, NULL);
    ERR_clear_error();
}

static enum dt_err fail(const char *why)
{
    last_why = why;
    dt_err_cause_set(why);
    ERR_clear_error();
    return DT_ERR_INTERNAL;
}

/* The digest `which` over parts, into out (its size). */
static enum dt_err digest(int which, const struct dt_slice *parts, size_t n, uint8_t *out)
{
    enum dt_err rc = DT_OK;
    pthread_once(&fetch_once, fetch_mds);
    const EVP_MD *md = fetched[which];
    EVP_MD_CTX *ctx = NULL;
    if (!md) {
        rc = fail(mds[which].unavailable);
        dt_err_trace_add(__FILE__, __LINE__);
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    DT_ENSURE_MEM(ctx);
    bool ok = EVP_DigestInit_ex(ctx, md, NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        ok = !parts[i].n || EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) == 1;
    uint8_t buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, buf, &len) == 1 && len == (unsigned)EVP_MD_get_size(md);
    if (!ok) {
        rc = fail(mds[which].failed);
        dt_err_trace_add(__FILE__, __LINE__);
        goto out;
    }
    memcpy(out, buf, len);
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

enum dt_err dt_digest_sha1(struct dt_slice in, uint8_t out[20])
{
    return digest(MD_SHA1, &in, 1, out);
}

enum dt_err dt_digest_md5(struct dt_slice in, uint8_t out[16])
{
    return digest(MD_MD5, &in, 1, out);
}

enum dt_err dt_digest_sha256(struct dt_slice in, uint8_t out[32])
{
    return digest(MD_SHA256, &in, 1, out);
}

enum dt_err dt_digest_sha256_parts(const struct dt_slice *parts, size_t n, uint8_t out[32])
{
    return digest(MD_SHA256, parts, n, out);
}

enum dt_err dt_digest_report(enum dt_err rc, struct dt_diags *d, const struct dt_place *pl,
                             const char *need)
{
    if (rc == DT_ERR_INTERNAL && last_why)
        dt_diag_report(d, DT_ERROR, pl, "%s: %s", last_why, need);
    return rc;
}

const char *dt_digest_why(void)
{
    return last_why;
}
