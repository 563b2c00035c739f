/*
 * import.c - `distrust import onecrl FILE -o POLICY.json`: a Remote Settings
 * dump of OneCRL records becomes a distrust policy.
 *
 * Real dumps carry trailing spaces, unpadded base64, duplicate keys and
 * "enabled": false records that Firefox enforces anyway: every record is
 * kept (duplicates by DER bytes once, with a warning), with its details as
 * metadata, targeting onecrl and blob.
 */
#include "buf.h"
#include "common.h"
#include "der.h"
#include "diag.h"
#include "dmap.h"
#include "file.h"
#include "pool.h"
#include "import.h"
#include "onecrl_rec.h"

#include "caps.h"
#include "cert.h"
#include "outdir.h"
#include "time.h"
#include "hex.h"
#include "b64.h"
#include "path.h"
#include "version.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct imp {
    const char *input; /* for messages */
    dt_progress_fn progress;
    void *progress_ctx;
    struct dt_diags *d;
    struct dt_buf text;
    json_t *doc;
    struct dt_dmap seen; /* digest of the key bytes -> record index */
    struct dt_buf out;
    size_t kept, duplicates, tombstones, disabled, subject_key;
};

/* The length of s cut to at most max bytes without splitting a UTF-8
 * character (a comment must stay text JSON can hold). */
static int utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return (int)n;
    n = max;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

