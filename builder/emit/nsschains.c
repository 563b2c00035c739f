/*
 * emittests.c - `distrust emit-tests --build OUT --nss-chains DIR`: the
 * build's chain cases (OUT/tests/cases.json) as a scenario file for NSS's
 * own tests/chains/chains.sh.
 *
 * chains.sh runs scenario files (tests/chains/scenarios/NAME.cfg) of
 * `KEY VALUE` lines; a blank line ends a block. Certificates it does not
 * generate come from tests/libpkix/certs/NICK.cert (DER), named with the
 * issuer "x" (`import NICK:x:TRUST`, `verify NICK:x`, `cert NICK:x`). Each
 * case becomes two databases: a baseline with the anchors imported as
 * trusted (CT,C,C) that must pass, and one where every certificate of the
 * case that the build distrusts is imported with p (not trusted) for its
 * purposes, with the case's expected result. NSS does not enforce
 * distrust-after dates, so such cases are left out with a comment.
 */
#include "nsschains.h"

#include "builddir.h"
#include "cases.h"
#include "manifest.h"
#include "outdir.h"
#include "policy.h"
#include "time.h"
#include "version.h"

#include <pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The NSS trust flags ("p,,p") that distrust c in the build, or "" when
 * the build does not distrust it. */
static void distrust_flags(const struct dt_build_data *b, const struct dt_cert *c, char out[16])
{
    unsigned bits = 0;
    for (size_t i = 0; i < b->n_entries; i++) {
        const struct dt_bentry *e = &b->entries[i];
        if (dt_slice_cmp(e->issuer, c->info.issuer) || dt_slice_cmp(e->serial, c->info.serial))
            continue;
        for (int k = 0; k < 3; k++)
            if (e->trust[k] == CKT_NSS_NOT_TRUSTED)
                bits |= 1u << k;
    }
    if (!bits) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 16, "%s,%s,%s", bits & 1 ? "p" : "", bits & 2 ? "p" : "", bits & 4 ? "p" : "");
}

/* Whether the case's verdict rests on a distrust-after date of an anchor. */
static bool rests_on_date(const struct dt_build_data *b, const struct dt_case *k)
{
    for (size_t i = 0; i < b->n_afters; i++)
        for (size_t j = 0; j < k->n_anchors; j++)
            if (!memcmp(b->afters[i].cert->sha256, k->anchors[j]->sha256, 32))
                return true;
    return false;
}

