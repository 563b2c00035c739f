/* Unit tests: import_ccadb.c, the CCADB's revoked-intermediates report as
 * a policy (dt_import_ccadb_mem) and its row rules: the serial cell
 * compared with the certificate's as integers (case, colons, a 0x prefix
 * and leading zeros aside; the 0x00 pad; a negative serial by its octets
 * or by a minus sign), the revocation date's formats (the report's own
 * "2020 Jun 09" among them), the OneCRL statuses; a report of real
 * certificates (testdata/ccadb) becomes issuer/serial entries of exactly
 * those certificates, scope certificate, targets onecrl and blob, with
 * their metadata, in the order of their SHA-256 whatever the row order
 * (the same bytes again); what is noted (Cert Expired), warned about
 * (other statuses, the same certificate twice) and what is an error with
 * its row (a serial that is not the certificate's, a bad date, a report
 * without the status column, without a row, JSON instead of CSV). */
#include "import.h"
#include "unit.h"

#include "b64.h"
#include "ccadb.h"
#include "file.h"
#include "hex.h"

#include <jansson.h>

static struct unit_diags U;

static char *hex_upper(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; s && i < n; i++)
        snprintf(s + 2 * i, 3, "%02X", p[i]);
    if (s)
        s[2 * n] = '\0';
    return s;
}

static struct dt_slice S(const char *s)
{
    return dt_slice_make(s, strlen(s));
}

/* The certificates of a real report of testdata/ccadb. */
static void load_report(const char *path, struct dt_certlist *l)
{
    struct dt_buf b;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    if (dt_file_read(path, (size_t)1 << 26, &b, &d, NULL) != DT_OK ||
        dt_ccadb_load_certs(path, dt_slice_make(b.data, b.len), l, &d) != DT_OK)
        exit(2);
    dt_buf_free(&b);
}

#define HEADER                                                                                   \
    "\"CA Owner\",\"Revocation Status\",\"RFC 5280 Revocation Reason Code\",\"Date of "          \
    "Revocation\",\"OneCRL Status\",\"Certificate Serial Number\",\"CA Owner/Certificate "       \
    "Name\",\"SHA-256 Fingerprint\",\"Comments\",\"PEM Info\"\n"

/* A row for c; serial NULL: the certificate's, as the report writes it. */
static void row(struct dt_buf *t, const struct dt_cert *c, const char *status, const char *serial,
                const char *date, const char *name)
{
    char *fp = hex_upper(c->sha256, 32), *sn = hex_upper(c->info.serial.p, c->info.serial.n);
    struct dt_buf pem;
    dt_buf_init(&pem, 1u << 20);
    if (!fp || !sn || dt_cert_pem(c, &pem) != DT_OK)
        exit(2);
    while (pem.len && pem.data[pem.len - 1] == '\n')
        pem.len--;
    char qname[256];
    size_t o = 0;
    for (const char *p = name; *p && o < sizeof(qname) - 2; p++) {
        if (*p == '"')
            qname[o++] = '"';
        qname[o++] = *p;
    }
    qname[o] = '\0';
    if (dt_buf_printf(t, "\"Owner Inc\",\"Revoked\",\"(1) keyCompromise\",\"%s\",\"%s\",\"%s\","
                         "\"%s\",\"%s\",\"\",\"'%.*s'\"\n",
                      date, status, serial ? serial : sn, qname, fp, (int)pem.len,
                      (const char *)pem.data) != DT_OK)
        exit(2);
    free(fp);
    free(sn);
    dt_buf_free(&pem);
}

struct run {
    enum dt_err rc;
    struct dt_buf policy;
    struct dt_import_summary s;
    json_t *doc;
};

static void import(struct dt_buf *t, struct run *r)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(r, 0, sizeof(*r));
    dt_buf_init(&r->policy, 0);
    r->rc = dt_import_ccadb_mem("r.csv", dt_slice_make(t->data, t->len), &r->policy, &r->s, &d);
    json_error_t e;
    r->doc = r->policy.len ? json_loadb((const char *)r->policy.data, r->policy.len, 0, &e) : NULL;
}

