/*
 * core/langid.c - Windows language IDs of the language tags a Windows
 * image names as its default language (WINDOWS/LANGUAGES/DEFAULT in the
 * WIM's XML): the languages Windows setup media ship in.  A driver INF's
 * [Strings.LLLL] section is chosen by this ID (see docs/drivers.md).
 */
#include "config.h"

#include <stddef.h>
#include <strings.h>

#include "media.h"

static const struct {
	const char *tag;
	unsigned id;
} langids[] = {
	{ "ar-SA", 0x0401 }, { "bg-BG", 0x0402 }, { "zh-TW", 0x0404 }, { "cs-CZ", 0x0405 },
	{ "da-DK", 0x0406 }, { "de-DE", 0x0407 }, { "el-GR", 0x0408 }, { "en-US", 0x0409 },
	{ "es-ES", 0x0c0a }, { "fi-FI", 0x040b }, { "fr-FR", 0x040c }, { "he-IL", 0x040d },
	{ "hu-HU", 0x040e }, { "it-IT", 0x0410 }, { "ja-JP", 0x0411 }, { "ko-KR", 0x0412 },
	{ "nl-NL", 0x0413 }, { "nb-NO", 0x0414 }, { "pl-PL", 0x0415 }, { "pt-BR", 0x0416 },
	{ "ro-RO", 0x0418 }, { "ru-RU", 0x0419 }, { "hr-HR", 0x041a }, { "sk-SK", 0x041b },
	{ "sv-SE", 0x041d }, { "th-TH", 0x041e }, { "tr-TR", 0x041f }, { "uk-UA", 0x0422 },
	{ "sl-SI", 0x0424 }, { "et-EE", 0x0425 }, { "lv-LV", 0x0426 }, { "lt-LT", 0x0427 },
	{ "zh-CN", 0x0804 }, { "en-GB", 0x0809 }, { "es-MX", 0x080a }, { "pt-PT", 0x0816 },
	{ "sr-Latn-RS", 0x241a }, { "fr-CA", 0x0c0c }, { "de-CH", 0x0807 }, { "zh-HK", 0x0c04 },
};

unsigned pf_langid_of(const char *tag)
{
	size_t i;

	if (!tag)
		return 0;
	for (i = 0; i < sizeof(langids) / sizeof(langids[0]); i++)
		if (!strcasecmp(langids[i].tag, tag))
			return langids[i].id;
	return 0;
}
