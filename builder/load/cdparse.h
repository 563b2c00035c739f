/*
 * cdparse.h - the certdata.txt parser, shared by the PKCS#11 module, the
 * verifier and (later) the importer.
 *
 * It follows NSS's certdata.perl: '#' starts a comment outside quotes,
 * blank lines and a BEGINDATA line are skipped, an object starts at every
 * CKA_CLASS line, MULTILINE_OCTAL runs to an END line. It is stricter than
 * certdata.perl where certdata.perl would produce C that does not compile or
 * data NSS would misread: unknown attribute, type or constant names, octal
 * lines holding anything but \ooo, UTF8 values with escapes other than \xHH,
 * a repeated attribute, attributes before the first CKA_CLASS. Every problem
 * is reported as file:line with the line echoed.
 */
#ifndef DT_CDPARSE_H
#define DT_CDPARSE_H

#include "buf.h"
#include "diag.h"

/* The certdata TYPE column. */
enum dt_cd_type {
    DT_CD_OBJECT_CLASS,
    DT_CD_BBOOL,
    DT_CD_CERT_TYPE,
    DT_CD_TRUST,
    DT_CD_UTF8,
    DT_CD_OCTAL,
};

struct dt_cd_attr {
    unsigned long type;   /* CKA_* */
    enum dt_cd_type kind; /* how it was written */
    const uint8_t *value; /* PKCS#11 value bytes: a CK_ULONG (host order) for
                           * classes, certificate types and trust values; one
                           * byte for CK_BBOOL; the bytes of UTF8 and octal
                           * values (len excludes the NUL that always
                           * follows value[len - 1]) */
    size_t len;
    unsigned line;     /* where it starts */
    unsigned end_line; /* where it ends (the END line of an octal value) */
};

struct dt_cd_object {
    struct dt_cd_attr *attrs;
    size_t n_attrs;
    unsigned line;       /* of its CKA_CLASS */
    unsigned first_line; /* of the comment block just before it, else line */
    unsigned last_line;  /* of its last attribute (an octal value's END) */
    unsigned long klass; /* CKO_* */
    const char *comment; /* the comment lines just before the object, or NULL */
};

struct dt_cd_file {
    struct dt_cd_object *objs;
    size_t n_objs;
    bool has_begindata;
    void *priv; /* storage */
};

/* Parses text (named path in messages) into out (free with
 * dt_cdparse_free). Returns DT_ERR_INPUT after reporting every problem. */
DT_MUST_USE enum dt_err dt_cdparse_mem(const char *path, struct dt_slice text, struct dt_cd_file *out,
                                    struct dt_diags *d);
/* Reads and parses a file. */
DT_MUST_USE enum dt_err dt_cdparse_file(const char *path, struct dt_cd_file *out,
                                         struct dt_diags *d);
void dt_cdparse_free(struct dt_cd_file *f);

/* The attribute of an object, or NULL. */
const struct dt_cd_attr *dt_cdparse_get(const struct dt_cd_object *o, unsigned long type);
/* A CK_ULONG-valued attribute (class, certificate type, trust) as a number;
 * false when absent or not such an attribute. */
bool dt_cdparse_get_ulong(const struct dt_cd_object *o, unsigned long type, unsigned long *v);
/* A CK_BBOOL attribute; false when absent. */
bool dt_cdparse_get_bool(const struct dt_cd_object *o, unsigned long type, bool *v);

/* Names of constants, for messages ("CKO_NSS_TRUST"); "?" when unknown. */
const char *dt_cdparse_attr_name(unsigned long type);
const char *dt_cdparse_class_name(unsigned long klass);
const char *dt_cdparse_trust_name(unsigned long trust);

#endif
