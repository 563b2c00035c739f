/* Unit tests: p11kit.c, distrust.p11-kit (p11-kit's persist format): a
 * distrust of every purpose of a known certificate is the certificate with
 * x-distrusted; any other is a hash-free nss-trust object by issuer and
 * serial (the full INTEGER TLV), keeping a root store's other purposes and
 * hashes when the build has one; a dated root is its certificate with the
 * CA-policy flag and the dates; subject+key entries are counted as left
 * out; only p11-kit-targeted entries, in policy order; labels and binary
 * values percent-encoded; the same model gives the same bytes. */
#include "p11kit.h"
#include "unit.h"
#include "version.h"

#include <pkcs11.h>

static struct unit_diags U;
static char cwd[400];

struct res {
    struct dt_policy p;
    struct dt_model m;
};

static void resolve(struct res *r, const char *fmt)
{
    char text[4096];
    snprintf(text, sizeof(text), fmt, cwd);
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    memset(r, 0, sizeof(*r));
    const char *paths[1] = {UNIT_WRITE_STR("p11.json", text)};
    if (dt_policy_load(&r->p, paths, 1, &d) != DT_OK ||
        dt_model_resolve(&r->p, NULL, NULL, &r->m, NULL, &d, NULL) != DT_OK) {
        unit_dump_diags(&U);
        exit(2);
    }
}

static void res_free(struct res *r)
{
    dt_model_free(&r->m);
    dt_policy_free(&r->p);
}

static char *emit(const struct res *r, struct dt_p11kit_stats *st)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    char *s = NULL;
    if (dt_p11kit_write(&r->m, "feed", &b, st) == DT_OK)
        s = dt_buf_steal(&b, NULL);
    dt_buf_free(&b);
    return s;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* The object (from its "[p11-kit-object-v1]" to the next blank line) after
 * the first occurrence of marker. */
static char *object_after(const char *s, const char *marker, char *buf, size_t cap)
{
    const char *m = s ? strstr(s, marker) : NULL;
    const char *o = m ? strstr(m, "[p11-kit-object-v1]") : NULL;
    const char *e = o ? strstr(o, "\n\n") : NULL;
    size_t n = o ? (e ? (size_t)(e - o) : strlen(o)) : 0;
    snprintf(buf, cap, "%.*s", (int)n, o ? o : "");
    return buf;
}

