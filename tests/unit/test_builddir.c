/* Unit tests: builddir.c (reading a build directory back): the distrust
 * objects with their labels, provenance, issuers, serials and trust values,
 * the distrust-after roots, the manifest check (match, changed file, no
 * manifest), malformed and missing builds, the comment fields. The build
 * is written here with nssobj's primitives. */
#include "builddir.h"
#include "digest.h"
#include "nssobj.h"
#include "purpose.h"
#include "unit.h"

#include <pkcs11.h>
#include <sys/stat.h>

static const uint8_t NAME[] = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
                               0x55, 0x04, 0x03, 0x0c, 0x02, 'h',  'i'};

static struct dt_cert *root;

/* A build's certdata-distrust.txt: two distrusts (one with a raw serial,
 * one with hashes), a distrust-after root, a certificate that does not
 * parse. */
static char *certdata(size_t *len)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    static const uint8_t serial[] = {0x00, 0x8b};
    bool ok =
        dt_buf_puts(&b, "#\n# header\n#\nBEGINDATA\n\n# Distrust \"One\"\n"
                        "# Source: policy.json /entries/0\n# Incident: inc-1\n"
                        "# Bug: https://bugzilla.example/1\n# Why: a reason\n") == DT_OK &&
        dt_nssobj_trust(&b, "One", NULL, dt_slice_make(NAME, sizeof(NAME)),
                        dt_slice_make(serial, 2), DT_PURPOSE_SERVER,
                        "CKT_NSS_NOT_TRUSTED") == DT_OK &&
        dt_buf_puts(&b, "\n# Distrust \"Two\"\n") == DT_OK &&
        dt_nssobj_trust(&b, "Two", root, root->info.issuer, root->info.serial, DT_PURPOSE_ALL,
                        "CKT_NSS_NOT_TRUSTED") == DT_OK &&
        /* a raw serial: not a DER INTEGER */
        dt_buf_puts(&b, "\n# Source: policy.json /entries/2\n"
                        "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_LABEL UTF8 \"Raw\"\n"
                        "CKA_SERIAL_NUMBER MULTILINE_OCTAL\n\\001\\002\nEND\n"
                        "CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_NOT_TRUSTED\n") == DT_OK &&
        dt_buf_puts(&b, "\n# Certificate \"Root\"\n# Source: policy.json /entries/3\n") == DT_OK &&
        dt_nssobj_cert(&b, "Root", root, false, "241130235959Z", NULL, NULL, NULL) == DT_OK &&
        dt_buf_puts(&b, "\nCKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\n"
                        "CKA_LABEL UTF8 \"Broken\"\nCKA_VALUE MULTILINE_OCTAL\n\\060\\003\n"
                        "END\n") == DT_OK;
    if (!ok)
        exit(2);
    return dt_buf_steal(&b, len);
}

static void manifest_of(const char *text, size_t len, char *out, size_t cap)
{
    uint8_t sum[32];
    char hex[65];
    CHECK(dt_digest_sha256(dt_slice_make(text, len), sum) == DT_OK, "dt_digest_sha256 succeeds");
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
    snprintf(out, cap, "{\"files\": {\"certdata-distrust.txt\": {\"sha256\": \"%s\"}}}\n", hex);
}

