/*
 * genpool.c - writes a synthetic certificate pool for the benchmarks: real,
 * signed X.509 certificates (ECDSA P-256, deterministic serials and names)
 * in the shape of a Web PKI pool:
 *
 *   ROOTS roots; INTERMEDIATES intermediates, each issued by one root and
 *   cross-certified by the next; the rest leaves spread over the
 *   intermediates.
 *
 * usage: genpool OUTDIR TOTAL [--files] [--rsa]
 *   OUTDIR/roots.pem          the self-signed roots
 *   OUTDIR/intermediates.pem  intermediates and cross-certificates
 *   OUTDIR/leaves.pem         the leaves, one PEM bundle (default), or
 *   OUTDIR/leaves/NNN/leafJ.pem one file per leaf, 1000 per directory (--files)
 *   OUTDIR/policy.json        a policy that distrusts intermediate 0 by naming
 *                             one certificate (the pool finds its cross-certificate)
 *
 * --rsa: the CAs' keys are RSA-2048 instead of ECDSA P-256.
 *
 * Keys are generated once per CA (leaves share one key: the benchmark is
 * about certificates, not key generation). Same arguments, same names and
 * serials; signatures differ from run to run (ECDSA).
 */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ROOTS 20
#define INTERMEDIATES 400

static void die(const char *what)
{
    fprintf(stderr, "genpool: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static int rsa; /* --rsa: RSA-2048 CA keys */

static EVP_PKEY *new_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    if (!k)
        die("key generation");
    return k;
}

/* A CA's key: ECDSA P-256, or RSA-2048 with --rsa (what most of the Web
 * PKI's intermediates sign with). */
static EVP_PKEY *new_ca_key(void)
{
    if (!rsa)
        return new_key();
    EVP_PKEY *k = EVP_RSA_gen(2048);
    if (!k)
        die("key generation");
    return k;
}

static X509_NAME *name_of(const char *cn)
{
    X509_NAME *n = X509_NAME_new();
    if (!n ||
        !X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Distrust Bench",
                                    -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0))
        die("name");
    return n;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!e || !X509_add_ext(x, e, -1))
        die("extension");
    X509_EXTENSION_free(e);
}

/* A certificate for subject/key, issued by issuer_name/issuer_key. */
static X509 *make(const char *subject, EVP_PKEY *key, X509 *issuer, const char *issuer_cn,
                  EVP_PKEY *issuer_key, unsigned long serial, int ca)
{
    X509 *x = X509_new();
    if (!x)
        die("X509_new");
    X509_set_version(x, 2);
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial);
    X509_NAME *sn = name_of(subject), *in = name_of(issuer_cn);
    X509_set_subject_name(x, sn);
    X509_set_issuer_name(x, in);
    X509_NAME_free(sn);
    X509_NAME_free(in);
    /* 2024-01-01 .. 2034-01-01 */
    ASN1_TIME_set(X509_getm_notBefore(x), 1704067200);
    ASN1_TIME_set(X509_getm_notAfter(x), 2019686400);
    X509_set_pubkey(x, key);
    add_ext(x, issuer ? issuer : x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
    add_ext(x, issuer ? issuer : x, NID_key_usage,
            ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    if (!X509_sign(x, issuer_key, EVP_sha256()))
        die("sign");
    return x;
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die(path);
    return f;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: genpool OUTDIR TOTAL [--files] [--rsa]\n");
        return 2;
    }
    const char *dir = argv[1];
    long total = strtol(argv[2], NULL, 10);
    int files = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--files"))
            files = 1;
        else if (!strcmp(argv[i], "--rsa"))
            rsa = 1;
        else {
            fprintf(stderr, "genpool: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (total < ROOTS + 2 * INTERMEDIATES + 1) {
        fprintf(stderr, "genpool: TOTAL must be at least %d\n", ROOTS + 2 * INTERMEDIATES + 1);
        return 2;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die(dir);
    errno = 0;

    EVP_PKEY *root_key[ROOTS], *int_key[INTERMEDIATES];
    X509 *root[ROOTS], *inter[INTERMEDIATES];
    char cn[128], icn[128];
    FILE *f = open_out(dir, "roots.pem");
    for (int i = 0; i < ROOTS; i++) {
        root_key[i] = new_ca_key();
        snprintf(cn, sizeof(cn), "Bench Root %02d", i);
        root[i] = make(cn, root_key[i], NULL, cn, root_key[i], 1, 1);
        PEM_write_X509(f, root[i]);
    }
    fclose(f);
    f = open_out(dir, "intermediates.pem");
    for (int i = 0; i < INTERMEDIATES; i++) {
        int_key[i] = new_ca_key();
        int r = i % ROOTS, x = (i + 1) % ROOTS;
        snprintf(cn, sizeof(cn), "Bench Intermediate %03d", i);
        snprintf(icn, sizeof(icn), "Bench Root %02d", r);
        inter[i] = make(cn, int_key[i], root[r], icn, root_key[r], 0x1000 + (unsigned long)i, 1);
        PEM_write_X509(f, inter[i]);
        snprintf(icn, sizeof(icn), "Bench Root %02d", x);
        X509 *cross = make(cn, int_key[i], root[x], icn, root_key[x], 0x2000 + (unsigned long)i, 1);
        PEM_write_X509(f, cross);
        X509_free(cross);
    }
    fclose(f);

    EVP_PKEY *leaf_key = new_key();
    long leaves = total - ROOTS - 2 * INTERMEDIATES;
    if (files) {
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/leaves", dir);
        if (mkdir(sub, 0755) != 0 && errno != EEXIST)
            die(sub);
        f = NULL;
    } else {
        f = open_out(dir, "leaves.pem");
    }
    for (long j = 0; j < leaves; j++) {
        int i = (int)(j % INTERMEDIATES);
        snprintf(cn, sizeof(cn), "leaf%ld.bench.test", j);
        snprintf(icn, sizeof(icn), "Bench Intermediate %03d", i);
        X509 *leaf = make(cn, leaf_key, inter[i], icn, int_key[i], 0x100000 + (unsigned long)j, 0);
        if (files) {
            char path[4096];
            if (j % 1000 == 0) {
                snprintf(path, sizeof(path), "%s/leaves/%03ld", dir, j / 1000);
                if (mkdir(path, 0755) != 0 && errno != EEXIST)
                    die(path);
                errno = 0;
            }
            snprintf(path, sizeof(path), "%s/leaves/%03ld/leaf%ld.pem", dir, j / 1000, j);
            FILE *lf = fopen(path, "w");
            if (!lf)
                die(path);
            PEM_write_X509(lf, leaf);
            fclose(lf);
        } else {
            PEM_write_X509(f, leaf);
        }
        X509_free(leaf);
    }
    if (f)
        fclose(f);

    /* Intermediate 0 alone, for the policy. */
    f = open_out(dir, "int0.pem");
    PEM_write_X509(f, inter[0]);
    fclose(f);
    f = open_out(dir, "policy.json");
    fprintf(f, "{\"version\": 1, \"incident\": {\"id\": \"bench\", \"summary\": \"one "
               "intermediate of a synthetic pool\"},\n \"entries\": [{\"certificate\": "
               "\"int0.pem\", \"label\": \"Bench Intermediate 000\"}]}\n");
    fclose(f);

    for (int i = 0; i < ROOTS; i++) {
        X509_free(root[i]);
        EVP_PKEY_free(root_key[i]);
    }
    for (int i = 0; i < INTERMEDIATES; i++) {
        X509_free(inter[i]);
        EVP_PKEY_free(int_key[i]);
    }
    EVP_PKEY_free(leaf_key);
    return 0;
}
