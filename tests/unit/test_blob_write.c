/* Unit tests: blob_write.c, the revocation blob's writer. Entries in any
 * order and with duplicates give one blob, byte for byte; the header says
 * what it holds (read back with the public reader); names the structured
 * encoding cannot reproduce are stored raw; signatures (P-256, P-384) are
 * deterministic and verify; bad serials, bad subject+key hashes and bad
 * signing keys are errors; the blob of a model holds exactly its
 * blob-targeted entries. (Lookups in big and clustered blobs, and every
 * way a damaged blob is refused, are the reader's: test_blob.c.) */
#include "blob_write.h"

#include <distrust/blob.h>
#include "blobfmt.h"
#include "unit_x509.h"

static struct unit_diags U;
static char cwd[400];

/* Two issuers (DER Names), serials of several lengths, a subject + key. */
static const uint8_t ISS_A[] = {0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55,
                                0x04, 0x03, 0x0c, 0x04, 'C',  'A',  ' ',  'A'};
static const uint8_t ISS_B[] = {0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55,
                                0x04, 0x03, 0x13, 0x04, 'C',  'A',  ' ',  'B'};
static const uint8_t S1[] = {0x01}, S2[] = {0x00, 0x80, 0x00}, S3[] = {0x7f, 0x01}, S4[] = {0x02};
static uint8_t HASH[32];

static struct dt_blob_entry E(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    struct dt_blob_entry e = {dt_slice_make(a, an), dt_slice_make(b, bn)};
    return e;
}

static enum dt_err
write_blob(const struct dt_blob_entry *s, size_t ns, const struct dt_blob_entry *k, size_t nk,
           const char *key, struct dt_buf *out, struct dt_blob_write_stats *st)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_blob_write_opts o = {7, 1790000000, key, NULL, NULL};
    dt_buf_init(out, 0);
    return dt_blob_write(s, ns, k, nk, &o, out, st, &d);
}

static struct dt_blob *open_blob(const struct dt_buf *b, const char *pub_pem)
{
    struct dt_blob *bl = NULL;
    char err[256];
    struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
    o.verify_key_pem = pub_pem;
    if (dt_blob_open(b->data, b->len, &o, &bl, err, sizeof(err)) != DT_BLOB_OK)
        printf("#   open: %s\n", err);
    return bl;
}