static const char *detail(json_t *rec, const char *key)
{
    json_t *d = json_object_get(rec, "details");
    json_t *v = d ? json_object_get(d, key) : NULL;
    if (json_is_string(v) && json_string_length(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        static char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        return num;
    }
    return NULL;
}

/* Text a policy label may hold (certdata.perl's rules, as policy.c checks). */
static bool label_ok(const char *s)
{
    return s && *s && !strpbrk(s, "\"\\$@") && strlen(s) <= 1024 && s[0] != ' ' &&
           s[strlen(s) - 1] != ' ';
}

static enum dt_err put_b64(json_t *e, const char *key, struct dt_slice b)
{
    struct dt_buf t;
    dt_buf_init(&t, 0);
    enum dt_err rc = dt_b64_encode(b, &t);
    if (rc == DT_OK && json_object_set_new(e, key, json_stringn((const char *)t.data, t.len)))
        rc = DT_ERR_NOMEM;
    dt_buf_free(&t);
    return rc;
}

static enum dt_err record(struct imp *I, json_t *rec, size_t i)
{
    enum dt_err rc = DT_OK;
    char path[96];
    struct dt_place pl;
    dt_onecrl_rec_place(I->input, i, NULL, &pl, path, sizeof(path));
    struct dt_onecrl_rec r;
    dt_onecrl_rec_init(&r);
    json_t *e = NULL;
    bool good = false;
    DT_TRY(dt_onecrl_rec_read(rec, i, I->input, &r, &good, I->d));
    if (!good)
        goto out;
    if (r.deleted) {
        I->tombstones++;
        goto out;
    }
    bool is = r.by_issuer;
    struct dt_buf a = r.a, b = r.b; /* borrowed: freed with r */
    /* Duplicates by DER bytes (OneCRL-Tools#184: string DN comparison made
     * them). */
    uint8_t key[32];
    if (is)
        DT_TRY(dt_idkey_issuer_serial(dt_slice_make(a.data, a.len), dt_slice_make(b.data, b.len),
                                      key));
    else
        DT_TRY(dt_idkey_exact(dt_slice_make(a.data, a.len), b.data, key));
    key[0] ^= (uint8_t)is; /* the two kinds never collide */
    uint32_t at = dt_dmap_first(&I->seen, key);
    if (at != DT_DMAP_END) {
        dt_diag_report(I->d, DT_WARNING, &pl,
                  "the same %s as /data/%u (compared as DER bytes): imported once",
                  is ? "issuer and serial" : "subject and key", dt_dmap_value(&I->seen, at));
        I->duplicates++;
        goto out;
    }
    DT_TRY(dt_dmap_add(&I->seen, key, (uint32_t)i));

    e = json_object();
    DT_ENSURE_MEM(e);
    if (is) {
        DT_TRY(put_b64(e, "issuer_der", dt_slice_make(a.data, a.len)));
        struct dt_buf hex;
        dt_buf_init(&hex, 0);
        rc = dt_hex_encode(dt_slice_make(b.data, b.len), false, ':', &hex);
        if (rc == DT_OK &&
            json_object_set_new(e, "serial", json_stringn((const char *)hex.data, hex.len)))
            rc = DT_ERR_NOMEM;
        dt_buf_free(&hex);
        DT_TRY(rc);
        if (b.len && b.data[0] >= 0x80) /* kept exactly: OneCRL matches the bytes */
            DT_ENSURE_MEM(!json_object_set_new(e, "serial_format", json_string("der-negative")));
        /* A OneCRL record revokes one certificate, never its key. */
        DT_ENSURE_MEM(!json_object_set_new(e, "scope", json_string("certificate")));
    } else {
        DT_TRY(put_b64(e, "subject_der", dt_slice_make(a.data, a.len)));
        DT_TRY(put_b64(e, "spki_sha256", dt_slice_make(b.data, b.len)));
        I->subject_key++;
    }
    json_t *targets = json_pack("[s, s]", "onecrl", "blob");
    DT_ENSURE_MEM(targets && !json_object_set_new(e, "targets", targets));
    const char *name = detail(rec, "name"), *bug = detail(rec, "bug"), *who = detail(rec, "who"),
               *why_ = detail(rec, "why"), *created = detail(rec, "created");
    char comment[1200] = "";
    if (name && label_ok(name))
        DT_ENSURE_MEM(!json_object_set_new(e, "label", json_string(name)));
    else if (name)
        snprintf(comment, sizeof(comment), "OneCRL name: %.*s", utf8_cut(name, 1000), name);
    if (bug && strlen(bug) <= 1024)
        DT_ENSURE_MEM(!json_object_set_new(e, "bug", json_string(bug)));
    if (who && strlen(who) <= 1024)
        DT_ENSURE_MEM(!json_object_set_new(e, "who", json_string(who)));
    if (why_ && strlen(why_) <= 1024)
        DT_ENSURE_MEM(!json_object_set_new(e, "why", json_string(why_)));
    if (created && !dt_time_parse_date_or_datetime(created))
        DT_ENSURE_MEM(!json_object_set_new(e, "created", json_string(created)));
    else if (created && !comment[0])
        snprintf(comment, sizeof(comment), "OneCRL created: %.*s", utf8_cut(created, 1000),
                 created);
    json_t *en = json_object_get(rec, "enabled");
    if (json_is_false(en)) {
        DT_ENSURE_MEM(!json_object_set_new(e, "onecrl_enabled", json_false()));
        I->disabled++;
    }
    json_t *id = json_object_get(rec, "id");
    char c2[1300];
    snprintf(c2, sizeof(c2), "%s%sOneCRL id %s", comment, comment[0] ? "; " : "",
             json_is_string(id) ? json_string_value(id) : "(none)");
    DT_ENSURE_MEM(!json_object_set_new(e, "comment", json_string(c2)));

    char *line = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
    DT_ENSURE_MEM(line);
    rc = dt_buf_printf(&I->out, "%s    %s", I->kept ? ",\n" : "", line);
    free(line);
    DT_TRY(rc);
    I->kept++;
out:
    json_decref(e);
    dt_onecrl_rec_free(&r);
    return rc;
}

/* Writes path atomically: a temporary file beside it, then rename. */
static enum dt_err write_atomic(struct dt_diags *d, const char *path, struct dt_slice data)
{
    char *tmp = dt_mem_calloc(1, strlen(path) + 16);
    if (!tmp)
        return DT_ERR_NOMEM;
    sprintf(tmp, "%s.tmp-XXXXXX", path);
    struct dt_place pl = dt_diag_place_file(path);
    enum dt_err rc = DT_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot write: %s", strerror(errno));
        goto out;
    }
    /* the mode a plain create would give (mkstemp's is 0600): a policy is
     * read by others (packagers, CI) */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    size_t done = 0;
    while (done < data.n) {
        ssize_t w = write(fd, data.p + done, data.n - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    bool ok = done == data.n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        rc = dt_diag_fail(d, &pl, DT_ERR_IO, "cannot write: %s", strerror(errno));
        unlink(tmp);
    }
out:
    free(tmp);
    return rc;
}

unsigned dt_import_certdata_line(struct dt_slice text)
{
    unsigned line = 1;
    for (size_t i = 0; i < text.n; line++) {
        size_t e = i;
        while (e < text.n && text.p[e] != '\n')
            e++;
        size_t n = e - i;
        const char *l = (const char *)text.p + i;
        if ((n >= 9 && !memcmp(l, "BEGINDATA", 9)) || (n >= 9 && !memcmp(l, "CKA_CLASS", 9)))
            return line;
        i = e + 1;
    }
    return 0;
}

bool dt_import_is_json(struct dt_slice text)
{
    size_t i = dt_file_starts_with_bom(text.p, text.n) ? 3 : 0;
    while (i < text.n && (text.p[i] == ' ' || text.p[i] == '\t' || text.p[i] == '\r' ||
                          text.p[i] == '\n'))
        i++;
    return i < text.n && (text.p[i] == '{' || text.p[i] == '[');
}

/* Whether the first bytes of a file hold `"entries"` (a policy file). */
static bool looks_like_policy(const char *path, bool *imported)
{
    char head[4096];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof(head) - 1, f);
    fclose(f);
    head[n] = '\0';
    if (imported)
        *imported = strstr(head, "\"comment\": \"Imported by distrust ") != NULL;
    return strstr(head, "\"entries\"") != NULL;
}

