/*
 * distrust/blob.h - the revocation blob reader (libdistrust.so.1, ABI
 * DISTRUST_1.0). The format is doc/blob-format.md; this API is
 * doc/blob-reader.md.
 *
 * A blob lists certificates the way Firefox's OneCRL does: by DER issuer
 * Name + serial number (the INTEGER's content octets, exactly as encoded),
 * and by DER subject Name + SHA-256 of the DER SubjectPublicKeyInfo.
 *
 * RETURN CONVENTION (every function of this header and of
 * distrust/openssl.h):
 *   - a lookup (dt_blob_has_*, dt_blob_find_issuer, dt_blob_issuer_has)
 *     returns 1 when the blob lists the certificate, 0 when it does not,
 *     and a negative DT_BLOB_ERR_* code otherwise;
 *   - every other function returns 0 (DT_BLOB_OK) or a negative
 *     DT_BLOB_ERR_* code;
 *   - except dt_blob_close(), which returns nothing (NULL is a no-op), and
 *     dt_blob_strerror(), which returns static text.
 * Fail closed: any negative value is an error and never means "not listed".
 * A NULL handle, a NULL pointer where data is expected, a zero length or a
 * struct_size this library does not accept is DT_BLOB_ERR_ARG.
 *
 * ABI: handles are opaque. A struct the caller passes in or gets filled
 * starts with its own size (struct_size): set it with the _INIT macro (or to
 * sizeof the struct) and the library reads or writes only that many bytes,
 * so a program built against this header keeps working with a later
 * libdistrust.so.1 whose structs have grown at their end. struct
 * dt_blob_query is an array element and is frozen as it is. New functions
 * get a new symbol version (DISTRUST_1.1, ...); the DISTRUST_1.0 symbols
 * and these codes never change meaning.
 *
 * Threads: an open blob is immutable and may be read from any number of
 * threads at once. Nothing is global. The library never prints, never
 * exits, and allocates only in dt_blob_open*().
 *
 * No type of the tool (NSS, jansson, its internal headers) appears here;
 * the header is C99 and C++ safe.
 */
#ifndef DISTRUST_BLOB_H
#define DISTRUST_BLOB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* DISTRUST_API marks the exported functions (every one is in the version
 * script DISTRUST_1.0); DISTRUST_MUST_USE, the results a caller must read. */
#if defined(__GNUC__) || defined(__clang__)
#define DISTRUST_API __attribute__((visibility("default")))
#define DISTRUST_MUST_USE __attribute__((warn_unused_result))
#else
#define DISTRUST_API
#define DISTRUST_MUST_USE
#endif

/* Result codes (negative: an error). Values are part of the ABI; a later
 * version may add codes, so treat any negative value as an error. */
#define DT_BLOB_OK 0
/* A bad call: a NULL handle or pointer, a zero length, a struct_size not
 * accepted, a malformed argument. */
#define DT_BLOB_ERR_ARG (-1)
/* Out of memory. */
#define DT_BLOB_ERR_NOMEM (-2)
/* The file cannot be opened or read, or is not a regular file. */
#define DT_BLOB_ERR_IO (-3)
/* Not a valid blob: truncated, corrupted, trailing bytes, an unknown format
 * version. */
#define DT_BLOB_ERR_FORMAT (-4)
/* Larger than max_content_bytes (or the default cap). */
#define DT_BLOB_ERR_LIMIT (-5)
/* A signature is required and the blob is unsigned, signed by another key,
 * or the signature is wrong. */
#define DT_BLOB_ERR_SIGNATURE (-6)
/* A certificate that cannot be read (distrust/openssl.h). */
#define DT_BLOB_ERR_CERT (-7)
/* An OpenSSL call failed: a digest the loaded providers cannot give while a
 * blob is opened (SHA-256 under a configuration without it), or a call of
 * distrust/openssl.h. Says nothing about the blob; do not treat it as
 * corrupted, and never as "not listed". */
#define DT_BLOB_ERR_OPENSSL (-8)
/* A bug in the library: an invariant did not hold. */
#define DT_BLOB_ERR_INTERNAL (-9)

