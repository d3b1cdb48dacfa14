/* tests/check_suggest.c - edit distance and "did you mean" suggestions. */
#include "config.h"

#include "check_common.h"
#include "suggest.h"

/* Insertions, deletions, substitutions and neighbour swaps count 1 each;
 * case does not count. */
START_TEST(test_suggest_distance)
{
	ck_assert_uint_eq(pf_edit_distance("", ""), 0);
	ck_assert_uint_eq(pf_edit_distance("abc", ""), 3);
	ck_assert_uint_eq(pf_edit_distance("", "abc"), 3);
	ck_assert_uint_eq(pf_edit_distance("noprompt", "noprompt"), 0);
	ck_assert_uint_eq(pf_edit_distance("noprmpt", "noprompt"), 1);   /* deletion */
	ck_assert_uint_eq(pf_edit_distance("sever", "server"), 1);       /* deletion */
	ck_assert_uint_eq(pf_edit_distance("hosts_alow", "hosts_allow"), 1);
	ck_assert_uint_eq(pf_edit_distance("keep_steup", "keep_setup"), 1); /* swap */
	ck_assert_uint_eq(pf_edit_distance("outptus", "outputs"), 1);    /* swap */
	ck_assert_uint_eq(pf_edit_distance("sorce", "source"), 1);
	ck_assert_uint_eq(pf_edit_distance("kitten", "sitting"), 3);
	ck_assert_uint_eq(pf_edit_distance("NoPrompt", "noprompt"), 0);
	ck_assert_uint_eq(pf_edit_distance("ab", "ba"), 1);
	ck_assert_uint_eq(pf_edit_distance("abc", "ca"), 3); /* OSA, not full Damerau */
}
END_TEST

/* Words longer than PF_SUGGEST_MAX are never close (and never overflow). */
START_TEST(test_suggest_long_words)
{
	char big[PF_SUGGEST_MAX + 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_uint_eq(pf_edit_distance(big, "a"), (size_t)-1);
	ck_assert_uint_eq(pf_edit_distance("a", big), (size_t)-1);
	big[PF_SUGGEST_MAX] = '\0';
	ck_assert_uint_eq(pf_edit_distance(big, big), 0);
}
END_TEST

/* The nearest close word, or none when nothing is close. */
START_TEST(test_suggest_pick)
{
	static const char *const iso[] = { "path", "noprompt", "label", "bios", "uefi" };
	static const char *const samba[] = { "dir", "share", "hosts_allow", "server", NULL };
	static const char *const recipe[] = { "source", "outputs", "keep_setup", "start" };

	ck_assert_str_eq(pf_suggest("noprmpt", iso, 5), "noprompt");
	ck_assert_str_eq(pf_suggest("pth", iso, 5), "path");
	ck_assert_str_eq(pf_suggest("NoPrompt", iso, 5), "noprompt");
	ck_assert_str_eq(pf_suggest("hosts_alow", samba, 5), "hosts_allow");
	ck_assert_str_eq(pf_suggest("sever", samba, 5), "server");
	ck_assert_str_eq(pf_suggest("keep_steup", recipe, 4), "keep_setup");
	ck_assert_str_eq(pf_suggest("sorce", recipe, 4), "source");
	ck_assert_str_eq(pf_suggest("outptus", recipe, 4), "outputs");
	/* too far, or a too short typo */
	ck_assert_ptr_null(pf_suggest("compression", iso, 5));
	ck_assert_ptr_null(pf_suggest("x", iso, 5));
	ck_assert_ptr_null(pf_suggest("bi", iso, 5)); /* 2 edits from a 4-letter word */
	/* the word itself is not a suggestion; no words, no suggestion */
	ck_assert_ptr_null(pf_suggest("path", iso, 1));
	ck_assert_ptr_null(pf_suggest("path", iso, 0));
}
END_TEST

static Suite *suite_suggest(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("suggest");

	tcase_add_test(tc, test_suggest_distance);
	tcase_add_test(tc, test_suggest_long_words);
	tcase_add_test(tc, test_suggest_pick);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_suggest)
