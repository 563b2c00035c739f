/*
 * item.h - the items of the model (model.h): order, labels, relation,
 * trust values.
 */
#ifndef DT_ITEM_H
#define DT_ITEM_H

#include "model.h"

/* The trust values an item's object carries: NOT_TRUSTED for the
 * purposes it distrusts and, when it->store is set, the root store's value
 * for the others (else left out). values[k] is NULL for an attribute left
 * out. */
void dt_item_trust_values(const struct dt_item *it, const char *values[3]);

/* The hashes an item's object carries (NULL, NULL when hash-free): the
 * certificate's for the hashed shapes, and for a purpose-limited distrust
 * of a certificate a root store has an object for (it->store) the
 * certificate's or else the store object's. */
void dt_item_hashes(const struct dt_item *it, const uint8_t **sha1, const uint8_t **md5);

/* The label an item gets in certdata.txt. Caller frees with free(). */
char *dt_item_label(const struct dt_item *it);

/* Order of items: issuer, then serial (shorter first on a common prefix). */
int dt_item_cmp(const struct dt_item *a, const struct dt_item *b);

/* Why an expanded item was found, for comments, --explain and the manifest:
 * "same subject and key", with "(subject encoded differently)" or "(key
 * encoded differently)" when the bytes differ, or "same issuer name and
 * serial (issuer encoded differently)". Static text. */
const char *dt_item_relation(const struct dt_item *it);

#endif
