/* Unit tests: the certificate pool (directory walk,
 * PEM/DER/bundles/certdata.txt, de-duplication, indexes, anchors, skipped
 * and broken files). The digest multimap is in test_dmap.c, chain building
 * through a pool in test_paths.c. */
#include "dmap.h"
#include "file.h"
#include "pool.h"
#include "unit.h"

#include <openssl/err.h>
#include <openssl/x509.h>

static struct unit_diags U;

static enum dt_err pool_of(struct dt_pool *p, const char *const *paths, size_t n)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    dt_pool_init(p);
    enum dt_err rc = DT_OK;
    for (size_t i = 0; i < n; i++) {
        enum dt_err r = dt_pool_add(p, paths[i], NULL, &d, NULL, NULL);
        if (r != DT_OK)
            rc = r;
    }
    return rc;
}

static struct dt_pool_entry *by_file(struct dt_pool *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i].name, name))
            return &p->v[i];
    return NULL;
}

static size_t count_key(struct dt_pool *p, const struct dt_dmap *m, const uint8_t k[32])
{
    (void)p;
    size_t n = 0;
    for (uint32_t it = dt_dmap_first(m, k); it != DT_DMAP_END; it = dt_dmap_next(m, it, k))
        n++;
    return n;
}

/* dt_pool_signed_by and dt_pool_is_anchor as 1 or 0, and -1 when they fail
 * (so that a failure never passes for "no"). */
static int signed_by(struct dt_pool *p, struct dt_pool_entry *c, struct dt_pool_entry *k)
{
    bool yes;
    return dt_pool_signed_by(p, c, k, &yes) != DT_OK ? -1 : yes;
}

static int is_anchor(struct dt_pool *p, struct dt_pool_entry *e)
{
    bool yes;
    return dt_pool_is_anchor(p, e, 1, &yes) != DT_OK ? -1 : yes;
}

static void test_pool_dirs(void)
{
    struct dt_pool p;
    const char *paths[] = {"testdata/pki", "testdata/pki-cross"};
    enum dt_err rc = pool_of(&p, paths, 2);
    CHECK(rc == DT_OK, "pool: testdata/pki and pki-cross load (%s)", U.text);
    /* 20 distinct certificates in pki (bundle and chain files repeat them),
     * 2 in pki-cross as PEM and DER. */
    CHECK(p.n == 22, "pool: 22 distinct certificates (got %zu)", p.n);
    CHECK(p.duplicates > 0, "pool: repeated certificates are de-duplicated (%zu)", p.duplicates);
    CHECK(p.skipped_files >= 18, "pool: keys and READMEs are skipped (%zu)", p.skipped_files);
    struct dt_pool_entry *root_a = by_file(&p, "pki/root-a.der");
    struct dt_pool_entry *int_a1 = by_file(&p, "pki/chain-a1-x.pem");
    CHECK(root_a != NULL, "pool: names are relative to the pool root (pki/root-a.der)");
    CHECK(int_a1 != NULL, "pool: a chain file is a bundle of certificates");
    CHECK(root_a && is_anchor(&p, root_a) == 1, "pool: a self-signed root is an anchor");
    size_t anchors = 0;
    for (size_t i = 0; i < p.n; i++)
        anchors += is_anchor(&p, &p.v[i]) == 1;
    CHECK(anchors == 5, "pool: five anchors, the self-signed roots (got %zu)", anchors);

    /* Indexes: Test Intermediate 1's key has three certificates. */
    struct dt_pool_entry *leaf = NULL, *int1 = NULL;
    for (size_t i = 0; i < p.n; i++) {
        const struct dt_cert *c = p.v[i].cert;
        if (c->info.serial.n == 2 && c->info.serial.p[0] == 0x01 && c->info.serial.p[1] == 0x02)
            leaf = &p.v[i];
        if (c->info.serial.n == 7 && c->info.serial.p[1] == 0x8b)
            int1 = &p.v[i];
    }
    CHECK(leaf && int1, "pool: leaf-a1 and int-a1 are found by serial");
    if (leaf && int1) {
        uint8_t k[32];
        CHECK(dt_idkey_cert(int1->cert, k) == DT_OK && count_key(&p, &p.by_key, k) == 3,
              "pool: int-a1's subject and key: 3 certificates");
        CHECK(dt_idkey_subject(int1->cert->info.subject, k) == DT_OK &&
                  count_key(&p, &p.by_subject, k) == 3,
              "pool: int-a1's subject: 3 certificates");
        CHECK(dt_idkey_issuer_serial(int1->cert->info.issuer, int1->cert->info.serial, k) ==
                      DT_OK &&
                  count_key(&p, &p.by_issuer_serial, k) == 1,
              "pool: by issuer and serial");
        CHECK(dt_pool_find(&p, int1->cert->sha256) == int1, "pool: by SHA-256");
        CHECK(signed_by(&p, int1, root_a) == 1, "pool: int-a1 is signed by Root A");
        CHECK(signed_by(&p, leaf, root_a) == 0, "pool: leaf-a1 is not signed by Root A");
    }
    dt_pool_free(&p);
}

