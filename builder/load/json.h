/*
 * jsonfile.h - reading JSON input files (policies, chain cases) with
 * diagnostics that name the place: file:line:column and the JSON pointer,
 * the offending line echoed.
 */
#ifndef DT_JSONFILE_H
#define DT_JSONFILE_H

#include "arena.h"
#include "diag.h"

#include <jansson.h>

/* A JSON text being read, and where its problems go. */
struct dt_jctx {
    const char *display; /* file name in messages */
    const char *dir;     /* directory that relative paths are resolved against */
    const char *text;    /* the whole text, NUL-terminated */
    size_t len;
    struct dt_diags *d;
    struct dt_arena *arena; /* for strings that outlive the json_t */
    enum dt_err rc;         /* DT_ERR_INPUT once an error was reported */
};

/* A place inside a JSON file, with storage for its strings. */
struct dt_where {
    struct dt_place pl;
    char path[192];
    char line[512];
};

/* The place of path + "/" + key (key may be NULL). A path that is not in the
 * text points at its nearest ancestor. at_key: the member's name rather than
 * its value. */
void dt_json_where(const char *display, const char *text, size_t len, struct dt_where *w, bool at_key,
               const char *path, const char *key);

/* Parses j->text: an empty file, a NUL byte, nesting deeper than max_depth,
 * JSON syntax errors and duplicate keys are reported with their place.
 * Returns the root (caller json_decref()s) or NULL. */
json_t *dt_json_parse(struct dt_jctx *j, int max_depth);

void dt_json_err(struct dt_jctx *j, bool at_key, const char *path, const char *key, const char *fmt,
             ...) DT_PRINTF(5, 6);
void dt_json_warn(struct dt_jctx *j, bool at_key, const char *path, const char *key, const char *fmt,
              ...) DT_PRINTF(5, 6);

/* Reports members of obj not in keys[] ("did you mean"). */
void dt_json_check_keys(struct dt_jctx *j, json_t *obj, const char *path, const char *const *keys,
                    size_t n, const char *what);
/* An optional string member (borrowed from obj); a type error is reported. */
const char *dt_json_str(struct dt_jctx *j, json_t *obj, const char *path, const char *key,
                    bool *present);
/* Optional free text (copied into j->arena): at most max bytes, no control
 * characters; with allow_int a number is accepted and turned into text. */
const char *dt_json_text(struct dt_jctx *j, json_t *obj, const char *path, const char *key,
                     bool allow_int, size_t max);
/* An optional member naming one of names[]: its index, or -1. */
int dt_json_enum(struct dt_jctx *j, json_t *obj, const char *path, const char *key,
             const char *const *names, size_t n, bool *present);
/* An optional non-empty path, joined to j->dir (in j->arena). */
const char *dt_json_path(struct dt_jctx *j, json_t *obj, const char *path, const char *key);

/* "\"a\", \"b\", \"c\"" for messages. */
void dt_json_names_list(const char *const *names, size_t n, char *out, size_t cap);

#endif