static void test_shapes(void)
{
    struct res r;
    resolve(
        &r,
        "{\"version\": 1, \"incident\": {\"id\": \"INC-1\", \"bug\": \"99\"}, "
        "\"entries\": [\n"
        " {\"certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"label\": \"Int 100%% \\u00f6\"},\n"
        " {\"issuer_certificate\": \"%1$s/testdata/pki/int-a1.pem\", \"serial\": \"01:02\"},\n"
        " {\"certificate\": \"%1$s/testdata/pki/int-a2.pem\", \"purposes\": "
        "[\"server-auth\"], \"targets\": [\"nss\", \"p11-kit\"]},\n"
        " {\"certificate\": \"%1$s/testdata/pki/leaf-a2.pem\", \"targets\": [\"nss\"]},\n"
        " {\"certificate\": \"%1$s/testdata/pki/root-c.pem\", \"server_distrust_after\": "
        "\"2024-11-30T23:59:59Z\"},\n"
        " {\"subject_der\": \"MA0xCzAJBgNVBAMMAmhp\", \"spki_sha256\": "
        "\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"}]}");
    struct dt_p11kit_stats st;
    char *s = emit(&r, &st);
    CHECK(s != NULL, "written");
    CHECK(st.certificates == 1 && st.nss_trust == 1 && st.nss_trust_partial == 1 &&
              st.afters == 1 && st.subject_keys_left_out == 1,
          "stats: a certificate, an nss-trust of each kind, a dated root, a subject+key left out");
    CHECK(s && strstr(s, "# distrust.p11-kit: written by distrust " DT_VERSION
                         " from a policy with SHA-256\n# feed.\n# 1 distrusted certificate, 2 "
                         "nss-trust objects (issuer and serial), 1 root with distrust-after "
                         "dates.\n"),
          "the header: tool, digest, counts (singular and plural)");
    char o[8192];
    object_after(s, "# Distrusted certificate\n# Source: p11.json /entries/0\n", o, sizeof(o));
    CHECK(strstr(o, "class: certificate\nlabel: \"Int 100%25 %C3%B6\"\nx-distrusted: true\n"
                    "-----BEGIN CERTIFICATE-----\n"),
          "every purpose of a known certificate: the certificate, x-distrusted, the PEM; '%%' "
          "and UTF-8 percent-encoded in the label");
    CHECK(s && strstr(s, "# Source: p11.json /entries/0\n# Incident: INC-1\n# Bug: 99\n"),
          "comments: source, incident, bug");
    object_after(s, "# Distrusted by issuer and serial (nss-trust)\n", o, sizeof(o));
    CHECK(strstr(o, "class: nss-trust\n") && strstr(o, "\nissuer: \"%30%") &&
              strstr(o, "\nserial-number: \"%02%02%01%02\"\n") &&
              strstr(o, "trust-server-auth: nss-not-trusted\ntrust-email-protection: "
                        "nss-not-trusted\ntrust-code-signing: nss-not-trusted\n"
                        "trust-step-up-approved: false") &&
              !strstr(o, "cert-sha1-hash"),
          "an issuer/serial without the certificate: hash-free nss-trust, the INTEGER TLV, "
          "every purpose");
    object_after(s, "# Distrusted for some purposes (nss-trust, by issuer and serial)\n", o,
                 sizeof(o));
    CHECK(strstr(o, "trust-server-auth: nss-not-trusted\ntrust-step-up-approved: false") &&
              !strstr(o, "trust-email-protection") && !strstr(o, "cert-sha1-hash") &&
              strstr(o, "serial-number: \"%02%02%20%02\""),
          "some purposes, no root store: those purposes only, hash-free");
    object_after(s, "# Distrust-after dates of a root\n", o, sizeof(o));
    CHECK(strstr(o, "class: certificate\nlabel: \"Test Root C (distrust-after)\"\n"
                    "nss-mozilla-ca-policy: true\nnss-server-distrust-after: \"241130235959Z\"\n"
                    "nss-email-distrust-after: false\n-----BEGIN CERTIFICATE-----") &&
              !strstr(o, "x-distrusted"),
          "a dated root: its certificate with the CA-policy flag and its dates, not distrusted");
    CHECK(count(s, "[p11-kit-object-v1]") == 4 && !strstr(s, "control.example.test"),
          "four objects: the nss-only entry is left out");
    const char *e0 = s ? strstr(s, "/entries/0\n") : NULL,
               *e1 = s ? strstr(s, "/entries/1\n") : NULL,
               *e2 = s ? strstr(s, "/entries/2\n") : NULL;
    CHECK(e0 && e1 && e2 && e0 < e1 && e1 < e2, "in policy order");
    char *again = emit(&r, &st);
    CHECK(s && again && !strcmp(s, again), "the same model: the same bytes");
    free(again);
    free(s);

    /* A purpose-limited distrust of a certificate a root store holds: its
     * other purposes, its step-up and the hashes. */
    struct dt_item *it = NULL;
    for (size_t i = 0; i < r.m.n_items; i++)
        if (r.m.items[i].purposes == DT_PURPOSE_SERVER)
            it = &r.m.items[i];
    struct dt_pool_trust t;
    memset(&t, 0, sizeof(t));
    t.value[0] = CKT_NSS_TRUSTED_DELEGATOR;
    t.value[1] = CKT_NSS_TRUSTED_DELEGATOR;
    t.value[2] = CKT_NSS_MUST_VERIFY_TRUST;
    t.has_step_up = t.step_up = true;
    t.file = "roots.txt";
    t.line = 42;
    if (!it)
        exit(2);
    it->store = &t;
    s = emit(&r, &st);
    object_after(s, "# Distrusted for some purposes", o, sizeof(o));
    CHECK(s && strstr(s, "# Other purposes: as roots.txt line 42 has them\n") &&
              strstr(o, "cert-sha1-hash: \"%") && strstr(o, "cert-md5-hash: \"%") &&
              strstr(o, "trust-server-auth: nss-not-trusted\ntrust-email-protection: "
                        "nss-trusted-delegator\ntrust-code-signing: nss-must-verify-trust\n"
                        "trust-step-up-approved: true"),
          "with a root store's object: its other purposes, step-up and the hashes");
    free(s);
    t.line = 0;
    s = emit(&r, &st);
    CHECK(s && strstr(s, "# Other purposes: as roots.txt has them\n"),
          "a store read from a PEM file: named without a line");
    free(s);
    it->store = NULL;

    /* A full buffer is an error, never a truncated file. */
    struct dt_buf small;
    dt_buf_init(&small, 64);
    CHECK(dt_p11kit_write(&r.m, "feed", &small, &st) == DT_ERR_LIMIT && small.len <= 64,
          "a buffer too small: DT_ERR_LIMIT");
    dt_buf_free(&small);
    res_free(&r);

    /* Nothing for p11-kit: the header alone, with zero counts. */
    resolve(&r, "{\"version\": 1, \"entries\": [{\"certificate\": "
                "\"%1$s/testdata/pki/leaf-a2.pem\", \"targets\": [\"nss\"]}]}");
    s = emit(&r, &st);
    CHECK(s &&
              strstr(s, "# 0 distrusted certificates, 0 nss-trust objects (issuer and serial), "
                        "0 roots with distrust-after dates.\n") &&
              !strstr(s, "[p11-kit-object-v1]"),
          "no p11-kit entries: a header with zero counts, no object");
    free(s);
    res_free(&r);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    test_shapes();
    return unit_done();
}
