/*
 * ccadb.c - the CCADB's CSV reports (ccadb.h).
 */
#include "ccadb.h"

#include "b64.h"
#include "caps.h"
#include "hex.h"
#include "mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const pem_names[] = {"X.509 Certificate (PEM)", "PEM Info", "PEM"};
#define SHA256_NAME "SHA-256 Fingerprint"

static struct dt_slice trim(struct dt_slice s)
{
    while (s.n && isspace(s.p[0]))
        s.p++, s.n--;
    while (s.n && isspace(s.p[s.n - 1]))
        s.n--;
    return s;
}

static bool name_is(struct dt_slice f, const char *name)
{
    f = trim(f);
    return f.n == strlen(name) && !strncasecmp((const char *)f.p, name, f.n);
}

static int pem_column(const struct dt_csv_record *h)
{
    for (size_t k = 0; k < DT_ARRAY_LEN(pem_names); k++)
        for (size_t i = 0; i < h->n; i++)
            if (name_is(dt_csv_field(h, i), pem_names[k]))
                return (int)i;
    return -1;
}

/* Whether line (a file's first line, its newline included when it has one)
 * is a CSV record of two fields or more; *pem: its PEM column, or -1. */
static bool header_line(struct dt_slice line, int *pem)
{
    struct dt_csv c;
    struct dt_csv_record h;
    struct dt_diags d;
    bool eof = false, yes;
    dt_diag_init(&d, NULL, NULL);
    dt_csv_init(&c, "", line);
    yes = dt_csv_next(&c, &h, &eof, &d) == DT_OK && !eof && h.n >= 2;
    *pem = yes ? pem_column(&h) : -1;
    dt_csv_free(&c);
    return yes;
}

bool dt_ccadb_sniff(struct dt_slice text)
{
    int pem;
    /* the header alone: its first line, which a header never spans */
    const uint8_t *nl = memchr(text.p, '\n', text.n < 65536 ? text.n : 65536);
    if (!nl || (text.n >= 5 && !memcmp(text.p, "-----", 5)))
        return false;
    return header_line(dt_slice_make(text.p, (size_t)(nl - text.p) + 1), &pem) && pem >= 0;
}

bool dt_ccadb_is_table(struct dt_slice text)
{
    size_t lim = text.n < 65536 ? text.n : 65536;
    const uint8_t *nl = memchr(text.p, '\n', lim);
    size_t n = nl ? (size_t)(nl - text.p) : text.n;
    int pem;
    if (!n || (!nl && text.n > lim))
        return false;
    bool comma = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = text.p[i];
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
            return false;
        comma |= c == ',';
    }
    return comma && header_line(dt_slice_make(text.p, nl ? n + 1 : n), &pem);
}

static void free_names(struct dt_ccadb *r)
{
    for (size_t i = 0; i < r->n_names; i++)
        free(r->names[i]);
    free(r->names);
    r->names = NULL;
    r->n_names = 0;
}

enum dt_err dt_ccadb_open(struct dt_ccadb *r, const char *path, struct dt_slice text,
                          struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_csv_record h;
    bool eof = false;
    memset(r, 0, sizeof(*r));
    r->pem = r->sha256 = -1;
    dt_csv_init(&r->csv, path, text);
    DT_TRY(dt_csv_next(&r->csv, &h, &eof, d));
    r->header_line = eof ? 1 : h.line;
    struct dt_place pl = {path, r->header_line, 0, NULL, NULL};
    if (eof || (r->pem = pem_column(&h)) < 0) {
        char cols[160] = "";
        size_t o = 0;
        for (size_t i = 0; !eof && i < h.n && o + 1 < sizeof(cols); i++) {
            struct dt_slice f = trim(dt_csv_field(&h, i));
            int w = snprintf(cols + o, sizeof(cols) - o, "%s\"%.*s\"", i ? ", " : "",
                             (int)(f.n < 40 ? f.n : 40), (const char *)f.p);
            o = w < 0 ? sizeof(cols) : o + (size_t)w;
        }
        if (o >= sizeof(cols))
            memcpy(cols + sizeof(cols) - 4, "...", 4);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "not a CCADB report: the first row names no PEM column (\"X.509 "
                          "Certificate (PEM)\" or \"PEM Info\")%s%s",
                          eof ? "" : "; its columns: ", cols);
        goto out;
    }
    r->names = calloc(h.n, sizeof(*r->names));
    DT_ENSURE(r->names, DT_ERR_NOMEM);
    for (size_t i = 0; i < h.n; i++) {
        struct dt_slice f = trim(dt_csv_field(&h, i));
        r->names[i] = dt_mem_strndup((const char *)f.p, f.n);
        DT_ENSURE(r->names[i], DT_ERR_NOMEM);
        r->n_names++;
        if (r->sha256 < 0 && name_is(f, SHA256_NAME))
            r->sha256 = (int)i;
    }
