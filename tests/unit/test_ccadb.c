/* Unit tests: ccadb.c, the CCADB's CSV reports: a real report of
 * testdata/ccadb (every row's certificate, its fingerprint checked), the
 * header found by name whatever its case and blanks, the PEM column as
 * "PEM Info" wrapped in single quotes and at another width, the other
 * columns by name; sniffing a report apart from PEM and DER; and each error
 * with its row: a fingerprint that is not the certificate's, a row with
 * another number of fields, an empty or non-PEM cell, a report without a PEM
 * column or without a row. */
#include "ccadb.h"
#include "unit.h"

#include "file.h"

static struct unit_diags U;

static char *hex_upper(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; s && i < n; i++)
        snprintf(s + 2 * i, 3, "%02X", p[i]);
    return s;
}

/* The PEM of c with its base64 wrapped at width columns, as one string
 * without the trailing newline. */
static char *pem_at(const struct dt_cert *c, size_t width)
{
    struct dt_buf b;
    dt_buf_init(&b, 1u << 20);
    if (dt_cert_pem(c, &b) != DT_OK)
        return NULL;
    /* join the body, wrap again */
    char *body = malloc(b.len + 1), *out = malloc(2 * b.len + 128);
    size_t n = 0, o = 0;
    const char *s = (const char *)b.data;
    const char *first = memchr(s, '\n', b.len);
    const char *last = strstr(s, "-----END");
    for (const char *p = first + 1; p < last; p++)
        if (*p != '\n')
            body[n++] = *p;
    o += (size_t)sprintf(out, "-----BEGIN CERTIFICATE-----\n");
    for (size_t i = 0; i < n; i += width) {
        size_t k = n - i < width ? n - i : width;
        memcpy(out + o, body + i, k);
        o += k;
        out[o++] = '\n';
    }
    o += (size_t)sprintf(out + o, "-----END CERTIFICATE-----");
    free(body);
    dt_buf_free(&b);
    return out;
}

static enum dt_err load(const char *text, struct dt_certlist *l)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    dt_cert_list_free(l); /* what the last call left (an array, even when empty) */
    memset(l, 0, sizeof(*l));
    return dt_ccadb_load_certs("r.csv", dt_slice_make(text, strlen(text)), l, &d);
}

