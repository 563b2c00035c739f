/*
 * der.h - the DER model: exact bytes as they stand in certificates.
 *
 * Issuer, subject and serial are never re-encoded: every field is a slice of
 * the certificate's own DER. OpenSSL re-encodes negative serials and rejects
 * non-minimal ones, and NSS matches trust by exact bytes, so this small
 * walker is the authority for field extraction; OpenSSL is consulted as a
 * second opinion (see cert.c).
 *
 * Functions returning const char * return NULL on success and a static
 * English reason on failure.
 */
#ifndef DT_DER_H
#define DT_DER_H

#include "buf.h"

#define DT_TAG_BOOLEAN 0x01
#define DT_TAG_INTEGER 0x02
#define DT_TAG_BITSTRING 0x03
#define DT_TAG_OCTETSTRING 0x04
#define DT_TAG_OID 0x06
#define DT_TAG_UTCTIME 0x17
#define DT_TAG_GENTIME 0x18
#define DT_TAG_SEQUENCE 0x30
#define DT_TAG_SET 0x31

struct dt_tlv {
    unsigned tag;        /* first identifier octet */
    struct dt_slice all; /* tag, length and contents */
    struct dt_slice val; /* contents */
};

/* Reads one TLV from the front of *in and advances *in past it. Definite
 * lengths only (BER indefinite length is refused). */
const char *dt_der_read(struct dt_slice *in, struct dt_tlv *out);

/* Reads exactly one TLV spanning all of in, with the given tag. */
const char *dt_der_read_one(struct dt_slice in, unsigned tag, struct dt_tlv *out);

/* The fields of an X.509 certificate, as slices of its DER. */
struct dt_certinfo {
    struct dt_slice tbs;        /* TBSCertificate TLV */
    unsigned version;           /* 1, 2 or 3 */
    struct dt_slice serial;     /* INTEGER contents octets, as they stand */
    struct dt_slice issuer;     /* Name TLV */
    struct dt_slice not_before; /* Time TLV */
    struct dt_slice not_after;  /* Time TLV */
    struct dt_slice subject;    /* Name TLV */
    struct dt_slice spki;       /* SubjectPublicKeyInfo TLV */
    bool has_basic_constraints;
    bool is_ca; /* basicConstraints cA = TRUE */
};

/* Parses a certificate that spans exactly der. */
const char *dt_der_parse_cert(struct dt_slice der, struct dt_certinfo *ci);

/* Checks that name is one DER Name TLV: SEQUENCE OF SET OF
 * SEQUENCE { OID, value }. */
const char *dt_der_check_name(struct dt_slice name);

/* Converts a Time TLV (UTCTime or GeneralizedTime) to seconds since the
 * epoch. UTCTime years 50..99 are 19xx, as RFC 5280 says. */
const char *dt_der_time(struct dt_slice tlv, int64_t *t);

/* INTEGER contents helpers. */
bool dt_der_int_is_negative(struct dt_slice content);
bool dt_der_int_is_minimal(struct dt_slice content);
/* Writes the DER INTEGER TLV (02, length, content) into out. */
DT_MUST_USE enum dt_err dt_der_int_wrap(struct dt_slice content, struct dt_buf *out);

#endif
