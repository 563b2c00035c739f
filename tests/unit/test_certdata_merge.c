/* Unit tests: certdata_merge.c, the policy merged into an upstream
 * certdata.txt.
 *
 * Upstream is the fixture root store (testdata/chains/roots-certdata.txt,
 * every root trusted for every purpose), edited here where a case needs
 * another upstream object; each merge's output is compared with upstream
 * text edited by hand, so "only these lines change" is checked byte for
 * byte. Every merged file must parse again and merge again unchanged. */
#include "cdparse.h"
#include "file.h"
#include "certdata_merge.h"
#include "version.h"
#include "policy.h"
#include "model.h"
#include "unit.h"

static char cwd[400];

/* The text of a file; caller frees. */
static char *slurp(const char *path)
{
    struct dt_buf b;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    if (dt_file_read(path, 1 << 24, &b, &d, NULL) != DT_OK)
        return NULL;
    return dt_buf_steal(&b, NULL);
}

/* s with the first occurrence of old at or after the first occurrence of
 * after (NULL: the start) replaced by new; NULL when absent. Caller frees. */
static char *edit(const char *s, const char *after, const char *old, const char *new)
{
    const char *from = after ? strstr(s, after) : s;
    const char *at = from ? strstr(from, old) : NULL;
    if (!at)
        return NULL;
    size_t a = (size_t)(at - s), o = strlen(old), n = strlen(new), l = strlen(s);
    char *r = malloc(l - o + n + 1);
    if (!r)
        return NULL;
    memcpy(r, s, a);
    memcpy(r + a, new, n);
    memcpy(r + a + n, at + o, l - a - o + 1);
    return r;
}

/* Like edit(), freeing s. */
static char *edit_free(char *s, const char *after, const char *old, const char *new)
{
    char *r = s ? edit(s, after, old, new) : NULL;
    free(s);
    return r;
}

struct run {
    enum dt_err rc;
    struct dt_merge_stats st;
    char *out; /* the merged text, or NULL */
    struct unit_diags u;
};

/* Merges the policy (JSON text; "@" stands for the checkout) into upstream
 * (text), as build --certdata does. */
static void merge(const char *policy_fmt, const char *upstream, struct run *r)
{
    char policy[4096];
    snprintf(policy, sizeof(policy), policy_fmt, cwd, cwd, cwd, cwd);
    const char *paths[1] = {UNIT_WRITE_STR("merge.json", policy)};
    struct dt_diags d;
    struct dt_policy p;
    struct dt_model m;
    struct dt_buf out;
    dt_buf_init(&out, 0);
    memset(r, 0, sizeof(*r));
    unit_diags_setup(&r->u, &d);
    r->rc = dt_policy_load(&p, paths, 1, &d);
    if (r->rc == DT_OK)
        r->rc = dt_model_resolve(&p, NULL, NULL, &m, NULL, &d, NULL);
    if (r->rc == DT_OK) {
        r->rc = dt_certdata_merge(&m, &p, "digest", "upstream.txt",
                                  dt_slice_make(upstream, strlen(upstream)), &out, &r->st, &d);
        dt_model_free(&m);
    }
    dt_policy_free(&p);
    if (r->rc == DT_OK)
        r->out = dt_buf_steal(&out, NULL);
    dt_buf_free(&out);
}

/* The merged text parses and merging it again with the same policy changes
 * nothing. */
static bool stable(const char *policy_fmt, const char *merged)
{
    struct dt_diags d;
    struct unit_diags u;
    struct dt_cd_file f;
    unit_diags_setup(&u, &d);
    if (dt_cdparse_mem("merged.txt", dt_slice_make(merged, strlen(merged)), &f, &d) != DT_OK)
        return false;
    dt_cdparse_free(&f);
    struct run again;
    merge(policy_fmt, merged, &again);
    bool same = again.rc == DT_OK && again.out && !strcmp(again.out, merged) &&
                again.st.replaced + again.st.edited + again.st.added + again.st.afters_set +
                        again.st.afters_tightened + again.st.afters_relaxed ==
                    0;
    free(again.out);
    return same;
}

/* Root D's trust object without its CKA_CERT_SHA1_HASH and CKA_CERT_MD5_HASH
 * (hash-free); frees s. */
