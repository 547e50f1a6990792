"""Whether a "what would success look like" answer is concrete enough to act on.

A success statement is concrete when it holds at least one of:

- a number or quantity: digits ("3", "90%", "10k", "Q1"), number words ("two", "twice",
  "half", "zwei", "deux", "dos"...), or a frequency ("weekly", "every sprint");
- a date or deadline: month or weekday names, ISO dates (digits), "tomorrow", "next week",
  "end of month", "EOQ", "deadline", "within two weeks", and the like in English, Spanish,
  French, German, Italian, Portuguese, Chinese and Japanese;
- an observable outcome: a verb whose result people can see ("ship", "launch", "publish",
  "present", "close", "hire", "sign", "deliver", "merge", "pass", "deploy", "release",
  "approved"...). An "-ing" form after "at", "in", "with" or "about" ("better at presenting")
  names a skill, not an outcome, and "present" or "complete" after "be" or "more" ("be more
  present") is an adjective: neither counts.

Anything else ("be better", "improve communication", "more confident", "do well") is vague
and gets a short prompt. These are heuristics: they are meant to nudge, not to judge.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PROMPT = "Make it concrete: what number, date or visible result would show success?"
EMPTY_PROMPT = "Agree on what success looks like: a number, a date or a visible result."


@dataclass(frozen=True)
class Concreteness:
    """The verdict on one success statement; ``prompt`` is set when it is not concrete."""

    concrete: bool
    reason: str
    prompt: str | None = None


def _words(*alternatives: str) -> str:
    return "|".join(alternatives)


# Latin-script patterns are matched on text folded to lower case without accents, at the start
# of a word; CJK patterns are matched anywhere (those scripts do not separate words).
_NUMBER = re.compile(
    r"\d|[%‰]"
    r"|(?<!\w)(?:" + _words(
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "fifteen", "twenty", "thirty", "fifty", "hundred", "thousand",
        "dozen", "half", "twice", "double", "triple",
        "daily", "weekly", "fortnightly", "monthly", "quarterly", "yearly", "annually",
        "dos", "tres", "cuatro", "cinco", "diez", "cien", "mitad", "semanal", "mensual",
        "deux", "trois", "quatre", "cinq", "dix", "cent", "moitie", "hebdomadaire",
        "zwei", "drei", "vier", "funf", "zehn", "hundert", "halb", "wochentlich", "monatlich",
        "due", "tre", "quattro", "cinque", "dieci",
    ) + r")(?!\w)"
    r"|[一二三四五六七八九十百千万两]\s*(?:个|個|次|位|名|人|件|篇|项|項|周|週|天|日|月|年|つ)"
)
_MONTHS = _words(
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
    "agosto", "septiembre", "octubre", "noviembre", "diciembre", "janvier", "fevrier", "mars",
    "avril", "juin", "juillet", "aout", "octobre", "decembre", "januar", "februar", "marz",
    "juni", "juli", "oktober", "dezember", "gennaio", "febbraio", "aprile", "maggio", "giugno",
    "luglio", "settembre", "ottobre", "dicembre", "janeiro", "fevereiro", "marco", "maio",
    "junho", "julho", "setembro", "outubro", "novembro", "dezembro",
)
_WEEKDAYS = _words(
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato",
)
_UNITS = r"(?:day|week|month|quarter|year|sprint|release|cycle)s?"
_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|(?<!\d)\d{1,2}/\d{1,2}(?:/\d{2,4})?(?!\d)"
    r"|(?<![a-z0-9])[qh][1-4](?![a-z0-9])"
    r"|(?<!\w)(?:" + _MONTHS + "|" + _WEEKDAYS + r")(?!\w)"
    r"|(?<!\w)may(?=\s*\d)|(?<!\w)(?:in|by|until|before|end of|mid)[\s-]+may(?!\w)"
    r"|(?<!\w)(?:" + _words(
        "tomorrow", "deadline", "due", "eod", "eow", "eom", "eoq", "eoy",
        "next " + _UNITS, "this " + _UNITS, r"end of (?:the )?" + _UNITS,
        r"(?:within|in) (?:a|an|one|two|three|four|six|a few|the next) " + _UNITS,
        "manana", "plazo", "fecha limite", r"(?:proxima|proximo) (?:semana|mes|trimestre)",
        r"(?:fin|final) del? (?:mes|ano|trimestre|semana)",
        "demain", "echeance", r"d'ici", r"(?:semaine|mois) prochaine?",
        r"fin (?:du|de) (?:mois|l'annee|trimestre|semaine)",
        "morgen", "frist", r"nachste[nr]? (?:woche|monat|quartal)", "monatsende",
        "quartalsende", "jahresende", r"ende (?:des|der|dieses) (?:monats|woche|quartals|jahres)",
        "domani", "scadenza", r"(?:fine|entro) (?:mese|settimana|anno|trimestre)",
        "amanha", "prazo",
    ) + r")(?!\w)"
    r"|明天|下周|下週|下个月|下個月|月底|年底|季度末|截止|期限|来週|来月|月末|年内|今週中"
)
_OUTCOME = re.compile(
    r"(?<!\w)(?:" + _words(
        # English: the forms of each verb (listed, so "closely" or "presently" do not count)
        r"ship(?:s|ped|ping)?", r"launch(?:es|ed|ing)?", r"publish(?:es|ed|ing)?",
        r"present(?:s|ed|ing)?", "presentation", r"close[sd]?", "closing", r"hire[sd]?", "hiring",
        r"sign(?:s|ed|ing)?", r"deliver(?:s|ed|ing|y)?", r"merge[sd]?", "merging",
        r"pass(?:es|ed|ing)?", r"deploy(?:s|ed|ing|ment)?", r"release[sd]?", "releasing",
        r"submit(?:s|ted|ting)?", r"demo(?:s|ed|ing)?", r"complete[sd]?", "completing",
        r"finish(?:es|ed|ing)?", r"win(?:s|ning)?", "won", r"approve[sd]?", "approval",
        r"certif(?:y|ied|ication)", r"promot(?:ed|ion)", r"go(?:es)? live", "in production",
    ) + r")(?!\w)"
    r"|(?<!\w)(?:" + _words(
        # Spanish, French, German: stems
        "publica", "lanza", "entreg", "contrat", "firma", "aproba", "aprueb", "despleg",
        "cerra", "termina", "publie", "publier", "lance", "livr", "embauch", "signe",
        "deploie", "deployer", "reussi", "veroffentlich", "liefer", "prasentier", "eingestellt",
        "unterschr", "bestanden", "abgeschlossen", "abschliess",
    ) + r")"
    r"|发布|上线|上線|交付|提交|签署|簽署|招聘|发表|演示|通过|公開|リリース|提出|発表|合格|採用|納品"
)
_GERUND_OBJECT = re.compile(r"(?<!\w)(?:at|in|with|about|on)\s+$")
_ADJECTIVES = frozenset({"present", "complete"})  # "be more present" is not an outcome
_BEING = re.compile(r"(?<!\w)(?:be|being|more|feel|stay|fully)\s+$")
_VAGUE = re.compile(
    r"(?<!\w)(?:" + _words(
        "better", "improve", "improved", "improving", "more", "less", "good", "well", "great",
        "confident", "confidence", "feel", "understand", "learn", "grow", "stronger",
        "mejor", "mejorar", "mas", "mieux", "ameliorer", "plus", "besser", "verbessern", "mehr",
        "meglio", "migliorare",
    ) + r")(?!\w)|更好|提高|改善|改进|もっと|より良"
)


def fold(text: str) -> str:
    """Text in lower case without accents, so "Março" and "marco" match alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _outcome(folded: str) -> str | None:
    """The first outcome word, skipping skills such as "good at closing"."""
    for match in _OUTCOME.finditer(folded):
        word = match.group() + re.match(r"\w*", folded[match.end():]).group()
        before = folded[:match.start()]
        if word.endswith("ing") and _GERUND_OBJECT.search(before):
            continue
        if word in _ADJECTIVES and _BEING.search(before):
            continue
        return word
    return None