static void test_pool_files(void)
{
    struct dt_pool p;
    /* A certdata.txt: its certificate objects, and its trust objects make
     * anchors (Root B's is edited to "must verify" below). */
    const char *paths[] = {"testdata/chains/roots-certdata.txt"};
    CHECK(pool_of(&p, paths, 1) == DT_OK, "pool: a certdata.txt root store loads");
    CHECK(p.n == 5, "pool: its five certificate objects (got %zu)", p.n);
    size_t from_cd = 0;
    for (size_t i = 0; i < p.n; i++)
        from_cd += p.v[i].from_certdata && p.v[i].trusted_for == 7;
    CHECK(from_cd == 5, "pool: trusted by the store, so anchors (got %zu)", from_cd);
    dt_pool_free(&p);

    /* A distrust in a certdata.txt marks its certificate distrusted already. */
    const char *cd =
        UNIT_WRITE_STR("d.txt", "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\n"
                                "CKA_ISSUER MULTILINE_OCTAL\n\\060\\000\nEND\n"
                                "CKA_SERIAL_NUMBER MULTILINE_OCTAL\n\\002\\001\\001\nEND\n"
                                "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED\n");
    const char *p2[] = {cd};
    CHECK(pool_of(&p, p2, 1) == DT_OK && p.n == 0,
          "pool: a certdata.txt of trust objects only (%s)", U.text);
    dt_pool_free(&p);

    /* Broken files: a certificate file that does not parse is an error at its
     * name; outside a directory, a file without certificates is one too. */
    const char *bad =
        UNIT_WRITE_STR("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    const char *p3[] = {bad};
    CHECK(pool_of(&p, p3, 1) == DT_ERR_INPUT && U.errors == 1 && unit_has(&U, "bad.pem"),
          "pool: a broken PEM certificate is an error at its file (%s)", U.text);
    dt_pool_free(&p);
    const char *txt = UNIT_WRITE_STR("notes.txt", "no certificates here\n");
    const char *p4[] = {txt};
    CHECK(pool_of(&p, p4, 1) == DT_ERR_INPUT,
          "pool: a named file without certificates is an error");
    dt_pool_free(&p);
    const char *p5[] = {"/nonexistent/pool"};
    CHECK(pool_of(&p, p5, 1) == DT_ERR_INPUT && unit_has(&U, "cannot open pool"),
          "pool: a missing path is an error");
    dt_pool_free(&p);
    /* A directory: the text file is skipped, the broken PEM is not. */
    char dir[600];
    snprintf(dir, sizeof(dir), "%s", unit_tmp());
    const char *p6[] = {dir};
    CHECK(pool_of(&p, p6, 1) == DT_ERR_INPUT && unit_has(&U, "bad.pem") &&
              !unit_has(&U, "notes.txt"),
          "pool: in a directory, non-certificate files are skipped, broken ones reported (%s)",
          U.text);
    CHECK(p.skipped_files >= 1, "pool: and the skipped files are counted");
    dt_pool_free(&p);
}

/* The pool verifies common signature algorithms itself (digest + key from
 * our DER walk); every answer must be OpenSSL's X509_verify() answer. */
static void test_signatures(void)
{
    struct dt_pool p;
    const char *paths[] = {"testdata/pki", "testdata/pki-cross", "testdata/pki-odd", "policy/certs",
                           "policy/chains"};
    CHECK(pool_of(&p, paths, 5) == DT_OK, "signatures: a pool of fixtures and real incidents");
    size_t pairs = 0, yes = 0, no = 0, disagree = 0;
    for (size_t i = 0; i < p.n; i++) {
        for (size_t j = 0; j < p.n; j++) {
            struct dt_pool_entry *c = &p.v[i], *k = &p.v[j];
            if (!dt_slice_eq(c->cert->info.issuer, k->cert->info.subject))
                continue;
            const unsigned char *q = c->cert->der;
            X509 *xc = d2i_X509(NULL, &q, (long)c->cert->der_len);
            q = k->cert->der;
            X509 *xk = d2i_X509(NULL, &q, (long)k->cert->der_len);
            EVP_PKEY *key = xk ? X509_get0_pubkey(xk) : NULL;
            bool want = xc && key && X509_verify(xc, key) == 1;
            int got = signed_by(&p, c, k);
            int again = signed_by(&p, c, k); /* from the cache */
            X509_free(xc);
            X509_free(xk);
            ERR_clear_error();
            pairs++;
            want ? yes++ : no++;
            if (got != (int)want || again != (int)want) {
                disagree++;
                printf("#   %s signed by %s: OpenSSL %d, pool %d/%d\n", c->name, k->name, want, got,
                       again);
            }
        }
    }
    CHECK(pairs >= 60 && yes >= 40 && no >= 5,
          "signatures: %zu issuer/subject pairs, %zu signed, %zu not", pairs, yes, no);
    struct dt_pool_entry *odd = by_file(&p, "pki-odd/sigalg-mismatch.pem");
    struct dt_pool_entry *odd_root = by_file(&p, "pki-odd/sigalg-mismatch-root.pem");
    CHECK(odd && odd_root && signed_by(&p, odd, odd_root) == 0,
          "signatures: a TBS signature algorithm that differs from the outer one fails");
    CHECK(disagree == 0,
          "signatures: the pool agrees with X509_verify() on every pair (%zu differ)", disagree);
    dt_pool_free(&p);
}

/* Special files: skipped and counted inside a directory, never opened (an
 * open that blocked would hang: the alarm makes that a failure); an error
 * when named directly. */
static void test_pool_special(void)
{
    alarm(20);
    char dir[600], fifo[700], cert[700];
    snprintf(dir, sizeof(dir), "%s/special-pool", unit_tmp());
    snprintf(fifo, sizeof(fifo), "%s/a-fifo.pem", dir);
    snprintf(cert, sizeof(cert), "%s/int-a1.pem", dir);
    struct dt_buf pem;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (mkdir(dir, 0700) != 0 || dt_file_read("testdata/pki/int-a1.pem", 1 << 20, &pem, &d, NULL) ||
        !unit_write("special-pool/int-a1.pem", (const char *)pem.data, pem.len)) {
        printf("# cannot set up %s\n", dir);
        exit(2);
    }
    dt_buf_free(&pem);
    struct dt_pool p;
    const char *paths[] = {dir};
    CHECK(pool_of(&p, paths, 1) == DT_OK && p.n == 1 && p.skipped_special == 0,
          "baseline: a pool directory of one certificate");
    dt_pool_free(&p);
    if (mkfifo(fifo, 0600) != 0) {
        perror("mkfifo");
        exit(2);
    }
    CHECK(pool_of(&p, paths, 1) == DT_OK && p.n == 1 && p.skipped_special == 1 &&
              p.skipped_files == 0 && U.errors == 0,
          "pool: a FIFO in a directory is skipped and counted, not opened");
    dt_pool_free(&p);
    const char *named[] = {fifo};
    CHECK(pool_of(&p, named, 1) == DT_ERR_INPUT && unit_has(&U, "FIFO") && unit_has(&U, fifo),
          "pool: a FIFO named as the pool is an error that names it");
    dt_pool_free(&p);
    alarm(0);
}

int main(void)
{
    test_signatures();
    test_pool_dirs();
    test_pool_files();
    test_pool_special();
    return unit_done();
}
