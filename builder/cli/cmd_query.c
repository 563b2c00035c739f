/*
 * cmd_query.c - `distrust query BLOB ...`: is a certificate, an issuer +
 * serial or a subject + key listed in a revocation blob? Exit status as
 * grep: 0 something listed, 1 nothing listed, 2 an error (bad input,
 * including any malformed batch line), 4 internal.
 */
#include "cli.h"

#include "buf.h"
#include "cert.h"
#include "der.h"
#include "file.h"
#include "nssname.h"
#include "time.h"
#include "hex.h"
#include "b64.h"

#include <stdarg.h>

#include <stdlib.h>
#include <string.h>

#define EXIT_QUERY_ERROR 2

enum {
    OPT_CERT,
    OPT_ISSUER,
    OPT_SERIAL,
    OPT_SUBJECT,
    OPT_SPKI,
    OPT_BATCH,
    OPT_KEY,
    OPT_INFO,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_HELP
};

static const struct cli_opt opts[] = {
    [OPT_CERT] = {"--cert", 'c', true,
                  "a PEM or DER file: each certificate in it (a chain file too) is looked up "
                  "by issuer + serial and by subject + key (repeatable)"},
    [OPT_ISSUER] = {"--issuer-der", 0, true, "base64 DER issuer Name (with --serial)"},
    [OPT_SERIAL] = {"--serial", 0, true, "hex serial: the DER INTEGER content octets, exactly"},
    [OPT_SUBJECT] = {"--subject-der", 0, true, "base64 DER subject Name (with --spki-sha256)"},
    [OPT_SPKI] = {"--spki-sha256", 0, true, "base64 SHA-256 of the DER SubjectPublicKeyInfo"},
    [OPT_BATCH] = {"--batch", 'b', true,
                   "a file of lines \"is <issuerName> <serialNumber>\" or \"spk <subject> "
                   "<pubKeyHash>\" (OneCRL base64); each is printed back prefixed by \"listed \" "
                   "or \"not-listed \""},
    [OPT_KEY] = {"--verify-key", 'k', true,
                 "public key (PEM) that must have signed the blob: without a valid signature by "
                 "it, nothing is looked up (exit 2)"},
    [OPT_INFO] = {"--info", 0, false, "print the blob's header and counts"},
    [OPT_VERBOSE] = {"--verbose", 'v', false, "show where in the library an error arose"},
    [OPT_QUIET] = {"--quiet", 'q', false, "print nothing; the exit status says it"},
    [OPT_HELP] = {"--help", 'h', false, "show this help"},
};

struct args {
    struct cli_list certs;
    const char *issuer, *serial, *subject, *spki, *batch, *key;
    bool info;
};

static int on_opt(void *ctx, size_t opt, const char *v)
{
    struct args *a = ctx;
    switch (opt) {
    case OPT_CERT:
        return cli_list_push(&a->certs, v);
    case OPT_ISSUER:
        a->issuer = v;
        break;
    case OPT_SERIAL:
        a->serial = v;
        break;
    case OPT_SUBJECT:
        a->subject = v;
        break;
    case OPT_SPKI:
        a->spki = v;
        break;
    case OPT_BATCH:
        a->batch = v;
        break;
    case OPT_KEY:
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

static void answer(struct q *Q, bool listed, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void answer(struct q *Q, bool listed, const char *fmt, ...)
{
    Q->asked++;
    Q->listed += listed;
    if (Q->cli->quiet)
        return;
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
        bool by_serial = dt_blob_has_serial(Q->blob, c->info.issuer.p, c->info.issuer.n,
                                            c->info.serial.p, c->info.serial.n) == 1;
        bool by_key =
            dt_blob_has_spki(Q->blob, c->info.subject.p, c->info.subject.n, c->spki_sha256) == 1;
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

/* One batch line into kind and its two decoded fields; a reason on error. */
static const char *parse_line(const char *s, size_t n, bool *is, struct dt_buf *a, struct dt_buf *b)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    const char *sp1 = memchr(s, ' ', n);
    if (!sp1)
        return "expected \"is <issuerName> <serialNumber>\" or \"spk <subject> <pubKeyHash>\"";
    size_t kl = (size_t)(sp1 - s);
    if (kl == 2 && !memcmp(s, "is", 2))
        *is = true;
    else if (kl == 3 && !memcmp(s, "spk", 3))
        *is = false;
    else
        return "the line must start with \"is \" or \"spk \"";
    const char *f1 = sp1 + 1, *end = s + n;
    const char *sp2 = memchr(f1, ' ', (size_t)(end - f1));
    if (!sp2 || memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1)))
        return "expected exactly two base64 fields after the kind";
    if (!b64(f1, (size_t)(sp2 - f1), a))
        return *is ? "the issuerName is not base64" : "the subject is not base64";
    if (!b64(sp2 + 1, (size_t)(end - sp2 - 1), b))
        return *is ? "the serialNumber is not base64" : "the pubKeyHash is not base64";
    if (dt_der_check_name(dt_slice_make(a->data, a->len)))
        return *is ? "the issuerName is not a DER Name" : "the subject is not a DER Name";
    if (!*is && b->len != 32)
        return "the pubKeyHash is not 32 bytes (SHA-256)";
    if (*is && !b->len)
        return "the serialNumber is empty";
    return NULL;
}

static int query_batch(struct q *Q, const char *path)
{
    struct dt_diags d;
    dt_diag_init(&d, cli_diag, Q->cli);
    struct dt_buf text;
    struct dt_place opt = {"--batch", 0, 0, NULL, NULL};
    if (dt_file_read(path, (size_t)1 << 31, &text, &d, &opt) != DT_OK)
        return EXIT_QUERY_ERROR;
    int code = 0;
    char *res = NULL; /* per line: 0 skip, 1 listed, 2 not listed */
    size_t n_lines = 0;
    for (size_t i = 0; i < text.len; i++)
        n_lines += text.data[i] == '\n';
    res = calloc(n_lines + 1, 1);
    if (!res) {
        dt_buf_free(&text);
        return EXIT_INTERNAL;
    }
    /* Check every line before printing anything. */
    size_t errors = 0, line = 0;
    const char *s = (const char *)text.data, *end = s + text.len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        line++;
        if (n && s[0] != '#' && !(n == 1 && s[0] == '\r')) {
            bool is;
            struct dt_buf a, b;
            dt_buf_init(&a, 0);
            dt_buf_init(&b, 0);
            const char *why = parse_line(s, n, &is, &a, &b);
            if (why) {
                if (errors++ < 20) {
                    struct dt_place pl = {path, (unsigned)line, 0, NULL, NULL};
                    dt_diag_report(&d, DT_ERROR, &pl, "%s", why);
                }
            } else {
                bool hit = is ? dt_blob_has_serial(Q->blob, a.data, a.len, b.data, b.len) == 1
                              : dt_blob_has_spki(Q->blob, a.data, a.len, b.data) == 1;
                res[line - 1] = hit ? 1 : 2;
            }
            dt_buf_free(&a);
            dt_buf_free(&b);
        }
        s = nl ? nl + 1 : end;
    }
    if (errors) {
        if (errors > 20)
            fprintf(stderr, "%s: %zu more malformed lines\n", path, errors - 20);
        code = EXIT_QUERY_ERROR;
        goto out;
    }
    s = (const char *)text.data;
    line = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
            n--;
        if (res[line])
            answer(Q, res[line] == 1, "%.*s", (int)n, s);
        line++;
        s = nl ? nl + 1 : end;
    }