enum dt_err dt_nsschains_write(const char *build_dir, const char *out_dir,
                               struct dt_emit_summary *sum, struct dt_diags *d)
{
    enum dt_err rc = DT_OK;
    struct dt_build_data b;
    struct dt_cases cases;
    struct dt_outlist f;
    dt_outdir_list_init(&f);
    struct dt_buf cfg, man;
    dt_buf_init(&cfg, 0);
    dt_buf_init(&man, 0);
    memset(sum, 0, sizeof(*sum));
    dt_cases_init(&cases);
    memset(&b, 0, sizeof(b));
    DT_TRY(dt_outdir_check(out_dir, d));
    DT_TRY(dt_builddir_load(build_dir, &b, d));
    char cpath[4096];
    snprintf(cpath, sizeof(cpath), "%s/tests/cases.json", build_dir);
    if (access(cpath, R_OK) != 0) {
        struct dt_place pl = dt_diag_place_file(cpath);
        rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                     "the build has no chain cases: build it with --cases CASEFILE");
        goto out;
    }
    const char *paths[1] = {cpath};
    DT_TRY(dt_cases_load(&cases, paths, 1, true, d));
    DT_TRY(
        dt_buf_printf(&cfg,
                      "# distrust.cfg - written by distrust %s: the chain cases of a build\n"
                      "# for NSS's tests/chains/chains.sh. Copy this file into\n"
                      "# tests/chains/scenarios/ and add \"distrust.cfg\" to\n"
                      "# tests/chains/scenarios/scenarios; copy certs/*.cert into\n"
                      "# tests/libpkix/certs/. Each case has a baseline database (anchors\n"
                      "# trusted, nothing distrusted: must pass) and one where the certificates\n"
                      "# the build distrusts are imported with p (not trusted) for their\n"
                      "# purposes.\n\nscenario distrust\n\n",
                      DT_VERSION));
    for (size_t ci = 0; ci < cases.n; ci++) {
        const struct dt_case *k = &cases.v[ci];
        char nick[64], file[96], flags[16];
        size_t no = ci + 1;
        if (k->anchors_certdata || !k->n_anchors) {
            DT_TRY(dt_buf_printf(&cfg, "# case %zu (%s): anchors from a root store, left out\n\n",
                                 no, k->name));
            sum->skipped++;
            continue;
        }
        if (k->expect_distrusted && rests_on_date(&b, k)) {
            bool any = false;
            for (size_t i = 0; i < k->n_chain && !any; i++) {
                distrust_flags(&b, k->chain[i], flags);
                any = flags[0];
            }
            if (!any) {
                DT_TRY(dt_buf_printf(&cfg,
                                     "# case %zu (%s): distrusted by a distrust-after date, "
                                     "which NSS does not enforce; left out\n\n",
                                     no, k->name));
                sum->skipped++;
                continue;
            }
        }
        /* The certificates, DER, one file per case and position. */
        for (size_t i = 0; i < k->n_chain; i++) {
            snprintf(file, sizeof(file), "certs/Distrust%zuC%zu.cert", no, i + 1);
            DT_TRY(dt_outdir_list_add_copy(&f, file,
                                       dt_slice_make(k->chain[i]->der, k->chain[i]->der_len)));
        }
        for (size_t i = 0; i < k->n_anchors; i++) {
            snprintf(file, sizeof(file), "certs/Distrust%zuA%zu.cert", no, i + 1);
            DT_TRY(dt_outdir_list_add_copy(&f, file,
                                       dt_slice_make(k->anchors[i]->der, k->anchors[i]->der_len)));
        }
        char at[16] = "";
        if (k->has_time && !dt_time_to_utctime(k->time, at)) {
            char jp[160], rfc[32];
            snprintf(jp, sizeof(jp), "%s/time", k->json_path);
            dt_time_format_rfc3339(k->time, rfc);
            struct dt_place pl = {k->file, 0, 0, jp, NULL};
            rc = dt_diag_fail(d, &pl, DT_ERR_INPUT,
                              "\"time\": %s: chains.sh's at_time takes a UTCTime (years 1950 "
                              "to 2049)",
                              rfc);
            goto out;
        }
        for (int with = 0; with < 2; with++) {
            DT_TRY(dt_buf_printf(&cfg, "# case %zu%s: %s\ndb Distrust%zu%s\n", no,
                                 with ? "" : " (baseline)", k->name, no, with ? "" : "Base"));
            for (size_t i = 0; i < k->n_anchors; i++) {
                distrust_flags(&b, k->anchors[i], flags);
                snprintf(nick, sizeof(nick), "Distrust%zuA%zu", no, i + 1);
                DT_TRY(dt_buf_printf(&cfg, "import %s:x:%s\n", nick,
                                     with && flags[0] ? flags : "CT,C,C"));
            }
            for (size_t i = 0; with && i < k->n_chain; i++) {
                distrust_flags(&b, k->chain[i], flags);
                snprintf(nick, sizeof(nick), "Distrust%zuC%zu", no, i + 1);
                if (flags[0])
                    DT_TRY(dt_buf_printf(&cfg, "import %s:x:%s\n", nick, flags));
            }
            DT_TRY(dt_buf_printf(&cfg, "\nverify Distrust%zuC1:x\n", no));
            for (size_t i = 1; i < k->n_chain; i++)
                DT_TRY(dt_buf_printf(&cfg, "cert Distrust%zuC%zu:x\n", no, i + 1));
            if (at[0])
                DT_TRY(dt_buf_printf(&cfg, "at_time %s\n", at));
            DT_TRY(dt_buf_printf(&cfg, "usage %d\nresult %s\n\n", dt_cases_usage_vfychain(k->usage),
                                 with && k->expect_distrusted ? "fail" : "pass"));
        }
        sum->cases++;
    }
    DT_TRY(dt_outdir_list_add(&f, "scenarios/distrust.cfg", &cfg));
    /* A manifest, so that the directory can be replaced next time. */
    struct dt_count counts[] = {{"cases", sum->cases}, {"left_out", sum->skipped}};
    DT_TRY(dt_manifest_write("-", f.files, f.n, counts, 2, NULL, 0, NULL, NULL, NULL, NULL, &man));
    DT_TRY(dt_outdir_list_add(&f, "manifest.json", &man));
    rc = dt_outdir_replace(out_dir, f.files, f.n, d);
out:
    dt_outdir_list_free(&f);
    dt_buf_free(&cfg);
    dt_buf_free(&man);
    dt_cases_free(&cases);
    dt_builddir_free(&b);
    return rc;
}