static char *without_hashes(char *s)
{
    const char *p = s ? strstr(s, "# Trust for \"Test Root D") : NULL;
    const char *sha = p ? strstr(p, "CKA_CERT_SHA1_HASH") : NULL;
    const char *iss = sha ? strstr(sha, "CKA_ISSUER") : NULL;
    if (!iss) {
        free(s);
        return NULL;
    }
    memmove((char *)sha, iss, strlen(iss) + 1);
    return s;
}

#define ROOT_D_TRUST "# Trust for \"Test Root D (server-auth distrust)\""
#define ROOT_C_TRUST "# Trust for \"Test Root C (distrust-after)\""
#define SA_TD "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_TRUSTED_DELEGATOR\n"
#define EP_TD "CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_TRUSTED_DELEGATOR\n"
#define CS_TD "CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_TRUSTED_DELEGATOR\n"
#define SA_NT "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED\n"
#define EP_NT "CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_NOT_TRUSTED\n"
#define CS_NT "CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_NOT_TRUSTED\n"
#define STEP "CKA_TRUST_STEP_UP_APPROVED CK_BBOOL CK_FALSE\n"

#define SERVER_ONLY                                                                     \
    "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/root-d.pem\", " \
    "\"purposes\": [\"server-auth\"], \"targets\": [\"nss\"], \"label\": \"D server\"}]}\n"
#define SERVER_ONLY_RELAX                                                               \
    "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/root-d.pem\", " \
    "\"purposes\": [\"server-auth\"], \"targets\": [\"nss\"], \"relax_upstream\": true}]}\n"
#define ALL_PURPOSES(shape, extra)                                                      \
    "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/root-d.pem\", " \
    "\"targets\": [\"nss\"], \"nss_object\": \"" shape "\"" extra "}]}\n"
#define DATE(when, extra)                                                               \
    "{\"version\": 1, \"entries\": [{\"certificate\": \"%s/testdata/pki/root-c.pem\", " \
    "\"server_distrust_after\": \"" when "\"" extra "}]}\n"

static void purpose_limited(const char *up)
{
    struct run r;

    /* Server only over a root upstream trusts for everything: one line. */
    merge(SERVER_ONLY, up, &r);
    char *want = edit(up, ROOT_D_TRUST, SA_TD, SA_NT);
    CHECK(r.rc == DT_OK && r.out && want && !strcmp(r.out, want),
          "server-auth only: upstream's CKA_TRUST_SERVER_AUTH line becomes NOT_TRUSTED, every "
          "other byte stays");
    CHECK(r.st.edited == 1 && r.st.replaced == 0 && r.st.unchanged == 0 && r.st.added == 0,
          "counted as edited in place (edited=%zu replaced=%zu)", r.st.edited, r.st.replaced);
    CHECK(r.out && stable(SERVER_ONLY, r.out), "the result parses and merges again unchanged");
    free(want);
    free(r.out);

    /* An upstream object without the attribute: it is added where
     * nss-addbuiltin writes it (before the e-mail purpose). */
    char *nosa = edit(up, ROOT_D_TRUST, SA_TD, "");
    merge(SERVER_ONLY, nosa, &r);
    want = edit(nosa, ROOT_D_TRUST, EP_TD, SA_NT EP_TD);
    CHECK(r.rc == DT_OK && r.out && want && !strcmp(r.out, want),
          "a missing CKA_TRUST_SERVER_AUTH is added before CKA_TRUST_EMAIL_PROTECTION");
    CHECK(r.out && stable(SERVER_ONLY, r.out), "and merges again unchanged");
    free(want);
    free(r.out);
    free(nosa);

    /* No trust attribute after it, no step-up: after the object's last line,
     * before the blank line that ends it (Root C's object), or at the end of
     * the file (Root D's, the last one). */
    const char *c_only = "{\"version\": 1, \"entries\": [{\"certificate\": "
                         "\"%s/testdata/pki/root-c.pem\", \"purposes\": [\"server-auth\"], "
                         "\"targets\": [\"nss\"]}]}\n";
    char *bare = edit(up, ROOT_C_TRUST, SA_TD EP_TD CS_TD STEP, "");
    merge(c_only, bare, &r);
    want = edit(bare, ROOT_C_TRUST "\n", "END\n\n", "END\n" SA_NT "\n");
    CHECK(r.rc == DT_OK && r.out && want && !strcmp(r.out, want),
          "an object with no trust attribute gets it after its last line");
    CHECK(r.out && stable(c_only, r.out), "and merges again unchanged");
    free(want);
    free(r.out);
    free(bare);
    bare = edit(up, ROOT_D_TRUST, SA_TD EP_TD CS_TD STEP, "");
    merge(SERVER_ONLY, bare, &r);
    size_t bl = bare ? strlen(bare) : 0;
    CHECK(r.rc == DT_OK && r.out && bare && strlen(r.out) == bl + strlen(SA_NT) &&
              !strncmp(r.out, bare, bl) && !strcmp(r.out + bl, SA_NT),
          "the last object of the file gets it at the end");
    free(r.out);
    free(bare);

    /* Two purposes missing at one place: in nss-addbuiltin's order. */
    char *none = edit(up, ROOT_D_TRUST, SA_TD EP_TD, "");
    const char *two = "{\"version\": 1, \"entries\": [{\"certificate\": "
                      "\"%s/testdata/pki/root-d.pem\", \"purposes\": [\"email-protection\", "
                      "\"server-auth\"], \"targets\": [\"nss\"]}]}\n";
    merge(two, none, &r);
    want = edit(none, ROOT_D_TRUST, CS_TD, SA_NT EP_NT CS_TD);
    CHECK(r.rc == DT_OK && r.out && want && !strcmp(r.out, want),
          "two missing attributes are added in order, before CKA_TRUST_CODE_SIGNING");
    free(want);
    free(r.out);
    free(none);

    /* Already distrusted for that purpose: unchanged, counted as such. */
    char *sa_nt = edit(up, ROOT_D_TRUST, SA_TD, SA_NT);
    merge(SERVER_ONLY, sa_nt, &r);
    CHECK(r.rc == DT_OK && r.out && !strcmp(r.out, sa_nt) && r.st.unchanged == 1 &&
              r.st.edited == 0,
          "an object already NOT_TRUSTED for the purpose is left alone (unchanged=%zu)",
          r.st.unchanged);
    free(r.out);
    free(sa_nt);
}