static void test_read(void)
{
    size_t len;
    char *text = certdata(&len);
    char man[256];
    manifest_of(text, len, man, sizeof(man));
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/out", unit_tmp());
    mkdir(dir, 0700);
    char path[600];
    snprintf(path, sizeof(path), "out/certdata-distrust.txt");
    unit_write(path, text, len);
    unit_write("out/manifest.json", man, strlen(man));

    struct dt_build_data b;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load(dir, &b, &d) == DT_OK && u.errors == 0 && u.warnings == 0,
          "a build that matches its manifest: read, no warning");
    CHECK(strstr(b.path, "out/certdata-distrust.txt") && b.path[0] == '/',
          "path: the real path of certdata-distrust.txt");
    CHECK(b.n_entries == 3 && b.n_afters == 1 && b.certs.n == 1,
          "three distrusts, one distrust-after root, one certificate that parses");
    if (b.n_entries == 3 && b.n_afters == 1) {
        const struct dt_bentry *e = &b.entries[0];
        CHECK(!strcmp(e->label, "One") && !strcmp(e->source, "policy.json /entries/0") &&
                  e->comment && strstr(e->comment, "# Why: a reason"),
              "label, source and comment of the first");
        CHECK(dt_slice_eq(e->issuer, dt_slice_make(NAME, sizeof(NAME))) && e->serial.n == 2 &&
                  e->serial.p[0] == 0 && e->serial.p[1] == 0x8b && e->serial_tlv.n == 4 &&
                  e->serial.p == e->serial_tlv.p + 2,
              "its issuer, its serial's contents inside the INTEGER");
        CHECK(!e->has_sha1 && e->trust[0] == CKT_NSS_NOT_TRUSTED && e->trust[1] == 0 &&
                  e->trust[2] == 0,
              "hash-free, server-auth only (the others 0, absent)");
        e = &b.entries[1];
        CHECK(e->has_sha1 && !memcmp(e->sha1, root->sha1, 20) && e->source[0] == '\0' &&
                  e->trust[2] == CKT_NSS_NOT_TRUSTED,
              "the second: its SHA-1, no source comment, every purpose");
        e = &b.entries[2];
        CHECK(!strcmp(e->label, "Raw") && e->serial.n == 2 && e->serial.p == e->serial_tlv.p &&
                  e->issuer.n == 0,
              "a raw serial (not a DER INTEGER) is kept raw; no issuer: empty");
        const struct dt_bafter *a = &b.afters[0];
        CHECK(!strcmp(a->label, "Root") && a->has_server && a->server == 1733011199 &&
                  !a->has_email && !strcmp(a->source, "policy.json /entries/3") &&
                  a->cert == b.certs.v[0],
              "the distrust-after root: its server date, its certificate");
    }
    dt_builddir_free(&b);
    CHECK(b.entries == NULL && b.n_entries == 0 && b.certs.n == 0, "free empties it");

    /* The file changed after the build: a warning, the file as it is. */
    text[4] ^= 0x20; /* in the header comment: h <-> H */
    unit_write(path, text, len);
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load(dir, &b, &d) == DT_OK && u.warnings == 1 &&
              unit_has(&u, "certdata-distrust.txt does not match its SHA-256 in the manifest") &&
              unit_has(&u, "out/manifest.json|"),
          "a changed file: a warning at the manifest");
    dt_builddir_free(&b);
    /* No manifest. */
    char mpath[600];
    snprintf(mpath, sizeof(mpath), "%s/manifest.json", dir);
    unlink(mpath);
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load(dir, &b, &d) == DT_OK && u.warnings == 1 &&
              unit_has(&u, "no readable manifest.json"),
          "no manifest: a warning, the build is read");
    dt_builddir_free(&b);
    unit_write("out/manifest.json", "{\"files\": 5}", 12);
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load(dir, &b, &d) == DT_OK && u.warnings == 1 &&
              unit_has(&u, "does not match its SHA-256"),
          "a manifest without the file's digest: the mismatch warning");
    dt_builddir_free(&b);

    /* The same from memory and from a file. */
    text[4] ^= 0x20; /* in the header comment: h <-> H */
    struct dt_slice m = dt_slice_make(man, strlen(man));
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load_mem("mem.txt", dt_slice_make(text, len), "mem.json", &m, &b, &d) ==
                  DT_OK &&
              u.warnings == 0 && b.n_entries == 3 && !strcmp(b.path, "mem.txt"),
          "from memory with its manifest: the same, no warning");
    dt_builddir_free(&b);
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load_mem("mem.txt", dt_slice_make(text, len), "mem.json", NULL, &b, &d) ==
                  DT_OK &&
              u.warnings == 1 && unit_has(&u, "warning|mem.json|"),
          "from memory, no manifest: the warning names the manifest given");
    dt_builddir_free(&b);
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load_mem("mem.txt", dt_slice_make(text, len), NULL, NULL, &b, &d) == DT_OK &&
              u.warnings == 0 && b.n_afters == 1,
          "from memory without a manifest name: no check");
    dt_builddir_free(&b);
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load_file(dir, &b, &d) == DT_ERR_INPUT, "load_file of a directory: refused");
    dt_builddir_free(&b);
    unit_diags_setup(&u, &d);
    snprintf(mpath, sizeof(mpath), "%s/certdata-distrust.txt", dir);
    unit_write(path, text, len);
    CHECK(dt_builddir_load_file(mpath, &b, &d) == DT_OK && u.warnings == 0 && b.n_entries == 3,
          "load_file: the objects, no manifest check");
    dt_builddir_free(&b);
    free(text);
}

