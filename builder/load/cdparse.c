/*
 * cdparse.c - certdata.txt parser.
 */
#include "cdparse.h"

#include "arena.h"
#include "der.h"
#include "caps.h"
#include "file.h"
#include "suggest.h"
#include "hex.h"

#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- constants ---------------------------------------------------------- */

struct named {
    const char *name;
    unsigned long value;
};

struct attr_def {
    const char *name;
    unsigned long type;
    enum dt_cd_type kind; /* the type NSS's files use for it */
};

/* Attributes NSS's certdata.txt files use, and the other NSS trust
 * attributes (pkcs11n.h), with the TYPE certdata.txt writes them with. */
static const struct attr_def attr_defs[] = {
    {"CKA_CLASS", CKA_CLASS, DT_CD_OBJECT_CLASS},
    {"CKA_TOKEN", CKA_TOKEN, DT_CD_BBOOL},
    {"CKA_PRIVATE", CKA_PRIVATE, DT_CD_BBOOL},
    {"CKA_MODIFIABLE", CKA_MODIFIABLE, DT_CD_BBOOL},
    {"CKA_LABEL", CKA_LABEL, DT_CD_UTF8},
    {"CKA_CERTIFICATE_TYPE", CKA_CERTIFICATE_TYPE, DT_CD_CERT_TYPE},
    {"CKA_SUBJECT", CKA_SUBJECT, DT_CD_OCTAL},
    {"CKA_ID", CKA_ID, DT_CD_UTF8},
    {"CKA_ISSUER", CKA_ISSUER, DT_CD_OCTAL},
    {"CKA_SERIAL_NUMBER", CKA_SERIAL_NUMBER, DT_CD_OCTAL},
    {"CKA_VALUE", CKA_VALUE, DT_CD_OCTAL},
    {"CKA_NSS_MOZILLA_CA_POLICY", CKA_NSS_MOZILLA_CA_POLICY, DT_CD_BBOOL},
    {"CKA_NSS_SERVER_DISTRUST_AFTER", CKA_NSS_SERVER_DISTRUST_AFTER, DT_CD_OCTAL},
    {"CKA_NSS_EMAIL_DISTRUST_AFTER", CKA_NSS_EMAIL_DISTRUST_AFTER, DT_CD_OCTAL},
    {"CKA_CERT_SHA1_HASH", CKA_CERT_SHA1_HASH, DT_CD_OCTAL},
    {"CKA_CERT_MD5_HASH", CKA_CERT_MD5_HASH, DT_CD_OCTAL},
    {"CKA_TRUST_DIGITAL_SIGNATURE", CKA_TRUST_DIGITAL_SIGNATURE, DT_CD_TRUST},
    {"CKA_TRUST_NON_REPUDIATION", CKA_TRUST_NON_REPUDIATION, DT_CD_TRUST},
    {"CKA_TRUST_KEY_ENCIPHERMENT", CKA_TRUST_KEY_ENCIPHERMENT, DT_CD_TRUST},
    {"CKA_TRUST_DATA_ENCIPHERMENT", CKA_TRUST_DATA_ENCIPHERMENT, DT_CD_TRUST},
    {"CKA_TRUST_KEY_AGREEMENT", CKA_TRUST_KEY_AGREEMENT, DT_CD_TRUST},
    {"CKA_TRUST_KEY_CERT_SIGN", CKA_TRUST_KEY_CERT_SIGN, DT_CD_TRUST},
    {"CKA_TRUST_CRL_SIGN", CKA_TRUST_CRL_SIGN, DT_CD_TRUST},
    {"CKA_TRUST_SERVER_AUTH", CKA_TRUST_SERVER_AUTH, DT_CD_TRUST},
    {"CKA_TRUST_CLIENT_AUTH", CKA_TRUST_CLIENT_AUTH, DT_CD_TRUST},
    {"CKA_TRUST_CODE_SIGNING", CKA_TRUST_CODE_SIGNING, DT_CD_TRUST},
    {"CKA_TRUST_EMAIL_PROTECTION", CKA_TRUST_EMAIL_PROTECTION, DT_CD_TRUST},
    {"CKA_TRUST_IPSEC_END_SYSTEM", CKA_TRUST_IPSEC_END_SYSTEM, DT_CD_TRUST},
    {"CKA_TRUST_IPSEC_TUNNEL", CKA_TRUST_IPSEC_TUNNEL, DT_CD_TRUST},
    {"CKA_TRUST_IPSEC_USER", CKA_TRUST_IPSEC_USER, DT_CD_TRUST},
    {"CKA_TRUST_TIME_STAMPING", CKA_TRUST_TIME_STAMPING, DT_CD_TRUST},
    {"CKA_TRUST_STEP_UP_APPROVED", CKA_TRUST_STEP_UP_APPROVED, DT_CD_BBOOL},
};