/* Once the input is read, before anything is written: an existing file that is not a policy this
 * command wrote is never replaced (a hand-written policy would be lost),
 * and a policy written among other policy files is a warning (`distrust
 * build DIR` would take its entries in: README's example once put 1,891
 * OneCRL entries into the shipped policy/). */
static enum dt_err check_output(const char *out, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_place pl = dt_diag_place_file(out);
    struct stat st;
    if (stat(out, &st) == 0) {
        bool imported = false;
        if (!S_ISREG(st.st_mode))
            return dt_diag_fail(d, &pl, DT_ERR_INPUT, "cannot write the policy here: it is %s",
                                dt_file_kind(st.st_mode));
        if (st.st_size > 0 && (!looks_like_policy(out, &imported) || !imported))
            return dt_diag_fail(d, &pl, DT_ERR_INPUT,
                                "refusing to replace this file: it is not a policy `distrust "
                                "import` wrote (it would be lost); give another -o, or remove "
                                "it first");
    }
    char *dir = dt_path_dirname(out);
    DT_ENSURE_MEM(dir);
    DIR *dh = opendir(dir);
    size_t others = 0;
    const char *base = strrchr(out, '/');
    base = base ? base + 1 : out;
    for (struct dirent *e; dh && (e = readdir(dh)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") || !strcmp(e->d_name, base) ||
            e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        others += looks_like_policy(path, NULL);
    }
    if (dh)
        closedir(dh);
    if (others)
        dt_diag_warn(d, &pl,
                     "written beside %zu other policy file%s in %s/: `distrust build %s/` "
                     "will take in every entry imported here; to keep the import apart, "
                     "write it to a directory of its own",
                     others, others == 1 ? "" : "s", dir, dir);
    free(dir);
out:
    return rc;
}

enum dt_err dt_import_onecrl_mem(const char *input, struct dt_slice text, struct dt_buf *policy,
                                 struct dt_import_summary *s, struct dt_diags *d,
                                 dt_progress_fn progress, void *progress_ctx)
{
    enum dt_err rc = DT_OK;
    struct imp I;
    memset(&I, 0, sizeof(I));
    I.input = input;
    I.d = d;
    I.progress = progress;
    I.progress_ctx = progress_ctx;
    dt_dmap_init(&I.seen);
    dt_buf_init(&I.out, 0);
    size_t errors0 = d->errors, warnings0 = d->warnings;
    json_error_t jerr;
    if (dt_file_starts_with_bom(text.p, text.n)) {
        struct dt_place pl = {input, 1, 1, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "%s", DT_BOM_JSON_MESSAGE);
        goto out;
    }
    /* The other importer's input: one error that says so, not a JSON
     * syntax error at its first byte. */
    unsigned bd = dt_import_certdata_line(text);
    if (bd) {
        struct dt_place pl = {input, bd, 1, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                          "an NSS certdata.txt, not a OneCRL dump: import it with "
                          "`distrust import certdata %s`",
                          input);
        goto out;
    }
    I.doc = json_loadb((const char *)text.p, text.n, 0, &jerr);
    if (!I.doc) {
        struct dt_place pl = {input, (unsigned)jerr.line, (unsigned)jerr.column, NULL, NULL};
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT, "not JSON: %s", jerr.text);
        goto out;
    }
    json_t *data = json_is_array(I.doc) ? I.doc : json_object_get(I.doc, "data");
    if (!json_is_array(data)) {
        struct dt_place pl = dt_diag_place_file(input);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                     "expected a Remote Settings dump: {\"data\": [records]} or an array of "
                     "records");
        goto out;
    }
    if (!json_array_size(data)) {
        /* An empty dump is a broken download, not "nothing is distrusted". */
        struct dt_place pl = dt_diag_place_file(input);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                     "the dump holds no records: nothing to import (a real OneCRL dump is never "
                     "empty)");
        goto out;
    }
    const char *slash = strrchr(input, '/');
    char base[256];
    snprintf(base, sizeof(base), "%s", slash ? slash + 1 : input);
    for (char *c = base; *c; c++) /* the name goes into a JSON string as it is */
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
            *c = '_';
    DT_TRY(dt_buf_printf(&I.out,
                         "{\n  \"version\": 1,\n  \"comment\": \"Imported by distrust %s from "
                         "%s",
                         DT_VERSION, base));
    size_t head = I.out.len;
    DT_TRY(dt_buf_puts(&I.out, "\",\n  \"entries\": [\n"));
    for (size_t i = 0; i < json_array_size(data); i++) {
        DT_TRY(record(&I, json_array_get(data, i), i));
        if (progress && (i & 4095) == 4095)
            progress("importing records", i + 1, json_array_size(data), progress_ctx);
    }
    DT_TRY(dt_buf_puts(&I.out, "\n  ]\n}\n"));
    /* The counts go in the comment. */
    char counts[256];
    snprintf(counts, sizeof(counts),
             ": %zu records (%zu subject+key), %zu with \\\"enabled\\\": false, %zu "
             "duplicates and %zu deletions left out",
             I.kept, I.subject_key, I.disabled, I.duplicates, I.tombstones);
    DT_TRY(dt_buf_append(policy, I.out.data, head));
    DT_TRY(dt_buf_puts(policy, counts));
    DT_TRY(dt_buf_append(policy, I.out.data + head, I.out.len - head));
    if (d->errors > errors0)
        rc = DT_ERR_INPUT;