static void test_contents(void)
{
    memset(HASH, 0x5a, 32);
    struct dt_blob_entry in[] = {E(ISS_B, sizeof(ISS_B), S3, 2), E(ISS_A, sizeof(ISS_A), S1, 1),
                                 E(ISS_A, sizeof(ISS_A), S2, 3), E(ISS_B, sizeof(ISS_B), S1, 1),
                                 E(ISS_A, sizeof(ISS_A), S1, 1) /* again */};
    struct dt_blob_entry sk[] = {E(ISS_A, sizeof(ISS_A), HASH, 32),
                                 E(ISS_A, sizeof(ISS_A), HASH, 32)};
    struct dt_buf b;
    struct dt_blob_write_stats st;
    CHECKU(write_blob(in, 5, sk, 2, NULL, &b, &st) == DT_OK, "a blob of five serials, one twice");
    CHECK(st.issuers == 2 && st.serials == 4 && st.subject_keys == 1 && st.bytes == b.len,
          "stats: two issuers, four distinct serials, one distinct subject+key, its size");
    struct dt_blob *bl = open_blob(&b, NULL);
    struct dt_blob_info info = DT_BLOB_INFO_INIT;
    if (bl && dt_blob_get_info(bl, &info) != DT_BLOB_OK)
        memset(&info, 0, sizeof(info)); /* a failed read: every check below fails */
    CHECK(bl && info.version == 1 && info.sequence == 7 && info.created == 1790000000 &&
              info.issuers == 2 && info.serials == 4 && info.subject_keys == 1 && !info.is_signed &&
              info.file_bytes == b.len && info.ef_groups == st.ef_groups &&
              info.raw_groups == st.raw_groups,
          "the header, read back: version, sequence, creation time, counts, unsigned");
    CHECK(bl && dt_blob_has_serial(bl, ISS_A, sizeof(ISS_A), S1, 1) == 1 &&
              dt_blob_has_serial(bl, ISS_A, sizeof(ISS_A), S2, 3) == 1 &&
              dt_blob_has_serial(bl, ISS_B, sizeof(ISS_B), S3, 2) == 1 &&
              dt_blob_has_serial(bl, ISS_B, sizeof(ISS_B), S1, 1) == 1 &&
              dt_blob_has_spki(bl, ISS_A, sizeof(ISS_A), HASH) == 1,
          "every entry is listed");
    CHECK(bl && dt_blob_has_serial(bl, ISS_A, sizeof(ISS_A), S3, 2) == 0 &&
              dt_blob_has_serial(bl, ISS_B, sizeof(ISS_B), S2, 3) == 0 &&
              dt_blob_has_serial(bl, ISS_A, sizeof(ISS_A), S4, 1) == 0 &&
              dt_blob_has_spki(bl, ISS_B, sizeof(ISS_B), HASH) == 0,
          "and nothing else (an entry's serial under the other issuer, its subject+key under "
          "another subject)");
    dt_blob_close(bl);

    /* Any order, without the duplicates: the same bytes. */
    struct dt_blob_entry perm[] = {in[3], in[2], in[0], in[1]};
    struct dt_buf b2;
    CHECK(write_blob(perm, 4, sk, 1, NULL, &b2, NULL) == DT_OK && b2.len == b.len &&
              !memcmp(b2.data, b.data, b.len),
          "another order, no duplicates: byte for byte the same blob");
    dt_buf_free(&b2);
    struct dt_blob_write_opts o2 = {8, 1790000000, NULL, NULL, NULL};
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    dt_buf_init(&b2, 0);
    CHECK(dt_blob_write(in, 5, sk, 2, &o2, &b2, NULL, &d) == DT_OK && b2.len == b.len &&
              memcmp(b2.data, b.data, b.len) != 0,
          "another sequence number: another blob (the header counts)");
    dt_buf_free(&b2);
    dt_buf_free(&b);

    /* Empty. */
    CHECKU(write_blob(NULL, 0, NULL, 0, NULL, &b, &st) == DT_OK && st.issuers == 0 &&
               st.serials == 0,
           "no entries: a blob");
    bl = open_blob(&b, NULL);
    CHECK(bl && dt_blob_has_serial(bl, ISS_A, sizeof(ISS_A), S1, 1) == 0,
          "which opens and lists nothing");
    dt_blob_close(bl);
    dt_buf_free(&b);

    /* A Name the structured encoding cannot reproduce byte for byte (a
     * non-minimal length) is stored raw and still found. */
    static const uint8_t odd[] = {0x30, 0x81, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03,
                                  0x55, 0x04, 0x03, 0x0c, 0x04, 'C',  'A',  ' ',  'X'};
    struct dt_blob_entry raw[] = {E(odd, sizeof(odd), S1, 1), E(ISS_A, sizeof(ISS_A), S1, 1)};
    CHECKU(write_blob(raw, 2, NULL, 0, NULL, &b, &st) == DT_OK,
           "an issuer whose rebuild would differ");
    bl = open_blob(&b, NULL);
    CHECK(bl && dt_blob_has_serial(bl, odd, sizeof(odd), S1, 1) == 1 &&
              dt_blob_has_serial(bl, ISS_A, sizeof(ISS_A), S1, 1) == 1,
          "is stored raw, byte for byte, beside a structured one");
    dt_blob_close(bl);
    dt_buf_free(&b);
    /* An issuer that is not a Name at all: the reader would refuse the
     * blob, so the writer refuses the entry. */
    static const uint8_t notname[] = {0x04, 0x03, 'x', 'y', 'z'};
    struct dt_blob_entry bad[] = {E(ISS_A, sizeof(ISS_A), S1, 1),
                                  E(notname, sizeof(notname), S1, 1)};
    CHECKU(write_blob(bad, 2, NULL, 0, NULL, &b, &st) == DT_ERR_INPUT &&
               unit_has(&U, "not a DER Name") && b.len == 0,
           "an issuer that is not a DER Name: an error, no blob (regression: a blob the reader "
           "refuses was written)");
    dt_buf_free(&b);

    /* Serial lengths: 1 to the format's maximum. */
    uint8_t big[MAX_SERIAL_LEN + 1];
    memset(big, 0x11, sizeof(big));
    struct dt_blob_entry lim[] = {E(ISS_A, sizeof(ISS_A), big, MAX_SERIAL_LEN)};
    CHECKU(write_blob(lim, 1, NULL, 0, NULL, &b, NULL) == DT_OK,
           "a serial of the maximum length (%d octets)", MAX_SERIAL_LEN);
    bl = open_blob(&b, NULL);
    CHECK(bl && dt_blob_has_serial(bl, ISS_A, sizeof(ISS_A), big, MAX_SERIAL_LEN) == 1,
          "is listed");
    dt_blob_close(bl);
    dt_buf_free(&b);
    lim[0].b.n = MAX_SERIAL_LEN + 1;
    CHECKU(write_blob(lim, 1, NULL, 0, NULL, &b, NULL) == DT_ERR_INPUT &&
               unit_has(&U, "cannot go into the blob") && b.len == 0,
           "one octet more: an error, nothing written");
    dt_buf_free(&b);
    lim[0].b.n = 0;
    CHECKU(write_blob(lim, 1, NULL, 0, NULL, &b, NULL) == DT_ERR_INPUT &&
               unit_has(&U, "a serial of 0 octets"),
           "an empty serial: an error");
    dt_buf_free(&b);
    struct dt_blob_entry badk[] = {E(ISS_A, sizeof(ISS_A), HASH, 31)};
    CHECK(write_blob(NULL, 0, badk, 1, NULL, &b, NULL) == DT_ERR_INTERNAL,
          "a subject+key hash that is not 32 octets: an internal error");
    dt_buf_free(&b);

    /* A full output buffer. */
    struct dt_blob_write_opts o = {1, 0, NULL, NULL, NULL};
    unit_diags_setup(&U, &d);
    dt_buf_init(&b, 40);
    CHECK(dt_blob_write(in, 5, NULL, 0, &o, &b, NULL, &d) == DT_ERR_LIMIT,
          "an output buffer too small: DT_ERR_LIMIT");
    dt_buf_free(&b);
}

