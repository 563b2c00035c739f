/*
 * nssname.h - distinguished names as NSS prints them.
 *
 * certdata.txt comments are written by nss-addbuiltin with NSS's own name
 * printer (CERT_NameToAscii). Using the same function here makes our
 * comment blocks identical to the reference emitter's. Only the text of
 * comments and default labels comes from here; no DER is re-encoded.
 */
#ifndef DT_NSSNAME_H
#define DT_NSSNAME_H

#include "common.h"

/* The name as nss-addbuiltin prints it after "# Issuer: ": RFC 1485 text,
 * most specific RDN first, bytes outside printable ASCII shown as '.',
 * "(empty)" for an empty name and "!Invalid AVA!" when NSS cannot print it.
 * Caller frees with free(); NULL only on allocation failure. */
char *dt_nssname_comment(struct dt_slice der);

/* The name as UTF-8 RFC 1485 text (no '.' substitution), or NULL.
 * Caller frees with free(). */
char *dt_nssname_text(struct dt_slice der);

/* The most specific common name as UTF-8, or NULL when there is none.
 * Caller frees with free(). */
char *dt_nssname_common_name(struct dt_slice der);

/* A name to show a certificate by: its common name, else its whole subject
 * as text. Caller frees with free(). */
char *dt_nssname_display(struct dt_slice der);

#endif