/* Static English text for a result code (0, 1 and unknown codes included).
 * Never NULL. */
DISTRUST_API const char *dt_blob_strerror(int rc);

/* An open blob (opaque). */
struct dt_blob;
/* One issuer of an open blob (opaque; lives as long as the blob). */
struct dt_blob_issuer;

/* Options of dt_blob_open*(). Start from DT_BLOB_OPEN_OPTS_INIT. */
struct dt_blob_open_opts {
    size_t struct_size;         /* sizeof(struct dt_blob_open_opts) */
    const char *verify_key_pem; /* NUL-terminated PEM ECDSA P-256 or P-384 public key
                                 * (or a certificate holding one): the blob must carry
                                 * a valid signature by it. NULL: no signature required
                                 * (nor checked) */
    size_t max_content_bytes;   /* cap on the decompressed content; 0: 1 GiB */
};
#define DT_BLOB_OPEN_OPTS_INIT                    \
    {                                             \
        sizeof(struct dt_blob_open_opts), NULL, 0 \
    }

/* What dt_blob_get_info() reports. Start from DT_BLOB_INFO_INIT. */
struct dt_blob_info {
    size_t struct_size; /* sizeof(struct dt_blob_info) */
    unsigned version;   /* format version (1) */
    uint64_t sequence;      /* the release's number: greater in every release, so a
                             * client keeps the blob with the greatest (a build given
                             * none uses its date in seconds; doc/blob-format.md) */
    int64_t created;        /* seconds since the epoch (the build's --date) */
    uint64_t issuers;       /* issuer names */
    uint64_t serials;       /* issuer + serial entries */
    uint64_t subject_keys;  /* subject + SPKI-hash entries */
    uint64_t ef_groups;     /* serial groups stored Elias-Fano coded, */
    uint64_t raw_groups;    /* and stored as they are (for diagnostics) */
    int is_signed;          /* a signature trailer is present */
    int signature_verified; /* and it was checked against verify_key_pem */
    int signature_bits;     /* 256 (P-256/SHA-256) or 384 (P-384/SHA-384); 0 unsigned */
    const uint8_t *key_id;  /* 32 bytes: SHA-256 of the signer's DER SubjectPublicKeyInfo;
                             * NULL when unsigned. Borrowed: valid until dt_blob_close */
    const uint8_t *digest;  /* 32 bytes: SHA-256 of the header fields and the stored
                             * body. Borrowed: valid until dt_blob_close */
    uint64_t file_bytes;    /* the blob's size */
    uint64_t content_bytes; /* its content, decompressed */
};
#define DT_BLOB_INFO_INIT                                                              \
    {                                                                                  \
        sizeof(struct dt_blob_info), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0, 0 \
    }

/* Opens a blob from memory. The bytes are copied: data can go as soon as
 * the call returns. opts may be NULL (no signature required, 1 GiB cap).
 * Fail closed: a truncated, corrupted, oversized or unknown-version blob,
 * or one without a valid signature when a key is required, is an error,
 * never an empty set.
 * On success *out is the handle (close it with dt_blob_close) and 0 is
 * returned; on failure *out is NULL, a negative code is returned and err
 * (when err_cap > 0) holds a NUL-terminated English reason. err may be NULL
 * when err_cap is 0. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_open(const void *data, size_t len,
                                                const struct dt_blob_open_opts *opts,
                                                struct dt_blob **out, char *err, size_t err_cap);

/* The same from a file. Only a regular file is read: a FIFO, a socket, a
 * device or a directory is refused (DT_BLOB_ERR_IO) without blocking and
 * before anything is read; a file that cannot be opened or read is
 * DT_BLOB_ERR_IO; one larger than any blob the cap allows is
 * DT_BLOB_ERR_LIMIT. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_open_file(const char *path,
                                                     const struct dt_blob_open_opts *opts,
                                                     struct dt_blob **out, char *err,
                                                     size_t err_cap);

/* Frees the blob. NULL is a no-op. Every dt_blob_issuer and every pointer
 * of its dt_blob_info become invalid. */
DISTRUST_API void dt_blob_close(struct dt_blob *b);

