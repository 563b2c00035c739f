/* Unit tests: rootstore.c, trust anchors as a built-in root store with a
 * build's certdata-distrust.txt merged in (what Firefox's root-store
 * configuration serves for cases anchored at certificate files): the
 * anchors alone, an anchor with a distrust-after date, an anchor distrusted
 * for one purpose (the others stay trusted), the build's other objects
 * copied, and a build file that does not parse. Each result is read back
 * with the certdata parser. */
#include "rootstore.h"

#include "cdparse.h"
#include "der.h"
#include "nssobj.h"
#include "purpose.h"
#include "unit.h"
#include "unit_cert.h"

#include <pkcs11.h>
#include <pkcs11n.h>

static struct unit_diags U;

#define cert_of(path, l) unit_cert_of(&U, path, l)
#define trust_is unit_trust_is

/* The object of class klass whose CKA_ISSUER and CKA_SERIAL_NUMBER are c's. */
static const struct dt_cd_object *find(const struct dt_cd_file *f, unsigned long klass,
                                       const struct dt_cert *c, size_t *count)
{
    struct dt_buf s;
    dt_buf_init(&s, 256);
    const struct dt_cd_object *hit = NULL;
    *count = 0;
    if (dt_der_int_wrap(c->info.serial, &s) != DT_OK)
        goto out;
    for (size_t i = 0; i < f->n_objs; i++) {
        const struct dt_cd_object *o = &f->objs[i];
        const struct dt_cd_attr *is = dt_cdparse_get(o, CKA_ISSUER);
        const struct dt_cd_attr *sn = dt_cdparse_get(o, CKA_SERIAL_NUMBER);
        if (o->klass == klass && is && sn && is->len == c->info.issuer.n &&
            !memcmp(is->value, c->info.issuer.p, is->len) && sn->len == s.len &&
            !memcmp(sn->value, s.data, s.len)) {
            hit = o;
            ++*count;
        }
    }
out:
    dt_buf_free(&s);
    return hit;
}

static bool after_is(const struct dt_cd_object *o, unsigned long type, const char *want)
{
    const struct dt_cd_attr *a = o ? dt_cdparse_get(o, type) : NULL;
    if (!want)
        return a && a->kind == DT_CD_BBOOL && a->len == 1 && a->value[0] == 0;
    return a && a->kind == DT_CD_OCTAL && a->len == 13 && !memcmp(a->value, want, 13);
}

