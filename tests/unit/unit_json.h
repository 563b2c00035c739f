/* Unit tests' JSON helpers (jansson). */
#ifndef UNIT_JSON_H
#define UNIT_JSON_H

#include <jansson.h>

/* The string member k of object o, or "" when it is missing or no string
 * (a missing member fails a comparison, never crashes the test). */
#define JSTR(o, k)                                                                               \
    (json_string_value(json_object_get((o), (k))) ? json_string_value(json_object_get((o), (k))) \
                                                  : "")

#endif
