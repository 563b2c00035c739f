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

/* An item's text: the certificate object with its comment block (only for
 * the certificate+trust shape) into cert_part, the trust object with its
 * comment block into trust_part, and the trust object's attribute lines
 * alone into trust_object (may be NULL). Each part starts with a blank
 * line. cert_part and trust_part may be the same buffer. */
DT_MUST_USE enum dt_err dt_certdata_item_text(const struct dt_item *it, struct dt_buf *cert_part,
                                              struct dt_buf *trust_part,
                                              struct dt_buf *trust_object);

#endif
