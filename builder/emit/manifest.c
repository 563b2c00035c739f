/*
 * manifest.c - manifest.json writer (jansson).
 */
#include "manifest.h"

#include "cert.h"
#include "time.h"
#include "version.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static char *hex32(const uint8_t d[32], char buf[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        buf[2 * i] = digits[d[i] >> 4];
        buf[2 * i + 1] = digits[d[i] & 15];
    }
    buf[64] = '\0';
    return buf;
}

enum dt_err dt_manifest_write(const char *policy_sha256_hex, const struct dt_outfile *files,
                              size_t n, const struct dt_count *counts, size_t n_counts,
                              const struct dt_expansion *exp, size_t n_exp,
                              const char *upstream_name, const char *upstream_sha256_hex,
                              json_t *incidents, const struct dt_manifest_release *release,
                              struct dt_buf *out)
{
    enum dt_err rc = DT_OK;
    char *text = NULL;
    json_t *root = json_object();
    json_t *jfiles = json_object();
    json_t *jcounts = json_object();
    DT_ENSURE_MEM(root && jfiles && jcounts);
    DT_ENSURE(json_object_set_new(root, "tool", json_string("distrust " DT_VERSION)) == 0,
              DT_ERR_NOMEM);
    DT_ENSURE(json_object_set_new(root, "policy_sha256", json_string(policy_sha256_hex)) == 0,
              DT_ERR_NOMEM);
    if (upstream_name) {
        json_t *u = json_pack("{s:s, s:s}", "file", upstream_name, "sha256", upstream_sha256_hex);
        DT_ENSURE_MEM(u);
        DT_ENSURE(json_object_set_new(root, "certdata_upstream", u) == 0, DT_ERR_NOMEM);
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t d[32];
        char hex[65];
        DT_TRY(dt_digest_sha256(files[i].data, d));
        json_t *f =
            json_pack("{s:s, s:I}", "sha256", hex32(d, hex), "bytes", (json_int_t)files[i].data.n);
        DT_ENSURE_MEM(f);
        DT_ENSURE(json_object_set_new(jfiles, files[i].name, f) == 0, DT_ERR_NOMEM);
    }
    for (size_t i = 0; i < n_counts; i++) {
        const char *dot = strchr(counts[i].name, '.');
        json_t *parent = jcounts;
        if (dot) {
            char group[64];
            size_t gl = (size_t)(dot - counts[i].name);
            DT_ENSURE(gl < sizeof(group), DT_ERR_INTERNAL);
            memcpy(group, counts[i].name, gl);
            group[gl] = '\0';
            parent = json_object_get(jcounts, group);
            /* "x" and "x.y" both given is a caller's bug, not a lack of memory */
            DT_ENSURE(!parent || json_is_object(parent), DT_ERR_INTERNAL);
            if (!parent) {
                parent = json_object();
                DT_ENSURE_MEM(parent);
                DT_ENSURE(json_object_set_new(jcounts, group, parent) == 0, DT_ERR_NOMEM);
            }
        }
        /* a name given twice (or a count named as a group) would lose a count */
        DT_ENSURE(!json_object_get(parent, dot ? dot + 1 : counts[i].name), DT_ERR_INTERNAL);
        json_t *v = json_integer((json_int_t)counts[i].value);
        DT_ENSURE_MEM(v);
        DT_ENSURE(json_object_set_new(parent, dot ? dot + 1 : counts[i].name, v) == 0,
                  DT_ERR_NOMEM);
    }
    if (n_exp) {
        json_t *arr = json_array();
        DT_ENSURE_MEM(arr);
        DT_ENSURE(json_object_set_new(root, "expanded", arr) == 0, DT_ERR_NOMEM);
        for (size_t i = 0; i < n_exp; i++) {
            char hex[65];
            json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "entry", exp[i].entry, "label",
                                  exp[i].label, "pool_file", exp[i].pool_file, "certificate_sha256",
                                  hex32(exp[i].sha256, hex), "relation",
                                  exp[i].relation ? exp[i].relation : "same subject and key");
            DT_ENSURE_MEM(e);
            if (exp[i].has_via)
                DT_ENSURE(json_object_set_new(e, "via_sha256",
                                              json_string(hex32(exp[i].via_sha256, hex))) == 0,
                          DT_ERR_NOMEM);
            if (exp[i].anchor_of)
                DT_ENSURE(json_object_set_new(e, "trust_anchor_of",
                                              json_string(exp[i].anchor_of)) == 0,
                          DT_ERR_NOMEM);
            DT_ENSURE(json_array_append_new(arr, e) == 0, DT_ERR_NOMEM);
        }
    }
    if (incidents)
        DT_ENSURE(json_object_set(root, "incidents", incidents) == 0, DT_ERR_NOMEM);
    if (release) {
        char when[32];
        DT_ENSURE(release->sequence <= (uint64_t)9007199254740991 && release->sequence_from &&
                      release->created_from,
                  DT_ERR_INTERNAL);
        dt_time_format_rfc3339(release->created, when);
        json_t *r = json_pack("{s:I, s:s, s:s, s:s}", "sequence", (json_int_t)release->sequence,
                              "sequence_from", release->sequence_from, "created", when,
                              "created_from", release->created_from);
        DT_ENSURE_MEM(r);
        DT_ENSURE(json_object_set_new(root, "release", r) == 0, DT_ERR_NOMEM);
    }
    DT_ENSURE(json_object_set(root, "files", jfiles) == 0, DT_ERR_NOMEM);
    DT_ENSURE(json_object_set(root, "counts", jcounts) == 0, DT_ERR_NOMEM);
    text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    DT_ENSURE_MEM(text);
    DT_TRY(dt_buf_puts(out, text));
    DT_TRY(dt_buf_putc(out, '\n'));
out:
    free(text);
    json_decref(jfiles);
    json_decref(jcounts);
    json_decref(root);
    return rc;
}
