import string

import pytest

from bot.procedure.i18n import LANGS, MESSAGES, language_of


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_text_has_both_languages_with_the_same_placeholders(key):
    texts = MESSAGES[key]
    assert set(texts) == set(LANGS)
    fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in LANGS]
    # English may use role_lower where zh-TW uses role: both come from the same values.
    assert fields[0] - {"role"} <= fields[1] | {"role_lower"}


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("zh-TW", "zh-TW"), ("zh_TW", "zh-TW"), ("en-US", "en"), ("en-GB", "en"), ("ja-JP", "zh-TW"), (None, "zh-TW"),
     ("", "zh-TW")],
)
def test_language_of_locale(locale, lang):
    assert language_of(locale, "zh-TW") == lang


def test_other_locales_fall_back_to_the_configured_default():
    assert language_of("fr-FR", "en") == "en"
