/*
 * unit_cert.h - the unit tests' shared readers of fixture certificates and
 * of certdata objects: the one certificate of a testdata file, and a trust
 * object's value for a purpose.
 */
#ifndef DT_UNIT_CERT_H
#define DT_UNIT_CERT_H

#include "cdparse.h"
#include "cert.h"
#include "unit.h"

/* The one certificate of a file (diagnostics into u), or NULL; freed with
 * dt_cert_list_free(l). */
static inline const struct dt_cert *unit_cert_of(struct unit_diags *u, const char *path,
                                                 struct dt_certlist *l)
{
    struct dt_diags d;
    unit_diags_setup(u, &d);
    memset(l, 0, sizeof(*l));
    if (dt_cert_load_file(path, l, &d, NULL) != DT_OK || l->n != 1)
        return NULL;
    return l->v[0];
}

/* Whether object o has the trust value want for attribute type. */
static inline bool unit_trust_is(const struct dt_cd_object *o, unsigned long type,
                                 unsigned long want)
{
    unsigned long v;
    return o && dt_cdparse_get_ulong(o, type, &v) && v == want;
}

#endif