out:
    if (rc != DT_OK) {
        free_names(r);
        dt_csv_free(&r->csv);
    }
    return rc;
}

void dt_ccadb_close(struct dt_ccadb *r)
{
    free_names(r);
    dt_csv_free(&r->csv);
}

int dt_ccadb_column(const struct dt_ccadb *r, const char *name)
{
    for (size_t i = 0; i < r->n_names; i++)
        if (name_is(dt_slice_make(r->names[i], strlen(r->names[i])), name))
            return (int)i;
    return -1;
}

struct dt_slice dt_ccadb_get(const struct dt_ccadb_row *row, int col)
{
    return col < 0 ? dt_slice_make(NULL, 0) : trim(dt_csv_field(&row->rec, (size_t)col));
}

void dt_ccadb_row_free(struct dt_ccadb_row *row)
{
    dt_cert_free(row->cert);
    row->cert = NULL;
}

/* The certificate of a PEM cell: one CERTIFICATE block, optionally in
 * single quotes, wrapped at any width. */
static enum dt_err cell_cert(struct dt_ccadb *r, struct dt_ccadb_row *row, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_buf der;
    dt_buf_init(&der, DT_MAX_CERT_BYTES * 2);
    struct dt_place pl = {r->csv.path, row->line, 0, NULL, NULL};
    struct dt_slice cell = dt_ccadb_get(row, r->pem);
    if (cell.n >= 2 && cell.p[0] == '\'' && cell.p[cell.n - 1] == '\'')
        cell = trim(dt_slice_make(cell.p + 1, cell.n - 2));
    static const char begin[] = "-----BEGIN CERTIFICATE-----", end[] = "-----END CERTIFICATE-----";
    const uint8_t *b = cell.n ? memmem(cell.p, cell.n, begin, sizeof(begin) - 1) : NULL;
    const uint8_t *e = b ? memmem(b, cell.n - (size_t)(b - cell.p), end, sizeof(end) - 1) : NULL;
    if (!cell.n) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "row %zu: the %s column is empty", row->index,
                          r->names[r->pem]);
        goto out;
    }
    if (!b || !e) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "row %zu: the %s column holds no PEM certificate (-----BEGIN "
                          "CERTIFICATE----- ... -----END CERTIFICATE-----)",
                          row->index, r->names[r->pem]);
        goto out;
    }
    /* one row is one certificate: a second block is never dropped quietly */
    const uint8_t *after = e + sizeof(end) - 1;
    if (memmem(after, cell.n - (size_t)(after - cell.p), "-----BEGIN", 10)) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "row %zu: the %s column holds more than one certificate (a row is "
                          "one certificate)",
                          row->index, r->names[r->pem]);
        goto out;
    }
    const char *body = (const char *)b + sizeof(begin) - 1;
    const char *why = dt_b64_decode(body, (size_t)((const char *)e - body), true, &der);
    DT_ENSURE(why != dt_mem_why_nomem, DT_ERR_NOMEM);
    if (why) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "row %zu: the PEM certificate: %s", row->index,
                          why);
        goto out;
    }
    rc = dt_cert_from_der(der.data, der.len, &row->cert, &why);
    if (rc == DT_ERR_INPUT || rc == DT_ERR_LIMIT || rc == DT_ERR_INTERNAL) {
        dt_diag_report(d, DT_ERROR, &pl, "row %zu: the certificate: %s", row->index, why);
        goto out;
    }
    DT_TRY(rc);
    row->cert->file = dt_mem_strdup(r->csv.path);
    DT_ENSURE_MEM(row->cert->file);
    row->cert->index = (unsigned)row->index;
    row->cert->line = row->line;
    if (r->sha256 >= 0) {
        struct dt_slice fp = dt_ccadb_get(row, r->sha256);
        struct dt_buf want;
        dt_buf_init(&want, 64);
        size_t col = 0;
        const char *hw = fp.n ? dt_hex_decode((const char *)fp.p, fp.n, &want, &col) : "empty";
        bool same = !hw && want.len == 32 && !memcmp(want.data, row->cert->sha256, 32);
        dt_buf_free(&want);
        if (hw == dt_mem_why_nomem) {
            rc = DT_ERR_NOMEM;
            goto out;
        }
        if (!same) {
            char got[65];
            for (size_t i = 0; i < 32; i++)
                snprintf(got + 2 * i, 3, "%02X", row->cert->sha256[i]);
            rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                              "row %zu: the %s column (%.*s) is not the certificate's (%s)%s%s",
                              row->index, r->names[r->sha256], (int)(fp.n < 80 ? fp.n : 80),
                              (const char *)fp.p, got, hw ? ": " : "", hw ? hw : "");
            goto out;
        }
    }
