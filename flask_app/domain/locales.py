"""How the service's own words, dates and times read in each language agendas are written in.

Dates and times come from CLDR through Babel, so a template in any language gets its dates
right; the few phrases the service writes itself (titles, "from", "cancelled"...) are here for
English, German, French, Spanish and Japanese, and fall back to English for other languages.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location

DEFAULT_LANGUAGE = "en"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ENGLISH_DATE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) (" + "|".join(_MONTHS)
                           + r") (\d{4})")
_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")

PHRASES = {
    "en": {"stop": "Stop the coach for your calendar", "earlier": "Notes from before the coach",
           "title": "1:1", "from": "from", "cancelled": "cancelled",
           "nothing_open": "Nothing open from last time.",
           "header": "One-on-ones · {manager} & {report}",
           "header_hint": "Each meeting has its own section, newest on top. Answer under the "
                          "questions before or during the meeting; tick, strike through or start "
                          "with ✓ what is done."},
    "de": {"stop": "Den Coach für deinen Kalender beenden", "earlier": "Notizen von vor dem Coach",
           "title": "1:1", "from": "seit", "cancelled": "abgesagt",
           "nothing_open": "Nichts offen vom letzten Mal.",
           "header": "Einzelgespräche · {manager} & {report}",
           "header_hint": "Jedes Gespräch hat einen eigenen Abschnitt, das neueste oben. "
                          "Antwortet unter den Fragen vor oder während des Gesprächs; hakt ab, "
                          "streicht durch oder setzt ✓ vor das, was erledigt ist."},
    "fr": {"stop": "Arrêter le coach pour votre agenda", "earlier": "Notes d'avant le coach",
           "title": "Tête-à-tête", "from": "depuis", "cancelled": "annulé",
           "nothing_open": "Rien en suspens depuis la dernière fois.",
           "header": "Tête-à-tête · {manager} & {report}",
           "header_hint": "Chaque rencontre a sa section, la plus récente en haut. Répondez sous "
                          "les questions avant ou pendant la rencontre ; cochez, barrez ou "
                          "commencez par ✓ ce qui est fait."},
    "es": {"stop": "Detener el coach para tu calendario", "earlier": "Notas de antes del coach",
           "title": "1:1", "from": "desde", "cancelled": "cancelada",
           "nothing_open": "Nada pendiente de la última vez.",
           "header": "Reuniones 1:1 · {manager} y {report}",
           "header_hint": "Cada reunión tiene su sección, la más reciente arriba. Responded bajo "
                          "las preguntas antes o durante la reunión; marcad, tachad o empezad "
                          "con ✓ lo que esté hecho."},
    "ja": {"stop": "このカレンダーでコーチを止める", "earlier": "コーチ導入前のメモ",
           "title": "1on1", "from": "初出", "cancelled": "中止",
           "nothing_open": "前回からの未完了事項はありません。",
           "header": "1on1 · {manager}・{report}",
           "header_hint": "ミーティングごとにセクションがあり、最新のものが一番上です。ミーティングの"
                          "前か最中に質問の下へ記入し、終わったものはチェック、取り消し線、"
                          "または先頭に ✓ を付けてください。"},
}


def language(code: str | None) -> str:
    """A language code as the service keys it ("de-AT" -> "de"); the default for none."""
    code = (code or "").strip().replace("_", "-")
    if not _CODE.fullmatch(code):
        return DEFAULT_LANGUAGE
    return code.split("-")[0].lower()


def phrase(lang: str, name: str, **values: str) -> str:
    words = PHRASES.get(lang, PHRASES[DEFAULT_LANGUAGE])
    return words.get(name, PHRASES[DEFAULT_LANGUAGE][name]).format(**values)


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse("en_GB" if lang == "en" else lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def human_date(day: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date as people read it in the doc: "Tue 1 Dec 2026", "Di., 1. Dez. 2026"."""
    if lang == "en":
        return format_date(day, "EEE d MMM y", locale=_locale(lang))
    if lang == "ja":
        return format_date(day, "y年M月d日（E）", locale=_locale(lang))
    return format_skeleton("yMMMEd", day, locale=_locale(lang))


_DAY_PATTERNS = {"en": "EEEE d MMMM", "de": "EEEE, d. MMMM", "fr": "EEEE d MMMM",
                 "es": "EEEE d 'de' MMMM", "ja": "M月d日（EEEE）"}


def human_day(day: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A day in a sentence: "Tuesday 1 December", "Dienstag, 1. Dezember"."""
    pattern = _DAY_PATTERNS.get(lang)
    if pattern is None:
        return format_skeleton("MMMMEEEEd", day, locale=_locale(lang))
    return format_date(day, pattern, locale=_locale(lang))


def human_time(moment: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """A time of day on the 24-hour clock where the language uses it: "10:00"."""
    return format_time(moment, "short", locale=_locale(lang))


def zone_city(zone: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A time zone by its city, as people know it: "Lisbon", "Lissabon"."""
    try:
        return get_timezone_location(ZoneInfo(zone), locale=_locale(lang), return_city=True)
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=256)
def _days_before(lang: str, latest: date) -> dict[str, date]:
    return {human_date(latest - timedelta(days=n), lang): latest - timedelta(days=n)
            for n in range(0, 800)}


def parse_date(text: str, lang: str, near: date) -> date | None:
    """The date ``text`` reads as in ``lang`` (as :func:`human_date` writes it), at most two
    years before ``near``; None if it reads as none."""
    text = text.strip()
    english = _ENGLISH_DATE.fullmatch(text)
    if lang == "en" and english:
        try:
            return date(int(english.group(3)), _MONTHS.index(english.group(2)) + 1,
                        int(english.group(1)))
        except ValueError:
            return None
    return _days_before(lang, near).get(text)


def carried_pattern() -> re.Pattern[str]:
    """A carried item's suffix, "(from <date>)" in any supported language."""
    words = "|".join(re.escape(p["from"]) for p in PHRASES.values())
    return re.compile(r"\s*\((?:" + words + r")\s+([^()]+)\)\s*$")