static void test_bad(void)
{
    struct dt_build_data b;
    struct dt_diags d;
    struct unit_diags u;
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load("testdata/no-such-build", &b, &d) == DT_ERR_INPUT && u.errors == 1 &&
              unit_has(&u, "cannot use the build: No such file or directory (is "
                           "testdata/no-such-build a `distrust build` output directory?)"),
          "a missing build: what it is not");
    dt_builddir_free(&b);
    unit_diags_setup(&u, &d);
    static const char bad[] = "BEGINDATA\nCKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\nCKA_BOGUS X\n";
    CHECK(dt_builddir_load_mem("c.txt", dt_slice_make(bad, sizeof(bad) - 1), "m.json", NULL, &b,
                               &d) == DT_ERR_INPUT &&
              unit_has(&u, "error|c.txt|3|") && u.warnings == 0,
          "a malformed file: the error at its line, no manifest warning after it");
    dt_builddir_free(&b);
    unit_diags_setup(&u, &d);
    CHECK(dt_builddir_load_mem("c.txt", dt_slice_make("", 0), NULL, NULL, &b, &d) == DT_OK &&
              b.n_entries == 0 && b.n_afters == 0,
          "an empty file: an empty build");
    dt_builddir_free(&b);
    dt_builddir_free(&b);
    CHECK(b.entries == NULL && b.cd.objs == NULL, "free twice is a no-op");
}

static void test_fields(void)
{
    char out[64];
    const char *c = "# Distrust \"x\"\n# Source: p.json /entries/1\n# Bug: 12\n# NotBug: 3\n";
    dt_builddir_comment_field(c, "Bug", out, sizeof(out));
    CHECK_STR(out, "12", "a field at the start of its line");
    dt_builddir_comment_field("# Why: a\n# x # Bug: no\n", "Bug", out, sizeof(out));
    CHECK_STR(out, "", "not in the middle of a line");
    dt_builddir_comment_field("# Bug: first\n# Bug: second\n", "Bug", out, sizeof(out));
    CHECK_STR(out, "first", "the first of two");
    dt_builddir_comment_field("x # Bug: in-line\n# Bug: 7", "Bug", out, sizeof(out));
    CHECK_STR(out, "7", "a later one at a line start, at the end of the text");
    dt_builddir_comment_field(NULL, "Bug", out, sizeof(out));
    CHECK_STR(out, "", "no comment");
    dt_builddir_source_of(c, out, 8);
    CHECK_STR(out, "p.json ", "cut to its buffer, terminated");
    dt_builddir_source_of(c, out, sizeof(out));
    CHECK_STR(out, "p.json /entries/1", "source_of is the Source field");
}

int main(void)
{
    struct dt_certlist l = {0};
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    if (dt_cert_load_file("testdata/pki/root-c.pem", &l, &d, NULL) != DT_OK || l.n != 1)
        return 2;
    root = l.v[0];
    test_read();
    test_bad();
    test_fields();
    dt_cert_list_free(&l);
    return unit_done();
}