static void test_signing(void)
{
    struct dt_blob_entry in[] = {E(ISS_A, sizeof(ISS_A), S1, 1), E(ISS_B, sizeof(ISS_B), S3, 2)};
    struct dt_buf b, b2;
    EVP_PKEY *k384 = ux_key_file("testdata/keys/signer-p384.pem");
    EVP_PKEY *k256 = ux_key_file("testdata/keys/signer-p256.pem");
    char pub384[600], pub256[600];
    snprintf(pub384, sizeof(pub384), "%s", ux_write_pub("p384.pub.pem", k384));
    snprintf(pub256, sizeof(pub256), "%s", ux_write_pub("p256.pub.pem", k256));
    FILE *f = fopen(pub384, "r");
    static char p384[4096], p256[4096];
    size_t n = f ? fread(p384, 1, sizeof(p384) - 1, f) : 0;
    if (f)
        fclose(f);
    p384[n] = 0;
    f = fopen(pub256, "r");
    n = f ? fread(p256, 1, sizeof(p256) - 1, f) : 0;
    if (f)
        fclose(f);
    p256[n] = 0;

    CHECKU(write_blob(in, 2, NULL, 0, "testdata/keys/signer-p384.pem", &b, NULL) == DT_OK,
           "signed with P-384");
    struct dt_blob *bl = open_blob(&b, p384);
    struct dt_blob_info info = DT_BLOB_INFO_INIT;
    if (bl && dt_blob_get_info(bl, &info) != DT_BLOB_OK)
        memset(&info, 0, sizeof(info)); /* a failed read: every check below fails */
    CHECK(bl && info.is_signed && info.signature_verified && info.signature_bits == 384,
          "the signature verifies with the public key (384 bits)");
    dt_blob_close(bl);
    CHECK(!open_blob(&b, p256), "and not with another key");
    CHECKU(write_blob(in, 2, NULL, 0, "testdata/keys/signer-p384.pem", &b2, NULL) == DT_OK &&
               b2.len == b.len && !memcmp(b.data, b2.data, b.len),
           "signed twice: the same bytes (deterministic signatures)");
    dt_buf_free(&b2);
    dt_buf_free(&b);
    CHECKU(write_blob(in, 2, NULL, 0, "testdata/keys/signer-p256.pem", &b, NULL) == DT_OK,
           "signed with P-256");
    bl = open_blob(&b, p256);
    struct dt_blob_info info2 = DT_BLOB_INFO_INIT;
    info = info2;
    if (bl && dt_blob_get_info(bl, &info) != DT_BLOB_OK)
        memset(&info, 0, sizeof(info));
    CHECK(bl && info.signature_verified && info.signature_bits == 256,
          "verifies with its key (256 bits)");
    dt_blob_close(bl);
    dt_buf_free(&b);

    /* Keys that cannot sign a blob. */
    CHECKU(write_blob(in, 2, NULL, 0, "testdata/pki/root-a.key.pem", &b, NULL) == DT_ERR_INPUT &&
               unit_has(&U, "must be an ECDSA P-256 or P-384 private key") &&
               unit_has(&U, "root-a.key.pem|"),
           "an RSA key: an error at the key file");
    dt_buf_free(&b);
    CHECKU(write_blob(in, 2, NULL, 0, pub384, &b, NULL) == DT_ERR_INPUT &&
               unit_has(&U, "private key"),
           "a public key: an error");
    dt_buf_free(&b);
    EVP_PKEY *k521 = EVP_EC_gen("P-521");
    const char *p521 = k521 ? ux_write_key("p521.pem", k521) : NULL;
    CHECKU(p521 && write_blob(in, 2, NULL, 0, p521, &b, NULL) == DT_ERR_INPUT &&
               unit_has(&U, "P-256 or P-384"),
           "a P-521 key: an error");
    dt_buf_free(&b);
    char missing[600];
    snprintf(missing, sizeof(missing), "%s/no-such-key.pem", unit_tmp());
    enum dt_err rc = write_blob(in, 2, NULL, 0, missing, &b, NULL);
    CHECKU(rc != DT_OK && U.errors == 1 && unit_has(&U, "--sign-key") &&
               unit_has(&U, "no-such-key"),
           "a missing key file: an error at --sign-key naming it (rc %d)", rc);
    dt_buf_free(&b);
    EVP_PKEY_free(k384);
    EVP_PKEY_free(k256);
    EVP_PKEY_free(k521);
}