out:
    if (rc != DT_OK)
        dt_ccadb_row_free(row);
    dt_buf_free(&der);
    return rc;
}

/* The CSV reader's diagnostics, forwarded with the row they are in. */
struct row_fwd {
    struct dt_diags *real;
    size_t row;
};

static void row_fwd_fn(const struct dt_diag *dg, void *ctx)
{
    const struct row_fwd *f = ctx;
    struct dt_place pl = {dg->file, dg->line, dg->col, dg->json_path, dg->source_line};
    dt_diag_report(f->real, dg->severity, &pl, "row %zu: %s", f->row, dg->message);
}

enum dt_err dt_ccadb_next(struct dt_ccadb *r, struct dt_ccadb_row *row, bool *eof,
                          struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    dt_ccadb_row_free(row);
    struct row_fwd fwd = {d, r->rows + 1};
    struct dt_diags fd;
    dt_diag_init(&fd, row_fwd_fn, &fwd);
    for (;;) {
        DT_TRY(dt_csv_next(&r->csv, &row->rec, eof, &fd));
        if (*eof)
            goto out;
        /* a blank line (the file's last, say) is no row */
        if (row->rec.n == 1 && !dt_csv_field(&row->rec, 0).n)
            continue;
        break;
    }
    row->index = ++r->rows;
    row->line = row->rec.line;
    struct dt_place pl = {r->csv.path, row->line, 0, NULL, NULL};
    if (r->rows > DT_MAX_CCADB_ROWS) {
        rc = dt_diag_fail(d, &pl, DT_ERR_LIMIT, "more than %d rows in one CCADB report (the cap)",
                          DT_MAX_CCADB_ROWS);
        goto out;
    }
    if (row->rec.n != r->n_names) {
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "row %zu has %zu fields, the header (line %u) has %zu", row->index,
                          row->rec.n, r->header_line, r->n_names);
        goto out;
    }
    DT_TRY(cell_cert(r, row, d));
out:
    return rc;
}

enum dt_err dt_ccadb_load_certs(const char *path, struct dt_slice text, struct dt_certlist *out,
                                struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_ccadb r;
    struct dt_ccadb_row row = {0};
    size_t before = out->n;
    size_t max = out->max_per_file ? out->max_per_file : DT_MAX_CERTS_PER_FILE;
    bool eof = false;
    DT_TRY(dt_ccadb_open(&r, path, text, d));
    for (;;) {
        rc = dt_ccadb_next(&r, &row, &eof, d);
        if (rc != DT_OK || eof)
            break;
        if (out->n - before >= max) {
            struct dt_place pl = {path, row.line, 0, NULL, NULL};
            rc = dt_diag_fail(d, &pl, DT_ERR_LIMIT, "more than %zu certificates in one file",
                              max);
            break;
        }
        if (!out->skip_openssl_check && !dt_cert_openssl_ok(row.cert)) {
            struct dt_place pl = {path, row.line, 0, NULL, NULL};
            dt_diag_warn(d, &pl,
                         "row %zu: OpenSSL does not accept this certificate; its DER fields are "
                         "used exactly as they stand",
                         row.index);
        }
        rc = dt_cert_list_push(out, row.cert);
        if (rc != DT_OK)
            break;
        row.cert = NULL;
    }
    if (rc == DT_OK && out->n == before) {
        struct dt_place pl = {path, r.header_line, 0, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "a CCADB report without a row");
    }
    dt_ccadb_row_free(&row);
    dt_ccadb_close(&r);
    if (rc != DT_OK)
        while (out->n > before)
            dt_cert_free(out->v[--out->n]);
out:
    return rc;
}
