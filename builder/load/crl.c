/*
 * crl.c - CRL files (PEM, several CRLs, or one DER CertificateList), read
 * with OpenSSL for the revocation-deadline check (model/incident.c), and
 * the fields that check reads from them.
 */
#include "crl.h"

#include "der.h"
#include "file.h"
#include "time.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool dt_crl_time(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return false;
    struct dt_civil c = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         tm.tm_hour,        tm.tm_min,     tm.tm_sec};
    *out = dt_time_civil_to_epoch(&c);
    return true;
}

/* An INTEGER's contents octets (as certificates and serial lists hold them). */
bool dt_crl_serial(const ASN1_INTEGER *a, uint8_t *buf, size_t cap, struct dt_slice *out)
{
    int n = i2d_ASN1_INTEGER(a, NULL);
    if (n <= 0 || (size_t)n > cap)
        return false;
    unsigned char *p = buf;
    i2d_ASN1_INTEGER(a, &p);
    struct dt_tlv t;
    if (dt_der_read_one(dt_slice_make(buf, (size_t)n), DT_TAG_INTEGER, &t))
        return false;
    *out = t.val;
    return true;
}

/* Pushes c on out (which then owns it); frees it when that fails. */
static enum dt_err push(STACK_OF(X509_CRL) * out, X509_CRL *c)
{
    if (sk_X509_CRL_push(out, c) > 0)
        return DT_OK;
    X509_CRL_free(c);
    return DT_ERR_NOMEM;
}

enum dt_err dt_crl_parse(struct dt_slice data, STACK_OF(X509_CRL) * out, const char **why)
{
    enum dt_err rc = DT_OK;
    BIO *b = NULL;
    int before = sk_X509_CRL_num(out);
    if (data.n > INT_MAX) {
        *why = "is too large to be a CRL";
        return DT_ERR_INPUT;
    }
    if (data.n >= 10 && memmem(data.p, data.n, "-----BEGIN", 10)) {
        b = BIO_new_mem_buf(data.p, (int)data.n);
        DT_ENSURE_MEM(b);
        X509_CRL *c;
        ERR_clear_error();
        while ((c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL)
            DT_TRY(push(out, c));
        /* The reading ends at the end of the text ("no start line") or at a
         * block that does not decode: that one, and every CRL after it,
         * would be dropped without a word. */
        unsigned long e = ERR_peek_last_error();
        if (ERR_GET_LIB(e) != ERR_LIB_PEM || ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
            *why = "holds a PEM block that does not decode (damaged base64, or an X509 CRL "
                   "block that is not a CRL)";
            rc = DT_ERR_INPUT;
        } else if (sk_X509_CRL_num(out) == before) {
            *why = "holds no PEM X509 CRL block";
            rc = DT_ERR_INPUT;
        }
    } else {
        const unsigned char *p = data.p;
        X509_CRL *c = d2i_X509_CRL(NULL, &p, (long)data.n);
        if (!c || p != data.p + data.n) {
            X509_CRL_free(c);
            *why = "is not a DER CRL (CertificateList)";
            rc = DT_ERR_INPUT;
        } else {
            DT_TRY(push(out, c));
        }
    }
out:
    /* All or nothing: a file that is partly bad gives no CRL. */
    while (rc != DT_OK && sk_X509_CRL_num(out) > before)
        X509_CRL_free(sk_X509_CRL_pop(out));
    BIO_free(b);
    ERR_clear_error();
    return rc;
}

/* Reads every CRL in one file (PEM, several allowed, or one DER). */
enum dt_err dt_crl_read_file(const char *path, STACK_OF(X509_CRL) * out, struct dt_buf *raw,
                             const char **why, char *whybuf, size_t cap)
{
    enum dt_err rc = DT_OK;
    struct dt_diags quiet;
    int fd, err;
    struct stat st;
    /* Why the file cannot be read, when it cannot (a FIFO, a device, a
     * directory, a missing file): dt_file_read itself refuses them too. */
    if (dt_file_open_regular(path, &fd, &st, &err) != DT_OK) {
        if (err)
            snprintf(whybuf, cap, "cannot be read: %s", strerror(err));
        else
            snprintf(whybuf, cap, "cannot be read: it is %s, not a regular file",
                     dt_file_kind(st.st_mode));
        *why = whybuf;
        rc = DT_ERR_INPUT;
        goto out;
    }
    close(fd);
    dt_diag_init(&quiet, NULL, NULL);
    rc = dt_file_read(path, DT_MAX_CRL_BYTES, raw, &quiet, NULL);
    if (rc == DT_ERR_LIMIT) {
        snprintf(whybuf, cap, "is larger than the %zu MiB limit for a CRL file",
                 DT_MAX_CRL_BYTES >> 20);
        *why = whybuf;
    }
    DT_TRY(rc);
    rc = dt_crl_parse(dt_slice_make(raw->data, raw->len), out, why);
out:
    if (rc != DT_OK && !*why)
        *why = "cannot be read";
    return rc;
}
