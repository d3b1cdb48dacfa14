/* core/suggest.c - "did you mean ...?": the nearest known word to a typo. */
#include "config.h"

#include <string.h>

#include "suggest.h"

/* C lower-cased when it is an ASCII capital. */
static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * Optimal string alignment distance with three rows of the dynamic
 * programming table (the two before are needed for a swap).
 */
size_t pf_edit_distance(const char *a, const char *b)
{
	size_t rows[3][PF_SUGGEST_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > PF_SUGGEST_MAX || lb > PF_SUGGEST_MAX)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
			size_t best = prev[j - 1] + cost;

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *pf_suggest(const char *typo, const char *const *words, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(typo), i;

	for (i = 0; i < n; i++) {
		size_t d, limit;

		if (!words[i] || !strcmp(typo, words[i]))
			continue;
		d = pf_edit_distance(typo, words[i]);
		limit = strlen(words[i]) <= 4 ? 1 : 2;
		if (d > limit || (d && d >= len) || d >= best_d)
			continue;
		best = words[i];
		best_d = d;
	}
	return best;
}
