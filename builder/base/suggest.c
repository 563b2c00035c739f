/*
 * suggest.c - edit distance for "did you mean".
 */
#include "suggest.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define MAXW 64

static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= MAXW || lb >= MAXW)
        return SIZE_MAX;
    size_t prev[MAXW + 1], cur[MAXW + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]);
            int cb = tolower((unsigned char)b[j - 1]);
            if (ca == '-')
                ca = '_';
            if (cb == '-')
                cb = '_';
            size_t sub = prev[j - 1] + (ca != cb);
            size_t del = prev[j] + 1;
            size_t ins = cur[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, sizeof(size_t) * (lb + 1));
    }
    return prev[lb];
}

const char *dt_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    size_t wl = strlen(word);
    size_t limit = wl / 3 > 1 ? wl / 3 : 1;
    if (limit < 2 && wl >= 5)
        limit = 2;
    for (size_t i = 0; i < n; i++) {
        /* The distance is at least the difference in length. */
        size_t cl = strlen(candidates[i]);
        if ((cl > wl ? cl - wl : wl - cl) > limit)
            continue;
        size_t d = distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    if (best && best_d <= limit)
        return best;
    for (size_t i = 0; i < n; i++) {
        size_t cl = strlen(candidates[i]);
        size_t k = wl < cl ? wl : cl;
        if (k >= 4 && strncasecmp(word, candidates[i], k) == 0)
            return candidates[i];
    }
    return NULL;
}