out:
    if (s) {
        memset(s, 0, sizeof(*s));
        s->records = I.kept;
        s->duplicates = I.duplicates;
        s->disabled = I.disabled;
        s->tombstones = I.tombstones;
        s->subject_key = I.subject_key;
        s->errors = d->errors - errors0;
        s->warnings = d->warnings - warnings0;
    }
    json_decref(I.doc);
    dt_dmap_free(&I.seen);
    dt_buf_free(&I.out);
    return rc;
}

/* POLICY.json -> "POLICY-certs": the certificates' directory name. */
static char *certs_dir_name(const char *output)
{
    const char *slash = strrchr(output, '/');
    const char *base = slash ? slash + 1 : output;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".json"))
        n -= 5;
    char *r = dt_mem_calloc(1, n + 8);
    if (r)
        snprintf(r, n + 8, "%.*s-certs", (int)n, base);
    return r;
}

/* The certdata import: the policy and, beside it, its certificates (a
 * directory replaced atomically, with a manifest.json that says where they
 * came from). */
static enum dt_err import_certdata(const struct dt_import_opts *o, struct dt_slice text,
                                   struct dt_buf *policy, struct dt_import_summary *s,
                                   struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_outlist pems;
    dt_outdir_list_init(&pems);
    struct dt_buf man;
    dt_buf_init(&man, 0);
    char *dir = NULL, *parent = dt_path_dirname(o->output), *name = certs_dir_name(o->output);
    DT_ENSURE_MEM(parent && name);
    dir = dt_path_join(parent, name);
    DT_ENSURE_MEM(dir);
    snprintf(s->certs_dir, sizeof(s->certs_dir), "%s", dir);
    DT_TRY(dt_outdir_check(dir, d));
    DT_TRY(dt_import_certdata_mem(o->input, text, name, policy, &pems, s, d));
    DT_TRY(check_output(o->output, d));
    if (o->strict && d->warnings) {
        rc = DT_ERR_STRICT;
        goto out;
    }
    uint8_t h[32];
    DT_TRY(dt_digest_sha256(text, h));
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    const char *slash = strrchr(o->input, '/');
    json_t *m =
        json_pack("{s:s, s:s, s:s, s:I}", "tool", "distrust " DT_VERSION, "imported_from",
                  slash ? slash + 1 : o->input, "sha256", hex, "certificates", (json_int_t)pems.n);
    char *mt = m ? json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(m);
    DT_ENSURE_MEM(mt);
    rc = dt_buf_printf(&man, "%s\n", mt);
    free(mt);
    DT_TRY(rc);
    DT_TRY(dt_outdir_list_add(&pems, "manifest.json", &man));
    rc = dt_outdir_replace(dir, pems.files, pems.n, d);
out:
    dt_outdir_list_free(&pems);
    dt_buf_free(&man);
    free(dir);
    free(parent);
    free(name);
    return rc;
}