/* Fills *info (info->struct_size bytes of it, which must be at least the
 * DISTRUST_1.0 size) with the blob's header and counts. Fields a later
 * header adds that this library does not know are set to zero. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_get_info(const struct dt_blob *b,
                                                    struct dt_blob_info *info);

/* Lookups: 1 listed, 0 not listed, negative on error (see the top).
 *
 * A serial is its DER INTEGER's content octets, exactly as in the
 * certificate (a 00 pad is kept; 80 00 00 01 and 00 80 00 00 01 are two
 * serials). issuer_der / subject_der are the DER Names, exactly as in the
 * certificate. A serial longer than 255 octets is never listed. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_has_serial(const struct dt_blob *b,
                                                      const uint8_t *issuer_der, size_t issuer_len,
                                                      const uint8_t *serial, size_t serial_len);
/* The same with the serial as its whole INTEGER TLV (02 len content):
 * DT_BLOB_ERR_ARG when the bytes are not exactly one DER INTEGER. */
DISTRUST_API DISTRUST_MUST_USE int
dt_blob_has_serial_der(const struct dt_blob *b, const uint8_t *issuer_der, size_t issuer_len,
                       const uint8_t *serial_tlv, size_t tlv_len);
/* By subject and SHA-256 of the DER SubjectPublicKeyInfo (32 bytes). */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_has_spki(const struct dt_blob *b,
                                                    const uint8_t *subject_der, size_t subject_len,
                                                    const uint8_t spki_sha256[32]);

/* Many serials of one issuer: find it once, then ask. Returns 1 and sets
 * *issuer when the blob lists serials of this issuer, 0 (and *issuer NULL)
 * when it lists none. The handle is valid until dt_blob_close(b). */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_find_issuer(const struct dt_blob *b,
                                                       const uint8_t *issuer_der, size_t issuer_len,
                                                       const struct dt_blob_issuer **issuer);
/* 1 when the issuer's serial is listed, 0 when not. A NULL issuer (one
 * dt_blob_find_issuer did not find) is DT_BLOB_ERR_ARG, not "not listed". */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_issuer_has(const struct dt_blob_issuer *issuer,
                                                      const uint8_t *serial, size_t serial_len);

/* One issuer + serial query of dt_blob_lookup_many(). Frozen in
 * DISTRUST_1.0: this struct never changes (it is an array element). */
struct dt_blob_query {
    const uint8_t *issuer;
    size_t issuer_len;
    const uint8_t *serial;
    size_t serial_len;
};

/* Many issuer + serial lookups at once (a batch of certificates, a CRL):
 * listed[i] is set to 1 (listed) or 0 (not listed) for q[i], as
 * dt_blob_has_serial would answer. Faster than one call per query: the
 * memory latencies of neighbouring queries overlap. Returns 0 when every
 * query was answered; DT_BLOB_ERR_ARG when b is NULL, q or listed is NULL
 * with n > 0, or any query has a NULL pointer or a zero length; then no
 * element of listed may be used. */
DISTRUST_API DISTRUST_MUST_USE int dt_blob_lookup_many(const struct dt_blob *b,
                                                       const struct dt_blob_query *q, size_t n,
                                                       uint8_t *listed);

/* Every entry: issuers in blob order and serials ascending within a serial
 * length, then every subject + key. The pointers a callback gets are valid
 * during the call only. A callback returns 0 to go on, anything else to
 * stop the walk (a callback that stops records why in its ctx). Either
 * callback may be NULL (those entries are skipped), not both. Returns 0
 * when the walk ended or was stopped, a negative code on a bad call. */
typedef int (*dt_blob_serial_fn)(const uint8_t *issuer_der, size_t issuer_len,
                                 const uint8_t *serial, size_t serial_len, void *ctx);
typedef int (*dt_blob_spki_fn)(const uint8_t *subject_der, size_t subject_len,
                               const uint8_t spki_sha256[32], void *ctx);
DISTRUST_API DISTRUST_MUST_USE int dt_blob_iterate(const struct dt_blob *b,
                                                   dt_blob_serial_fn on_serial,
                                                   dt_blob_spki_fn on_spki, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* DISTRUST_BLOB_H */
