/* Fuzz target: CRL files (load/crl.c) as the revocation-deadline check
 * (model/incident.c) reads them: dt_crl_parse (PEM, several CRLs, or one
 * DER CertificateList), then thisUpdate, nextUpdate and every entry's
 * serial and revocationDate through dt_crl_time and dt_crl_serial. The
 * file reader must agree with the parser; a serial's contents must wrap
 * back into the INTEGER OpenSSL encodes; a time must be the instant
 * OpenSSL compares it as. */
#include "crl.h"
#include "der.h"
#include "fuzz_util.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

/* t read by dt_crl_time is the instant OpenSSL compares it as. */
static void check_time(const ASN1_TIME *t)
{
    int64_t at;
    if (!dt_crl_time(t, &at))
        return;
    int c = ASN1_TIME_cmp_time_t(t, (time_t)at);
    if (c == 1 || c == -1)
        __builtin_trap();
    ERR_clear_error();
}

static void walk(X509_CRL *crl)
{
    check_time(X509_CRL_get0_lastUpdate(crl));
    check_time(X509_CRL_get0_nextUpdate(crl));
    STACK_OF(X509_REVOKED) *list = X509_CRL_get_REVOKED(crl);
    int n = list ? sk_X509_REVOKED_num(list) : 0;
    for (int i = 0; i < n; i++) {
        X509_REVOKED *x = sk_X509_REVOKED_value(list, i);
        const ASN1_INTEGER *a = X509_REVOKED_get0_serialNumber(x);
        uint8_t buf[80];
        struct dt_slice s;
        if (dt_crl_serial(a, buf, sizeof(buf), &s)) {
            if (s.p < buf || s.p + s.n > buf + sizeof(buf))
                __builtin_trap();
            /* The contents, wrapped again, are the INTEGER OpenSSL writes. */
            uint8_t *der = NULL;
            int dn = i2d_ASN1_INTEGER(a, &der);
            struct dt_buf w;
            dt_buf_init(&w, 0);
            if (dn <= 0 || dt_der_int_wrap(s, &w) != DT_OK || w.len != (size_t)dn ||
                memcmp(w.data, der, (size_t)dn))
                __builtin_trap();
            dt_buf_free(&w);
            OPENSSL_free(der);
        }
        check_time(X509_REVOKED_get0_revocationDate(x));
        int crit = 0;
        ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(x, NID_crl_reason, &crit, NULL);
        if (reason)
            (void)ASN1_ENUMERATED_get(reason);
        ASN1_ENUMERATED_free(reason);
    }
    int crit = 0;
    ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
    ASN1_INTEGER_free(num);
    ASN1_INTEGER *delta = X509_CRL_get_ext_d2i(crl, NID_delta_crl, &crit, NULL);
    ASN1_INTEGER_free(delta);
    ERR_clear_error();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
    if (!crls)
        return 0;
    const char *why = NULL;
    enum dt_err rc = dt_crl_parse(dt_slice_make(data, size), crls, &why);
    int n = sk_X509_CRL_num(crls);
    if (rc == DT_OK ? n < 1 : rc != DT_ERR_INPUT || !why || n != 0)
        __builtin_trap(); /* success means a CRL; failure a reason and none */
    for (int i = 0; i < n; i++)
        walk(sk_X509_CRL_value(crls, i));

    /* The file reader reads the same CRLs. */
    int fd;
    char path[64];
    if (fuzz_memfile(data, size, &fd, path)) {
        STACK_OF(X509_CRL) *again = sk_X509_CRL_new_null();
        struct dt_buf raw;
        dt_buf_init(&raw, 0);
        char whybuf[256];
        const char *why2 = NULL;
        enum dt_err rc2 = again ? dt_crl_read_file(path, again, &raw, &why2, whybuf, sizeof(whybuf))
                                : DT_ERR_NOMEM;
        if (again &&
            (rc2 != rc || sk_X509_CRL_num(again) != n ||
             (rc2 == DT_OK && (raw.len != size || (size && memcmp(raw.data, data, size))))))
            __builtin_trap();
        dt_buf_free(&raw);
        sk_X509_CRL_pop_free(again, X509_CRL_free);
        close(fd);
    }
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    return 0;
}
