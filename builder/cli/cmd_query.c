/*
 * cmd_query.c - `distrust query BLOB ...`: is a certificate, an issuer +
 * serial or a subject + key listed in a revocation blob? Exit status as
 * grep: 0 something listed, 1 nothing listed, 2 an error (bad input,
 * including any malformed batch line), 3 a signature --verify-key asks for
 * that is missing or wrong, 4 internal.
 */
#include "cli.h"

#include "batch.h"
#include "buf.h"
#include "cert.h"
#include "der.h"
#include "file.h"
#include "nssname.h"
#include "time.h"
#include "hex.h"
#include "b64.h"

#include <distrust/blob.h>

#include <stdarg.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EXIT_QUERY_ERROR 2

struct args {
    struct cli_list certs;
    const char *issuer, *serial, *subject, *spki, *batch, *key;
    bool info;
};

static int on_opt(void *ctx, enum cli_opt_id opt, const char *v)
{
    struct args *a = ctx;
    switch (opt) {
    case OPT_CERT:
        return cli_list_push(&a->certs, v);
    case OPT_ISSUER_DER:
        a->issuer = v;
        break;
    case OPT_SERIAL:
        a->serial = v;
        break;
    case OPT_SUBJECT_DER:
        a->subject = v;
        break;
    case OPT_SPKI_SHA256:
        a->spki = v;
        break;
    case OPT_BATCH:
        a->batch = v;
        break;
    case OPT_VERIFY_KEY:
        a->key = v;
        break;
    case OPT_INFO:
        a->info = true;
        break;
    default:
        break;
    }
    return 0;
}

struct q {
    struct cli *cli;
    const struct dt_blob *blob;
    size_t listed, asked;
};

/* A lookup's answer (1 listed, 0 not); a negative result, which the
 * arguments checked here should never give, is an internal error: never
 * "not listed". */
static bool lookup_failed(struct q *Q, int r)
{
    if (r >= 0)
        return false;
    cli_error(Q->cli, "the blob lookup failed: %s", dt_blob_strerror(r));
    return true;
}

