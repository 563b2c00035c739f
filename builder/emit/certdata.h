/*
 * certdata.h - NSS certdata.txt objects, written exactly as nss-addbuiltin
 * (NSS cmd/addbuiltin) writes them: same attributes, same order, same
 * MULTILINE_OCTAL layout (16 octets a line) and the same comment blocks.
 *
 * Shapes (policy "nss_object"):
 *   trust              nss-addbuiltin -D: trust object, no hashes
 *   trust+hash         nss-addbuiltin -t p,p,p -c: trust object with SHA-1/MD5
 *   certificate+trust  nss-addbuiltin -t p,p,p: certificate object + hashed trust
 *
 * A distrust limited to some purposes never changes another purpose's
 * verdict. When a root store of the build (--certdata, --roots, a
 * certdata.txt in the pool) has a trust object for the certificate, the
 * object written keeps that object's values for the other purposes and
 * carries the certificate's hashes: NSS takes each purpose from the
 * highest-ranked token that sets it, and discards a hash-free object that
 * holds anything but NOT_TRUSTED or unknown (NSS 3.87 also loses all trust
 * when a hash-free and a hashed object for one certificate meet, bug
 * 1984165). Otherwise the other CKA_TRUST_* attributes are left out (as
 * `nss-addbuiltin -t "p,,"` would write MUST_VERIFY_TRUST, which a hash-free
 * object cannot carry); the build warns when it cannot know the store.
 * Merged into upstream's certdata.txt (merge.c), only the distrusted
 * purposes' lines of upstream's trust object change.
 */
#ifndef DT_CERTDATA_H
#define DT_CERTDATA_H

#include "model.h"

struct dt_certdata_stats {
    size_t trust_objects;
    size_t cert_objects;
    size_t afters;
};

/* Writes certdata-distrust.txt for every NSS-targeted item and every
 * distrust-after root of m into out. policy_sha256_hex is quoted in the
 * header. */
DT_MUST_USE enum dt_err dt_certdata_write(const struct dt_model *m, const char *policy_sha256_hex,
                                          struct dt_buf *out, struct dt_certdata_stats *st);

/* Building blocks, exposed for tests. */

/* Appends bytes as certdata MULTILINE_OCTAL data lines (no END). */
DT_MUST_USE enum dt_err dt_certdata_octal(struct dt_buf *out, struct dt_slice b);

/* Appends the "# Serial Number..." comment line for INTEGER contents, as
 * NSS's SECU_PrintInteger prints it (without its printable-text echo). */
DT_MUST_USE enum dt_err dt_certdata_serial_comment(struct dt_buf *out, struct dt_slice serial);

/* Appends a CKO_NSS_TRUST object (attribute lines only, no comments) with a
 * value per purpose: values[0..3) are the CKT_* names of
 * CKA_TRUST_SERVER_AUTH, _EMAIL_PROTECTION and _CODE_SIGNING (NULL: the
 * attribute is left out); sha1/md5 are the certificate's hashes or NULL
 * (hash-free). */
DT_MUST_USE enum dt_err dt_certdata_trust_object_values(struct dt_buf *out, const char *label,
                                                        const uint8_t *sha1, const uint8_t *md5,
                                                        struct dt_slice issuer,
                                                        struct dt_slice serial,
                                                        const char *const values[3],
                                                        bool step_up);

/* The trust values an item's object carries: NOT_TRUSTED for the
 * purposes it distrusts and, when it->store is set, the root store's value
 * for the others (else left out). values[k] is NULL for an attribute left
 * out. */
void dt_certdata_item_values(const struct dt_item *it, const char *values[3]);

/* The hashes an item's object carries (NULL, NULL when hash-free): the
 * certificate's for the hashed shapes, and for a purpose-limited distrust
 * of a certificate a root store has an object for (it->store) the
 * certificate's or else the store object's. */
void dt_certdata_item_hashes(const struct dt_item *it, const uint8_t **sha1, const uint8_t **md5);

/* Appends a CKO_NSS_TRUST object (attribute lines only, no comments).
 * hash_of: the certificate whose SHA-1/MD5 go in, or NULL for hash-free.
 * purposes: which CKA_TRUST_* attributes to write (the others are left out),
 * each with the value trust ("CKT_NSS_NOT_TRUSTED"). */
DT_MUST_USE enum dt_err dt_certdata_trust_object(struct dt_buf *out, const char *label,
                                                 const struct dt_cert *hash_of,
                                                 struct dt_slice issuer, struct dt_slice serial,
                                                 unsigned purposes, const char *trust);

/* Appends a trusted root, with its comment blocks, exactly as
 * `nss-addbuiltin -t "CT,C,C"` writes it: the certificate object (with
 * CKA_NSS_MOZILLA_CA_POLICY) and a hashed trust object that makes it a
 * trust anchor for every purpose. The verifier serves anchors this way. */
DT_MUST_USE enum dt_err dt_certdata_anchor(struct dt_buf *out, const char *label,
                                           const struct dt_cert *c);

/* A whole root store of trust anchors (BEGINDATA, then each certificate as
 * dt_certdata_anchor writes it, labelled "Anchor N: subject"); who names
 * the writer in the header comment. */
DT_MUST_USE enum dt_err dt_certdata_anchors_file(struct dt_buf *out, struct dt_cert *const *anchors,
                                                 size_t n, const char *who);

/* Appends a CKO_CERTIFICATE object (attribute lines only). server_after /
 * email_after are 13-byte UTCTime strings or NULL for CK_FALSE;
 * ca_policy adds CKA_NSS_MOZILLA_CA_POLICY CK_TRUE. */
DT_MUST_USE enum dt_err dt_certdata_cert_object(struct dt_buf *out, const char *label,
                                                const struct dt_cert *c, bool ca_policy,
                                                const char *server_after, const char *email_after,
                                                const char *server_comment,
                                                const char *email_comment);

/* An item's text: the certificate object with its comment block (only for
 * the certificate+trust shape) into cert_part, the trust object with its
 * comment block into trust_part, and the trust object's attribute lines
 * alone into trust_object (may be NULL). Each part starts with a blank
 * line. cert_part and trust_part may be the same buffer. */
DT_MUST_USE enum dt_err dt_certdata_item_text(const struct dt_item *it, struct dt_buf *cert_part,
                                              struct dt_buf *trust_part,
                                              struct dt_buf *trust_object);

/* A distrust-after attribute: "ATTR CK_BBOOL CK_FALSE" when utc is NULL,
 * else the comment line (if any) and the 13-byte UTCTime as octal. */
DT_MUST_USE enum dt_err dt_certdata_after_attr(struct dt_buf *out, const char *attr,
                                               const char *utc, const char *comment);

/* The label an item gets in certdata.txt. Caller frees with free(). */
char *dt_item_label(const struct dt_item *it);

#endif
