/*
 * jsonfile.c - JSON input files with located diagnostics.
 */
#include "json.h"

#include "file.h"
#include "jsonpos.h"
#include "suggest.h"
#include "path.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dt_json_where(const char *display, const char *text, size_t len, struct dt_where *w, bool at_key,
               const char *path, const char *key)
{
    if (key)
        snprintf(w->path, sizeof(w->path), "%s/%s", path, key);
    else
        snprintf(w->path, sizeof(w->path), "%s", path);
    w->pl.file = display;
    w->pl.json_path = w->path;
    w->pl.line = w->pl.col = 0;
    w->pl.source_line = NULL;
    struct dt_jsonpos pos;
    /* The path of a value that is missing points at its parent. */
    char probe[sizeof(w->path)];
    memcpy(probe, w->path, sizeof(probe));
    bool k = at_key;
    for (;;) {
        if (dt_jsonpos_find(text, len, probe, k, &pos)) {
            w->pl.line = pos.line;
            w->pl.col = pos.col;
            size_t n = pos.line_len < sizeof(w->line) - 1 ? pos.line_len : sizeof(w->line) - 1;
            memcpy(w->line, text + pos.line_start, n);
            w->line[n] = '\0';
            w->pl.source_line = w->line;
            break;
        }
        char *slash = strrchr(probe, '/');
        if (!slash)
            break;
        *slash = '\0';
        k = true;
        if (!probe[0]) {
            if (dt_jsonpos_find(text, len, "", false, &pos)) {
                w->pl.line = pos.line;
                w->pl.col = pos.col;
            }
            break;
        }
    }
}

static void vreport(struct dt_jctx *j, enum dt_severity sev, bool at_key, const char *path,
                    const char *key, const char *fmt, va_list ap)
{
    struct dt_where w;
    dt_json_where(j->display, j->text, j->len, &w, at_key, path, key);
    dt_diag_vreport(j->d, sev, &w.pl, fmt, ap);
    if (sev == DT_ERROR && j->rc == DT_OK)
        j->rc = DT_ERR_INPUT;
}

void dt_json_err(struct dt_jctx *j, bool at_key, const char *path, const char *key, const char *fmt,
             ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(j, DT_ERROR, at_key, path, key, fmt, ap);
    va_end(ap);
}

void dt_json_warn(struct dt_jctx *j, bool at_key, const char *path, const char *key, const char *fmt,
              ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(j, DT_WARNING, at_key, path, key, fmt, ap);
    va_end(ap);
}

/* A problem at a byte offset of the text (syntax errors), with the JSON
 * pointer of what encloses path_offset. */
static void err_at_offset(struct dt_jctx *j, size_t offset, size_t path_offset, const char *fmt,
                          ...) DT_PRINTF(4, 5);
static void err_at_offset(struct dt_jctx *j, size_t offset, size_t path_offset, const char *fmt,
                          ...)
{
    struct dt_jsonpos pos;
    char path[192], line[512];
    if (offset > j->len)
        offset = j->len;
    dt_jsonpos_at_offset(j->text, j->len, offset, &pos);
    dt_jsonpos_path_at(j->text, j->len, path_offset, path, sizeof(path));
    size_t n = pos.line_len < sizeof(line) - 1 ? pos.line_len : sizeof(line) - 1;
    memcpy(line, j->text + pos.line_start, n);
    line[n] = '\0';
    /* NUL bytes would cut the echoed line short. */
    for (size_t i = 0; i < n; i++)
        if (line[i] == '\0')
            line[i] = ' ';
    struct dt_place pl = {j->display, pos.line, pos.col, path[0] ? path : NULL, n ? line : NULL};
    va_list ap;
    va_start(ap, fmt);
    dt_diag_vreport(j->d, DT_ERROR, &pl, fmt, ap);
    va_end(ap);
    j->rc = DT_ERR_INPUT;
}