static void answer(struct q *Q, bool listed, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void answer(struct q *Q, bool listed, const char *fmt, ...)
{
    Q->asked++;
    Q->listed += listed;
    va_list ap;
    va_start(ap, fmt);
    fputs(listed ? "listed " : "not-listed ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

static bool b64(const char *s, size_t n, struct dt_buf *out)
{
    return n && !dt_b64_decode(s, n, true, out);
}

static int query_certs(struct q *Q, const char *path)
{
    struct dt_diags d;
    dt_diag_init(&d, cli_diag, Q->cli);
    struct dt_certlist l = {0};
    struct dt_place opt = {"--cert", 0, 0, NULL, NULL};
    enum dt_err rc = dt_cert_load_file(path, &l, &d, &opt);
    if (rc != DT_OK) {
        dt_cert_list_free(&l);
        return rc == DT_ERR_NOMEM || rc == DT_ERR_INTERNAL ? cli_exit_for(Q->cli, rc)
                                                           : EXIT_QUERY_ERROR;
    }
    for (size_t i = 0; i < l.n; i++) {
        const struct dt_cert *c = l.v[i];
        int rs = dt_blob_has_serial(Q->blob, c->info.issuer.p, c->info.issuer.n,
                                    c->info.serial.p, c->info.serial.n);
        int rk = dt_blob_has_spki(Q->blob, c->info.subject.p, c->info.subject.n, c->spki_sha256);
        if (lookup_failed(Q, rs) || lookup_failed(Q, rk)) {
            dt_cert_list_free(&l);
            return EXIT_INTERNAL;
        }
        bool by_serial = rs == 1, by_key = rk == 1;
        char *name = dt_nssname_display(c->info.subject);
        answer(Q, by_serial || by_key, "%s#%zu \"%s\"%s", path, i + 1, name ? name : "?",
               by_serial && by_key ? " (issuer + serial, subject + key)"
               : by_serial         ? " (issuer + serial)"
               : by_key            ? " (subject + key)"
                                   : "");
        free(name);
    }
    dt_cert_list_free(&l);
    return 0;
}

/* The answers of a batch, collected while it is checked: nothing is printed
 * unless every line is well-formed. */
struct batch_answers {
    struct q *Q;
    struct {
        struct dt_slice text;
        bool listed;
    } *v;
    size_t n, cap;
};

static enum dt_err batch_lookup(void *ctx, const struct dt_batch_query *q)
{
    struct batch_answers *A = ctx;
    if (dt_mem_grow((void **)&A->v, &A->cap, A->n + 1, sizeof(*A->v)) != DT_OK)
        return DT_ERR_NOMEM;
    int r = q->kind == DT_BATCH_ISSUER_SERIAL
                ? dt_blob_has_serial(A->Q->blob, q->name.p, q->name.n, q->value.p, q->value.n)
                : dt_blob_has_spki(A->Q->blob, q->name.p, q->name.n, q->value.p);
    if (lookup_failed(A->Q, r)) /* never "not listed" */
        return DT_ERR_INTERNAL;
    A->v[A->n].text = q->text;
    A->v[A->n].listed = r == 1;
    A->n++;
    return DT_OK;
}

static int query_batch(struct q *Q, const char *path)
{
    struct dt_diags d;
    dt_diag_init(&d, cli_diag, Q->cli);
    struct dt_buf text;
    struct dt_place opt = {"--batch", 0, 0, NULL, NULL};
    if (dt_file_read(path, DT_MAX_BATCH_BYTES, &text, &d, &opt) != DT_OK)
        return EXIT_QUERY_ERROR;
    struct batch_answers A = {Q, NULL, 0, 0};
    enum dt_err rc = dt_batch_parse(path, dt_slice_make(text.data, text.len), batch_lookup, &A,
                                    &d, NULL);
    int code = rc == DT_OK ? 0 : rc == DT_ERR_INPUT ? EXIT_QUERY_ERROR : EXIT_INTERNAL;
    for (size_t i = 0; i < A.n && !code; i++)
        answer(Q, A.v[i].listed, "%.*s", (int)A.v[i].text.n, (const char *)A.v[i].text.p);
    free(A.v);
    dt_buf_free(&text);
    return code;
}

static int print_info(const struct dt_blob *b)
{
    struct dt_blob_info in = DT_BLOB_INFO_INIT;
    int r = dt_blob_get_info(b, &in);
    if (r < 0) {
        fprintf(stderr, "error: cannot read the blob's header: %s\n", dt_blob_strerror(r));
        return EXIT_INTERNAL;
    }
    char when[32];
    dt_time_format_rfc3339(in.created, when);
    char digest[65], kid[65];
    for (int i = 0; i < 32; i++) {
        snprintf(digest + 2 * i, 3, "%02x", in.digest[i]);
        snprintf(kid + 2 * i, 3, "%02x", in.key_id ? in.key_id[i] : 0);
    }
    printf("format version: %u\nsequence: %llu\ncreated: %s\nissuers: %llu\nissuer+serial "
           "entries: %llu\nsubject+key entries: %llu\nserial groups: %llu Elias-Fano, %llu raw\n"
           "bytes: %llu (content %llu decompressed)\ndigest: %s\n",
           in.version, (unsigned long long)in.sequence, when, (unsigned long long)in.issuers,
           (unsigned long long)in.serials, (unsigned long long)in.subject_keys,
           (unsigned long long)in.ef_groups, (unsigned long long)in.raw_groups,
           (unsigned long long)in.file_bytes, (unsigned long long)in.content_bytes, digest);
    if (in.is_signed)
        printf("signature: ECDSA P-%d, key %s, %s\n", in.signature_bits, kid,
               in.signature_verified ? "verified" : "not checked (no --verify-key)");
    else
        printf("signature: none\n");
    return 0;
}

int cmd_query(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = cli_find_cmd("query");
    struct args a;
    memset(&a, 0, sizeof(a));
    char **pos = NULL;
    int n_pos = 0, code = EXIT_OK;
    struct dt_blob *blob = NULL;
    char *key_pem = NULL;
    int r = cli_parse(cli, cmd, argc, argv, on_opt, &a, &pos, &n_pos);
    if (r != 0) {
        code = r > 0 ? EXIT_OK : EXIT_USAGE;
        goto out;
    }
    bool single_is = a.issuer || a.serial, single_spk = a.subject || a.spki;
    if (n_pos != 1)
        code = cli_usage_error(cli, "query", "expected one BLOB");
    else if ((a.issuer != NULL) != (a.serial != NULL))
        code = cli_usage_error(cli, "query", "--issuer-der and --serial go together");
    else if ((a.subject != NULL) != (a.spki != NULL))
        code = cli_usage_error(cli, "query", "--subject-der and --spki-sha256 go together");
    else if (!a.certs.n && !single_is && !single_spk && !a.batch && !a.info)
        code = cli_usage_error(cli, "query",
                               "nothing to look up (--cert, --issuer-der, "
                               "--subject-der, --batch or --info)");
    if (code)
        goto out;
    struct dt_diags d;
    dt_diag_init(&d, cli_diag, cli);
    if (a.key) {
        struct dt_buf k;
        struct dt_place opt = {"--verify-key", 0, 0, NULL, NULL};
        if (dt_file_read(a.key, (size_t)1 << 20, &k, &d, &opt) != DT_OK ||
            dt_buf_putc(&k, 0) != DT_OK) {
            code = EXIT_QUERY_ERROR;
            goto out;
        }
        key_pem = (char *)dt_buf_steal(&k, NULL);
    }
    struct dt_blob_open_opts o = DT_BLOB_OPEN_OPTS_INIT;
    o.verify_key_pem = key_pem;
    char err[512];
    int rc = dt_blob_open_file(pos[0], &o, &blob, err, sizeof(err));
    if (rc != DT_BLOB_OK) {
        fprintf(stderr, "%s: error: %s\n", pos[0], err);
        struct stat qst;
        bool is_dir = stat(pos[0], &qst) == 0 && S_ISDIR(qst.st_mode);
        if (rc == DT_BLOB_ERR_IO && is_dir)
            fprintf(stderr, "%s: hint: a build directory: query its blob, %s/revocations.blob\n",
                    cli->prog, pos[0]);
        else if (rc == DT_BLOB_ERR_IO)
            fprintf(stderr,
                    "%s: hint: a blob is written by `distrust build -o OUT POLICY...` as "
                    "OUT/revocations.blob\n",
                    cli->prog);
        /* Memory, OpenSSL (a digest its providers cannot give) and bugs are
         * no verdict on the blob: exit 4, not "corrupted". */
        code = rc == DT_BLOB_ERR_NOMEM || rc == DT_BLOB_ERR_OPENSSL || rc == DT_BLOB_ERR_INTERNAL
                   ? EXIT_INTERNAL
               : rc == DT_BLOB_ERR_SIGNATURE ? EXIT_MISMATCH
                                             : EXIT_QUERY_ERROR;
        goto out;
    }
    if (a.info && (code = print_info(blob)) != 0)
        goto out;
    struct q Q = {cli, blob, 0, 0};
    if (single_is) {
        struct dt_buf is, sn;
        dt_buf_init(&is, 0);
        dt_buf_init(&sn, 0);
        size_t col;
        if (!b64(a.issuer, strlen(a.issuer), &is) ||
            dt_der_check_name(dt_slice_make(is.data, is.len))) {
            cli_error(cli, "--issuer-der: not the base64 of a DER Name");
            code = EXIT_QUERY_ERROR;
        } else if (dt_hex_decode(a.serial, strlen(a.serial), &sn, &col) || !sn.len) {
            cli_error(cli, "--serial %s: not hex (column %zu)", a.serial, col);
            code = EXIT_QUERY_ERROR;
        } else {
            struct dt_buf sb;
            dt_buf_init(&sb, 0);
            bool ok = dt_b64_encode(dt_slice_make(sn.data, sn.len), &sb) == DT_OK;
            int found = dt_blob_has_serial(blob, is.data, is.len, sn.data, sn.len);
            if (lookup_failed(&Q, found))
                code = EXIT_INTERNAL;
            else
                answer(&Q, found == 1, "is %s %.*s", a.issuer, ok ? (int)sb.len : 0,
                       ok ? (const char *)sb.data : "");
            dt_buf_free(&sb);
        }
        dt_buf_free(&is);
        dt_buf_free(&sn);
        if (code)
            goto out;
    }
    if (single_spk) {
        struct dt_buf su, h;
        dt_buf_init(&su, 0);
        dt_buf_init(&h, 0);
        if (!b64(a.subject, strlen(a.subject), &su) ||
            dt_der_check_name(dt_slice_make(su.data, su.len))) {
            cli_error(cli, "--subject-der: not the base64 of a DER Name");
            code = EXIT_QUERY_ERROR;
        } else if (!b64(a.spki, strlen(a.spki), &h) || h.len != 32) {
            cli_error(cli, "--spki-sha256: not the base64 of a SHA-256 (32 bytes)");
            code = EXIT_QUERY_ERROR;
        } else {
            int found = dt_blob_has_spki(blob, su.data, su.len, h.data);
            if (lookup_failed(&Q, found))
                code = EXIT_INTERNAL;
            else
                answer(&Q, found == 1, "spk %s %s", a.subject, a.spki);
        }
        dt_buf_free(&su);
        dt_buf_free(&h);
        if (code)
            goto out;
    }
    for (size_t i = 0; i < a.certs.n && !code; i++)
        code = query_certs(&Q, a.certs.v[i]);
    if (!code && a.batch)
        code = query_batch(&Q, a.batch);
    if (!code && Q.asked)
        code = Q.listed ? 0 : 1;
    if ((code == 0 || code == 1) && cli->strict && cli->warnings) {
        fprintf(stderr, "%s: error: %zu warning%s and --strict\n", cli->prog, cli->warnings,
                cli->warnings == 1 ? "" : "s");
        code = EXIT_MISMATCH;
    }
out:
    dt_blob_close(blob);
    free(key_pem);
    free(a.certs.v);
    free(pos);
    return code;
}
