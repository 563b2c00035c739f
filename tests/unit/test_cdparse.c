/* Unit tests: cdparse.c (certdata.txt parser) on NSS's real files, our own
 * output, and malformed text. */
#include "cdparse.h"
#include "unit.h"

#include <pkcs11.h>

static struct unit_diags U;

static enum dt_err parse_text(const char *text, struct dt_cd_file *f)
{
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    return dt_cdparse_mem("t.txt", dt_slice_make(text, strlen(text)), f, &d);
}

static size_t count_class(const struct dt_cd_file *f, unsigned long klass)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_objs; i++)
        n += f->objs[i].klass == klass;
    return n;
}

static void expect_bad(const char *text, const char *fragment, const char *what)
{
    struct dt_cd_file f;
    enum dt_err rc = parse_text(text, &f);
    CHECK(rc == DT_ERR_INPUT && unit_has(&U, fragment), "%s", what);
    if (!(rc == DT_ERR_INPUT && unit_has(&U, fragment)))
        printf("#   rc=%d\n%s", rc, U.text);
    dt_cdparse_free(&f);
}

int main(void)
{
    struct dt_cd_file f;
    struct dt_diags d;
    unit_diags_setup(&U, &d);
    enum dt_err rc = dt_cdparse_file("testdata/nss/certdata-2026.txt", &f, &d);
    CHECK(rc == DT_OK && f.has_begindata, "NSS's current certdata.txt parses");
    CHECK(count_class(&f, CKO_CERTIFICATE) == 167 && count_class(&f, CKO_NSS_TRUST) == 167 &&
              count_class(&f, CKO_NSS_BUILTIN_ROOT_LIST) == 1,
          "167 certificates, 167 trust objects, 1 root list (%zu objects)", f.n_objs);
    size_t dated = 0;
    for (size_t i = 0; i < f.n_objs; i++) {
        const struct dt_cd_attr *a = dt_cdparse_get(&f.objs[i], CKA_NSS_SERVER_DISTRUST_AFTER);
        if (a && a->kind == DT_CD_OCTAL && a->len == 13)
            dated++;
    }
    CHECK(dated == 6, "six server distrust-after dates (%zu)", dated);
    const struct dt_cd_attr *lab = dt_cdparse_get(&f.objs[0], CKA_LABEL);
    CHECK(lab && lab->len == 21 && !memcmp(lab->value, "Mozilla Builtin Roots", 21) &&
              lab->value[21] == 0,
          "root list label, NUL after the value");
    dt_cdparse_free(&f);

    unit_diags_setup(&U, &d);
    rc = dt_cdparse_file("testdata/nss/certdata-4a0b9ef4e195-2017-11-16-28distrust.txt", &f, &d);
    size_t distrust = 0;
    for (size_t i = 0; i < f.n_objs; i++) {
        unsigned long t;
        if (dt_cdparse_get_ulong(&f.objs[i], CKA_TRUST_SERVER_AUTH, &t) && t == CKT_NSS_NOT_TRUSTED)
            distrust++;
    }
    CHECK(rc == DT_OK && distrust == 28, "2017 file: 28 distrust trust objects (%zu)", distrust);
    bool has_comment = false;
    for (size_t i = 0; i < f.n_objs; i++)
        if (f.objs[i].comment && strstr(f.objs[i].comment, "# Distrust \""))
            has_comment = true;
    CHECK(has_comment, "comment blocks are kept with their object");
    dt_cdparse_free(&f);

    unit_diags_setup(&U, &d);
    rc = dt_cdparse_file("tests/e2e/golden/fixture/certdata-distrust.txt", &f, &d);
    CHECK(rc == DT_OK && !f.has_begindata && count_class(&f, CKO_NSS_TRUST) == 12,
          "our own output parses back: 12 trust objects, no BEGINDATA");
    const struct dt_cd_attr *ser = NULL;
    for (size_t i = 0; i < f.n_objs && !ser; i++)
        if (f.objs[i].klass == CKO_NSS_TRUST)
            ser = dt_cdparse_get(&f.objs[i], CKA_SERIAL_NUMBER);
    static const uint8_t want[] = {0x02, 0x07, 0x00, 0x8b, 0xad, 0xf0, 0x0d, 0x12, 0x34};
    CHECK(ser && ser->len == 9 && !memcmp(ser->value, want, 9), "octal serial decoded");
    dt_cdparse_free(&f);

    rc = parse_text("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST # trailing\n"
                    "CKA_LABEL UTF8 \"AC Ra\\xC3\\xADz # not a comment\"\n",
                    &f);
    lab = rc == DT_OK ? dt_cdparse_get(&f.objs[0], CKA_LABEL) : NULL;
    CHECK(lab && lab->len == 24 && !memcmp(lab->value, "AC Ra\xc3\xadz # not a comment", 24),
          "\\xHH escapes and '#' inside quotes");
    dt_cdparse_free(&f);

    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUSTY\n", "did you mean CKO_NSS_TRUST",
               "unknown class suggests");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_ISUER MULTILINE_OCTAL\n\\001\nEND\n",
               "t.txt|2|1||unknown attribute CKA_ISUER; did you mean CKA_ISSUER?",
               "unknown attribute with place and suggestion");
    expect_bad(
        "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_ISSUER MULTILINE_OCTAL\n\\001\\089\nEND\n",
        "|3|7||expected \\ooo", "bad octal digit located");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_ISSUER MULTILINE_OCTAL\n\\001\n",
               "without its END", "missing END");
    expect_bad("CKA_LABEL UTF8 \"x\"\n", "before the first CKA_CLASS",
               "attribute before CKA_CLASS");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_TOKEN CK_BBOOL CK_TRUE\n"
               "CKA_TOKEN CK_BBOOL CK_TRUE\n",
               "given twice", "repeated attribute");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_LABEL UTF8 \"a\\n\"\n", "\\xHH",
               "other escapes refused");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_LABEL UTF8 noquotes\n",
               "double-quoted", "unquoted UTF8");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_TOKEN CK_TRUST CK_TRUE\n",
               "takes type CK_BBOOL", "wrong type for an attribute");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_TRUST_SERVER_AUTH CK_TRUST "
               "CKT_NSS_NOT_TRUSTD\n",
               "did you mean CKT_NSS_NOT_TRUSTED", "unknown trust value");
    expect_bad("CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\n\\001\\002\n", "octal data outside",
               "stray octal line");
    return unit_done();
}
