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

/* Parses the CRLs in data: PEM (every X509 CRL block; other blocks are
 * skipped, but any block that does not decode fails the whole text) or
 * exactly one DER CertificateList; each is pushed on out (the caller frees
 * them). All or nothing: on failure out holds what it held before. On
 * DT_ERR_INPUT *why is a static reason ("holds no PEM X509 CRL block",
 * "holds a PEM block that does not decode ...", "is not a DER CRL
 * (CertificateList)"); DT_ERR_NOMEM when memory runs out. */
DT_MUST_USE enum dt_err dt_crl_parse(struct dt_slice data, STACK_OF(X509_CRL) * out,
                                     const char **why);

/* Reads every CRL in the file path (a regular file of at most
 * DT_MAX_CRL_BYTES) into out, as dt_crl_parse does; raw receives its bytes
 * (initialised here; the caller frees it with dt_buf_free). *why must be
 * NULL on entry; on failure it says why (in whybuf, cap bytes, when it names
 * an errno or the cap): DT_ERR_INPUT for a file that cannot be read or is
 * not CRLs, DT_ERR_LIMIT for one over the cap, DT_ERR_NOMEM. */
DT_MUST_USE enum dt_err dt_crl_read_file(const char *path, STACK_OF(X509_CRL) * out,
                                         struct dt_buf *raw, const char **why, char *whybuf,
                                         size_t cap);

/* A CRL time as seconds since the epoch; false when absent or unreadable. */
bool dt_crl_time(const ASN1_TIME *t, int64_t *out);

/* A serial's INTEGER contents octets as certificates and serial lists hold
 * them, written into buf (cap bytes); false when it does not fit. */
bool dt_crl_serial(const ASN1_INTEGER *a, uint8_t *buf, size_t cap, struct dt_slice *out);

#endif