static void test_model(void)
{
    char text[4096];
    snprintf(text, sizeof(text),
             "{\"version\": 1, \"entries\": [\n"
             " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\"},\n"
             " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", \"targets\": [\"nss\"]},\n"
             " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"01:02\", "
             "\"targets\": [\"blob\"]},\n"
             " {\"subject_der\": \"MA0xCzAJBgNVBAMMAmhp\", \"spki_sha256\": "
             "\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},\n"
             " {\"subject_der\": \"MA0xCzAJBgNVBAMMAnlv\", \"spki_sha256\": "
             "\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\", \"targets\": [\"onecrl\"]}]}",
             cwd);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    struct dt_policy p;
    struct dt_model m;
    const char *paths[1] = {UNIT_WRITE_STR("b.json", text)};
    if (dt_policy_load(&p, paths, 1, &d) != DT_OK ||
        dt_model_resolve(&p, NULL, NULL, &m, NULL, &d, NULL) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
    struct dt_blob_write_opts o = {3, 1700000000, NULL, NULL, NULL};
    struct dt_buf b, want;
    struct dt_blob_write_stats st;
    dt_buf_init(&b, 0);
    CHECKU(dt_blob_write_model(&m, &o, &b, &st, &d) == DT_OK && st.serials == 2 &&
               st.subject_keys == 1 && st.issuers == 2,
           "the model's blob: the two blob-targeted serials, the blob-targeted subject+key");
    /* The same as writing those entries by hand. */
    struct dt_blob_entry s[2], k[1];
    size_t ns = 0;
    for (size_t i = 0; i < m.n_items; i++)
        if (m.items[i].targets & DT_TARGET_BLOB)
            s[ns++] = (struct dt_blob_entry){m.items[i].issuer, m.items[i].serial};
    k[0] = (struct dt_blob_entry){m.skeys[0].subject, dt_slice_make(m.skeys[0].spki_sha256, 32)};
    dt_buf_init(&want, 0);
    CHECK(ns == 2 && dt_blob_write(s, ns, k, 1, &o, &want, NULL, &d) == DT_OK &&
              want.len == b.len && !memcmp(want.data, b.data, b.len),
          "byte for byte the blob of those entries written by hand");
    struct dt_blob *bl = open_blob(&b, NULL);
    const struct dt_item *nss_only = NULL;
    for (size_t i = 0; i < m.n_items; i++)
        if (!(m.items[i].targets & DT_TARGET_BLOB))
            nss_only = &m.items[i];
    CHECK(bl && nss_only &&
              dt_blob_has_serial(bl, nss_only->issuer.p, nss_only->issuer.n, nss_only->serial.p,
                                 nss_only->serial.n) == 0,
          "an nss-only entry is not in the blob");
    dt_blob_close(bl);
    dt_buf_free(&b);
    dt_buf_free(&want);
    dt_model_free(&m);
    dt_policy_free(&p);
}

/* Progress: the entries encoded so far, rising to all of them (regression:
 * the blob phase stayed at 0 %). */
static uint64_t P_LAST, P_TOTAL;
static size_t P_CALLS;
static bool P_MONOTONE = true;

static void on_progress(const char *phase, uint64_t done, uint64_t total, void *ctx)
{
    (void)ctx;
    if (strcmp(phase, "writing revocations.blob") || done < P_LAST || done > total)
        P_MONOTONE = false;
    P_LAST = done;
    P_TOTAL = total;
    P_CALLS++;
}

static void test_progress(void)
{
    enum { N = 200000 };
    static uint8_t serials[N][3];
    struct dt_blob_entry *e = calloc(N, sizeof(*e));
    if (!e)
        exit(2);
    for (size_t i = 0; i < N; i++) {
        serials[i][0] = 0x10;
        serials[i][1] = (uint8_t)(i >> 8);
        serials[i][2] = (uint8_t)i;
        serials[i][0] |= (uint8_t)(i >> 16);
        e[i] = E(ISS_A, sizeof(ISS_A), serials[i], 3);
    }
    struct dt_blob_write_opts o = {1, 0, NULL, on_progress, NULL};
    struct dt_buf b;
    dt_buf_init(&b, 0);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    CHECKU(dt_blob_write(e, N, NULL, 0, &o, &b, NULL, &d) == DT_OK, "200,000 serials written");
    CHECK(P_MONOTONE && P_CALLS >= 3 && P_LAST == N && P_TOTAL == N,
          "progress advances to all the entries (%zu calls, last %llu of %llu)", P_CALLS,
          (unsigned long long)P_LAST, (unsigned long long)P_TOTAL);
    struct dt_buf b2;
    dt_buf_init(&b2, 0);
    o.progress = NULL;
    CHECK(dt_blob_write(e, N, NULL, 0, &o, &b2, NULL, &d) == DT_OK && b2.len == b.len &&
              !memcmp(b.data, b2.data, b.len),
          "the same bytes without a progress callback");
    dt_buf_free(&b);
    dt_buf_free(&b2);
    free(e);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    test_contents();
    test_signing();
    test_model();
    test_progress();
    return unit_done();
}