enum dt_err dt_import_run(const struct dt_import_opts *o, struct dt_import_summary *s)
{
    enum dt_err rc = DT_OK;
    struct dt_buf text, policy;
    dt_buf_init(&text, 0);
    dt_buf_init(&policy, 0);
    dt_err_trace_clear();
    struct dt_import_summary local;
    if (!s)
        s = &local;
    memset(s, 0, sizeof(*s));
    if (!o || !o->diag || !o->input || !o->output || !o->kind ||
        (strcmp(o->kind, "onecrl") && strcmp(o->kind, "certdata") && strcmp(o->kind, "ccadb")))
        return DT_ERR_USAGE;
    bool certdata = !strcmp(o->kind, "certdata"), ccadb = !strcmp(o->kind, "ccadb");
    struct dt_diags d;
    dt_diag_init(&d, o->diag, o->diag_ctx);
    DT_TRY(dt_file_read(o->input,
                        certdata ? DT_MAX_CERTDATA_BYTES
                                 : ccadb ? DT_MAX_POOL_FILE_BYTES : DT_MAX_ONECRL_BYTES,
                        &text, &d, NULL));
    if (ccadb)
        rc = dt_import_ccadb_mem(o->input, dt_slice_make(text.data, text.len), &policy, s, &d);
    else if (certdata)
        rc = import_certdata(o, dt_slice_make(text.data, text.len), &policy, s, &d);
    else
        rc = dt_import_onecrl_mem(o->input, dt_slice_make(text.data, text.len), &policy, s, &d,
                                  o->progress, o->progress_ctx);
    if (rc == DT_OK && !certdata)
        rc = check_output(o->output, &d);
    if (rc == DT_OK && o->strict && d.warnings)
        rc = DT_ERR_STRICT;
    if (rc == DT_OK)
        rc = write_atomic(&d, o->output, dt_slice_make(policy.data, policy.len));
out:
    s->errors = d.errors;
    s->warnings = d.warnings;
    dt_buf_free(&text);
    dt_buf_free(&policy);
    return rc;
}