static const struct named type_names[] = {
    {"CK_OBJECT_CLASS", DT_CD_OBJECT_CLASS},
    {"CK_BBOOL", DT_CD_BBOOL},
    {"CK_CERTIFICATE_TYPE", DT_CD_CERT_TYPE},
    {"CK_TRUST", DT_CD_TRUST},
    {"UTF8", DT_CD_UTF8},
    {"MULTILINE_OCTAL", DT_CD_OCTAL},
};

static const struct named class_names[] = {
    {"CKO_CERTIFICATE", CKO_CERTIFICATE},
    {"CKO_NSS_TRUST", CKO_NSS_TRUST},
    {"CKO_NSS_BUILTIN_ROOT_LIST", CKO_NSS_BUILTIN_ROOT_LIST},
};

static const struct named trust_names[] = {
    {"CKT_NSS_TRUSTED", CKT_NSS_TRUSTED},
    {"CKT_NSS_TRUSTED_DELEGATOR", CKT_NSS_TRUSTED_DELEGATOR},
    {"CKT_NSS_MUST_VERIFY_TRUST", CKT_NSS_MUST_VERIFY_TRUST},
    {"CKT_NSS_NOT_TRUSTED", CKT_NSS_NOT_TRUSTED},
    {"CKT_NSS_TRUST_UNKNOWN", CKT_NSS_TRUST_UNKNOWN},
    {"CKT_NSS_VALID_DELEGATOR", CKT_NSS_VALID_DELEGATOR},
};

static const struct named bool_names[] = {{"CK_TRUE", 1}, {"CK_FALSE", 0}};
static const struct named cert_type_names[] = {{"CKC_X_509", CKC_X_509}};

static const char *name_of(const struct named *t, size_t n, unsigned long v)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == v)
            return t[i].name;
    return "?";
}

const char *dt_cdparse_attr_name(unsigned long type)
{
    for (size_t i = 0; i < DT_ARRAY_LEN(attr_defs); i++)
        if (attr_defs[i].type == type)
            return attr_defs[i].name;
    return "?";
}

const char *dt_cdparse_class_name(unsigned long klass)
{
    return name_of(class_names, DT_ARRAY_LEN(class_names), klass);
}

const char *dt_cdparse_trust_name(unsigned long trust)
{
    return name_of(trust_names, DT_ARRAY_LEN(trust_names), trust);
}

/* ---- parser state ------------------------------------------------------- */

struct store {
    struct dt_arena arena;
};

struct parser {
    const char *path;
    struct dt_diags *d;
    struct dt_cd_file *f;
    struct store *st;
    size_t cap_objs;
    size_t cap_attrs; /* of the current object */
    unsigned lineno;
    const char *line; /* current line text, for the echo */
    size_t line_len;
    size_t errors;
    enum dt_err fail;       /* memory ran out: the parse stops with it */
    struct dt_buf comment;  /* comment lines since the last object */
    unsigned comment_start; /* line of the first of them */
};

#define MAX_ERRORS 50

static void perr(struct parser *P, unsigned col, const char *fmt, ...) DT_PRINTF(3, 4);
static void perr(struct parser *P, unsigned col, const char *fmt, ...)
{
    char echo[512];
    size_t n = P->line_len < sizeof(echo) - 1 ? P->line_len : sizeof(echo) - 1;
    memcpy(echo, P->line, n);
    echo[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (echo[i] == '\0')
            echo[i] = ' ';
    struct dt_place pl = {P->path, P->lineno, col, NULL, echo};
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(P->d, DT_ERROR, &pl, fmt, ap);
    va_end(ap);
    P->errors++;
}

static const struct named *lookup(const struct named *t, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(t[i].name) == len && !memcmp(t[i].name, s, len))
            return &t[i];
    return NULL;
}

