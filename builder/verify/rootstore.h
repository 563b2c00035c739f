/*
 * rootstore.h - a built-in root store made of trust anchors, with a build
 * merged into it: what Firefox's root-store configuration serves (as its
 * built-in roots module) for chain cases whose anchors are certificate
 * files.
 *
 * A root program that ships a build ships its root store with the build's
 * objects in it (`distrust build --certdata`). A case anchored at
 * certificate files has no upstream root store, so the verifier makes one:
 * each anchor as `nss-addbuiltin -t "CT,C,C"` writes it (a trust anchor for
 * every purpose), then the build's OUT/certdata-distrust.txt merged in by
 * the merge's rules for one trusted anchor:
 *   - an anchor the build gives a certificate object (a distrust-after
 *     date, or a distrusted root) is written with that object's dates;
 *   - an anchor the build gives a trust object is trusted for the purposes
 *     the build's object leaves out, and takes the build's value for the
 *     purposes it names;
 *   - every other object of the build (intermediates, leaves, hash-free
 *     trust objects of other certificates) is copied as it is written.
 * Anchors are matched with the build's objects by issuer and serial (trust
 * objects) and by DER (certificate objects).
 */
#ifndef DT_ROOTSTORE_H
#define DT_ROOTSTORE_H

#include "buf.h"
#include "cert.h"
#include "diag.h"

/* Writes into out (appended) a certdata.txt serving anchors[0..n) as
 * trusted built-in roots, with build (the text of a build's
 * certdata-distrust.txt, named build_path in messages; build.p NULL: the
 * anchors alone) merged in as above; who names the writer in the header.
 * DT_ERR_INPUT (reported into d) when the build's file does not parse,
 * DT_ERR_NOMEM. */
DT_MUST_USE enum dt_err dt_rootstore_of_anchors(struct dt_buf *out, struct dt_cert *const *anchors,
                                                size_t n, const char *build_path,
                                                struct dt_slice build, const char *who,
                                                struct dt_diags *d);

#endif