int main(void)
{
    /* 1. a real report, as the CCADB publishes it */
    struct dt_buf real;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    const char *rp = "testdata/ccadb/AllCertificatePEMsCSVFormat_NotBeforeYear_1999";
    CHECK(dt_file_read(rp, (size_t)1 << 26, &real, &d, NULL) == DT_OK, "baseline: a real report reads");
    struct dt_slice rs = dt_slice_make(real.data, real.len);
    CHECK(dt_ccadb_sniff(rs), "a real report is sniffed as one");
    struct dt_certlist l = {0};
    unit_diags_setup(&U, &d);
    CHECK(dt_ccadb_load_certs(rp, rs, &l, &d) == DT_OK && l.n > 10, "every row's certificate loads");
    struct dt_ccadb r;
    struct dt_ccadb_row row = {0};
    bool eof = false;
    unit_diags_setup(&U, &d);
    CHECK(dt_ccadb_open(&r, rp, rs, &d) == DT_OK && r.pem == 1 && r.sha256 == 0,
          "its header: the fingerprint column first, the PEM column second");
    size_t n = 0, same = 0;
    while (dt_ccadb_next(&r, &row, &eof, &d) == DT_OK && !eof) {
        n++;
        char *h = hex_upper(row.cert->sha256, 32);
        struct dt_slice f = dt_ccadb_get(&row, r.sha256);
        same += h && f.n == 64 && !memcmp(f.p, h, 64);
        free(h);
    }
    dt_ccadb_row_free(&row);
    CHECK(eof && n == l.n && same == n, "each row's certificate has the fingerprint of its row");
    CHECK(l.n && l.v[0]->line == 2 && l.v[0]->index == 1 && !strcmp(l.v[0]->file, rp),
          "a certificate names its file, its row's line and its row");
    dt_ccadb_close(&r);
    dt_cert_list_free(&l);


    /* 2. made-up reports around a fixture certificate */
    struct dt_certlist la = {0};
    unit_diags_setup(&U, &d);
    CHECK(dt_cert_load_file("testdata/pki/root-a.pem", &la, &d, NULL) == DT_OK && la.n == 1,
          "baseline: root-a loads");
    const struct dt_cert *a = la.n ? la.v[0] : NULL;
    char *fp = a ? hex_upper(a->sha256, 32) : NULL;
    char *pem76 = a ? pem_at(a, 76) : NULL, *pem64 = a ? pem_at(a, 64) : NULL;
    char *t = malloc(1u << 16);
    CHECK(fp && pem76 && pem64 && t, "baseline: its fingerprint and PEM");
    if (fp && pem76 && pem64 && t) {
        snprintf(t, 1u << 16, "CA Owner, sha-256 fingerprint ,pem info\nOwner A,%s,\"'%s'\"\n", fp,
                 pem76);
        CHECK(load(t, &l) == DT_OK && l.n == 1 && !memcmp(l.v[0]->sha256, a->sha256, 32),
              "\"PEM Info\" in single quotes, wrapped at 76, names in another case and blanks");
        dt_cert_list_free(&l);
        snprintf(t, 1u << 16, "X.509 Certificate (PEM)\r\n\"%s\"\r\n\r\n", pem64);
        CHECK(load(t, &l) == DT_OK && l.n == 1, "CRLF, no fingerprint column, a blank last line");
        dt_cert_list_free(&l);
        CHECK(!dt_ccadb_sniff(dt_slice_make(pem64, strlen(pem64))), "a PEM file is no report");
        CHECK(!dt_ccadb_sniff(dt_slice_make(a->der, a->der_len)), "a DER file is no report");

        /* the fingerprint of another certificate, at its row */
        char other[65];
        memcpy(other, fp, 65);
        other[0] = other[0] == '0' ? '1' : '0';
        snprintf(t, 1u << 16, "SHA-256 Fingerprint,PEM Info\n%s,\"%s\"\n%s,\"%s\"\n", fp, pem64,
                 other, pem64);
        unsigned pem_lines = 1;
        for (const char *q = pem64; *q; q++)
            pem_lines += *q == '\n';
        char at[32];
        snprintf(at, sizeof(at), "|r.csv|%u|", 2 + pem_lines); /* row 2's first line */
        CHECK(load(t, &l) == DT_ERR_INPUT && unit_has(&U, at) &&
                  unit_has(&U, "row 2: the SHA-256 Fingerprint column") &&
                  unit_has(&U, "is not the certificate's"),
              "a fingerprint that is not the certificate's: an error at its row and line");
        CHECK(l.n == 0, "... all or nothing: the first row's certificate is not kept");
        snprintf(t, 1u << 16, "SHA-256 Fingerprint,PEM Info\nnot-hex,\"%s\"\n", pem64);
        CHECK(load(t, &l) == DT_ERR_INPUT && unit_has(&U, "row 1"), "a fingerprint that is not hex");
        snprintf(t, 1u << 16, "Owner,PEM Info\nA,\"%s\",extra\n", pem64);
        CHECK(load(t, &l) == DT_ERR_INPUT && unit_has(&U, "row 1 has 3 fields, the header (line 1) has 2"),
              "a row with more fields than the header");
        CHECK(load("Owner,PEM Info\nA,\n", &l) == DT_ERR_INPUT && unit_has(&U, "row 1: the PEM Info column is empty"),
              "an empty PEM cell");
        CHECK(load("Owner,PEM Info\nA,hello\n", &l) == DT_ERR_INPUT && unit_has(&U, "holds no PEM certificate"),
              "a PEM cell without a certificate");
        CHECK(load("Owner,PEM Info\nA,\"-----BEGIN CERTIFICATE-----\nMIIB!!!\n-----END CERTIFICATE-----\"\n", &l) ==
                      DT_ERR_INPUT && unit_has(&U, "row 1: the PEM certificate"),
              "a PEM cell whose base64 is broken");
        CHECK(load("Owner,Name\nA,B\n", &l) == DT_ERR_INPUT && unit_has(&U, "not a CCADB report") &&
                  unit_has(&U, "its columns: \"Owner\", \"Name\""),
              "a CSV without a PEM column, its columns named");
        CHECK(dt_ccadb_is_table(dt_slice_make("Owner,Name\nA,B\n", 16)) &&
                  dt_ccadb_is_table(dt_slice_make("\"a\",b", 5)) &&
                  dt_ccadb_is_table(dt_slice_make("\"a\",\"b\"\r\n1,2\r\n", 14)),
              "a CSV table without a PEM column is a table (a report or not)");
        CHECK(!dt_ccadb_is_table(dt_slice_make(pem64, strlen(pem64))) &&
                  !dt_ccadb_is_table(dt_slice_make(a->der, a->der_len)) &&
                  !dt_ccadb_is_table(dt_slice_make("just text\nmore, text\n", 21)) &&
                  !dt_ccadb_is_table(dt_slice_make("a,\"b\nc\n", 7)) &&
                  !dt_ccadb_is_table(dt_slice_make("", 0)),
              "PEM, DER, a text whose first line has no comma, a broken header: no table");
        CHECK(load("Owner,PEM Info\n", &l) == DT_ERR_INPUT && unit_has(&U, "without a row"),
              "a report without a row");
        /* a cell of two certificates: one row is one certificate, never the
         * first of two with the second dropped */
        snprintf(t, 1u << 16, "Owner,PEM Info\nA,\"%s%s\"\n", pem64, pem64);
        CHECK(load(t, &l) == DT_ERR_INPUT && unit_has(&U, "|r.csv|2|") &&
                  unit_has(&U, "row 1: the PEM Info column holds more than one certificate"),
              "a PEM cell holding two certificates: an error at its row");
        CHECK(l.n == 0, "... and nothing loaded");
        snprintf(t, 1u << 16, "Owner,PEM Info\nA,\"%s\n-----BEGIN CERTIFICATE-----\nAAAA\"\n", pem64);
        CHECK(load(t, &l) == DT_ERR_INPUT && unit_has(&U, "more than one certificate"),
              "a certificate then a BEGIN without its END: an error too");
        snprintf(t, 1u << 16, "Owner,PEM Info\nA,\"%s\n\"\n", pem64);
        CHECK(load(t, &l) == DT_OK && l.n == 1, "baseline: one certificate and a line break after it loads");
        dt_cert_list_free(&l);
        snprintf(t, 1u << 16, "PEM Info\n\"%s\nAAAA\n", pem64);
        CHECK(load(t, &l) == DT_ERR_INPUT && unit_has(&U, "|r.csv|2|") && unit_has(&U, "row 1: a quoted CSV field is never closed"),
              "a PEM cell whose quote is never closed: at its line");
    }
    dt_cert_list_free(&l);
    free(t);
    free(fp);
    free(pem76);
    free(pem64);
    dt_cert_list_free(&la);
    dt_buf_free(&real);
    return unit_done();
}