json_t *dt_json_parse(struct dt_jctx *j, int max_depth)
{
    json_error_t jerr;
    size_t at;
    if (dt_file_starts_with_bom(j->text, j->len)) {
        err_at_offset(j, 0, 0, "%s", DT_BOM_JSON_MESSAGE);
        return NULL;
    }
    if (j->len == 0 || strspn(j->text, " \t\r\n") == j->len) {
        struct dt_place pl = {j->display, 1, 1, NULL, NULL};
        dt_diag_report(j->d, DT_ERROR, &pl, "the file is empty (expected one JSON object)");
        j->rc = DT_ERR_INPUT;
        return NULL;
    }
    const char *nul = memchr(j->text, '\0', j->len);
    if (nul) {
        size_t off = (size_t)(nul - j->text);
        err_at_offset(j, off, off, "the file contains a NUL byte");
        return NULL;
    }
    if (dt_jsonpos_too_deep(j->text, j->len, max_depth, &at)) {
        err_at_offset(j, at, at, "JSON nested deeper than the limit of %d levels", max_depth);
        return NULL;
    }
    json_t *root = json_loadb(j->text, j->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root)
        return root;
    /* jansson's position is just past the offending token. */
    size_t off = jerr.position > 0 ? (size_t)jerr.position - 1 : 0;
    if (strstr(jerr.text, "duplicate object key")) {
        /* Report the key itself, not the end of it. */
        size_t k = off >= 1 ? off - 1 : 0;
        while (k > 0 && j->text[k] != '"')
            k--;
        err_at_offset(j, k, off + 1, "duplicate key: a key may appear once in an object");
    } else if (strstr(jerr.text, "JSON_ALLOW_NUL")) {
        err_at_offset(j, off, off, "invalid JSON: \\u0000 (NUL) is not allowed in strings");
    } else {
        err_at_offset(j, off, off, "invalid JSON: %s", jerr.text);
    }
    return NULL;
}

void dt_json_names_list(const char *const *names, size_t n, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(out, i ? ", \"" : "\"", cap - strlen(out) - 1);
        strncat(out, names[i], cap - strlen(out) - 1);
        strncat(out, "\"", cap - strlen(out) - 1);
    }
}

void dt_json_check_keys(struct dt_jctx *j, json_t *obj, const char *path, const char *const *keys,
                    size_t n, const char *what)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        bool known = false;
        for (size_t i = 0; i < n; i++)
            if (strcmp(k, keys[i]) == 0)
                known = true;
        if (known)
            continue;
        const char *s = dt_suggest(k, keys, n);
        if (s)
            dt_json_err(j, true, path, k, "unknown key \"%s\" in %s; did you mean \"%s\"?", k, what, s);
        else
            dt_json_err(j, true, path, k, "unknown key \"%s\" in %s", k, what);
    }
}

const char *dt_json_str(struct dt_jctx *j, json_t *obj, const char *path, const char *key,
                    bool *present)
{
    json_t *v = json_object_get(obj, key);
    *present = v != NULL;
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        dt_json_err(j, false, path, key, "\"%s\" must be a string", key);
        return NULL;
    }
    return json_string_value(v);
}

static char *adup(struct dt_jctx *j, const char *s)
{
    char *c = dt_arena_strdup(j->arena, s);
    if (!c)
        j->rc = DT_ERR_NOMEM;
    return c;
}

const char *dt_json_text(struct dt_jctx *j, json_t *obj, const char *path, const char *key,
                     bool allow_int, size_t max)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return NULL;
    if (allow_int && json_is_integer(v)) {
        char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        return adup(j, num);
    }
    if (!json_is_string(v)) {
        dt_json_err(j, false, path, key,
                allow_int ? "\"%s\" must be a string or a number" : "\"%s\" must be a string", key);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > max) {
        dt_json_err(j, false, path, key, "\"%s\" is longer than the %zu-byte limit", key, max);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned char c2 = i + 1 < n ? (unsigned char)s[i + 1] : 0;
        if (c < 0x20 || c == 0x7f) {
            dt_json_err(j, false, path, key, "\"%s\" contains a control character (byte 0x%02x)", key,
                    c);
            return NULL;
        }
        if (c == 0xc2 && c2 >= 0x80 && c2 <= 0x9f) {
            dt_json_err(j, false, path, key, "\"%s\" contains a control character (U+%04X)", key, c2);
            return NULL;
        }
    }
    return adup(j, s);
}

int dt_json_enum(struct dt_jctx *j, json_t *obj, const char *path, const char *key,
             const char *const *names, size_t n, bool *present)
{
    const char *s = dt_json_str(j, obj, path, key, present);
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    const char *sug = dt_suggest(s, names, n);
    char list[200];
    dt_json_names_list(names, n, list, sizeof(list));
    if (sug)
        dt_json_err(j, false, path, key, "unknown %s \"%s\"; did you mean \"%s\"? (one of %s)", key, s,
                sug, list);
    else
        dt_json_err(j, false, path, key, "unknown %s \"%s\" (one of %s)", key, s, list);
    return -1;
}

const char *dt_json_path(struct dt_jctx *j, json_t *obj, const char *path, const char *key)
{
    bool present;
    const char *s = dt_json_str(j, obj, path, key, &present);
    if (!s)
        return NULL;
    if (!*s) {
        dt_json_err(j, false, path, key, "\"%s\" is empty", key);
        return NULL;
    }
    char *joined = dt_path_join(j->dir, s);
    if (!joined) {
        j->rc = DT_ERR_NOMEM;
        return NULL;
    }
    char *c = adup(j, joined);
    free(joined);
    return c;
}
