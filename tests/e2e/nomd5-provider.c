/*
 * nomd5-provider.c - an OpenSSL 3 provider for tests/e2e/t_digest_fail.sh:
 * everything OpenSSL's default provider offers except MD5, as under a FIPS
 * provider (which has no MD5). It loads the default provider into a library
 * context of its own and answers each query with the default provider's
 * algorithms, the digests named MD5 left out. Built by the test with
 *   cc -shared -fPIC -o nomd5.so nomd5-provider.c -lcrypto
 * and loaded through an OPENSSL_CONF that activates it alone.
 */
#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/crypto.h>
#include <openssl/provider.h>

#include <stdlib.h>
#include <string.h>

static OSSL_LIB_CTX *inner;
static OSSL_PROVIDER *dflt;
static OSSL_ALGORITHM *digests; /* the default provider's, without MD5 */

/* Whether an algorithm's names ("MD5:SSL3-MD5:1.2.840...") name MD5. */
static int names_md5(const char *names)
{
    const char *p = names;
    while (p && *p) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if ((n == 3 && !strncmp(p, "MD5", 3)) || (n == 7 && !strncmp(p, "SSL3-MD5", 7)) ||
            (n == 8 && !strncmp(p, "MD5-SHA1", 8)))
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static const OSSL_ALGORITHM *query(void *provctx, int operation_id, int *no_cache)
{
    (void)provctx;
    const OSSL_ALGORITHM *all = OSSL_PROVIDER_query_operation(dflt, operation_id, no_cache);
    if (operation_id != OSSL_OP_DIGEST || !all)
        return all;
    if (!digests) {
        size_t n = 0;
        while (all[n].algorithm_names)
            n++;
        digests = calloc(n + 1, sizeof(*digests));
        if (!digests)
            return NULL;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!names_md5(all[i].algorithm_names))
                digests[k++] = all[i];
    }
    return digests;
}

static void teardown(void *provctx)
{
    (void)provctx;
    free(digests);
    digests = NULL;
    OSSL_PROVIDER_unload(dflt);
    OSSL_LIB_CTX_free(inner);
}

static const OSSL_DISPATCH provider_functions[] = {
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))query},
    {OSSL_FUNC_PROVIDER_TEARDOWN, (void (*)(void))teardown},
    {0, NULL},
};

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                       const OSSL_DISPATCH **out, void **provctx);

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                       const OSSL_DISPATCH **out, void **provctx)
{
    (void)handle;
    (void)in;
    inner = OSSL_LIB_CTX_new();
    dflt = inner ? OSSL_PROVIDER_load(inner, "default") : NULL;
    if (!dflt) {
        OSSL_LIB_CTX_free(inner);
        return 0;
    }
    /* The default provider's algorithms are called with its own context. */
    *provctx = OSSL_PROVIDER_get0_provider_ctx(dflt);
    *out = provider_functions;
    return 1;
}
