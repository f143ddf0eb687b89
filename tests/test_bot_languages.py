"""A conversation in each language shows no English beyond names, addresses and URLs."""

from __future__ import annotations

import re

import pytest
import yaml

from bot import LANGUAGES
from bot.i18n import LOCALE_DIR
from bot.i18n_status import read_catalog
from bot.search.lexicon import Lexicon
from tests.bot_harness import Bot
from tests.conftest import REAL_CATALOG

USER = 777
LATIN_SCRIPT = {"fr", "es", "tr", "so"}
TAGS = re.compile(r"<[^>]+>")
URLS = re.compile(r"https?://\S+|\S+@\S+|/[a-z_]+\b|\b[\w-]+(?:\.[\w-]+)+\S*")
"""links, emails, /commands and domain names are not English text"""
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")




def english_fragments() -> list[str]:
    """The opening words of every interface sentence, up to its first placeholder or tag."""
    fragments = []
    for message in read_catalog(LOCALE_DIR / "messages.pot"):
        text = message.id if isinstance(message.id, str) else message.id[0] if message.id else ""
        head = re.split(r"[{<\n]", text)[0].strip(" .:,")
        if len(head) >= 12 and len(head.split()) >= 3:
            fragments.append(head)
    return fragments


def allowed_latin(lang: str) -> set[str]:
    """Latin words the translators themselves used: proper names, NHS, GP, Harbour, /start."""
    words: set[str] = set()
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    for message in read_catalog(po):
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        for text in strings:
            words.update(w.lower() for w in LATIN_WORD.findall(text or ""))
    path = REAL_CATALOG / "translations" / f"{lang}.yaml"
    words.update(w.lower() for w in LATIN_WORD.findall(path.read_text(encoding="utf-8")))
    for org in (REAL_CATALOG / "organizations").glob("*.yaml"):
        doc = yaml.safe_load(org.read_text(encoding="utf-8"))
        for item in [doc, *doc["services"]]:  # names and addresses are proper names
            words.update(w.lower() for w in LATIN_WORD.findall(item["name"]))
            for loc in item.get("locations", ()):
                words.update(w.lower() for w in LATIN_WORD.findall(
                    f"{loc.get('name', '')} {loc['address']} {loc['postcode']}"))
    return words


async def conversation(bot: Bot, lang: str, lexicon: Lexicon) -> list[str]:
    await bot.say(USER, "/start")
    shown = []
    calls = await bot.press(USER, f"v1:lang:{lang}")
    calls += await bot.say(USER, lexicon.labels[lang]["health"])
    for command in ("/help", "/categories", "/emergency", "/privacy", "/about", "/events"):
        calls += await bot.say(USER, command)
    for call in calls:
        if call.method in ("sendMessage", "editMessageText"):
            shown.append(call.text)
            shown += [b["text"] for b in call.buttons()]
    return shown


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
async def test_no_english_in_a_conversation(bot: Bot, lexicon: Lexicon, lang: str) -> None:
    shown = await conversation(bot, lang, lexicon)
    assert shown, "the bot said nothing"
    text = "\n".join(URLS.sub(" ", TAGS.sub(" ", s)) for s in shown)
    leaked = [f for f in english_fragments() if f in text]
    assert not leaked, f"{lang}: English interface text shown: {leaked[:3]}"
    if lang not in LATIN_SCRIPT:
        allowed = allowed_latin(lang)
        stray = sorted({w for w in LATIN_WORD.findall(text) if w.lower() not in allowed})
        assert not stray, f"{lang}: Latin words no translator used: {stray[:10]}"