static void never_relaxed(const char *up)
{
    struct run r;
    /* Upstream distrusts every purpose; the entry names server-auth. */
    char *full =
        edit_free(edit_free(edit(up, ROOT_D_TRUST, SA_TD, SA_NT), ROOT_D_TRUST, EP_TD, EP_NT),
                  ROOT_D_TRUST, CS_TD, CS_NT);
    merge(SERVER_ONLY, full, &r);
    CHECK(r.rc == DT_OK && r.out && !strcmp(r.out, full) && r.st.unchanged == 1 &&
              r.st.relaxed == 0,
          "a server-only entry keeps upstream's e-mail and code-signing distrust");
    CHECK(unit_has(&r.u, "upstream also distrusts this certificate for email-protection, "
                         "code-signing") &&
              r.u.warnings == 0,
          "with a note, not a warning");
    free(r.out);

    /* relax_upstream: those lines go, one warning each, at the entry. */
    merge(SERVER_ONLY_RELAX, full, &r);
    char *want = edit_free(edit(full, ROOT_D_TRUST, EP_NT, ""), ROOT_D_TRUST, CS_NT, "");
    CHECK(r.rc == DT_OK && r.out && want && !strcmp(r.out, want),
          "relax_upstream drops upstream's NOT_TRUSTED lines of the other purposes, nothing "
          "else");
    CHECK(r.st.relaxed == 1 && r.st.edited == 1 && r.u.warnings == 2 &&
              unit_has(&r.u, "warning|") &&
              unit_has(&r.u, "relax_upstream: upstream's distrust of this certificate for "
                             "email-protection (upstream.txt:") &&
              unit_has(&r.u, "|/entries/0/relax_upstream|"),
          "each relaxed purpose is a warning naming the upstream line and the entry");
    struct run again;
    merge(SERVER_ONLY_RELAX, r.out ? r.out : "", &again);
    CHECK(again.rc == DT_OK && again.out && r.out && !strcmp(again.out, r.out) &&
              unit_has(&again.u, "relax_upstream has no effect"),
          "merged again: unchanged, and relax_upstream now has no effect (a warning)");
    free(again.out);
    free(want);
    free(r.out);
    free(full);
}

