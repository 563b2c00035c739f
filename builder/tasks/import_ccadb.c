/*
 * import_ccadb.c - `distrust import ccadb REPORT.csv -o POLICY.json`: the
 * CCADB's revoked-intermediates report (PublicIntermediateCertsRevokedWithPEMCSV)
 * becomes a policy.
 *
 * Every row whose "OneCRL Status" is "Ready to Add" or "Added to OneCRL"
 * becomes an issuer/serial entry taken from the row's certificate (its DER
 * issuer and serial exactly as they stand), "scope": "certificate" (a
 * revocation stops that certificate, never its key or its other
 * certificates), targets onecrl and blob, with the certificate name as its
 * label, the CA owner and the RFC 5280 reason in "why", the revocation date
 * as "created" and the rest in "comment". "Cert Expired" rows are left out
 * with a note, rows with any other status with a warning. The row's
 * fingerprint (checked by ccadb.c) and its serial must be its certificate's;
 * a revocation date that does not parse is an error with its row. Entries
 * are written in the order of the certificates' SHA-256, so that a report
 * downloaded again in another row order gives the same bytes.
 */
#include "b64.h"
#include "buf.h"
#include "ccadb.h"
#include "cert.h"
#include "common.h"
#include "der.h"
#include "diag.h"
#include "dmap.h"
#include "hex.h"
#include "idkey.h"
#include "import.h"
#include "utf8.h"
#include "mem.h"
#include "time.h"
#include "version.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEXT_CAP 1000 /* bytes of one metadata text (the policy takes 1,024) */

/* One entry to write. */
struct centry {
    uint8_t sha256[32]; /* the order of the output */
    char *line;         /* its JSON, owned */
};

struct cimp {
    const char *input;
    struct dt_diags *d;
    struct dt_ccadb r;
    int c_status, c_serial, c_owner, c_reason, c_date, c_name, c_scn, c_comments, c_bug,
        c_rstatus;
    struct dt_dmap seen; /* issuer + serial -> row */
    struct centry *v;
    size_t n, cap;
    size_t added, ready, expired, other, duplicates, rows;
};

static int cmp_centry(const void *a, const void *b)
{
    return memcmp(((const struct centry *)a)->sha256, ((const struct centry *)b)->sha256, 32);
}

/* text as UTF-8 a policy string may hold: invalid bytes and control
 * characters become '_' (as do `"`, `\`, `$`, `@` when for_label: a label
 * goes into CKA_LABEL), cut at a character boundary before cap bytes,
 * blanks around it removed. Caller frees with free(); NULL when memory runs
 * out. */
