/*
 * utf8.h - strict UTF-8: the one decoder of the names, the policy texts the
 * CCADB importer writes and the JSON reconcile writes (no overlong forms,
 * no surrogates, nothing above U+10FFFF).
 */
#ifndef DT_UTF8_H
#define DT_UTF8_H

#include "slice.h"

#include <stdint.h>

/* Decodes the strict UTF-8 sequence at s.p[*i] into *cp and moves *i past
 * it; false (*i unchanged) when the bytes there are not one. */
bool dt_utf8_next(struct dt_slice s, size_t *i, uint32_t *cp);

#endif
