/*
 * onecrl_rec.h - one record of a OneCRL dump (the Remote Settings records of
 * Firefox's certificate blocklist), checked as cert_storage takes it: a
 * tombstone ("deleted": true), or issuerName + serialNumber, or subject +
 * pubKeyHash (never both, never neither), each a base64 string (blanks
 * around it and missing padding allowed); the name a DER Name, the serial 1
 * to 64 octets, the key hash a SHA-256. Problems are reported at the file
 * and the record's JSON path (/data/N/key). Shared by `import onecrl` and
 * `reconcile`.
 */
#ifndef DT_ONECRL_REC_H
#define DT_ONECRL_REC_H

#include "buf.h"
#include "diag.h"

#include <jansson.h>

struct dt_onecrl_rec {
    bool deleted;   /* a tombstone: nothing else was read */
    bool by_issuer; /* issuerName + serialNumber, else subject + pubKeyHash */
    struct dt_buf a; /* the issuer's or the subject's DER */
    struct dt_buf b; /* the serial's octets, or the SHA-256 of the key */
};

void dt_onecrl_rec_init(struct dt_onecrl_rec *r);
void dt_onecrl_rec_free(struct dt_onecrl_rec *r);

/* The place of record i of file (key NULL: the record), its JSON path
 * written into path (cap bytes). */
void dt_onecrl_rec_place(const char *file, size_t i, const char *key, struct dt_place *pl,
                         char *path, size_t cap);

/* A base64 field of record rec into out (appended); *ok false, and the
 * problem reported, when it is absent (if required) or bad. DT_ERR_NOMEM
 * only. */
DT_MUST_USE enum dt_err dt_onecrl_rec_b64(json_t *rec, size_t i, const char *file,
                                          const char *key, bool required, struct dt_buf *out,
                                          bool *ok, struct dt_diags *d);

/* Reads record i of file into r (initialised by the caller, reset here);
 * *ok false, and every problem reported, when it is bad. DT_ERR_NOMEM only. */
DT_MUST_USE enum dt_err dt_onecrl_rec_read(json_t *rec, size_t i, const char *file,
                                           struct dt_onecrl_rec *r, bool *ok, struct dt_diags *d);

#endif
