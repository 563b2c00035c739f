/* Unit tests: suggest.c ("did you mean"): edit distance a third of the
 * word (at least 1, 2 from five letters), case and '-'/'_' folded, the
 * shared-prefix rule, words too long to compare. */
#include "suggest.h"
#include "unit.h"

int main(void)
{
    const char *keys[] = {"certificate", "serial", "serials_file", "label", "purposes"};
    CHECK_STR(dt_suggest("serail", keys, 5), "serial", "transposition");
    CHECK_STR(dt_suggest("Label", keys, 5), "label", "case");
    CHECK_STR(dt_suggest("serials-file", keys, 5), "serials_file", "dash vs underscore");
    CHECK_STR(dt_suggest("purpose", keys, 5), "purposes", "missing letter");
    CHECK(dt_suggest("zzzzzz", keys, 5) == NULL, "nothing close");

    CHECK_STR(dt_suggest("label", keys, 5), "label", "an exact match is its own suggestion");
    CHECK(dt_suggest("serial", keys, 0) == NULL, "no candidates, no suggestion");
    /* Short words: one edit. */
    const char *short_keys[] = {"bug", "why"};
    CHECK_STR(dt_suggest("bog", short_keys, 2), "bug", "a 3-letter word: one substitution");
    CHECK(dt_suggest("bxx", short_keys, 2) == NULL, "a 3-letter word: two edits are too many");
    /* Five letters: two edits. */
    const char *five[] = {"label"};
    CHECK_STR(dt_suggest("lbael", five, 1), "label", "five letters: two edits allowed");
    CHECK(dt_suggest("lxxxl", five, 1) == NULL, "five letters: three edits are too many");
    /* Nine letters: three edits (a third). */
    const char *nine[] = {"scope_key"};
    CHECK_STR(dt_suggest("scopeXXXy", nine, 1), "scope_key", "nine letters: three edits allowed");
    CHECK(dt_suggest("sXXXX_key", nine, 1) == NULL, "nine letters: four are too many");
    /* The closest wins; the first of equals. */
    const char *two[] = {"targets", "target_s"};
    CHECK_STR(dt_suggest("target", two, 2), "targets", "the closest of two (first of equals)");
    const char *near[] = {"server-auth", "serverauth"};
    CHECK_STR(dt_suggest("serverAuth", near, 2), "serverauth", "the closer one, not the first");
    /* A shared prefix of 4+ characters when the distance is too large. */
    const char *pre[] = {"distrust_after_server"};
    CHECK_STR(dt_suggest("dist", pre, 1), "distrust_after_server",
              "a word that is the start of a candidate (4 characters)");
    CHECK(dt_suggest("dis", pre, 1) == NULL, "but not 3");
    const char *pre2[] = {"cert"};
    CHECK_STR(dt_suggest("certificate_der_and_more", pre2, 1), "cert",
              "a candidate that is the start of the word");
    /* Words of 64 characters or more are not compared by distance. */
    char w[70], c[70];
    memset(w, 'a', 64);
    w[64] = '\0';
    memcpy(c, w, 65);
    c[0] = 'b';
    const char *longc[] = {c};
    CHECK(dt_suggest(w, longc, 1) == NULL, "64-character words: no distance, no common prefix");
    w[63] = '\0';
    c[63] = '\0';
    CHECK_STR(dt_suggest(w, longc, 1), c, "baseline: at 63 characters one edit is found");
    return unit_done();
}