/* Reports an unknown constant with a suggestion from the table. */
static void unknown(struct parser *P, unsigned col, const char *what, const char *s, size_t len,
                    const struct named *t, size_t n)
{
    char word[64];
    size_t k = len < sizeof(word) - 1 ? len : sizeof(word) - 1;
    memcpy(word, s, k);
    word[k] = '\0';
    const char *names[16];
    size_t m = 0;
    for (size_t i = 0; i < n && m < 16; i++)
        names[m++] = t[i].name;
    const char *sug = dt_suggest(word, names, m);
    if (sug)
        perr(P, col, "unknown %s %s; did you mean %s?", what, word, sug);
    else
        perr(P, col, "unknown %s %s", what, word);
}

static struct dt_cd_object *cur(struct parser *P)
{
    return P->f->n_objs ? &P->f->objs[P->f->n_objs - 1] : NULL;
}

static enum dt_err new_object(struct parser *P)
{
    enum dt_err rc =
        dt_mem_grow((void **)&P->f->objs, &P->cap_objs, P->f->n_objs + 1, sizeof(*P->f->objs));
    if (rc != DT_OK)
        return rc;
    struct dt_cd_object *o = &P->f->objs[P->f->n_objs++];
    memset(o, 0, sizeof(*o));
    o->line = P->lineno;
    o->first_line = P->comment.len ? P->comment_start : P->lineno;
    o->last_line = P->lineno;
    P->cap_attrs = 0;
    if (P->comment.len) {
        o->comment = dt_arena_dup(&P->st->arena, P->comment.data, P->comment.len + 1);
        if (!o->comment)
            return DT_ERR_NOMEM;
        ((char *)o->comment)[P->comment.len] = '\0';
    }
    dt_buf_reset(&P->comment);
    return DT_OK;
}

static enum dt_err add_attr(struct parser *P, unsigned long type, enum dt_cd_type kind,
                            const void *value, size_t len, unsigned line)
{
    struct dt_cd_object *o = cur(P);
    enum dt_err rc = dt_mem_grow((void **)&o->attrs, &P->cap_attrs, o->n_attrs + 1, sizeof(*o->attrs));
    if (rc != DT_OK)
        return rc;
    /* One spare NUL after every value: UTF8 values are served with it, as
     * NSS's built-ins module does. */
    uint8_t *copy = dt_arena_alloc(&P->st->arena, len + 1);
    if (!copy)
        return DT_ERR_NOMEM;
    if (len)
        memcpy(copy, value, len);
    copy[len] = 0;
    struct dt_cd_attr *a = &o->attrs[o->n_attrs++];
    a->type = type;
    a->kind = kind;
    a->value = copy;
    a->len = len;
    a->line = line;
    a->end_line = P->lineno;
    o->last_line = P->lineno;
    /* Comment lines between attributes belong to the object, not to the
     * next one. */
    dt_buf_reset(&P->comment);
    return DT_OK;
}

/* Decodes a UTF8 value: "...", raw bytes or \xHH escapes. */
/* Appends to an attribute's value: false when it cannot, a value over the
 * cap being an error at col and memory the end of the parse (P->fail),
 * never an attribute quietly left out. */
static bool put(struct parser *P, unsigned col, struct dt_buf *out, const void *p, size_t n)
{
    enum dt_err rc = dt_buf_append(out, p, n);
    if (rc == DT_ERR_LIMIT)
        perr(P, col, "the value is longer than the %zu-byte limit", out->max);
    else if (rc != DT_OK)
        P->fail = rc;
    return rc == DT_OK;
}

static bool parse_utf8(struct parser *P, const char *s, size_t n, unsigned col0, struct dt_buf *out)
{
    if (n < 2 || s[0] != '"' || s[n - 1] != '"') {
        perr(P, col0, "a UTF8 value must be one double-quoted string");
        return false;
    }
    for (size_t i = 1; i + 1 < n; i++) {
        char c = s[i];
        if (c == '"') {
            perr(P, col0 + (unsigned)i, "unescaped '\"' inside a UTF8 value");
            return false;
        }
        if (c == '\\') {
            int hi, lo;
            if (i + 3 < n && s[i + 1] == 'x' && (hi = dt_hex_digit(s[i + 2])) >= 0 &&
                (lo = dt_hex_digit(s[i + 3])) >= 0) {
                uint8_t b = (uint8_t)(hi << 4 | lo);
                if (!put(P, col0 + (unsigned)i, out, &b, 1))
                    return false;
                i += 3;
                continue;
            }
            perr(P, col0 + (unsigned)i,
                 "only \\xHH escapes are allowed in a UTF8 value (certdata.perl reads it as "
                 "a Perl string)");
            return false;
        }
        if (!put(P, col0 + (unsigned)i, out, &c, 1))
            return false;
    }
    return true;
}