int main(void)
{
    struct dt_certlist la, lc, li;
    const struct dt_cert *ra = cert_of("testdata/pki/root-a.pem", &la);
    const struct dt_cert *rc = cert_of("testdata/pki/root-c.pem", &lc);
    const struct dt_cert *ia = cert_of("testdata/pki/int-a1.pem", &li);
    CHECK(ra && rc && ia, "baseline: root-a, root-c and int-a1 load");
    if (!ra || !rc || !ia)
        return unit_done();
    struct dt_cert *anchors[2] = {(struct dt_cert *)ra, (struct dt_cert *)rc};
    struct dt_diags d;
    struct dt_cd_file f;
    size_t count;

    /* the anchors alone */
    struct dt_buf out;
    dt_buf_init(&out, 1u << 24);
    unit_diags_setup(&U, &d);
    CHECK(dt_rootstore_of_anchors(&out, anchors, 2, "b", dt_slice_make(NULL, 0), "test", &d) ==
              DT_OK,
          "the anchors alone are written");
    CHECK(dt_cdparse_mem("out", dt_slice_make(out.data, out.len), &f, &d) == DT_OK && f.n_objs == 4,
          "the anchors alone: a certificate and a trust object each, read back");
    const struct dt_cd_object *t = find(&f, CKO_NSS_TRUST, ra, &count);
    CHECK(trust_is(t, CKA_TRUST_SERVER_AUTH, CKT_NSS_TRUSTED_DELEGATOR) &&
              trust_is(t, CKA_TRUST_EMAIL_PROTECTION, CKT_NSS_TRUSTED_DELEGATOR) &&
              trust_is(t, CKA_TRUST_CODE_SIGNING, CKT_NSS_TRUSTED_DELEGATOR),
          "an anchor alone is trusted for every purpose (CT,C,C)");
    CHECK(after_is(find(&f, CKO_CERTIFICATE, rc, &count), CKA_NSS_SERVER_DISTRUST_AFTER, NULL),
          "an anchor alone has no distrust-after date");
    dt_cdparse_free(&f);

    /* a build: root-c dated, root-a distrusted for e-mail, int-a1 distrusted */
    struct dt_buf b;
    dt_buf_init(&b, 1u << 24);
    bool made = dt_buf_puts(&b, "BEGINDATA\n# the dated root\n") == DT_OK &&
                dt_nssobj_cert(&b, "Root C", rc, true, "241130235959Z", NULL, NULL, NULL) == DT_OK &&
                dt_buf_puts(&b, "\n") == DT_OK &&
                dt_nssobj_trust(&b, "Root A", ra, ra->info.issuer, ra->info.serial,
                                DT_PURPOSE_EMAIL, "CKT_NSS_NOT_TRUSTED") == DT_OK &&
                dt_buf_puts(&b, "\n# Int A1\n") == DT_OK &&
                dt_nssobj_cert(&b, "Int A1", ia, false, NULL, NULL, NULL, NULL) == DT_OK &&
                dt_nssobj_trust(&b, "Int A1", ia, ia->info.issuer, ia->info.serial,
                                DT_PURPOSE_ALL, "CKT_NSS_NOT_TRUSTED") == DT_OK;
    CHECK(made, "baseline: the build's file is made");
    dt_buf_reset(&out);
    unit_diags_setup(&U, &d);
    CHECK(dt_rootstore_of_anchors(&out, anchors, 2, "b", dt_slice_make(b.data, b.len), "test",
                                  &d) == DT_OK,
          "the anchors with the build merged are written");
    CHECK(dt_cdparse_mem("out", dt_slice_make(out.data, out.len), &f, &d) == DT_OK,
          "the merged store reads back");
    CHECK(f.n_objs == 6, "six objects: two anchors (two each) and the build's int-a1 (two)");
    const struct dt_cd_object *cc = find(&f, CKO_CERTIFICATE, rc, &count);
    CHECK(count == 1 && after_is(cc, CKA_NSS_SERVER_DISTRUST_AFTER, "241130235959Z") &&
              after_is(cc, CKA_NSS_EMAIL_DISTRUST_AFTER, NULL),
          "root-c: one certificate object, with the build's server date");
    t = find(&f, CKO_NSS_TRUST, rc, &count);
    CHECK(count == 1 && trust_is(t, CKA_TRUST_SERVER_AUTH, CKT_NSS_TRUSTED_DELEGATOR),
          "root-c: still a trust anchor (the build only dates it)");
    t = find(&f, CKO_NSS_TRUST, ra, &count);
    CHECK(count == 1 && trust_is(t, CKA_TRUST_EMAIL_PROTECTION, CKT_NSS_NOT_TRUSTED),
          "root-a: one trust object, e-mail distrusted as the build says");
    CHECK(trust_is(t, CKA_TRUST_SERVER_AUTH, CKT_NSS_TRUSTED_DELEGATOR) &&
              trust_is(t, CKA_TRUST_CODE_SIGNING, CKT_NSS_TRUSTED_DELEGATOR),
          "root-a: the purposes the build leaves out stay trusted");
    CHECK(after_is(find(&f, CKO_CERTIFICATE, ra, &count), CKA_NSS_SERVER_DISTRUST_AFTER, NULL),
          "root-a: no date (the build gives it none)");
    t = find(&f, CKO_NSS_TRUST, ia, &count);
    CHECK(count == 1 && trust_is(t, CKA_TRUST_SERVER_AUTH, CKT_NSS_NOT_TRUSTED),
          "int-a1: the build's distrust copied");
    CHECK(find(&f, CKO_CERTIFICATE, ia, &count) && count == 1, "int-a1: its certificate too");
    CHECK(strstr((const char *)out.data, "# Int A1\n") != NULL,
          "the build's comments before an object are kept");
    dt_cdparse_free(&f);

    /* a build that does not parse */
    dt_buf_reset(&out);
    unit_diags_setup(&U, &d);
    const char *bad = "BEGINDATA\nCKA_CLASS CK_OBJECT_CLASS CKO_NOPE\n";
    CHECK(dt_rootstore_of_anchors(&out, anchors, 2, "bad.txt", dt_slice_make(bad, strlen(bad)),
                                  "test", &d) == DT_ERR_INPUT &&
              unit_has(&U, "|bad.txt|2|"),
          "a build file that does not parse is an input error at its file and line");

    dt_buf_free(&b);
    dt_buf_free(&out);
    dt_cert_list_free(&la);
    dt_cert_list_free(&lc);
    dt_cert_list_free(&li);
    return unit_done();
}
