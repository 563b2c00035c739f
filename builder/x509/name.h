/*
 * x509name.h - the one place that decides whether two DER Names are the
 * same name (RFC 5280 section 7.1, with a subset of RFC 4518).
 *
 * NSS's trust lookup, OneCRL and the blob match a certificate's exact issuer
 * bytes, but OpenSSL (and NSS with explicit anchors) chains across names
 * that are equal as names while encoded differently. Discovery compares
 * names with this module; everything written out keeps each certificate's
 * exact bytes. Nothing here is ever written out: the canonical form is for
 * comparison and hashing only.
 *
 * The comparison:
 * - RDNs are compared in order, and both names have the same number of them.
 * - Within an RDN (a SET) the attributes are compared as a multiset: the
 *   order of the values of a multi-valued RDN does not matter, the number of
 *   each does.
 * - Attribute types are compared by their exact OID bytes.
 * - Values of the text types are compared as text, whatever their string
 *   type: UTF8String (strict UTF-8: no overlong forms, no surrogates, nothing
 *   above U+10FFFF), PrintableString, TeletexString (T61String) and
 *   IA5String (emailAddress, domainComponent) (their octets read as
 *   ISO-8859-1, as OpenSSL reads them; a PrintableString with characters
 *   outside its alphabet is accepted as text), BMPString (UCS-2 big-endian,
 *   even length, no surrogates) and UniversalString (UCS-4 big-endian,
 *   length a multiple of 4, no surrogates, nothing above U+10FFFF).
 *   The text is prepared as RFC 4518 section 2 does, in part:
 *     map to nothing: U+0000-0008, U+000E-001F, U+007F-0084, U+0086-009F
 *       (controls), U+00AD, U+034F, U+1806, U+180B-180D, U+200B-200D,
 *       U+2060-2063, U+206A-206F, U+FE00-FE0F, U+FEFF, U+FFF9-FFFC;
 *     map to SPACE: U+0009-000D, U+0085, U+00A0, U+1680, U+2000-200A,
 *       U+2028, U+2029, U+202F, U+205F, U+3000;
 *     case folding (Unicode simple case folding, restricted to): ASCII;
 *       Latin-1 Supplement (U+00C0-00DE but U+00D7, and U+00B5 to U+03BC);
 *       Latin Extended-A (U+0100-017F, with U+0178 to U+00FF and U+017F to
 *       U+0073; U+0130 and U+0149 have no simple folding and stay);
 *       Greek (U+0386-03AB capitals, U+03C2 final sigma to U+03C3);
 *       Cyrillic (U+0400-042F, and the pairs of U+0460-0481, U+048A-04BF,
 *       U+04C0-04CE, U+04D0-04FF);
 *     leading and trailing spaces removed, inner runs collapsed to one;
 *   and the result is compared as UTF-8 under one tag.
 *   Left out: Unicode normalisation (NFKC: a precomposed "é" and "e" +
 *   U+0301 differ), the "prohibit" and bidi steps (unassigned and private-use
 *   code points are compared as they are), case folding outside the ranges
 *   above, and full (one-to-many) case folding ("ß" and "ss" differ).
 * - A text value that does not decode, and a value of any other type
 *   (NumericString, VisibleString, OCTET STRING, GeneralString, ...), is compared by its
 *   exact TLV: such a value equals only the same type with the same bytes.
 *
 * OpenSSL's own canonical form (X509_NAME_cmp) lower-cases ASCII only and
 * collapses ASCII white space only; every pair of names it finds equal is
 * equal here too, and this finds more (non-ASCII case, the Unicode spaces,
 * the characters mapped to nothing).
 */
#ifndef DT_X509NAME_H
#define DT_X509NAME_H

#include "buf.h"

/* Writes into out (which the caller initialised, and frees with
 * dt_buf_free; the bytes are appended) a canonical byte form of the DER Name
 * in name: two names are equal under the comparison above iff their
 * canonical forms are byte-equal. The form is a DER-like SEQUENCE of SETs of
 * SEQUENCE { OID, value }, each SET's members sorted by their bytes, each
 * text value re-encoded as a UTF8String of its prepared text: it is for
 * comparing and hashing only, never to be written out as a name.
 * DT_ERR_INPUT when name is not one well-formed DER Name (as
 * dt_der_check_name says): callers then compare the exact bytes. DT_ERR_NOMEM, or DT_ERR_LIMIT when
 * out's cap is hit; out then holds what it held before. */
DT_MUST_USE enum dt_err dt_name_canon(struct dt_slice name, struct dt_buf *out);

/* Sets *equal when a and b are byte-equal, or both canonicalise and their
 * canonical forms are equal (a name that does not canonicalise equals only
 * its own bytes). DT_ERR_NOMEM (or DT_ERR_LIMIT) when a canonical form
 * cannot be made: *equal is then false and means nothing. */
DT_MUST_USE enum dt_err dt_name_equal(struct dt_slice a, struct dt_slice b, bool *equal);

/* An index key for hash maps: SHA-256 over a domain label and the canonical
 * form, or, when the name does not canonicalise (DT_ERR_INPUT from
 * dt_name_canon), over another label and the exact bytes (the labels keep
 * the two kinds apart). dt_name_id(a) == dt_name_id(b) iff dt_name_equal(a,
 * b), up to SHA-256 collisions. Fails with DT_ERR_NOMEM (DT_ERR_LIMIT) or as
 * dt_digest_sha256 does, never with a made-up key: out is then not a key. */
DT_MUST_USE enum dt_err dt_name_id(struct dt_slice name, uint8_t out[32]);

#endif
