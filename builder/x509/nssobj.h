/*
 * nssobj.h - NSS certdata.txt objects as text (nss-addbuiltin's layout):
 * the primitives the certdata emitter, the merge, the verifier's anchors
 * files and the test script write with.
 */
#ifndef DT_NSSOBJ_H
#define DT_NSSOBJ_H

#include "cert.h"

/* Appends bytes as certdata MULTILINE_OCTAL data lines (no END). */
DT_MUST_USE enum dt_err dt_nssobj_octal(struct dt_buf *out, struct dt_slice b);

/* Appends the "# Serial Number..." comment line for INTEGER contents, as
 * NSS's SECU_PrintInteger prints it (without its printable-text echo). */
DT_MUST_USE enum dt_err dt_nssobj_serial_comment(struct dt_buf *out, struct dt_slice serial);

/* Appends a CKO_NSS_TRUST object (attribute lines only, no comments) with a
 * value per purpose: values[0..3) are the CKT_* names of
 * CKA_TRUST_SERVER_AUTH, _EMAIL_PROTECTION and _CODE_SIGNING (NULL: the
 * attribute is left out); sha1/md5 are the certificate's hashes or NULL
 * (hash-free). */
DT_MUST_USE enum dt_err dt_nssobj_trust_values(struct dt_buf *out, const char *label,
                                                        const uint8_t *sha1, const uint8_t *md5,
                                                        struct dt_slice issuer,
                                                        struct dt_slice serial,
                                                        const char *const values[3],
                                                        bool step_up);

/* Appends a CKO_NSS_TRUST object (attribute lines only, no comments).
 * hash_of: the certificate whose SHA-1/MD5 go in, or NULL for hash-free.
 * purposes: which CKA_TRUST_* attributes to write (the others are left out),
 * each with the value trust ("CKT_NSS_NOT_TRUSTED"). */
DT_MUST_USE enum dt_err dt_nssobj_trust(struct dt_buf *out, const char *label,
                                                 const struct dt_cert *hash_of,
                                                 struct dt_slice issuer, struct dt_slice serial,
                                                 unsigned purposes, const char *trust);

/* Appends a trusted root, with its comment blocks, exactly as
 * `nss-addbuiltin -t "CT,C,C"` writes it: the certificate object (with
 * CKA_NSS_MOZILLA_CA_POLICY) and a hashed trust object that makes it a
 * trust anchor for every purpose. The verifier serves anchors this way. */
DT_MUST_USE enum dt_err dt_nssobj_anchor(struct dt_buf *out, const char *label,
                                           const struct dt_cert *c);

/* A whole root store of trust anchors (BEGINDATA, then each certificate as
 * dt_nssobj_anchor writes it, labelled "Anchor N: subject"); who names
 * the writer in the header comment. */
DT_MUST_USE enum dt_err dt_nssobj_anchors_file(struct dt_buf *out, struct dt_cert *const *anchors,
                                                 size_t n, const char *who);

/* Appends a CKO_CERTIFICATE object (attribute lines only). server_after /
 * email_after are 13-byte UTCTime strings or NULL for CK_FALSE;
 * ca_policy adds CKA_NSS_MOZILLA_CA_POLICY CK_TRUE. */
DT_MUST_USE enum dt_err dt_nssobj_cert(struct dt_buf *out, const char *label,
                                                const struct dt_cert *c, bool ca_policy,
                                                const char *server_after, const char *email_after,
                                                const char *server_comment,
                                                const char *email_comment);

/* A distrust-after attribute: "ATTR CK_BBOOL CK_FALSE" when utc is NULL,
 * else the comment line (if any) and the 13-byte UTCTime as octal. */
DT_MUST_USE enum dt_err dt_nssobj_after_attr(struct dt_buf *out, const char *attr,
                                               const char *utc, const char *comment);

/* The "# Issuer: ..." style comment line of a name, as NSS prints it. */
DT_MUST_USE enum dt_err dt_nssobj_name_comment(struct dt_buf *out, const char *what,
                                               struct dt_slice der);

/* The comment lines nss-addbuiltin's print_info() writes for a
 * certificate: issuer, serial, subject, validity, SHA-256 and SHA-1. */
DT_MUST_USE enum dt_err dt_nssobj_cert_info(struct dt_buf *out, const struct dt_cert *c);

/* Replaces, in place, the characters a CKA_LABEL UTF8 "..." value cannot
 * carry (certdata.perl reads it as a Perl string: '"', '\\', '$', '@',
 * control characters) with '_'. */
void dt_nssobj_label_clean(char *s);

/* A label from a name: its most specific common name, else its text,
 * cleaned. Caller frees with free(); NULL on allocation failure. */
char *dt_nssobj_label_of_name(struct dt_slice name);

#endif
