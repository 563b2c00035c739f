/* Unit tests: certdata.c (octal layout, serial comments, objects, labels). */
#include "certdata.h"
#include "unit.h"
#include "nssobj.h"

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

    dt_buf_free(&b);
    return unit_done();
}
