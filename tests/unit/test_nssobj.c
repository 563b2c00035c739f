/* Unit tests: nssobj.c (certdata.txt objects as nss-addbuiltin writes
 * them): octal layout, serial comments, trust and certificate objects,
 * distrust-after attributes, anchors, comment lines, labels. (The first
 * checks come from test_certdata.c, which tested these primitives.) */
#include "file.h"
#include "nssobj.h"
#include "purpose.h"
#include "unit.h"

static const char *octal(const uint8_t *p, size_t n, struct dt_buf *b)
{
    dt_buf_reset(b);
    if (dt_nssobj_octal(b, dt_slice_make(p, n)) != DT_OK)
        return NULL;
    return dt_buf_cstr(b);
}

static const char *serial_comment(const uint8_t *p, size_t n, struct dt_buf *b)
{
    dt_buf_reset(b);
    if (dt_nssobj_serial_comment(b, dt_slice_make(p, n)) != DT_OK)
        return NULL;
    return dt_buf_cstr(b);
}

int main(void)
{
    struct dt_buf b;
    dt_buf_init(&b, 0);
    static const uint8_t ser[] = {0x02, 0x07, 0x00, 0x8b, 0xad, 0xf0, 0x0d, 0x12, 0x34};
    CHECK_STR(octal(ser, sizeof(ser), &b), "\\002\\007\\000\\213\\255\\360\\015\\022\\064\n",
              "octal of the padded serial TLV (REFERENCE example)");
    uint8_t seq[17];
    for (int i = 0; i < 17; i++)
        seq[i] = (uint8_t)i;
    CHECK_STR(octal(seq, 17, &b),
              "\\000\\001\\002\\003\\004\\005\\006\\007\\010\\011\\012\\013\\014\\015\\016\\017\n"
              "\\020\n",
              "16 octets a line, the last line short");
    CHECK_STR(octal(seq, 16, &b),
              "\\000\\001\\002\\003\\004\\005\\006\\007\\010\\011\\012\\013\\014\\015\\016\\017\n",
              "exactly 16 octets: one line");

    static const uint8_t s1[] = {0x00, 0xff, 0x01};
    static const uint8_t s2[] = {0xfb};
    static const uint8_t s3[] = {0x00, 0x80, 0x00, 0x00, 0x01};
    static const uint8_t s4[] = {0x7f, 0xff, 0xff, 0xff};
    static const uint8_t s5[] = {0x80, 0x00, 0x00, 0x00};
    static const uint8_t s6[] = {0x53, 0x45, 0x52, 0x49, 0x41};
    CHECK_STR(serial_comment(s1, 3, &b), "# Serial Number: 65281 (0xff01)\n",
              "short serial as signed decimal and hex (addbuiltin sample)");
    CHECK_STR(serial_comment(s2, 1, &b), "# Serial Number: -5 (0xfffffffb)\n",
              "negative short serial");
    CHECK_STR(serial_comment(s3, 5, &b), "# Serial Number:00:80:00:00:01\n",
              "five octets: hex without a space");
    CHECK_STR(serial_comment(s4, 4, &b), "# Serial Number: 2147483647 (0x7fffffff)\n",
              "largest positive 4-octet serial");
    CHECK_STR(serial_comment(s5, 4, &b), "# Serial Number: -2147483648 (0x80000000)\n",
              "most negative 4-octet serial");
    CHECK_STR(serial_comment(s6, 5, &b), "# Serial Number:53:45:52:49:41\n",
              "printable serial still printed as hex");

    /* A hash-free trust object limited to server-auth. */
    static const uint8_t name[] = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03,
                                   0x55, 0x04, 0x03, 0x0c, 0x02, 'h',  'i'};
    dt_buf_reset(&b);
    static const uint8_t sc[] = {0x01};
    CHECK(dt_nssobj_trust(&b, "L", NULL, dt_slice_make(name, sizeof(name)),
                                   dt_slice_make(sc, 1), DT_PURPOSE_SERVER,
                                   "CKT_NSS_NOT_TRUSTED") == DT_OK,
          "trust object written");
    const char *t = dt_buf_cstr(&b);
    CHECK(strstr(t, "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED\n") &&
              !strstr(t, "EMAIL") && !strstr(t, "CODE_SIGNING") && !strstr(t, "MUST_VERIFY") &&
              !strstr(t, "HASH"),
          "server-only: other trust attributes left out, no hashes");
    CHECK(strstr(t, "CKA_SERIAL_NUMBER MULTILINE_OCTAL\n\\002\\001\\001\nEND\n") != NULL,
          "serial written as the DER INTEGER");
    CHECK(strstr(t, "CKA_TRUST_STEP_UP_APPROVED CK_BBOOL CK_FALSE\n") != NULL, "step-up false");


    /* Empty inputs. */
    CHECK_STR(octal(NULL, 0, &b), "\n", "no octets: an empty data line");
    CHECK_STR(serial_comment(NULL, 0, &b), "# Serial Number: (null)\n",
              "an empty serial, as NSS prints it");
    static const uint8_t s7[] = {0x00};
    CHECK_STR(serial_comment(s7, 1, &b), "# Serial Number: 0 (0x0)\n", "serial 0");

    /* trust_values: hashes, a value per purpose, step-up. */
    uint8_t sha1[20], md5[16];
    memset(sha1, 0x11, 20);
    memset(md5, 0x22, 16);
    const char *const vals[3] = {"CKT_NSS_NOT_TRUSTED", NULL, "CKT_NSS_MUST_VERIFY_TRUST"};
    dt_buf_reset(&b);
    CHECK(dt_nssobj_trust_values(&b, "Lab", sha1, md5, dt_slice_make(name, sizeof(name)),
                                 dt_slice_make(sc, 1), vals, true) == DT_OK,
          "trust_values written");
    t = dt_buf_cstr(&b);
    CHECK(strstr(t, "CKA_LABEL UTF8 \"Lab\"\n") &&
              strstr(t, "CKA_CERT_SHA1_HASH MULTILINE_OCTAL\n\\021\\021") &&
              strstr(t, "CKA_CERT_MD5_HASH MULTILINE_OCTAL\n\\042") &&
              strstr(t, "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_NOT_TRUSTED\n") &&
              !strstr(t, "EMAIL_PROTECTION") &&
              strstr(t, "CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_MUST_VERIFY_TRUST\n") &&
              strstr(t, "CKA_TRUST_STEP_UP_APPROVED CK_BBOOL CK_TRUE\n"),
          "hashes, the values given (NULL left out), step-up true");
    CHECK(strstr(t, "CKA_CERT_SHA1_HASH") < strstr(t, "CKA_CERT_MD5_HASH") &&
              strstr(t, "CKA_CERT_MD5_HASH") < strstr(t, "CKA_ISSUER") &&
              strstr(t, "CKA_ISSUER") < strstr(t, "CKA_SERIAL_NUMBER") &&
              strstr(t, "CKA_SERIAL_NUMBER") < strstr(t, "CKA_TRUST_SERVER_AUTH"),
          "attributes in nss-addbuiltin's order");
    dt_buf_reset(&b);
    CHECK(dt_nssobj_trust_values(&b, "L", sha1, NULL, dt_slice_make(name, sizeof(name)),
                                 dt_slice_make(sc, 1), vals, false) == DT_OK &&
              !strstr(dt_buf_cstr(&b), "HASH"),
          "a SHA-1 without an MD5: hash-free (both or neither)");
    dt_buf_free(&b);
    dt_buf_init(&b, 100);
    CHECK(dt_nssobj_trust_values(&b, "L", sha1, md5, dt_slice_make(name, sizeof(name)),
                                 dt_slice_make(sc, 1), vals, false) == DT_ERR_LIMIT,
          "past out's cap: LIMIT");
    dt_buf_free(&b);
    dt_buf_init(&b, 0);
    uint8_t long_serial[200];
    memset(long_serial, 0x01, sizeof(long_serial));
    CHECK(dt_nssobj_trust(&b, "L", NULL, dt_slice_make(name, sizeof(name)),
                          dt_slice_make(long_serial, 200), DT_PURPOSE_ALL, "CKT_NSS_NOT_TRUSTED") ==
                  DT_OK &&
              strstr(dt_buf_cstr(&b), "CKA_SERIAL_NUMBER MULTILINE_OCTAL\n\\002\\201\\310\\001") &&
              strstr(dt_buf_cstr(&b), "CKA_TRUST_EMAIL_PROTECTION CK_TRUST CKT_NSS_NOT_TRUSTED"),
          "a 200-octet serial: its INTEGER in the long form (02 81 c8); every purpose");

    /* Distrust-after attributes. */
    dt_buf_reset(&b);
    CHECK(dt_nssobj_after_attr(&b, "CKA_NSS_SERVER_DISTRUST_AFTER", NULL, "# ignored") == DT_OK,
          "after_attr without a date");
    CHECK_STR(dt_buf_cstr(&b), "CKA_NSS_SERVER_DISTRUST_AFTER CK_BBOOL CK_FALSE\n",
              "no date: CK_FALSE, no comment");
    dt_buf_reset(&b);
    CHECK(dt_nssobj_after_attr(&b, "CKA_NSS_EMAIL_DISTRUST_AFTER", "241130235959Z",
                               "# For Email Distrust After: Sat Nov 30 23:59:59 2024") == DT_OK,
          "after_attr with a date");
    CHECK_STR(dt_buf_cstr(&b),
              "# For Email Distrust After: Sat Nov 30 23:59:59 2024\n"
              "CKA_NSS_EMAIL_DISTRUST_AFTER MULTILINE_OCTAL\n"
              "\\062\\064\\061\\061\\063\\060\\062\\063\\065\\071\\065\\071\\132\n"
              "END\n",
              "a date: the comment, then the 13 UTCTime octets");

    /* A certificate: the object, its comment lines, anchors. */
    struct dt_certlist l = {0};
    struct dt_diags d;
    dt_diag_init(&d, NULL, NULL);
    if (dt_cert_load_file("testdata/pki/root-a.pem", &l, &d, NULL) != DT_OK || l.n != 1)
        exit(2);
    const struct dt_cert *c = l.v[0];
    dt_buf_reset(&b);
    CHECK(dt_nssobj_cert(&b, "Root A", c, true, "241130235959Z", NULL, NULL, NULL) == DT_OK,
          "certificate object written");
    t = dt_buf_cstr(&b);
    CHECK(strstr(t, "CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\n") &&
              strstr(t, "CKA_CERTIFICATE_TYPE CK_CERTIFICATE_TYPE CKC_X_509\n") &&
              strstr(t, "CKA_ID UTF8 \"0\"\n") &&
              strstr(t, "CKA_NSS_MOZILLA_CA_POLICY CK_BBOOL CK_TRUE\n") &&
              strstr(t, "CKA_NSS_SERVER_DISTRUST_AFTER MULTILINE_OCTAL\n") &&
              strstr(t, "CKA_NSS_EMAIL_DISTRUST_AFTER CK_BBOOL CK_FALSE\n"),
          "class, type, id, CA policy, the server date, no e-mail date");
    struct dt_buf value;
    dt_buf_init(&value, 0);
    CHECK(dt_nssobj_octal(&value, dt_slice_make(c->der, c->der_len)) == DT_OK &&
              strstr(t, (const char *)dt_buf_cstr(&value)),
          "CKA_VALUE holds the certificate's DER");
    dt_buf_free(&value);
    dt_buf_reset(&b);
    CHECK(dt_nssobj_cert(&b, "Root A", c, false, NULL, NULL, NULL, NULL) == DT_OK &&
              !strstr(dt_buf_cstr(&b), "MOZILLA_CA_POLICY"),
          "without CA policy: no CKA_NSS_MOZILLA_CA_POLICY line");
    dt_buf_reset(&b);
    CHECK(dt_nssobj_cert_info(&b, c) == DT_OK, "cert_info written");
    t = dt_buf_cstr(&b);
    CHECK(!strncmp(t, "# Issuer: CN=Test Root A,O=Distrust Test,C=US\n# Serial Number:", 62) &&
              strstr(t, "# Subject: CN=Test Root A,O=Distrust Test,C=US\n# Not Valid Before: ") &&
              strstr(t, "\n# Not Valid After : ") && strstr(t, "\n# Fingerprint (SHA-256): ") &&
              strstr(t, "\n# Fingerprint (SHA1): "),
          "cert_info: issuer, serial, subject, validity, both fingerprints, in order");
    dt_buf_reset(&b);
    struct dt_cert *anchors[1] = {l.v[0]};
    CHECK(dt_nssobj_anchors_file(&b, anchors, 1, "unit test") == DT_OK, "anchors file written");
    t = dt_buf_cstr(&b);
    CHECK(strstr(t, "written by unit test") && strstr(t, "\nBEGINDATA\n") &&
              strstr(t, "# Certificate \"Anchor 1: Test Root A\"") &&
              strstr(t, "# Trust for \"Anchor 1: Test Root A\"") &&
              strstr(t, "CKA_TRUST_SERVER_AUTH CK_TRUST CKT_NSS_TRUSTED_DELEGATOR\n") &&
              strstr(t, "CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_TRUSTED_DELEGATOR\n") &&
              strstr(t, "CKA_CERT_SHA1_HASH"),
          "an anchor: certificate and hashed trust, a delegator for every purpose");
    dt_buf_reset(&b);
    CHECK(dt_nssobj_anchors_file(&b, anchors, 0, "w") == DT_OK &&
              strstr(dt_buf_cstr(&b), "BEGINDATA\n") && !strstr(dt_buf_cstr(&b), "CKA_CLASS"),
          "no anchors: the header only");
    dt_cert_list_free(&l);

    /* Comment lines and labels. */
    dt_buf_reset(&b);
    CHECK(dt_nssobj_name_comment(&b, "Issuer", dt_slice_make(name, sizeof(name))) == DT_OK,
          "name comment");
    CHECK_STR(dt_buf_cstr(&b), "# Issuer: CN=hi\n", "\"# Issuer: CN=hi\"");
    char lab[] = "a\"b\\c$d@e\x01" "f\x7f" "g\xc3\xa9";
    dt_nssobj_label_clean(lab);
    CHECK_STR(lab, "a_b_c_d_e_f_g\xc3\xa9", "label_clean: \" \\ $ @ and controls to _, UTF-8 kept");
    char *ln = dt_nssobj_label_of_name(dt_slice_make(name, sizeof(name)));
    CHECK_STR(ln, "hi", "label of a name: its CN");
    free(ln);
    static const uint8_t org[] = {0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03,
                                  0x55, 0x04, 0x0a, 0x0c, 0x03, 'O',  'r',  'g'};
    ln = dt_nssobj_label_of_name(dt_slice_make(org, sizeof(org)));
    CHECK_STR(ln, "O=Org", "label of a name without a CN: its text");
    free(ln);
    dt_buf_free(&b);
    return unit_done();
}