/* Parses one data line of a MULTILINE_OCTAL value. */
static bool parse_octal_line(struct parser *P, const char *s, size_t n, struct dt_buf *out)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t') {
            i++;
            continue;
        }
        if (s[i] != '\\' || i + 3 >= n) {
            perr(P, (unsigned)i + 1, "expected \\ooo octets (backslash and three octal digits)");
            return false;
        }
        int v = 0;
        for (int k = 1; k <= 3; k++) {
            char c = s[i + (size_t)k];
            if (c < '0' || c > '7') {
                perr(P, (unsigned)(i + (size_t)k) + 1,
                     "expected \\ooo octets (backslash and three octal digits)");
                return false;
            }
            v = v * 8 + (c - '0');
        }
        if (v > 0377) {
            perr(P, (unsigned)i + 1, "octal value \\%.3s is larger than one octet", s + i + 1);
            return false;
        }
        uint8_t b = (uint8_t)v;
        if (!put(P, (unsigned)i + 1, out, &b, 1))
            return false;
        i += 4;
    }
    return true;
}

/* Strips a comment that starts outside double quotes. */
static size_t strip_comment(const char *s, size_t n, size_t *comment_at)
{
    bool q = false;
    *comment_at = n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && q && i + 1 < n) {
            i++;
            continue;
        }
        if (s[i] == '"')
            q = !q;
        else if (s[i] == '#' && !q) {
            *comment_at = i;
            break;
        }
    }
    size_t k = *comment_at;
    while (k && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
        k--;
    return k;
}

static const char *next_line(const char *s, size_t n, size_t *pos, size_t *len)
{
    if (*pos >= n)
        return NULL;
    const char *line = s + *pos;
    const char *nl = memchr(line, '\n', n - *pos);
    *len = nl ? (size_t)(nl - line) : n - *pos;
    *pos += *len + (nl ? 1 : 0);
    return line;
}

