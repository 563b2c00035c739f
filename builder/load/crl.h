/*
 * crl.h - CRL files, read with OpenSSL (load/crl.c).
 */
#ifndef DT_CRL_H
#define DT_CRL_H

#include "buf.h"
#include "diag.h"

#include <openssl/x509.h>

/* The largest CRL file read. */
#define DT_MAX_CRL_BYTES ((size_t)256 << 20)

/* Parses the CRLs in data: PEM (every X509 CRL block) or exactly one DER
 * CertificateList; each is pushed on out (the caller frees them). On
 * DT_ERR_INPUT *why is a static reason ("holds no PEM X509 CRL block", "is
 * not a DER CRL (CertificateList)"). */
DT_MUST_USE enum dt_err dt_crl_parse(struct dt_slice data, STACK_OF(X509_CRL) * out,
                                     const char **why);

/* Reads every CRL in the file path (a regular file of at most 256 MiB) into
 * out; raw receives its bytes (the caller initialised it). On DT_ERR_INPUT
 * *why says why, in whybuf (cap bytes) when it names an errno. */
DT_MUST_USE enum dt_err dt_crl_read_file(const char *path, STACK_OF(X509_CRL) * out,
                                         struct dt_buf *raw, const char **why, char *whybuf,
                                         size_t cap);

/* A CRL time as seconds since the epoch; false when absent or unreadable. */
bool dt_crl_time(const ASN1_TIME *t, int64_t *out);

/* A serial's INTEGER contents octets as certificates and serial lists hold
 * them, written into buf (cap bytes); false when it does not fit. */
bool dt_crl_serial(const ASN1_INTEGER *a, uint8_t *buf, size_t cap, struct dt_slice *out);

#endif
