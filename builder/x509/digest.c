/*
 * digest.c - SHA-1, MD5 and SHA-256 (OpenSSL), the digests fetched once.
 */
#include "digest.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

/* Digests fetched once: an implicit fetch per call (EVP_sha256() with
 * EVP_Digest) takes OpenSSL's provider locks every time, which dominates
 * reading a pool of 100,000 certificates. */
static EVP_MD *fetched[3];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_mds(void)
{
    fetched[0] = EVP_MD_fetch(NULL, "SHA1", NULL);
    fetched[1] = EVP_MD_fetch(NULL, "MD5", NULL);
    fetched[2] = EVP_MD_fetch(NULL, "SHA256", NULL);
    ERR_clear_error();
}

static void digest(int which, const EVP_MD *fallback, struct dt_slice in, uint8_t *out)
{
    pthread_once(&fetch_once, fetch_mds);
    const EVP_MD *md = fetched[which] ? fetched[which] : fallback;
    unsigned int len = 0;
    if (!EVP_Digest(in.p, in.n, out, &len, md, NULL))
        memset(out, 0, (size_t)EVP_MD_get_size(md));
}

void dt_digest_sha1(struct dt_slice in, uint8_t out[20])
{
    digest(0, EVP_sha1(), in, out);
}

void dt_digest_md5(struct dt_slice in, uint8_t out[16])
{
    digest(1, EVP_md5(), in, out);
}

void dt_digest_sha256(struct dt_slice in, uint8_t out[32])
{
    digest(2, EVP_sha256(), in, out);
}