static void every_purpose(const char *up)
{
    struct run r;
    /* Over a trusted root: the build's object replaces upstream's, with the
     * certificate's own hashes. */
    merge(ALL_PURPOSES("trust+hash", ""), up, &r);
    CHECK(r.rc == DT_OK && r.st.replaced == 1 && r.out &&
              strstr(r.out, "# Distrust \"Test Root D (server-auth distrust)\"") &&
              !strstr(r.out, ROOT_D_TRUST),
          "every purpose over a trusted root: the build's object replaces upstream's");
    char *up_obj = strstr(up, ROOT_D_TRUST);
    const char *h = up_obj ? strstr(up_obj, "CKA_CERT_SHA1_HASH MULTILINE_OCTAL\n") : NULL;
    char sha1[160] = "";
    if (h)
        snprintf(sha1, sizeof(sha1), "%.*s", (int)(strstr(h, "END\n") - h), h);
    CHECK(h && r.out && strstr(r.out, sha1), "with the same SHA-1 lines as upstream's object");
    CHECK(r.out && stable(ALL_PURPOSES("trust+hash", ""), r.out), "and merges again unchanged");
    free(r.out);

    /* Upstream's hash-free server distrust, a hashed entry of every purpose:
     * replacing would narrow upstream's distrust, so it is edited in place. */
    char *hashless = without_hashes(edit(up, ROOT_D_TRUST, SA_TD EP_TD CS_TD, SA_NT));
    merge(ALL_PURPOSES("trust+hash", ""), hashless ? hashless : "", &r);
    char *want = hashless ? edit(hashless, ROOT_D_TRUST, SA_NT STEP, SA_NT EP_NT CS_NT STEP) : NULL;
    CHECK(r.rc == DT_OK && r.out && want && !strcmp(r.out, want) && r.st.edited == 1 &&
              r.st.replaced == 0,
          "a hashed entry over upstream's hash-free distrust: purposes added in place, "
          "upstream's scope kept");
    CHECK(unit_has(&r.u, "is edited in place instead"), "with a note that says why");
    free(want);
    free(r.out);
    /* With relax_upstream it replaces, with a warning. */
    merge(ALL_PURPOSES("trust+hash", ", \"relax_upstream\": true"), hashless ? hashless : "", &r);
    CHECK(r.rc == DT_OK && r.st.replaced == 1 && r.st.relaxed == 1 &&
              unit_has(&r.u, "relax_upstream: upstream's hash-free distrust object"),
          "relax_upstream: replaced, the narrowing a warning");
    free(r.out);
    /* A hash-free distrust of every purpose upstream: a hashed entry keeps it. */
    char *full = without_hashes(edit(up, ROOT_D_TRUST, SA_TD EP_TD CS_TD, SA_NT EP_NT CS_NT));
    merge(ALL_PURPOSES("certificate+trust", ""), full ? full : "", &r);
    CHECK(r.rc == DT_OK && r.out && full && !strcmp(r.out, full) && r.st.unchanged == 1,
          "upstream's hash-free distrust of every purpose already covers a hashed entry");
    free(r.out);
    free(full);
    free(hashless);

    /* Upstream's object carries another certificate's hashes. */
    char *other = edit(up, ROOT_D_TRUST "\n", "CKA_CERT_SHA1_HASH MULTILINE_OCTAL\n",
                       "CKA_CERT_SHA1_HASH MULTILINE_OCTAL\n\\001");
    /* The first SHA-1 line now starts with one octet more: drop its last. */
    const char *sl = other ? strstr(strstr(other, ROOT_D_TRUST), "CKA_CERT_SHA1_HASH") : NULL;
    char *nl = sl ? strchr(strchr(sl, '\n') + 1, '\n') : NULL;
    if (nl)
        memmove(nl - 4, nl, strlen(nl) + 1);
    merge(SERVER_ONLY, other ? other : "", &r);
    CHECK(r.rc == DT_ERR_INPUT && unit_has(&r.u, "carries the hashes of another certificate"),
          "upstream's object for another certificate with this issuer and serial: an error");
    free(r.out);
    merge(ALL_PURPOSES("trust", ""), other ? other : "", &r);
    const char *dd = r.out ? strstr(r.out, "# Distrust \"Test Root D") : NULL;
    CHECK(r.rc == DT_OK && r.st.replaced == 1 && dd &&
              !strstr(dd, "CKA_CERT_SHA1_HASH MULTILINE_OCTAL\n\\001"),
          "unless the entry is a hash-free distrust of every purpose, which covers both");
    free(r.out);
    free(other);
}