enum dt_err dt_cdparse_mem(const char *path, struct dt_slice text, struct dt_cd_file *out,
                        struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct parser P;
    struct dt_buf val;
    memset(out, 0, sizeof(*out));
    memset(&P, 0, sizeof(P));
    dt_buf_init(&val, DT_MAX_CERT_FILE_BYTES);
    dt_buf_init(&P.comment, 1 << 20);
    P.st = dt_mem_calloc(1, sizeof(*P.st));
    DT_ENSURE_MEM(P.st);
    dt_arena_init(&P.st->arena);
    out->priv = P.st;
    P.path = path;
    P.d = d;
    P.f = out;

    const char *s = (const char *)text.p;
    size_t pos = 0, len;
    const char *line;
    while ((line = next_line(s, text.n, &pos, &len)) != NULL) {
        P.lineno++;
        P.line = line;
        P.line_len = len;
        if (P.errors >= MAX_ERRORS) {
            struct dt_place pl = dt_diag_place_file(path);
            dt_diag_report(d, DT_NOTE, &pl, "stopped after %d errors", MAX_ERRORS);
            break;
        }
        size_t cat;
        size_t n = strip_comment(line, len, &cat);
        size_t lead = 0;
        while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (cat < len && lead == cat) {
            /* A comment line: kept for the next object (import). */
            if (!P.comment.len)
                P.comment_start = P.lineno;
            DT_TRY(dt_buf_append(&P.comment, line + cat, len - cat));
            if (P.comment.len && P.comment.data[P.comment.len - 1] == '\r')
                P.comment.len--;
            DT_TRY(dt_buf_putc(&P.comment, '\n'));
            continue;
        }
        if (lead == n) {
            dt_buf_reset(&P.comment); /* a blank line ends a comment block */
            continue;
        }
        const char *w = line + lead;
        size_t wn = n - lead;
        if (wn == 9 && !memcmp(w, "BEGINDATA", 9)) {
            out->has_begindata = true;
            dt_buf_reset(&P.comment);
            continue;
        }
        if (wn >= 6 && !memcmp(w, "CVS_ID", 6) && !out->n_objs) {
            continue; /* old files: CVS_ID "@(#) $RCSfile$ ..." */
        }
        /* NAME TYPE [VALUE] */
        size_t a_end = 0;
        while (a_end < wn && w[a_end] != ' ' && w[a_end] != '\t')
            a_end++;
        size_t t_start = a_end;
        while (t_start < wn && (w[t_start] == ' ' || w[t_start] == '\t'))
            t_start++;
        size_t t_end = t_start;
        while (t_end < wn && w[t_end] != ' ' && w[t_end] != '\t')
            t_end++;
        size_t v_start = t_end;
        while (v_start < wn && (w[v_start] == ' ' || w[v_start] == '\t'))
            v_start++;
        unsigned col_a = (unsigned)lead + 1, col_t = (unsigned)(lead + t_start) + 1,
                 col_v = (unsigned)(lead + v_start) + 1;

        const struct attr_def *ad = NULL;
        for (size_t i = 0; i < DT_ARRAY_LEN(attr_defs); i++)
            if (strlen(attr_defs[i].name) == a_end && !memcmp(attr_defs[i].name, w, a_end))
                ad = &attr_defs[i];
        if (!ad) {
            char word[64];
            size_t k = a_end < sizeof(word) - 1 ? a_end : sizeof(word) - 1;
            memcpy(word, w, k);
            word[k] = '\0';
            const char *names[DT_ARRAY_LEN(attr_defs)];
            for (size_t i = 0; i < DT_ARRAY_LEN(attr_defs); i++)
                names[i] = attr_defs[i].name;
            const char *sug = dt_suggest(word, names, DT_ARRAY_LEN(attr_defs));
            if (word[0] == '\\')
                perr(&P, col_a, "octal data outside a MULTILINE_OCTAL value");
            else if (sug)
                perr(&P, col_a, "unknown attribute %s; did you mean %s?", word, sug);
            else
                perr(&P, col_a, "unknown attribute %s", word);
            continue;
        }
        const struct named *tn =
            lookup(type_names, DT_ARRAY_LEN(type_names), w + t_start, t_end - t_start);
        if (!tn) {
            if (t_end == t_start)
                perr(&P, col_t, "missing TYPE after %s", ad->name);
            else
                unknown(&P, col_t, "type", w + t_start, t_end - t_start, type_names,
                        DT_ARRAY_LEN(type_names));
            continue;
        }
        enum dt_cd_type kind = (enum dt_cd_type)tn->value;
        /* A few attributes legitimately take two types (distrust-after:
         * CK_BBOOL CK_FALSE or a MULTILINE_OCTAL date). */
        bool type_ok = kind == ad->kind ||
                       ((ad->type == CKA_NSS_SERVER_DISTRUST_AFTER ||
                         ad->type == CKA_NSS_EMAIL_DISTRUST_AFTER) &&
                        kind == DT_CD_BBOOL) ||
                       (ad->kind == DT_CD_UTF8 && kind == DT_CD_OCTAL);
        if (!type_ok) {
            perr(&P, col_t, "%s takes type %s, not %.*s", ad->name,
                 name_of(type_names, DT_ARRAY_LEN(type_names), ad->kind), (int)(t_end - t_start),
                 w + t_start);
            continue;
        }
        if (ad->type == CKA_CLASS) {
            DT_TRY(new_object(&P));
        } else if (!cur(&P)) {
            perr(&P, col_a, "%s before the first CKA_CLASS (an object starts at CKA_CLASS)",
                 ad->name);
            if (kind == DT_CD_OCTAL) {
                /* Skip its data lines. */
                while ((line = next_line(s, text.n, &pos, &len)) != NULL) {
                    P.lineno++;
                    if (len >= 3 && !memcmp(line, "END", 3))
                        break;
                }
            }
            continue;
        }
        struct dt_cd_object *o = cur(&P);
        bool dup = false;
        for (size_t i = 0; i < o->n_attrs; i++)
            if (o->attrs[i].type == ad->type)
                dup = true;
        if (dup) {
            perr(&P, col_a, "%s given twice in the object that starts at line %u", ad->name,
                 o->line);
        }
        unsigned attr_line = P.lineno;
        dt_buf_reset(&val);
        const char *v = w + v_start;
        size_t vn = wn - v_start;
        bool ok = true;
        switch (kind) {
        case DT_CD_OBJECT_CLASS:
        case DT_CD_CERT_TYPE:
        case DT_CD_TRUST:
        case DT_CD_BBOOL: {
            const struct named *t = NULL;
            size_t tn_n = 0;
            const char *what = "";
            if (kind == DT_CD_OBJECT_CLASS) {
                t = class_names;
                tn_n = DT_ARRAY_LEN(class_names);
                what = "object class";
            } else if (kind == DT_CD_CERT_TYPE) {
                t = cert_type_names;
                tn_n = DT_ARRAY_LEN(cert_type_names);
                what = "certificate type";
            } else if (kind == DT_CD_TRUST) {
                t = trust_names;
                tn_n = DT_ARRAY_LEN(trust_names);
                what = "trust value";
            } else {
                t = bool_names;
                tn_n = DT_ARRAY_LEN(bool_names);
                what = "boolean";
            }
            const struct named *c = lookup(t, tn_n, v, vn);
            if (!c) {
                if (!vn)
                    perr(&P, col_v, "missing value");
                else
                    unknown(&P, col_v, what, v, vn, t, tn_n);
                ok = false;
                break;
            }
            if (kind == DT_CD_BBOOL) {
                uint8_t b = (uint8_t)c->value;
                ok = put(&P, col_v, &val, &b, 1);
            } else {
                unsigned long u = c->value;
                ok = put(&P, col_v, &val, &u, sizeof(u));
                if (ad->type == CKA_CLASS)
                    o->klass = c->value;
            }
            break;
        }
        case DT_CD_UTF8:
            ok = parse_utf8(&P, v, vn, col_v, &val);
            break;
        case DT_CD_OCTAL: {
            if (vn) {
                perr(&P, col_v, "MULTILINE_OCTAL takes its data on the following lines");
                ok = false;
            }
            bool ended = false;
            while ((line = next_line(s, text.n, &pos, &len)) != NULL) {
                P.lineno++;
                P.line = line;
                P.line_len = len;
                size_t k = len;
                while (k && (line[k - 1] == '\r' || line[k - 1] == ' ' || line[k - 1] == '\t'))
                    k--;
                if (k == 3 && !memcmp(line, "END", 3)) {
                    ended = true;
                    break;
                }
                if (ok && !parse_octal_line(&P, line, k, &val))
                    ok = false;
            }
            if (!ended) {
                P.lineno = attr_line;
                P.line = w - lead;
                P.line_len = len;
                perr(&P, col_t, "MULTILINE_OCTAL value without its END line");
                ok = false;
            }
            break;
        }
        }
        DT_TRY(P.fail);
        if (!ok || dup)
            continue;
        DT_TRY(add_attr(&P, ad->type, kind, val.data, val.len, attr_line));
        (void)col_a;
    }
    if (P.errors)
        rc = DT_ERR_INPUT;
out:
    dt_buf_free(&val);
    dt_buf_free(&P.comment);
    if (rc != DT_OK && rc != DT_ERR_INPUT)
        dt_diag_report(d, DT_ERROR, NULL, "%s: %s", path, dt_err_str(rc));
    return rc;
}

