/* Unit tests: digest.c (SHA-1, MD5, SHA-256 through digests fetched once):
 * the FIPS 180 / RFC 1321 "abc" and empty vectors, a large input against
 * OpenSSL's one-shot digest, and calls from several threads (the fetch is
 * done once). Kept small: the functions are about to report failures
 * (issue 16, point 3), and this file will follow. */
#include "digest.h"
#include "unit.h"

#include <openssl/evp.h>
#include <pthread.h>

static bool hex_is(const uint8_t *d, size_t n, const char *hex)
{
    char got[129];
    for (size_t i = 0; i < n; i++)
        snprintf(got + 2 * i, 3, "%02x", d[i]);
    return !strcmp(got, hex);
}

static void *worker(void *arg)
{
    uint8_t *out = arg;
    for (int i = 0; i < 1000; i++)
        CHECK(dt_digest_sha256(dt_slice_make("abc", 3), out) == DT_OK, "dt_digest_sha256 succeeds");
    return NULL;
}

int main(void)
{
    uint8_t s1[20], m5[16], s2[32];
    struct dt_slice abc = dt_slice_make("abc", 3), none = dt_slice_make(NULL, 0);
    CHECK(dt_digest_sha1(abc, s1) == DT_OK, "dt_digest_sha1 succeeds");
    CHECK(dt_digest_md5(abc, m5) == DT_OK, "dt_digest_md5 succeeds");
    CHECK(dt_digest_sha256(abc, s2) == DT_OK, "dt_digest_sha256 succeeds");
    CHECK(hex_is(s1, 20, "a9993e364706816aba3e25717850c26c9cd0d89d"), "SHA-1(\"abc\")");
    CHECK(hex_is(m5, 16, "900150983cd24fb0d6963f7d28e17f72"), "MD5(\"abc\")");
    CHECK(hex_is(s2, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
          "SHA-256(\"abc\")");
    CHECK(dt_digest_sha1(none, s1) == DT_OK, "dt_digest_sha1 succeeds");
    CHECK(dt_digest_md5(none, m5) == DT_OK, "dt_digest_md5 succeeds");
    CHECK(dt_digest_sha256(none, s2) == DT_OK, "dt_digest_sha256 succeeds");
    CHECK(hex_is(s1, 20, "da39a3ee5e6b4b0d3255bfef95601890afd80709") &&
              hex_is(m5, 16, "d41d8cd98f00b204e9800998ecf8427e") &&
              hex_is(s2, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
          "the digests of nothing (a NULL pointer with no bytes)");
    size_t big = (size_t)3 << 20;
    uint8_t *p = malloc(big), want[32];
    for (size_t i = 0; i < big; i++)
        p[i] = (uint8_t)(i * 31 + (i >> 12));
    unsigned wl = 0;
    EVP_Digest(p, big, want, &wl, EVP_sha256(), NULL);
    CHECK(dt_digest_sha256(dt_slice_make(p, big), s2) == DT_OK, "dt_digest_sha256 succeeds");
    CHECK(wl == 32 && !memcmp(s2, want, 32), "3 MiB: the same SHA-256 as OpenSSL's one-shot");
    free(p);
    uint8_t outs[4][32];
    pthread_t th[4];
    int started = 0;
    for (int i = 0; i < 4; i++)
        started += pthread_create(&th[i], NULL, worker, outs[i]) == 0;
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    bool same = started == 4;
    for (int i = 0; same && i < 4; i++)
        same =
            hex_is(outs[i], 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(same, "four threads at once: every digest right");
    return unit_done();
}