static void dates(const char *up)
{
    struct run r, r2;
    merge(DATE("2024-11-30T23:59:59Z", ""), up, &r);
    CHECK(r.rc == DT_OK && r.st.afters_set == 1 && r.st.afters_unchanged == 0,
          "a date where upstream has none: set");
    const char *dated = r.out ? r.out : "";

    merge(DATE("2024-11-30T23:59:59Z", ""), dated, &r2);
    CHECK(r2.rc == DT_OK && r2.out && !strcmp(r2.out, dated) && r2.st.afters_set == 0 &&
              r2.st.afters_unchanged == 1,
          "the same date: already set, counted as such (set=%zu unchanged=%zu)", r2.st.afters_set,
          r2.st.afters_unchanged);
    free(r2.out);

    merge(DATE("2024-06-30T23:59:59Z", ""), dated, &r2);
    CHECK(r2.rc == DT_OK && r2.st.afters_tightened == 1 && r2.st.afters_set == 0 &&
              r2.u.warnings == 0 && unit_has(&r2.u, "note|upstream.txt|") &&
              unit_has(&r2.u, "from 2024-11-30T23:59:59Z to 2024-06-30T23:59:59Z"),
          "an earlier date: tightened, with a note at upstream's line");
    CHECK(r2.out &&
              strstr(r2.out, "# For Server Distrust After: Sun Jun 30 23:59:59 2024\n"
                             "CKA_NSS_SERVER_DISTRUST_AFTER MULTILINE_OCTAL\n"
                             "\\062\\064\\060\\066\\063\\060\\062\\063\\065\\071\\065\\071"
                             "\\132\nEND\n") &&
              !strstr(r2.out, "Sat Nov 30 23:59:59 2024"),
          "the old date and its comment line are replaced");
    free(r2.out);

    merge(DATE("2030-01-01T00:00:00Z", ""), dated, &r2);
    CHECK(r2.rc == DT_ERR_INPUT && !r2.out &&
              unit_has(&r2.u, "|/entries/0/server_distrust_after|server_distrust_after "
                              "2030-01-01T00:00:00Z is later than the "
                              "CKA_NSS_SERVER_DISTRUST_AFTER upstream gives this root "
                              "(2024-11-30T23:59:59Z, upstream.txt:"),
          "a later date: an error at the entry naming upstream's line");
    free(r2.out);

    merge(DATE("2030-01-01T00:00:00Z", ", \"relax_upstream\": true"), dated, &r2);
    CHECK(r2.rc == DT_OK && r2.st.afters_relaxed == 1 && r2.u.warnings == 1 &&
              unit_has(&r2.u, "relax_upstream: server_distrust_after 2030-01-01T00:00:00Z "
                              "replaces the earlier"),
          "with relax_upstream: applied, a warning");
    CHECK(r2.out && stable(DATE("2030-01-01T00:00:00Z", ", \"relax_upstream\": true"), r2.out),
          "and merges again unchanged");
    free(r2.out);

    merge(DATE("2024-11-30T23:59:59Z", ", \"relax_upstream\": true"), dated, &r2);
    CHECK(r2.rc == DT_OK && unit_has(&r2.u, "|/entries/0/relax_upstream|relax_upstream has no "
                                            "effect"),
          "relax_upstream that relaxes nothing: a warning");
    free(r2.out);
    free(r.out);
}

/* New distrusts are appended after upstream's bytes; entries that do not
 * target nss change nothing; errors: a dated root upstream lacks, an
 * upstream without BEGINDATA or that does not parse; the output is the
 * same for the same inputs. */
