/*
 * jsonpos.c - JSON pointer to line:column.
 */
#include "jsonpos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scan {
    const char *s;
    size_t n, i;
    int depth;
};

static void skip_ws(struct scan *sc)
{
    while (sc->i < sc->n) {
        char c = sc->s[sc->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        sc->i++;
    }
}

/* Skips a string starting at the opening quote. */
static bool skip_string(struct scan *sc)
{
    if (sc->i >= sc->n || sc->s[sc->i] != '"')
        return false;
    sc->i++;
    while (sc->i < sc->n) {
        char c = sc->s[sc->i++];
        if (c == '\\') {
            sc->i++;
            continue;
        }
        if (c == '"')
            return true;
    }
    return false;
}

static bool skip_value(struct scan *sc)
{
    skip_ws(sc);
    if (sc->i >= sc->n)
        return false;
    char c = sc->s[sc->i];
    if (c == '"')
        return skip_string(sc);
    if (c == '{' || c == '[') {
        int level = 0;
        while (sc->i < sc->n) {
            c = sc->s[sc->i];
            if (c == '"') {
                if (!skip_string(sc))
                    return false;
                continue;
            }
            sc->i++;
            if (c == '{' || c == '[')
                level++;
            else if (c == '}' || c == ']') {
                if (--level == 0)
                    return true;
            }
        }
        return false;
    }
    while (sc->i < sc->n) {
        c = sc->s[sc->i];
        if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            break;
        sc->i++;
    }
    return true;
}

/* Compares the JSON string at sc->i (a key) with a pointer token (already
 * unescaped from ~0/~1). Handles the common escapes; \u escapes compare by
 * code point for the BMP. Advances past the string. */
static bool key_equals(struct scan *sc, const char *tok, size_t toklen)
{
    size_t k = 0;
    bool eq = true;
    sc->i++; /* opening quote */
    while (sc->i < sc->n) {
        char c = sc->s[sc->i++];
        if (c == '"')
            return eq && k == toklen;
        if (c == '\\' && sc->i < sc->n) {
            char e = sc->s[sc->i++];
            char out = e;
            if (e == 'n')
                out = '\n';
            else if (e == 't')
                out = '\t';
            else if (e == 'r')
                out = '\r';
            else if (e == 'b')
                out = '\b';
            else if (e == 'f')
                out = '\f';
            else if (e == 'u') {
                /* Only ASCII escapes are compared exactly. */
                unsigned v = 0;
                for (int j = 0; j < 4 && sc->i < sc->n; j++) {
                    char h = sc->s[sc->i++];
                    v = v * 16 + (unsigned)(h >= 'a'   ? h - 'a' + 10
                                            : h >= 'A' ? h - 'A' + 10
                                                       : h - '0');
                }
                out = v < 0x80 ? (char)v : '\x01';
            }
            c = out;
        }
        if (k >= toklen || tok[k] != c)
            eq = false;
        k++;
    }
    return false;
}

static void set_pos(const struct scan *sc, size_t at, struct dt_jsonpos *pos)
{
    if (at > sc->n)
        at = sc->n; /* an offset past the end is the end */
    unsigned line = 1;
    size_t ls = 0;
    for (size_t i = 0; i < at && i < sc->n; i++) {
        if (sc->s[i] == '\n') {
            line++;
            ls = i + 1;
        }
    }
    size_t le = ls;
    while (le < sc->n && sc->s[le] != '\n')
        le++;
    if (le > ls && sc->s[le - 1] == '\r')
        le--;
    /* Column in characters: count UTF-8 lead bytes. */
    unsigned col = 1;
    for (size_t i = ls; i < at; i++)
        if (((unsigned char)sc->s[i] & 0xc0) != 0x80)
            col++;
    pos->line = line;
    pos->col = col;
    pos->line_start = ls;
    pos->line_len = le - ls;
}

/* Next token of a JSON pointer, unescaped into buf. */
static bool next_token(const char **path, char *buf, size_t cap, size_t *len)
{
    const char *p = *path;
    if (*p != '/')
        return false;
    p++;
    size_t k = 0;
    while (*p && *p != '/') {
        char c = *p++;
        if (c == '~' && (*p == '0' || *p == '1')) {
            c = *p == '0' ? '~' : '/';
            p++;
        }
        if (k + 1 >= cap)
            return false;
        buf[k++] = c;
    }
    buf[k] = '\0';
    *len = k;
    *path = p;
    return true;
}

bool dt_jsonpos_find(const char *text, size_t n, const char *path, bool at_key,
                     struct dt_jsonpos *pos)
{
    struct scan sc = {text, n, 0, 0};
    char tok[256];
    size_t toklen;
    size_t key_at = 0;
    bool have_key = false;

    skip_ws(&sc);
    while (*path) {
        if (!next_token(&path, tok, sizeof(tok), &toklen))
            return false;
        skip_ws(&sc);
        if (sc.i >= n)
            return false;
        if (text[sc.i] == '{') {
            sc.i++;
            bool found = false;
            for (;;) {
                skip_ws(&sc);
                if (sc.i >= n || text[sc.i] == '}')
                    return false;
                if (text[sc.i] == ',') {
                    sc.i++;
                    continue;
                }
                if (text[sc.i] != '"')
                    return false;
                size_t here = sc.i;
                bool eq = key_equals(&sc, tok, toklen);
                skip_ws(&sc);
                if (sc.i >= n || text[sc.i] != ':')
                    return false;
                sc.i++;
                if (eq) {
                    key_at = here;
                    have_key = true;
                    found = true;
                    break;
                }
                if (!skip_value(&sc))
                    return false;
            }
            if (!found)
                return false;
        } else if (text[sc.i] == '[') {
            char *end;
            unsigned long want = strtoul(tok, &end, 10);
            if (!toklen || *end)
                return false;
            sc.i++;
            for (unsigned long idx = 0;; idx++) {
                skip_ws(&sc);
                if (sc.i >= n || text[sc.i] == ']')
                    return false;
                if (idx == want)
                    break;
                if (!skip_value(&sc))
                    return false;
                skip_ws(&sc);
                if (sc.i < n && text[sc.i] == ',')
                    sc.i++;
            }
            have_key = false;
        } else {
            return false;
        }
    }
    skip_ws(&sc);
    set_pos(&sc, at_key && have_key ? key_at : sc.i, pos);
    return true;
}

/* ---- offset to path, depth --------------------------------------------- */

struct frame {
    bool object;
    bool have_key; /* object: a key was read for the current member */
    size_t index;  /* array: current element */
    char key[96];
};

#define MAX_FRAMES 64

static void append_token(char *out, size_t cap, const char *tok)
{
    size_t n = strlen(out);
    if (n + 1 < cap)
        out[n++] = '/';
    for (const char *p = tok; *p && n + 2 < cap; p++) {
        if (*p == '~' || *p == '/') {
            out[n++] = '~';
            out[n++] = *p == '~' ? '0' : '1';
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* Scans up to `stop` bytes; returns the frame depth reached there (or the
 * offset where depth first exceeded max_depth, via *deep_at). */
static int scan_frames(const char *text, size_t n, size_t stop, struct frame *fr, int max_depth,
                       size_t *deep_at)
{
    int depth = 0;
    size_t i = 0;
    if (stop > n)
        stop = n;
    while (i < stop) {
        char c = text[i];
        if (c == '"') {
            size_t start = ++i;
            while (i < n && text[i] != '"') {
                if (text[i] == '\\')
                    i++;
                i++;
            }
            if (depth > 0 && depth <= MAX_FRAMES && fr[depth - 1].object &&
                !fr[depth - 1].have_key) {
                /* Is this string a key? Look ahead for ':'. */
                size_t j = i + 1;
                while (j < n &&
                       (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r'))
                    j++;
                if (j < n && text[j] == ':') {
                    size_t len = i - start;
                    if (len >= sizeof(fr[0].key))
                        len = sizeof(fr[0].key) - 1;
                    memcpy(fr[depth - 1].key, text + start, len);
                    fr[depth - 1].key[len] = '\0';
                    fr[depth - 1].have_key = true;
                }
            }
            i++;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
            if (depth > max_depth && deep_at) {
                *deep_at = i;
                return depth;
            }
            if (depth <= MAX_FRAMES) {
                fr[depth - 1].object = c == '{';
                fr[depth - 1].have_key = false;
                fr[depth - 1].index = 0;
                fr[depth - 1].key[0] = '\0';
            }
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
        } else if (c == ',' && depth > 0 && depth <= MAX_FRAMES) {
            if (fr[depth - 1].object)
                fr[depth - 1].have_key = false;
            else
                fr[depth - 1].index++;
        }
        i++;
    }
    return depth;
}

void dt_jsonpos_path_at(const char *text, size_t n, size_t offset, char *out, size_t cap)
{
    struct frame fr[MAX_FRAMES];
    out[0] = '\0';
    int depth = scan_frames(text, n, offset, fr, 1 << 30, NULL);
    if (depth > MAX_FRAMES)
        depth = MAX_FRAMES;
    for (int k = 0; k < depth; k++) {
        if (fr[k].object) {
            if (!fr[k].have_key)
                break;
            append_token(out, cap, fr[k].key);
        } else {
            char idx[24];
            snprintf(idx, sizeof(idx), "%zu", fr[k].index);
            append_token(out, cap, idx);
        }
    }
}

bool dt_jsonpos_too_deep(const char *text, size_t n, int max_depth, size_t *offset)
{
    struct frame fr[MAX_FRAMES];
    *offset = 0;
    int depth = scan_frames(text, n, n, fr, max_depth, offset);
    return depth > max_depth;
}

void dt_jsonpos_at_offset(const char *text, size_t n, size_t offset, struct dt_jsonpos *pos)
{
    struct scan sc = {text, n, 0, 0};
    set_pos(&sc, offset, pos);
}