def check_success(text: str) -> Concreteness:
    """Judge a success statement: concrete (with why) or vague (with a prompt)."""
    stripped = " ".join(text.split())
    if not stripped:
        return Concreteness(False, "no success statement yet", EMPTY_PROMPT)
    folded = fold(stripped)
    date_match = _DATE.search(folded)
    if date_match:
        return Concreteness(True, f"names a date or deadline ({_around(folded, date_match)})")
    number = _NUMBER.search(folded)
    if number:
        return Concreteness(True, f"names a number or quantity ({_around(folded, number)})")
    outcome = _outcome(folded)
    if outcome:
        return Concreteness(True, f"names a visible outcome ({outcome})")
    vague = _VAGUE.search(folded)
    reason = "no number, date or visible outcome"
    if vague:
        reason = f"vague ({vague.group()}): {reason}"
    return Concreteness(False, reason, PROMPT)


def names_a_date(text: str) -> bool:
    """Whether ``text`` says when: a date, a weekday, a deadline ("by Friday", "next week")."""
    return bool(_DATE.search(fold(" ".join(text.split()))))


def _around(text: str, match: re.Match) -> str:
    """The word holding a match (e.g. "90%" rather than "9"); CJK matches stand alone."""
    start, end = match.start(), match.end()
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    return text[start:end].strip(".,;:!?()")


def _in_word(ch: str) -> bool:
    return not ch.isspace() and unicodedata.east_asian_width(ch) not in "WF"
