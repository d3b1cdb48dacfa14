/* core/suggest.h - "did you mean ...?": the nearest known word to a typo. */
#ifndef PEFORGE_CORE_SUGGEST_H
#define PEFORGE_CORE_SUGGEST_H

#include <stddef.h>

/*
 * The edit distance between A and B: insertions, deletions, substitutions
 * and swaps of two neighbouring characters each count 1 (optimal string
 * alignment).  ASCII letters compare case-insensitively.  Words longer
 * than PF_SUGGEST_MAX characters are never close: the result is then
 * (size_t)-1.
 */
#define PF_SUGGEST_MAX 64
size_t pf_edit_distance(const char *a, const char *b);

/*
 * The word of WORDS (N of them; NULL entries and TYPO itself are skipped)
 * nearest to TYPO when it is close enough to be a typo of it (distance 1
 * for words of up to 4 characters, 2 for longer ones, and less than the
 * typo's length; a word differing only in case is nearest), else NULL.
 * On a tie the first one wins.
 */
const char *pf_suggest(const char *typo, const char *const *words, size_t n);

#endif