static void additions(const char *up)
{
    struct run r, r2;
    const char *one = "{\"version\": 1, \"entries\": [{\"certificate\": "
                      "\"%s/testdata/pki/int-a1.pem\", \"label\": \"Int A1\"}]}\n";
    merge(one, up, &r);
    size_t ul = strlen(up);
    CHECK(r.rc == DT_OK && r.out && !strncmp(r.out, up, ul) && r.st.added == 1 &&
              r.st.cert_objects_added == 0 && r.st.edited + r.st.replaced + r.st.unchanged == 0,
          "a certificate upstream lacks: upstream's bytes, then one trust object appended");
    CHECK(r.out && strstr(r.out + ul, "# Distrust objects added by distrust " DT_VERSION
                                      " from a policy with SHA-256\n# digest.\n") &&
              strstr(r.out + ul, "# Distrust \"Int A1\"") &&
              !strstr(r.out + ul, "CKO_CERTIFICATE\n"),
          "after a header naming the tool and the policy digest");
    CHECK(r.out && stable(one, r.out), "and merges again unchanged");
    merge(one, up, &r2);
    CHECK(r2.rc == DT_OK && r.out && r2.out && !strcmp(r.out, r2.out),
          "merging twice gives the same bytes");
    free(r.out);
    free(r2.out);

    const char *cert = "{\"version\": 1, \"entries\": [{\"certificate\": "
                       "\"%s/testdata/pki/int-a1.pem\", \"nss_object\": "
                       "\"certificate+trust\"}]}\n";
    merge(cert, up, &r);
    CHECK(r.rc == DT_OK && r.st.added == 1 && r.st.cert_objects_added == 1 && r.out &&
              strstr(r.out + ul, "CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\n"),
          "certificate+trust: the certificate object is appended too");
    free(r.out);

    const char *blob = "{\"version\": 1, \"entries\": [{\"certificate\": "
                       "\"%s/testdata/pki/int-a1.pem\", \"targets\": [\"blob\", \"onecrl\"]}]}\n";
    merge(blob, up, &r);
    CHECK(r.rc == DT_OK && r.out && !strcmp(r.out, up) && r.st.added == 0,
          "an entry that does not target nss: upstream unchanged");
    free(r.out);

    /* A date for a root upstream does not hold: an error at the entry. */
    const char *int_c = "{\"version\": 1, \"entries\": [{\"certificate\": "
                        "\"%s/testdata/pki/int-c.pem\", \"server_distrust_after\": "
                        "\"2024-11-30T23:59:59Z\"}]}\n";
    merge(int_c, up, &r);
    CHECK(r.rc == DT_ERR_INPUT && !r.out && unit_has(&r.u, "|/entries/0|the root \"") &&
              unit_has(&r.u, "is not in upstream.txt"),
          "a date for a root upstream lacks: an error at the entry");
    free(r.out);

    /* A root without CKA_NSS_MOZILLA_CA_POLICY: the date is set, with a
     * warning (Firefox ignores it there). */
    char *nopol = edit(up, "CKA_LABEL UTF8 \"Test Root C (distrust-after)\"",
                       "CKA_NSS_MOZILLA_CA_POLICY CK_BBOOL CK_TRUE\n", "");
    merge(DATE("2024-11-30T23:59:59Z", ""), nopol ? nopol : "", &r);
    CHECK(r.rc == DT_OK && r.st.afters_set == 1 && r.u.warnings == 1 &&
              unit_has(&r.u, "has no CKA_NSS_MOZILLA_CA_POLICY CK_TRUE"),
          "a dated root without the CA policy attribute: a warning");
    free(r.out);
    free(nopol);
    merge(DATE("2024-11-30T23:59:59Z", ""), up, &r);
    CHECK(r.rc == DT_OK && r.u.warnings == 0, "baseline: with it, no warning");
    free(r.out);

    /* Two bad entries: both reported, nothing written. */
    const char *two = "{\"version\": 1, \"entries\": [{\"certificate\": "
                      "\"%s/testdata/pki/int-c.pem\", \"server_distrust_after\": "
                      "\"2024-11-30T23:59:59Z\"}, {\"certificate\": \"%s/testdata/pki/int-d.pem\", "
                      "\"server_distrust_after\": \"2024-11-30T23:59:59Z\"}]}\n";
    merge(two, up, &r);
    CHECK(r.rc == DT_ERR_INPUT && !r.out && r.u.errors == 2,
          "two bad entries: two errors in one run (%zu)", r.u.errors);
    free(r.out);

    /* Upstream that is not a certdata.txt. */
    merge(one, "# only a comment\n", &r);
    CHECK(r.rc == DT_ERR_INPUT && unit_has(&r.u, "no BEGINDATA line"),
          "an upstream without BEGINDATA: an error");
    free(r.out);
    char *broken = edit(up, ROOT_D_TRUST, "CKA_TRUST_SERVER_AUTH CK_TRUST", "CKA_TRUST_SERVER_AUTH CK_BOGUS");
    merge(one, broken ? broken : "", &r);
    CHECK(r.rc == DT_ERR_INPUT && !r.out && unit_has(&r.u, "upstream.txt|"),
          "an upstream that does not parse: an error at its line");
    free(r.out);
    free(broken);
}

int main(void)
{
    if (!getcwd(cwd, sizeof(cwd)))
        return 2;
    char *up = slurp("testdata/chains/roots-certdata.txt");
    CHECK(up && strstr(up, ROOT_D_TRUST "\n"), "the fixture root store holds Test Root D");
    if (!up)
        return unit_done();
    purpose_limited(up);
    never_relaxed(up);
    every_purpose(up);
    dates(up);
    additions(up);
    free(up);
    return unit_done();
}