static char *clean_text(struct dt_slice s, bool for_label, size_t cap)
{
    char *out = dt_mem_calloc(1, (s.n < cap ? s.n : cap) + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < s.n;) {
        unsigned c = s.p[i];
        size_t at = i;
        uint32_t cp;
        bool valid = dt_utf8_next(s, &at, &cp);
        size_t len = valid ? at - i : 1;
        if (o + len > cap)
            break;
        if (!valid || c < 0x20 || c == 0x7f || (for_label && c && strchr("\"\\$@", (int)c)))
            out[o++] = '_';
        else
            memcpy(out + o, s.p + i, len), o += len;
        i += len;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    size_t lead = 0;
    while (out[lead] == ' ')
        lead++;
    memmove(out, out + lead, o - lead + 1);
    return out;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

const char *dt_import_ccadb_serial_check(struct dt_slice cell, struct dt_slice content)
{
    /* the cell's digits, leading zeros dropped */
    size_t i = 0;
    while (i < cell.n && isspace(cell.p[i]))
        i++;
    bool neg = i < cell.n && cell.p[i] == '-';
    if (neg)
        i++;
    if (i + 1 < cell.n && cell.p[i] == '0' && (cell.p[i + 1] == 'x' || cell.p[i + 1] == 'X'))
        i += 2;
    char want[2 * 64 + 1];
    size_t nw = 0, digits = 0;
    for (; i < cell.n; i++) {
        int c = cell.p[i];
        if (c == ':' || c == ' ')
            continue;
        if (hexval(c) < 0)
            return "is not hex";
        digits++;
        if (!nw && c == '0')
            continue;
        if (nw == sizeof(want) - 1)
            return "has more than 64 octets";
        want[nw++] = (char)toupper(c);
    }
    if (!digits)
        return "is empty";
    /* the certificate's: its octets as an unsigned number, or, for a
     * negative sign, the absolute value of the negative INTEGER */
    uint8_t mag[64];
    size_t nm = content.n < sizeof(mag) ? content.n : sizeof(mag);
    if (content.n > sizeof(mag))
        return "cannot be compared: the certificate's serial has more than 64 octets";
    memcpy(mag, content.p, nm);
    if (neg) {
        if (!nm || mag[0] < 0x80)
            return "is negative; the certificate's serial is not";
        unsigned carry = 1;
        for (size_t k = nm; k-- > 0;) {
            unsigned v = (uint8_t)~mag[k] + carry;
            mag[k] = (uint8_t)v;
            carry = v >> 8;
        }
    }
    char got[2 * 64 + 1];
    size_t ng = 0;
    for (size_t k = 0; k < nm; k++) {
        static const char hx[] = "0123456789ABCDEF";
        char two[2] = {hx[mag[k] >> 4], hx[mag[k] & 15]};
        for (int h = 0; h < 2; h++)
            if (ng || two[h] != '0')
                got[ng++] = two[h];
    }
    if (ng != nw || memcmp(got, want, nw))
        return "is not the certificate's serial";
    return NULL;
}

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};

/* Reads n decimal digits at s; -1 when one is not a digit. */
static int digits(const uint8_t *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

const char *dt_import_ccadb_date(struct dt_slice cell, char out[11])
{
    struct dt_civil c = {0, 0, 0, 0, 0, 0};
    const uint8_t *p = cell.p;
    size_t n = cell.n;
    while (n && isspace(p[0]))
        p++, n--;
    while (n && isspace(p[n - 1]))
        n--;
    if (!n)
        return "is empty";
    if (n == 10 && (p[4] == '.' || p[4] == '-') && p[7] == p[4]) { /* YYYY.MM.DD, YYYY-MM-DD */
        c.year = digits(p, 4), c.month = digits(p + 5, 2), c.day = digits(p + 8, 2);
    } else if (n == 10 && p[2] == '/' && p[5] == '/') { /* MM/DD/YYYY */
        c.month = digits(p, 2), c.day = digits(p + 3, 2), c.year = digits(p + 6, 4);
    } else if (n == 11 && p[4] == ' ' && p[8] == ' ') { /* YYYY Mon DD */
        c.year = digits(p, 4), c.day = digits(p + 9, 2);
        for (int m = 0; m < 12; m++)
            if (!strncasecmp((const char *)p + 5, months[m], 3))
                c.month = m + 1;
    } else {
        return "is not a date (YYYY.MM.DD, YYYY-MM-DD, YYYY Mon DD or MM/DD/YYYY)";
    }
    if (c.year < 1970 || c.year > 9999 || c.month < 1 || c.day < 1 || !dt_time_civil_valid(&c))
        return "is not a real date";
    snprintf(out, 11, "%04d-%02d-%02d", c.year, c.month, c.day);
    return NULL;
}

enum dt_import_ccadb_status dt_import_ccadb_status_of(struct dt_slice cell)
{
    static const struct {
        const char *name;
        enum dt_import_ccadb_status s;
    } st[] = {{"Added to OneCRL", DT_CCADB_ADDED},
              {"Ready to Add", DT_CCADB_READY},
              {"Cert Expired", DT_CCADB_EXPIRED}};
    while (cell.n && isspace(cell.p[0]))
        cell.p++, cell.n--;
    while (cell.n && isspace(cell.p[cell.n - 1]))
        cell.n--;
    for (size_t i = 0; i < DT_ARRAY_LEN(st); i++)
        if (cell.n == strlen(st[i].name) && !strncasecmp((const char *)cell.p, st[i].name, cell.n))
            return st[i].s;
    return DT_CCADB_OTHER;
}

static enum dt_err set_text(json_t *e, const char *key, const char *s)
{
    if (!s || !*s)
        return DT_OK;
    return json_object_set_new(e, key, json_string(s)) ? DT_ERR_NOMEM : DT_OK;
}

/* The column called name, -1 when the report has none. */
static int col(struct cimp *I, const char *name)
{
    return dt_ccadb_column(&I->r, name);
}

/* A cell cleaned for a policy string (caller frees; NULL: no memory). */
static char *cell(const struct dt_ccadb_row *row, int c, bool label)
{
    return clean_text(dt_ccadb_get(row, c), label, TEXT_CAP);
}

/* One imported row as an entry. */
static enum dt_err entry(struct cimp *I, const struct dt_ccadb_row *row, const char *status,
                         const char *date)
{
    enum dt_err rc = DT_OK;
    const struct dt_cert *c = row->cert;
    json_t *e = json_object();
    char *line = NULL, *label = cell(row, I->c_name, true), *owner = cell(row, I->c_owner, false),
         *reason = cell(row, I->c_reason, false), *bug = cell(row, I->c_bug, false),
         *scn = cell(row, I->c_scn, true), *comments = cell(row, I->c_comments, false),
         *rdate = cell(row, I->c_date, false), *rstatus = cell(row, I->c_rstatus, false);
    struct dt_buf t, why, com;
    dt_buf_init(&t, 0);
    dt_buf_init(&why, 0);
    dt_buf_init(&com, 0);
    DT_ENSURE_MEM(e && label && owner && reason && bug && scn && comments && rdate && rstatus);
    DT_TRY(dt_b64_encode(c->info.issuer, &t));
    DT_ENSURE_MEM(!json_object_set_new(e, "issuer_der", json_stringn((const char *)t.data, t.len)));
    t.len = 0;
    DT_TRY(dt_hex_encode(c->info.serial, false, ':', &t));
    DT_ENSURE_MEM(!json_object_set_new(e, "serial", json_stringn((const char *)t.data, t.len)));
    if (dt_der_int_is_negative(c->info.serial)) /* kept exactly: OneCRL matches the bytes */
        DT_ENSURE_MEM(!json_object_set_new(e, "serial_format", json_string("der-negative")));
    /* A revocation stops one certificate, never its key. */
    DT_ENSURE_MEM(!json_object_set_new(e, "scope", json_string("certificate")));
    json_t *targets = json_pack("[s, s]", "onecrl", "blob");
    DT_ENSURE_MEM(targets && !json_object_set_new(e, "targets", targets));
    DT_TRY(set_text(e, "label", *label ? label : scn));
    DT_TRY(set_text(e, "bug", bug));
    if (*owner && *reason)
        DT_TRY(dt_buf_printf(&why, "revoked by %s: %s", owner, reason));
    else if (*owner)
        DT_TRY(dt_buf_printf(&why, "revoked by %s (no reason code)", owner));
    else
        DT_TRY(dt_buf_printf(&why, "revoked: %s", *reason ? reason : "(no reason code)"));
    DT_TRY(dt_buf_putc(&why, '\0'));
    {
        char *w = clean_text(dt_slice_make(why.data, strlen((const char *)why.data)), false, 1020);
        DT_ENSURE_MEM(w);
        rc = set_text(e, "why", w);
        free(w);
        DT_TRY(rc);
    }
    DT_TRY(set_text(e, "created", date));
    DT_TRY(dt_buf_printf(&com, "CCADB revoked-intermediates report: OneCRL Status \"%s\"", status));
    if (*rstatus)
        DT_TRY(dt_buf_printf(&com, ", Revocation Status \"%s\"", rstatus));
    if (*rdate)
        DT_TRY(dt_buf_printf(&com, ", Date of Revocation \"%s\"", rdate));
    DT_TRY(dt_buf_puts(&com, ", SHA-256 "));
    for (int k = 0; k < 32; k++)
        DT_TRY(dt_buf_printf(&com, "%02X", c->sha256[k]));
    if (*comments)
        DT_TRY(dt_buf_printf(&com, "; CCADB comments: %s", comments));
    DT_TRY(dt_buf_putc(&com, '\0'));
    {
        char *w = clean_text(dt_slice_make(com.data, strlen((const char *)com.data)), false, 1020);
        DT_ENSURE_MEM(w);
        rc = set_text(e, "comment", w);
        free(w);
        DT_TRY(rc);
    }
    line = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
    DT_ENSURE_MEM(line);
    if (I->n == I->cap) {
        size_t cap = I->cap ? I->cap * 2 : 64;
        struct centry *v = realloc(I->v, cap * sizeof(*v));
        DT_ENSURE_MEM(v);
        I->v = v;
        I->cap = cap;
    }
    memcpy(I->v[I->n].sha256, c->sha256, 32);
    I->v[I->n++].line = line;
    line = NULL;
out:
    json_decref(e);
    free(line);
    free(label);
    free(owner);
    free(reason);
    free(bug);
    free(scn);
    free(comments);
    free(rdate);
    free(rstatus);
    dt_buf_free(&t);
    dt_buf_free(&why);
    dt_buf_free(&com);
    return rc;
}

/* One row: checked, then imported, noted or warned about. */
static enum dt_err row_do(struct cimp *I, const struct dt_ccadb_row *row)
{
    enum dt_err rc = DT_OK;
    struct dt_place pl = {I->input, row->line, 0, NULL, NULL};
    struct dt_slice st = dt_ccadb_get(row, I->c_status);
    struct dt_slice sn = dt_ccadb_get(row, I->c_serial);
    char *status = clean_text(st, false, 200), *name = cell(row, I->c_name, false);
    DT_ENSURE_MEM(status && name);
    if (!*name) { /* a row without a certificate name: its subject's common name */
        free(name);
        name = cell(row, I->c_scn, false);
        DT_ENSURE_MEM(name);
    }
    const char *why = dt_import_ccadb_serial_check(sn, row->cert->info.serial);
    if (why) {
        struct dt_buf hex;
        dt_buf_init(&hex, 0);
        rc = dt_hex_encode(row->cert->info.serial, true, 0, &hex);
        if (rc == DT_OK)
            dt_diag_report(I->d, DT_ERROR, &pl,
                           "row %zu: the Certificate Serial Number (%.*s) %s (%.*s, compared as "
                           "integers)",
                           row->index, (int)(sn.n < 140 ? sn.n : 140), (const char *)sn.p, why,
                           (int)hex.len, (const char *)hex.data);
        dt_buf_free(&hex);
        goto out;
    }
    char date[11] = "";
    struct dt_slice ds = dt_ccadb_get(row, I->c_date);
    if (ds.n && (why = dt_import_ccadb_date(ds, date)) != NULL) {
        dt_diag_report(I->d, DT_ERROR, &pl, "row %zu: the Date of Revocation \"%.*s\" %s",
                       row->index, (int)(ds.n < 80 ? ds.n : 80), (const char *)ds.p, why);
        goto out;
    }
    enum dt_import_ccadb_status s = dt_import_ccadb_status_of(st);
    if (s == DT_CCADB_EXPIRED) {
        dt_diag_note(I->d, &pl, "row %zu: \"Cert Expired\": left out (%s)", row->index, name);
        I->expired++;
        goto out;
    }
    if (s == DT_CCADB_OTHER) {
        dt_diag_warn(I->d, &pl,
                     "row %zu: OneCRL Status \"%s\": left out (only \"Ready to Add\" and "
                     "\"Added to OneCRL\" rows are imported) (%s)",
                     row->index, status, name);
        I->other++;
        goto out;
    }
    uint8_t key[32];
    DT_TRY(dt_idkey_issuer_serial(row->cert->info.issuer, row->cert->info.serial, key));
    uint32_t at = dt_dmap_first(&I->seen, key);
    if (at != DT_DMAP_END) {
        dt_diag_warn(I->d, &pl,
                     "row %zu: the same issuer and serial as row %u (compared as DER bytes): "
                     "imported once",
                     row->index, dt_dmap_value(&I->seen, at));
        I->duplicates++;
        goto out;
    }
    DT_TRY(dt_dmap_add(&I->seen, key, (uint32_t)row->index));
    DT_TRY(entry(I, row, s == DT_CCADB_ADDED ? "Added to OneCRL" : "Ready to Add",
                 date[0] ? date : NULL));
    if (s == DT_CCADB_ADDED)
        I->added++;
    else
        I->ready++;
out:
    free(status);
    free(name);
    return rc;
}

enum dt_err dt_import_ccadb_mem(const char *input, struct dt_slice text, struct dt_buf *policy,
                                struct dt_import_summary *s, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct cimp I;
    memset(&I, 0, sizeof(I));
    I.input = input;
    I.d = d;
    dt_dmap_init(&I.seen);
    struct dt_ccadb_row row = {0};
    bool opened = false, eof = false;
    size_t errors0 = d->errors, warnings0 = d->warnings;
    struct dt_place pl0 = dt_diag_place_file(input);
    /* The other importers' inputs: one error that says so. */
    if (dt_import_is_json(text)) {
        rc = dt_diag_fail(d, &pl0, DT_ERR_INPUT,
                          "JSON, not a CCADB report (CSV): a OneCRL dump is imported with "
                          "`distrust import onecrl %s`",
                          input);
        goto out;
    }
    unsigned bd = dt_import_certdata_line(text);
    if (bd && !dt_ccadb_sniff(text)) {
        struct dt_place pl = {input, bd, 1, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "an NSS certdata.txt, not a CCADB report: import it with `distrust "
                          "import certdata %s`",
                          input);
        goto out;
    }
    DT_TRY(dt_ccadb_open(&I.r, input, text, d));
    opened = true;
    static const char *const need[] = {"OneCRL Status", "Certificate Serial Number",
                                       "SHA-256 Fingerprint"};
    for (size_t k = 0; k < DT_ARRAY_LEN(need); k++)
        if (col(&I, need[k]) < 0) {
            struct dt_place pl = {input, I.r.header_line, 0, NULL, NULL};
            rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                              "no \"%s\" column: not the CCADB's revoked-intermediates report "
                              "(PublicIntermediateCertsRevokedWithPEMCSV)",
                              need[k]);
            goto out;
        }
    I.c_status = col(&I, "OneCRL Status");
    I.c_serial = col(&I, "Certificate Serial Number");
    I.c_owner = col(&I, "CA Owner");
    I.c_reason = col(&I, "RFC 5280 Revocation Reason Code");
    I.c_date = col(&I, "Date of Revocation");
    I.c_name = col(&I, "CA Owner/Certificate Name");
    I.c_scn = col(&I, "Certificate Subject Common Name");
    I.c_comments = col(&I, "Comments");
    I.c_bug = col(&I, "OneCRL Bug Number");
    I.c_rstatus = col(&I, "Revocation Status");
    for (;;) {
        DT_TRY(dt_ccadb_next(&I.r, &row, &eof, d));
        if (eof)
            break;
        I.rows++;
        DT_TRY(row_do(&I, &row));
    }
    if (!I.rows) {
        struct dt_place pl = {input, I.r.header_line, 0, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "a CCADB report without a row: nothing to import (the real report "
                          "is never empty)");
        goto out;
    }
    if (d->errors > errors0) {
        rc = DT_ERR_INPUT;
        goto out;
    }
    if (!I.n)
        dt_diag_warn(d, &pl0,
                     "no row is \"Ready to Add\" or \"Added to OneCRL\": the policy has no "
                     "entries");
    if (I.n)
        qsort(I.v, I.n, sizeof(*I.v), cmp_centry);
    const char *slash = strrchr(input, '/');
    char base[256];
    snprintf(base, sizeof(base), "%s", slash ? slash + 1 : input);
    for (char *c = base; *c; c++) /* the name goes into a JSON string as it is */
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 || (unsigned char)*c >= 0x80)
            *c = '_';
    DT_TRY(dt_buf_printf(policy,
                         "{\n  \"version\": 1,\n  \"comment\": \"Imported by distrust %s from "
                         "%s (CCADB revoked intermediates): %zu entries (%zu Added to OneCRL, "
                         "%zu Ready to Add), %zu Cert Expired rows, %zu rows of other statuses "
                         "and %zu duplicates left out\",\n  \"entries\": [\n",
                         DT_VERSION, base, I.n, I.added, I.ready, I.expired, I.other,
                         I.duplicates));
    for (size_t i = 0; i < I.n; i++)
        DT_TRY(dt_buf_printf(policy, "%s    %s", i ? ",\n" : "", I.v[i].line));
    DT_TRY(dt_buf_puts(policy, I.n ? "\n  ]\n}\n" : "  ]\n}\n"));
out:
    if (s) {
        s->records = I.n;
        s->added = I.added;
        s->ready = I.ready;
        s->expired = I.expired;
        s->other = I.other;
        s->duplicates = I.duplicates;
        s->errors = d->errors - errors0;
        s->warnings = d->warnings - warnings0;
    }
    dt_ccadb_row_free(&row);
    if (opened)
        dt_ccadb_close(&I.r);
    for (size_t i = 0; i < I.n; i++)
        free(I.v[i].line);
    free(I.v);
    dt_dmap_free(&I.seen);
    return rc;
}