enum dt_err dt_cdparse_file(const char *path, struct dt_cd_file *out, struct dt_diags *d)
{
    struct dt_buf b;
    memset(out, 0, sizeof(*out));
    enum dt_err rc = dt_file_read(path, DT_MAX_CERTDATA_BYTES, &b, d, NULL);
    if (rc != DT_OK)
        return rc;
    rc = dt_cdparse_mem(path, dt_slice_make(b.data, b.len), out, d);
    dt_buf_free(&b);
    return rc;
}

void dt_cdparse_free(struct dt_cd_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_objs; i++)
        free(f->objs[i].attrs);
    free(f->objs);
    struct store *st = f->priv;
    if (st) {
        dt_arena_free(&st->arena);
        free(st);
    }
    memset(f, 0, sizeof(*f));
}

const struct dt_cd_attr *dt_cdparse_get(const struct dt_cd_object *o, unsigned long type)
{
    for (size_t i = 0; i < o->n_attrs; i++)
        if (o->attrs[i].type == type)
            return &o->attrs[i];
    return NULL;
}

bool dt_cdparse_get_ulong(const struct dt_cd_object *o, unsigned long type, unsigned long *v)
{
    const struct dt_cd_attr *a = dt_cdparse_get(o, type);
    if (!a || a->len != sizeof(unsigned long) ||
        (a->kind != DT_CD_OBJECT_CLASS && a->kind != DT_CD_CERT_TYPE && a->kind != DT_CD_TRUST))
        return false;
    memcpy(v, a->value, sizeof(*v));
    return true;
}

bool dt_cdparse_get_bool(const struct dt_cd_object *o, unsigned long type, bool *v)
{
    const struct dt_cd_attr *a = dt_cdparse_get(o, type);
    if (!a || a->kind != DT_CD_BBOOL || a->len != 1)
        return false;
    *v = a->value[0] != 0;
    return true;
}