static void run_free(struct run *r)
{
    dt_buf_free(&r->policy);
    json_decref(r->doc);
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

static const char *entry_str(const struct run *r, size_t i, const char *key)
{
    json_t *e = json_array_get(json_object_get(r->doc, "entries"), i);
    return json_string_value(json_object_get(e, key));
}

/* Whether entry i is c's issuer and serial, scope certificate, targets
 * onecrl and blob. */
static bool entry_is(const struct run *r, size_t i, const struct dt_cert *c)
{
    struct dt_buf b64, hex;
    dt_buf_init(&b64, 0);
    dt_buf_init(&hex, 0);
    if (dt_b64_encode(c->info.issuer, &b64) != DT_OK || dt_buf_putc(&b64, 0) != DT_OK ||
        dt_hex_encode(c->info.serial, false, ':', &hex) != DT_OK || dt_buf_putc(&hex, 0) != DT_OK)
        exit(2);
    json_t *e = json_array_get(json_object_get(r->doc, "entries"), i);
    json_t *tg = json_object_get(e, "targets");
    const char *is = entry_str(r, i, "issuer_der"), *sn = entry_str(r, i, "serial"),
               *sc = entry_str(r, i, "scope");
    bool ok = is && sn && sc && !strcmp(is, (const char *)b64.data) &&
              !strcmp(sn, (const char *)hex.data) && !strcmp(sc, "certificate") &&
              json_array_size(tg) == 2 &&
              !strcmp(json_string_value(json_array_get(tg, 0)), "onecrl") &&
              !strcmp(json_string_value(json_array_get(tg, 1)), "blob") &&
              !json_object_get(e, "certificate") && !json_object_get(e, "cross_signs");
    dt_buf_free(&b64);
    dt_buf_free(&hex);
    return ok;
}

int main(void)
{
    /* 1. the serial cell, compared as integers */
    static const uint8_t padded[] = {0x00, 0xf7, 0x42, 0x79, 0xba};
    static const uint8_t plain[] = {0x22, 0xb9, 0xb0, 0xd6};
    static const uint8_t neg[] = {0xee, 0x2b, 0x3d, 0xeb}; /* -0x11D4C215 */
    struct dt_slice sp = dt_slice_make(padded, sizeof(padded)),
                    sl = dt_slice_make(plain, sizeof(plain)), sg = dt_slice_make(neg, sizeof(neg));
    CHECK(!dt_import_ccadb_serial_check(S("22B9B0D6"), sl), "the report's form: uppercase hex");
    CHECK(!dt_import_ccadb_serial_check(S("22b9b0d6"), sl) &&
              !dt_import_ccadb_serial_check(S("0022B9B0D6"), sl) &&
              !dt_import_ccadb_serial_check(S("22:b9:b0:d6"), sl) &&
              !dt_import_ccadb_serial_check(S(" 0x22B9B0D6 "), sl),
          "case, leading zeros, colons, 0x and blanks do not matter");
    CHECK(!dt_import_ccadb_serial_check(S("F74279BA"), sp) &&
              !dt_import_ccadb_serial_check(S("00F74279BA"), sp),
          "the certificate's 0x00 pad does not matter either way");
    CHECK_STR(dt_import_ccadb_serial_check(S("22B9B0D7"), sl), "is not the certificate's serial",
              "one more is another serial");
    CHECK_STR(dt_import_ccadb_serial_check(S("22B9B0D600"), sl),
              "is not the certificate's serial", "trailing zeros are digits");
    CHECK_STR(dt_import_ccadb_serial_check(S("22B9B0G6"), sl), "is not hex", "not hex");
    CHECK_STR(dt_import_ccadb_serial_check(S("  "), sl), "is empty", "empty");
    CHECK(!dt_import_ccadb_serial_check(S("-11D4C215"), sg),
          "a negative serial: a minus sign and its absolute value (openssl's form)");
    CHECK(!dt_import_ccadb_serial_check(S("EE2B3DEB"), sg), "... or its octets as hex");
    CHECK(dt_import_ccadb_serial_check(S("11D4C215"), sg) != NULL,
          "... the absolute value without the sign is another serial");
    CHECK_STR(dt_import_ccadb_serial_check(S("-22B9B0D6"), sl),
              "is negative; the certificate's serial is not", "a minus sign on a positive serial");
    CHECK(!dt_import_ccadb_serial_check(S("0"), dt_slice_make("\0", 1)), "zero is zero");

    /* 2. the revocation date */
    char out[11];
    CHECK(!dt_import_ccadb_date(S("2020 Jun 09"), out) && !strcmp(out, "2020-06-09"),
          "the report's own form: 2020 Jun 09");
    CHECK(!dt_import_ccadb_date(S("2024.01.15"), out) && !strcmp(out, "2024-01-15") &&
              !dt_import_ccadb_date(S("2024-01-15"), out) && !strcmp(out, "2024-01-15") &&
              !dt_import_ccadb_date(S("01/15/2024"), out) && !strcmp(out, "2024-01-15") &&
              !dt_import_ccadb_date(S(" 2024 JAN 15 "), out) && !strcmp(out, "2024-01-15"),
          "YYYY.MM.DD, YYYY-MM-DD, MM/DD/YYYY (as CAs upload it), any case");
    CHECK(dt_import_ccadb_date(S("2023.02.29"), out) && dt_import_ccadb_date(S("2024.13.01"), out) &&
              dt_import_ccadb_date(S("2020 Jux 09"), out) &&
              dt_import_ccadb_date(S("2020.6.9"), out) && dt_import_ccadb_date(S("yesterday"), out) &&
              dt_import_ccadb_date(S("15/01/2024"), out) && dt_import_ccadb_date(S(""), out),
          "no 29 February 2023, no month 13, no Jux, no short fields, no words, no DD/MM");
    CHECK(!dt_import_ccadb_date(S("2024.02.29"), out) && !strcmp(out, "2024-02-29"),
          "... but 29 February 2024");

    /* 3. the statuses */
    CHECK(dt_import_ccadb_status_of(S("Added to OneCRL")) == DT_CCADB_ADDED &&
              dt_import_ccadb_status_of(S(" ready to add ")) == DT_CCADB_READY &&
              dt_import_ccadb_status_of(S("Cert Expired")) == DT_CCADB_EXPIRED &&
              dt_import_ccadb_status_of(S("")) == DT_CCADB_OTHER &&
              dt_import_ccadb_status_of(S("Ready to Add later")) == DT_CCADB_OTHER,
          "the three statuses, anything else is other");

    /* 4. a report of real certificates */
    struct dt_certlist l99 = {0}, l03 = {0}, l08 = {0};
    load_report("testdata/ccadb/AllCertificatePEMsCSVFormat_NotBeforeYear_1999", &l99);
    load_report("testdata/ccadb/AllCertificatePEMsCSVFormat_NotBeforeYear_2003", &l03);
    load_report("testdata/ccadb/AllCertificatePEMsCSVFormat_NotBeforeYear_2008", &l08);
    CHECK(l99.n > 28 && l03.n > 13 && l08.n > 4, "baseline: the real reports load");
    const struct dt_cert *gs = l99.v[28], *tw = l03.v[7], *ecacc = l03.v[13], *old = l99.v[0],
                         *swiss = l08.v[4];
    CHECK(tw->info.serial.p[0] == 0 && dt_der_int_is_negative(ecacc->info.serial),
          "baseline: a serial with its 0x00 pad, a negative serial");
    struct dt_buf t;
    dt_buf_init(&t, 0);
    (void)!dt_buf_puts(&t, HEADER);
    row(&t, gs, "Added to OneCRL", NULL, "2019 Nov 30", "GlobalSign/Primary Object Publishing");
    row(&t, tw, "Ready to Add", "F74279BABC67266BFD3D25BB196270DC", "2023.05.02", "GRCA/\"TW\" $x@");
    row(&t, old, "Cert Expired", NULL, "2011 Jan 01", "Old CA");
    row(&t, swiss, "Not Revoked", NULL, "", "Swiss");
    row(&t, ecacc, "Ready to Add", "-11D4C2142BDE21EB579D53FB0C223BFF", "", "EC-ACC");
    row(&t, swiss, "", NULL, "", "Swiss again");
    struct run r;
    import(&t, &r);
    CHECK(r.rc == DT_OK && r.doc, "the report imports%s%s", r.rc ? ": " : "", r.rc ? U.text : "");
    json_t *entries = json_object_get(r.doc, "entries");
    CHECK(json_array_size(entries) == 3 && r.s.records == 3 && r.s.added == 1 && r.s.ready == 2 &&
              r.s.expired == 1 && r.s.other == 2,
          "3 entries (1 added, 2 ready), 1 Cert Expired and 2 other rows left out");
    /* the order: by SHA-256 */
    const struct dt_cert *by[3] = {gs, tw, ecacc};
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (memcmp(by[i]->sha256, by[j]->sha256, 32) > 0) {
                const struct dt_cert *x = by[i];
                by[i] = by[j];
                by[j] = x;
            }
    CHECK(entry_is(&r, 0, by[0]) && entry_is(&r, 1, by[1]) && entry_is(&r, 2, by[2]),
          "each entry is its certificate's exact issuer and serial, scope certificate, onecrl "
          "and blob, in the order of their SHA-256");
    size_t iec = by[0] == ecacc ? 0 : by[1] == ecacc ? 1 : 2;
    size_t itw = by[0] == tw ? 0 : by[1] == tw ? 1 : 2;
    size_t igs = 3 - iec - itw;
    CHECK_STR(entry_str(&r, iec, "serial_format"), "der-negative",
              "a negative serial is kept exactly (der-negative)");
    CHECK(!strncmp(nz(entry_str(&r, itw, "serial")), "00:f7:42", 8), "the 0x00 pad is kept");
    CHECK_STR(entry_str(&r, igs, "label"), "GlobalSign/Primary Object Publishing",
              "the certificate name is the label");
    CHECK_STR(entry_str(&r, itw, "label"), "GRCA/_TW_ _x_",
              "a label loses what CKA_LABEL cannot hold");
    CHECK_STR(entry_str(&r, igs, "why"), "revoked by Owner Inc: (1) keyCompromise",
              "the owner and the reason are the why");
    CHECK_STR(entry_str(&r, igs, "created"), "2019-11-30", "the revocation date is created");
    CHECK(entry_str(&r, iec, "created") == NULL, "no date, no created");
    CHECK(strstr(nz(entry_str(&r, igs, "comment")), "OneCRL Status \"Added to OneCRL\"") &&
              strstr(nz(entry_str(&r, itw, "comment")), "OneCRL Status \"Ready to Add\""),
          "the status is in the comment");
    CHECK(unit_has(&U, "note|r.csv|") && unit_has(&U, "row 3: \"Cert Expired\": left out (Old CA)"),
          "a Cert Expired row: a note with its row and name");
    CHECK(unit_has(&U, "warning|r.csv|") &&
              unit_has(&U, "row 4: OneCRL Status \"Not Revoked\": left out") &&
              unit_has(&U, "row 6: OneCRL Status \"\": left out") && U.warnings == 2,
          "other statuses, an empty one too: a warning each with its row");
    const char *comment = json_string_value(json_object_get(r.doc, "comment"));
    CHECK(comment && !strncmp(comment, "Imported by distrust ", 21) &&
              strstr(comment, "from r.csv (CCADB revoked intermediates): 3 entries"),
          "the policy says where it came from (and so may be replaced by the next import)");

    /* the same bytes again; and whatever the row order */
    struct run r2;
    import(&t, &r2);
    CHECK(r2.rc == DT_OK && r2.policy.len == r.policy.len &&
              !memcmp(r2.policy.data, r.policy.data, r.policy.len),
          "the same report, the same bytes");
    run_free(&r2);
    struct dt_buf t2;
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, HEADER);
    row(&t2, swiss, "", NULL, "", "Swiss again");
    row(&t2, ecacc, "Ready to Add", "-11D4C2142BDE21EB579D53FB0C223BFF", "", "EC-ACC");
    row(&t2, swiss, "Not Revoked", NULL, "", "Swiss");
    row(&t2, old, "Cert Expired", NULL, "2011 Jan 01", "Old CA");
    row(&t2, tw, "Ready to Add", "F74279BABC67266BFD3D25BB196270DC", "2023.05.02", "GRCA/\"TW\" $x@");
    row(&t2, gs, "Added to OneCRL", NULL, "2019 Nov 30", "GlobalSign/Primary Object Publishing");
    import(&t2, &r2);
    CHECK(r2.rc == DT_OK && r2.policy.len == r.policy.len &&
              !memcmp(r2.policy.data, r.policy.data, r.policy.len),
          "the rows in another order, the same bytes");
    run_free(&r2);
    /* the check checks: another status changes the bytes */
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, HEADER);
    row(&t2, gs, "Ready to Add", NULL, "2019 Nov 30", "GlobalSign/Primary Object Publishing");
    row(&t2, tw, "Ready to Add", "F74279BABC67266BFD3D25BB196270DC", "2023.05.02", "GRCA/\"TW\" $x@");
    row(&t2, ecacc, "Ready to Add", "-11D4C2142BDE21EB579D53FB0C223BFF", "", "EC-ACC");
    import(&t2, &r2);
    CHECK(r2.rc == DT_OK && r2.s.records == 3 &&
              (r2.policy.len != r.policy.len || memcmp(r2.policy.data, r.policy.data, r.policy.len)),
          "... and a changed report, other bytes");
    run_free(&r2);
    run_free(&r);

    /* the same certificate twice */
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, HEADER);
    row(&t2, gs, "Added to OneCRL", NULL, "2019 Nov 30", "one");
    row(&t2, gs, "Ready to Add", NULL, "2019 Nov 30", "two");
    import(&t2, &r2);
    CHECK(r2.rc == DT_OK && r2.s.records == 1 && r2.s.duplicates == 1 &&
              unit_has(&U, "row 2: the same issuer and serial as row 1"),
          "the same certificate twice: imported once, with a warning");
    run_free(&r2);

    /* 5. errors with their row; nothing appended */
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, HEADER);
    row(&t2, gs, "Added to OneCRL", NULL, "2019 Nov 30", "fine");
    size_t line2 = 2;
    for (size_t i = 0; i < t2.len; i++)
        line2 += t2.data[i] == '\n';
    line2 -= 2; /* the header's line and the first row's last newline */
    row(&t2, tw, "Ready to Add", "F74279BABC67266BFD3D25BB196270DD", "2023.05.02", "off by one");
    row(&t2, swiss, "Cert Expired", NULL, "2023.02.30", "bad date");
    import(&t2, &r2);
    char at[64];
    snprintf(at, sizeof(at), "error|r.csv|%zu|0||row 2: the Certificate Serial Number", line2 + 1);
    CHECK(r2.rc == DT_ERR_INPUT && r2.policy.len == 0 && unit_has(&U, at) &&
              unit_has(&U, "(F74279BABC67266BFD3D25BB196270DD) is not the certificate's serial "
                           "(00F74279BABC67266BFD3D25BB196270DC, compared as integers)"),
          "a serial that is not the certificate's: an error at its row's line, nothing written");
    CHECK(unit_has(&U, "row 3: the Date of Revocation \"2023.02.30\" is not a real date") &&
              r2.s.errors == 2,
          "... and every other bad row is reported too (a bad date, even on a Cert Expired row)");
    run_free(&r2);
    /* a fingerprint that is not the certificate's (ccadb.c's check) */
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, HEADER);
    row(&t2, gs, "Added to OneCRL", NULL, "2019 Nov 30", "fine");
    char *fp = hex_upper(gs->sha256, 32);
    char *where = strstr((char *)t2.data, fp);
    where[0] = where[0] == 'A' ? 'B' : 'A';
    free(fp);
    import(&t2, &r2);
    CHECK(r2.rc == DT_ERR_INPUT && r2.policy.len == 0 &&
              unit_has(&U, "row 1: the SHA-256 Fingerprint column"),
          "a fingerprint that is not the certificate's: an error with its row");
    run_free(&r2);
    /* not the revoked report */
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    char *fp2 = hex_upper(gs->sha256, 32);
    struct dt_buf pem;
    dt_buf_init(&pem, 1u << 20);
    (void)!dt_cert_pem(gs, &pem);
    (void)!dt_buf_printf(&t2, "SHA-256 Fingerprint,X.509 Certificate (PEM)\n%s,\"%.*s\"\n", fp2,
                         (int)pem.len, (const char *)pem.data);
    free(fp2);
    dt_buf_free(&pem);
    import(&t2, &r2);
    CHECK(r2.rc == DT_ERR_INPUT && r2.policy.len == 0 &&
              unit_has(&U, "error|r.csv|1|0||no \"OneCRL Status\" column: not the CCADB's "
                           "revoked-intermediates report"),
          "another CCADB report (all certificates): no OneCRL Status column, an error");
    run_free(&r2);
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, HEADER);
    import(&t2, &r2);
    CHECK(r2.rc == DT_ERR_INPUT && unit_has(&U, "a CCADB report without a row"),
          "a report without a row: an error (a broken download is not \"nothing revoked\")");
    run_free(&r2);
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, "{\"data\": []}\n");
    import(&t2, &r2);
    CHECK(r2.rc == DT_ERR_INPUT && unit_has(&U, "`distrust import onecrl r.csv`"),
          "a OneCRL dump: an error that names its importer");
    run_free(&r2);
    /* only Cert Expired rows: a policy without entries, and a warning */
    dt_buf_free(&t2);
    dt_buf_init(&t2, 0);
    (void)!dt_buf_puts(&t2, HEADER);
    row(&t2, old, "Cert Expired", NULL, "2011 Jan 01", "Old CA");
    import(&t2, &r2);
    CHECK(r2.rc == DT_OK && r2.doc && json_array_size(json_object_get(r2.doc, "entries")) == 0 &&
              unit_has(&U, "the policy has no entries"),
          "nothing to import: an empty policy and a warning");
    run_free(&r2);
    dt_buf_free(&t2);
    dt_buf_free(&t);
    dt_cert_list_free(&l99);
    dt_cert_list_free(&l03);
    dt_cert_list_free(&l08);
    return unit_done();
}
