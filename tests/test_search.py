"""Search: normalisation per script, emergencies in every language, ranking, the CLI contract."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.catalog.model import Location, Opening
from bot.search.engine import SearchEngine
from bot.search.lexicon import Lexicon
from bot.search.normalize import normalize, tokens
from tests.conftest import ROOT

LONDON = ZoneInfo("Europe/London")
TUESDAY_11 = dt.datetime(2026, 11, 24, 11, 0, tzinfo=LONDON)



@pytest.fixture(scope="module")
def engine(real_source, lexicon: Lexicon) -> SearchEngine:
    return SearchEngine(real_source.to_catalog(), lexicon, clock=lambda: TUESDAY_11)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("مُسْتَشْفَى", "مستشفی"),  # Arabic diacritics removed, alef maqsura -> yeh
        ("كتاب", "کتاب"),  # Arabic kaf -> Persian kaf
        ("مدرسة", "مدرسه"),  # teh marbuta -> heh
        ("أحمد إبراهيم آمنة", "احمد ابراهیم امنه"),  # hamza forms of alef
        ("مـــدرســـة", "مدرسه"),  # tatweel
        ("٣٤٥ ۱۲", "345 12"),  # Arabic-Indic and Persian digits
        ("می‌خواهم", "می خواهم"),  # zero-width non-joiner
        ("ЁЛКА", "елка"),  # ё -> е and case folding
        ("Їжак ґанок", "іжак ганок"),  # Ukrainian ї, ґ
        ("йод", "йод"),  # й keeps its breve
        ("Γιατρός Ιατρείο", "γιατροσ ιατρειο"),  # Greek accents and final sigma
        ("İŞ ARIYORUM", "is ariyorum"),  # Turkish dotted/dotless i, ş
        ("Médecin ÑANDÚ", "medecin nandu"),  # Latin accents
        ("ሐኪም", "ሀኪም"),  # Tigrinya homophone letters folded
        ("ＡＢＣ１２", "abc12"),  # NFKC full-width forms
    ],
)
def test_normalisation_per_script(raw: str, expected: str) -> None:
    assert " ".join(tokens(raw)) == expected
    assert normalize(normalize(raw)) == normalize(raw)


def test_arabizi_digits_stay_inside_words() -> None:
    assert tokens("ana 3ayez 7ad yse3dni") == ["ana", "3ayez", "7ad", "yse3dni"]


EMERGENCIES = {
    "en": "my husband is beating me and says he will kill me",
    "ar": "زوجي يضربني وهددني بالقتل",
    "ar-Latn": "zawji yadrabni w bdo yi2tolni",
    "fa": "شوهرم منو کتک میزنه و تهدید به کشتن میکنه",
    "ps": "زما خاوند ما وهي او وژل مې غواړي",
    "ckb": "مێردەکەم لێم دەدات و دەیەوێت بمکوژێت",
    "uk": "чоловік б'є мене і погрожує вбити",
    "ru": "муж избивает меня и угрожает убить",
    "tr": "kocam beni dövüyor ve öldürmekle tehdit ediyor",
    "bg": "мъжът ми ме бие и заплашва да ме убие",
    "fr": "mon mari me frappe et menace de me tuer",
    "es": "mi marido me pega y amenaza con matarme",
    "el": "ο άντρας μου με χτυπάει και απειλεί να με σκοτώσει",
    "so": "ninkeyga wuu i garaacayaa wuxuuna igu hanjabay inuu i dilayo",
    "ti": "ሰብኣየይ ይወቕዓኒ ኣሎ ክቐትለኒ እዩ ኢሉ የፈራርሃኒ",
}


@pytest.mark.parametrize("lang", sorted(EMERGENCIES))
def test_emergency_is_detected_in_every_language(engine: SearchEngine, lang: str) -> None:
    answer = engine.ask(EMERGENCIES[lang])
    assert answer.emergency, (lang, answer.categories)
    assert answer.kind == "emergency"
    assert answer.emergency_lines[0].number == "999"
    assert answer.categories[0] == "emergency"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("I want to kill myself tonight", "116 123"),
        ("they took my passport and force me to work without pay", "08000 121 700"),
        ("my partner hits me and locked me in the house", "0808 2000 247"),
    ],
)
def test_crisis_lines_match_the_danger(engine: SearchEngine, text: str, line: str) -> None:
    answer = engine.ask(text)
    numbers = [entry.number for entry in answer.emergency_lines]
    assert numbers[0] == "999" and line in numbers


@pytest.mark.parametrize(
    "text",
    [
        "How do I register with a GP?",
        "where is the food bank",
        "English classes for beginners",
        "I lost my job and need help with my CV",
        "the police station address",
        # a danger word of one language that is an everyday word of another once accents go
        "iki gün önce geldim",  # tr "two days ago": not en "gun"
        "как се подава молба за убежище",  # bg "submit": not ru "подавился" (choked)
        "وين اشتري سيم كارد",  # ar "SIM card": not fa "کارد" (knife)
        "kimseyle konuşamıyorum, çok yalnızım",  # "I can't talk to anyone": no stroke
        # a child and a loss that is an object or a game
        "çocuğuma okul yeri bulamıyorum",
        "mi hijo perdió su pase de bus",
        "mon fils a perdu le match",
    ],
)
def test_calm_questions_raise_no_alarm(engine: SearchEngine, text: str) -> None:
    assert not engine.ask(text).emergency


@pytest.mark.parametrize(
    "text",
    [
        "a man pointed a gun at me",
        "ребенок подавился едой и не может дышать",
        "مردی با کارد تهدیدم کرد",
        "annem birden konuşamıyor, yüzü kaydı",
        "mi hijo desapareció después del partido",
        "mon fils a disparu après le match",
        "ma nièce a disparu",  # "nièce" is English "niece" once accents go: the pair keeps it
        "بچم تو پارک گم شده",  # fa "my child" is a Sorani function word ("that I go")
    ],
)
def test_danger_still_alarms_beside_those_words(engine: SearchEngine, text: str) -> None:
    assert engine.ask(text).emergency


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hello", "smalltalk"),
        ("thank you so much!", "smalltalk"),
        ("شكرا جزيلا", "smalltalk"),
        ("Привіт", "smalltalk"),
        ("qwzx vbnm plkj", "nomatch"),
        ("🙂🙂🙂", "nomatch"),
    ],
)
def test_no_service_messages_get_no_services(engine: SearchEngine, text: str, kind: str) -> None:
    answer = engine.ask(text)
    assert answer.kind == kind and not answer.results and not answer.emergency
    assert answer.drop_in is not None  # the open-door drop-in is always offered


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("أحتاج طبيب", "health"),
        ("Мені потрібен адвокат для притулку", "legal"),
        ("necesito un abogado", "legal"),
        ("futbol oynamak istiyorum", "sport"),
        ("je cherche une banque alimentaire", "food"),
        ("دنبال کلاس زبان انگلیسی هستم", "language"),
    ],
)
def test_questions_find_their_category(engine: SearchEngine, text: str, category: str) -> None:
    answer = engine.ask(text)
    assert answer.categories[0] == category
    assert category in answer.results[0].service.categories


# A child who did not come home is an emergency whatever place is named beside it; a child who
# lost a thing is not. (Written for these tests, in each language.)
CHILD_NOT_HOME = {
    "en": "my son went to a friend's place and never came back",
    "es": "mi hija no volvió de la clase",
    "fr": "ma fille est allée au parc et n'est jamais revenue",
    "tr": "Kızım dersten sonra eve dönmedi",
    "el": "Η κόρη μου δεν γύρισε από το μάθημα ακόμα",
    "uk": "мій син не повернувся з роботи",
    "ru": "мой сын не вернулся с работы",
    "bg": "синът ми не се прибра от работа",
    "ar": "ابنتي لم تعد من المدرسة حتى الآن",
    "fa": "پسرم رفت فوتبال و هنوز برنگشته",
    "ckb": "کچەکەم دوێنێ چووە قوتابخانە و نەگەڕاوەتەوە",
    "ps": "زوی مې له ښوونځي نه کور ته نه دی راغلی",
    "ti": "ወደይ ካብ ስራሕ ኣይተመልሰን",
    "so": "Wiilkaygu shaqada kama soo laaban",
}
CHILD_LOST_A_THING = {
    "en": "my son lost his bus pass",
    "es": "mi hijo perdió el bus",
    "fr": "ma fille a perdu ses devoirs",
    "tr": "Oğlum otobüsü kaçırdı",
    "el": "Ο γιος μου έχασε το κινητό του",
    "uk": "донька загубила домашнє завдання",
    "ru": "мой сын потерял телефон",
    "bg": "не мога да намеря училище за сина си",
    "ar": "ابني ضيع تلفونه",
    "fa": "پسرم گوشیشو گم کرده",
    "ckb": "کوڕەکەم مۆبایلەکەی ون کرد",
    "ps": "زوی مې خپل ټیلیفون ورک کړ",
    "ti": "ወደይ ስራሕ ኣጥፊኡ",
    "so": "Taleefanka wiilkayga waa la xaday",
}


@pytest.mark.parametrize("lang", sorted(CHILD_NOT_HOME))
def test_a_child_not_home_is_an_emergency_beside_any_place(
    engine: SearchEngine, lang: str
) -> None:
    assert engine.ask(CHILD_NOT_HOME[lang]).emergency


def test_a_child_far_from_not_home_in_a_long_sentence_is_still_an_emergency(
    engine: SearchEngine,
) -> None:  # child and "has not arrived" 10 words apart: French elisions count as words
    answer = engine.ask("ma fille a pris le bus pour l'école et elle n'est pas arrivée")
    assert answer.emergency and answer.categories[0] == "emergency"


@pytest.mark.parametrize("lang", sorted(CHILD_LOST_A_THING))
def test_a_child_who_lost_a_thing_is_no_emergency(engine: SearchEngine, lang: str) -> None:
    assert not engine.ask(CHILD_LOST_A_THING[lang]).emergency


@pytest.mark.parametrize("word", ["bike", "jobcentre", "bisiklet"])
def test_a_word_of_two_categories_alone_still_finds_services(
    engine: SearchEngine, lexicon: Lexicon, word: str
) -> None:
    listed_under = {t.target for t in lexicon.terms if t.words == (word,) and t.kind == "category"}
    assert len(listed_under) == 2  # its evidence is split between them
    answer = engine.ask(word)
    assert answer.kind == "services" and answer.results
    assert set(answer.categories[:2]) == listed_under


def test_misspelling_is_tolerated(engine: SearchEngine) -> None:
    assert engine.ask("I need a solicitor").categories[:1] == ("legal",)
    assert engine.ask("i need a solisitor").categories[:1] == ("legal",)


def test_closed_services_are_never_offered(real_source, lexicon: Lexicon) -> None:
    catalog = real_source.to_catalog()
    football = catalog.services["plymouth-hope-football"]
    catalog.services["plymouth-hope-football"] = dataclasses.replace(football, status="closed")
    engine = SearchEngine(catalog, lexicon, clock=lambda: TUESDAY_11)
    for answer in (engine.ask("football"), engine.ask("free football sessions")):
        assert "plymouth-hope-football" not in [r.service.id for r in answer.results]


def _twins(real_source, lexicon: Lexicon, clock: dt.datetime) -> tuple[SearchEngine, str, str]:
    """Two identical sport services but for their schedule and location."""
    catalog = real_source.to_catalog()
    base = catalog.services["plymouth-hope-football"]
    catalog.services = {k: v for k, v in catalog.services.items() if "sport" not in v.categories}
    catalog.services["a-morning"] = dataclasses.replace(
        base,
        id="a-morning",
        schedule=(Opening(1, dt.time(9), dt.time(12)),),
        locations=(Location("A", "1 Example St", "PL1 1AA", 50.37, -4.14),),
    )
    catalog.services["b-evening"] = dataclasses.replace(
        base,
        id="b-evening",
        schedule=(Opening(1, dt.time(17), dt.time(20)),),
        locations=(Location("B", "2 Example St", "PL6 1AA", 50.41, -4.11),),
    )
    return SearchEngine(catalog, lexicon, clock=lambda: clock), "a-morning", "b-evening"


def test_open_now_ranks_first_with_a_fixed_clock(real_source, lexicon: Lexicon) -> None:
    engine, morning, evening = _twins(real_source, lexicon, TUESDAY_11)
    results = engine.ask("football").results
    assert [r.service.id for r in results[:2]] == [morning, evening]
    assert results[0].open_now is True and results[1].open_now is False
    engine, morning, evening = _twins(real_source, lexicon, TUESDAY_11.replace(hour=18))
    assert [r.service.id for r in engine.ask("football").results[:2]] == [evening, morning]


def test_distance_ranks_nearer_first(real_source, lexicon: Lexicon) -> None:
    sunday = dt.datetime(2026, 11, 29, 11, 0, tzinfo=LONDON)  # both closed: only distance differs
    engine, morning, evening = _twins(real_source, lexicon, sunday)
    near_b = (50.409, -4.111)
    results = engine.ask("football", near=near_b).results
    assert [r.service.id for r in results[:2]] == [evening, morning]
    assert results[0].distance_km is not None and results[0].distance_km < 0.5
    nearby = engine.nearby(near_b, category="sport")
    assert [r.service.id for r in nearby] == [evening, morning]


def test_closed_dates_close_a_service(real_source, lexicon: Lexicon) -> None:
    engine, morning, _ = _twins(real_source, lexicon, TUESDAY_11)
    service = engine.catalog.services[morning]
    closed = dataclasses.replace(service, closed_dates=frozenset({TUESDAY_11.date()}))
    from bot.search.hours import open_at

    assert open_at(service, TUESDAY_11) is True
    assert open_at(closed, TUESDAY_11) is False


def _harbour(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "harbour"
    return subprocess.run(
        [str(exe), *args], input=stdin, capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_ask_json_contract() -> None:
    done = _harbour("ask", "I need a doctor", "--json", "--near", "50.37,-4.14", "--limit", "2")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) == {"query", "language", "emergency", "categories", "results", "answer"}
    assert answer["query"] == "I need a doctor" and answer["language"] == "en"
    assert answer["categories"][0] == "health" and len(answer["results"]) == 2
    for result in answer["results"]:
        assert set(result) == {"id", "name", "categories", "score", "distance_km", "open_now"}
    assert isinstance(answer["answer"], str) and answer["answer"]


def test_ask_jsonl_contract_keeps_ids_and_survives_bad_lines() -> None:
    lines = (
        "\n".join(
            [
                json.dumps({"id": "a", "text": "футбол"}),
                "not json",
                json.dumps({"id": "b", "text": "أحتاج طبيب", "lang": "ar", "near": "50.37,-4.14"}),
                json.dumps({"id": "c"}),
            ]
        )
        + "\n"
    )
    done = _harbour("ask", "--jsonl", stdin=lines)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b", "c"]
    assert out[0]["categories"][0] == "sport"
    assert "error" in out[1] and "error" in out[3]
    assert out[2]["language"] == "ar" and out[2]["results"][0]["distance_km"] is not None


def test_ask_rejects_bad_near() -> None:
    done = _harbour("ask", "doctor", "--near", "north")
    assert done.returncode == 2 and "near" in done.stderr