out:
    free(res);
    dt_buf_free(&text);
    return code;
}

static void print_info(const struct dt_blob *b)
{
    struct dt_blob_info in;
    dt_blob_get_info(b, &in);
    char when[32];
    dt_time_format_rfc3339(in.created, when);
    char digest[65], kid[65];
    for (int i = 0; i < 32; i++) {
        snprintf(digest + 2 * i, 3, "%02x", in.digest[i]);
        snprintf(kid + 2 * i, 3, "%02x", in.key_id[i]);
    }
    printf("format version: %u\nsequence: %llu\ncreated: %s\nissuers: %zu\nissuer+serial "
           "entries: %zu\nsubject+key entries: %zu\nserial groups: %zu Elias-Fano, %zu raw\n"
           "bytes: %zu (content %zu decompressed)\ndigest: %s\n",
           in.version, (unsigned long long)in.sequence, when, in.issuers, in.serials,
           in.subject_keys, in.ef_groups, in.raw_groups, in.file_bytes, in.content_bytes, digest);
    if (in.is_signed)
        printf("signature: ECDSA P-%d, key %s, %s\n", in.signature_bits, kid,
               in.signature_verified ? "verified" : "not checked (no --verify-key)");
    else
        printf("signature: none\n");
}

int cmd_query(struct cli *cli, int argc, char **argv)
{
    const struct cli_cmd *cmd = NULL;
    for (size_t i = 0; i < cli_n_cmds; i++)
        if (!strcmp(cli_cmds[i].name, "query"))
            cmd = &cli_cmds[i];
    struct args a;
    memset(&a, 0, sizeof(a));
    char **pos = NULL;
    int n_pos = 0, code = EXIT_OK;
    struct dt_blob *blob = NULL;
    char *key_pem = NULL;
    int r = cli_parse(cli, cmd, opts, DT_ARRAY_LEN_CLI(opts), argc, argv, on_opt, &a, &pos, &n_pos);
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
    struct dt_blob_open_opts o = {key_pem, 0};
    char err[512];
    enum dt_err rc = dt_blob_open_file(pos[0], &o, &blob, err, sizeof(err));
    if (rc != DT_OK) {
        fprintf(stderr, "%s: error: %s\n", pos[0], err);
        code = rc == DT_ERR_NOMEM || rc == DT_ERR_INTERNAL ? EXIT_INTERNAL : EXIT_QUERY_ERROR;
        goto out;
    }
    if (a.info && !cli->quiet)
        print_info(blob);
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
            answer(&Q, dt_blob_has_serial(blob, is.data, is.len, sn.data, sn.len) == 1,
                   "is %s %.*s", a.issuer, ok ? (int)sb.len : 0, ok ? (const char *)sb.data : "");
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
            answer(&Q, dt_blob_has_spki(blob, su.data, su.len, h.data) == 1, "spk %s %s", a.subject,
                   a.spki);
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
out:
    dt_blob_close(blob);
    free(key_pem);
    free(a.certs.v);
    free(pos);
    return code;
}
