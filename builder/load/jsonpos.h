/*
 * jsonpos.h - find where a JSON pointer points in a JSON text.
 *
 * jansson reports positions for syntax errors only; policy errors are
 * semantic, so this scanner maps "/entries/3/serial" back to a line and a
 * column of the (already validated) text for file:line:col diagnostics.
 */
#ifndef DT_JSONPOS_H
#define DT_JSONPOS_H

#include "common.h"

struct dt_jsonpos {
    unsigned line, col;          /* of the value (or the key, see below) */
    size_t line_start, line_len; /* byte range of that line in the text */
};

/* Finds the member or element at path (JSON pointer, "" = the root).
 * With at_key, the position is that of the member's key rather than its
 * value (for "unknown key" errors). Returns false if path is not present. */
bool dt_jsonpos_find(const char *text, size_t n, const char *path, bool at_key,
                     struct dt_jsonpos *pos);

/* The JSON pointer of the innermost member or element that encloses byte
 * offset (tolerates invalid text after it), into out. "" at the root. */
void dt_jsonpos_path_at(const char *text, size_t n, size_t offset, char *out, size_t cap);

/* True when containers nest deeper than max_depth; *offset is then the byte
 * offset of the first bracket that goes too deep. */
bool dt_jsonpos_too_deep(const char *text, size_t n, int max_depth, size_t *offset);

/* Line and column of a byte offset (one past the end is the end). */
void dt_jsonpos_at_offset(const char *text, size_t n, size_t offset, struct dt_jsonpos *pos);

#endif
