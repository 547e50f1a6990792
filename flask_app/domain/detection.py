"""Decide whether a calendar event is a one-on-one, and say why.

The rules, in order:

1. Event-level exclusions: cancelled, all-day, a special event type (out of office, focus time,
   working location, ...), longer than `max_duration`, repeating more often than daily.
2. People: the organiser plus every attendee that is not a resource (rooms do not count). There
   must be exactly two, neither may have declined, both must be in the organisation's domains and,
   when a directory is given, in the directory. Emails compare case-insensitively throughout.
3. The reporting line decides:
   - one manages the other: a one-on-one if the title says so, or it repeats, or
     `require_title_or_recurrence` is off (a one-off "Incident review prep" is not);
   - one is above the other's manager (skip-level): the same, but only with `include_skip_level`;
   - no reporting line (peers): only with `include_peer`, and only when the title says one-on-one.
   Without a directory there is no reporting line to check: the title alone decides.

The title "says one-on-one" when it contains one of `title_phrases` ("1:1", "Einzelgespräch", "一对一",
...; accents, case, width and "-"/" " separators ignored) or names both people ("Ana / Bo",
"Ana <> Bo", "... between Emily Carter and Lucia Fernandez").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from .events import CalendarEvent, cadence
from .occurrences import repeats_more_often_than_daily
from .people import Directory, email_domain, normalize_email

DEFAULT_TITLE_PHRASES = (
    "1:1", "1-1", "1 on 1", "1x1", "one on one", "one to one", "skip level",
    "réunion individuelle", "entretien individuel", "tête-à-tête",  # French
    "Einzelgespräch", "Zweiergespräch",  # German
    "reunión individual", "uno a uno",  # Spanish
    "reunião individual",  # Portuguese
    "één op één",  # Dutch
    "1対1", "一対一", "ワンオンワン",  # Japanese
    "一对一", "一對一",  # Chinese
    "일대일", "원온원",  # Korean
)

_EVENT_TYPE_LABELS = {"outOfOffice": "out-of-office", "focusTime": "focus time",
                      "workingLocation": "working location", "birthday": "birthday", "fromGmail": "from Gmail"}


@dataclass(frozen=True)
class DetectionSettings:
    """What counts as a one-on-one. `domains` empty means the directory's domains."""

    domains: tuple[str, ...] = ()
    max_duration: timedelta = timedelta(minutes=90)
    include_skip_level: bool = False
    include_peer: bool = False
    require_title_or_recurrence: bool = True
    title_phrases: tuple[str, ...] = DEFAULT_TITLE_PHRASES

    def __post_init__(self):
        if self.max_duration <= timedelta(0):
            raise ValueError(f"max_duration must be positive, not {self.max_duration}")
        if not all(phrase.strip() for phrase in self.title_phrases):
            raise ValueError("title_phrases must not contain blank phrases")


@dataclass(frozen=True)
class Detection:
    """The verdict on one event; `reasons` explain it either way."""

    is_one_on_one: bool
    manager_email: str | None
    report_email: str | None
    reasons: tuple[str, ...]


def participants(event: CalendarEvent) -> tuple[str, ...]:
    """The people in an event, organiser first: organiser and non-resource attendees, once each."""
    resources = {normalize_email(a.email) for a in event.attendees if a.resource}
    emails = [event.organizer_email] + [a.email for a in event.attendees if not a.resource]
    people: list[str] = []
    for email in map(normalize_email, emails):
        if email and email not in resources and email not in people:
            people.append(email)
    return tuple(people)


def classify(event: CalendarEvent, directory: Directory | None,
             settings: DetectionSettings = DetectionSettings()) -> Detection:
    """Classify one event (a single event, a series or one instance)."""
    excluded = [reason for rule in _EVENT_RULES if (reason := rule(event, settings))]
    if excluded:
        return Detection(False, None, None, tuple(excluded))
    people = participants(event)
    reasons = ["exactly two people"] if len(people) == 2 else []
    excluded = [reason for rule in _PEOPLE_RULES for reason in rule(event, people, directory, settings)]
    if excluded:
        return Detection(False, None, None, tuple(reasons + excluded))
    title = _title_signal(event, people, directory, settings.title_phrases)
    return _decide(people, directory, settings, title, _recurrence_signal(event))


# --- 1. event-level exclusions: (event, settings) -> reason or None

def _cancelled(event: CalendarEvent, settings: DetectionSettings) -> str | None:
    return "excluded: cancelled" if event.status == "cancelled" else None


def _special_type(event: CalendarEvent, settings: DetectionSettings) -> str | None:
    if event.event_type == "default":
        return None
    return f"excluded: {_EVENT_TYPE_LABELS.get(event.event_type, event.event_type)} event"


def _all_day(event: CalendarEvent, settings: DetectionSettings) -> str | None:
    return "excluded: all-day event" if event.all_day else None


def _too_long(event: CalendarEvent, settings: DetectionSettings) -> str | None:
    if event.all_day or event.duration <= settings.max_duration:
        return None
    return f"excluded: lasts {_hours(event.duration)}, longer than {_hours(settings.max_duration)}"


def _too_often(event: CalendarEvent, settings: DetectionSettings) -> str | None:
    return "excluded: repeats more often than daily" if repeats_more_often_than_daily(event.recurrence) else None


_EVENT_RULES = (_cancelled, _special_type, _all_day, _too_long, _too_often)


# --- 2. people exclusions: (event, people, directory, settings) -> reasons

def _not_two(event, people, directory, settings) -> list[str]:
    if len(people) == 2:
        return []
    if len(people) < 2:
        return ["excluded: only one person" if people else "excluded: nobody attends"]
    return [f"excluded: {len(people)} people, not two"]


def _declined(event, people, directory, settings) -> list[str]:
    return [f"excluded: declined by {normalize_email(a.email)}" for a in event.attendees
            if a.response_status == "declined" and normalize_email(a.email) in people]


def _outside_domain(event, people, directory, settings) -> list[str]:
    domains = {d.lower() for d in settings.domains} or (directory.domains if directory else set())
    if not domains:
        return []
    return [f"excluded: attendee outside the domain: {p}" for p in people if email_domain(p) not in domains]


def _not_in_directory(event, people, directory, settings) -> list[str]:
    if directory is None:
        return []
    domains = {d.lower() for d in settings.domains} or directory.domains
    return [f"excluded: not in the directory: {p}" for p in people
            if p not in directory and email_domain(p) in domains]


_PEOPLE_RULES = (_not_two, _declined, _outside_domain, _not_in_directory)


# --- 3. signals and the decision

def _recurrence_signal(event: CalendarEvent) -> str | None:
    if how_often := cadence(event.recurrence):
        return f"recurring {how_often}"
    if event.recurring_event_id or event.recurring:
        return "instance of a recurring series"
    return None


def _title_signal(event: CalendarEvent, people: tuple[str, ...], directory: Directory | None,
                  phrases: tuple[str, ...]) -> str | None:
    title = _fold(event.summary)
    for phrase in phrases:
        if _pattern(phrase).search(title):
            return f"title matches '{phrase}'"
    if all(any(_pattern(name).search(title) for name in _names(p, event, directory)) for p in people):
        return "title names both people"
    return None


def _decide(people: tuple[str, ...], directory: Directory | None, settings: DetectionSettings,
            title: str | None, repeat: str | None) -> Detection:
    signals = tuple(s for s in (title, repeat) if s)
    enough = bool(signals) or not settings.require_title_or_recurrence
    one_off = "a one-off meeting whose title does not say one-on-one"
    a, b = people
    if directory is None:
        return _verdict("no directory: decided from title and attendee count only", signals,
                        bool(title), None, None, "the title does not say one-on-one")
    if directory.is_manager_of(b, a):
        a, b = b, a
    if directory.is_manager_of(a, b):
        return _verdict(f"{a} manages {b}", signals, enough, a, b, one_off)
    if directory.is_above(b, a):
        a, b = b, a
    if directory.is_above(a, b):
        relation = f"skip-level: {a} is above {b}'s manager {normalize_email(directory.chain(b)[0].email)}"
        if not settings.include_skip_level:
            return _verdict(relation, signals, False, None, None, "skip-level one-on-ones are not included")
        return _verdict(relation, signals, enough, a, b, one_off)
    relation = f"no reporting line between {a} and {b}: peers"
    if not settings.include_peer:
        return _verdict(relation, signals, False, None, None, "peer one-on-ones are not included")
    return _verdict(relation, signals, bool(title), None, None, "peers, and the title does not say one-on-one")


def _verdict(relation: str, signals: tuple[str, ...], ok: bool, manager: str | None, report: str | None,
             why_not: str) -> Detection:
    reasons = ("exactly two people", relation, *signals)
    if ok:
        return Detection(True, manager, report, reasons)
    return Detection(False, None, None, (*reasons, f"excluded: {why_not}"))


# --- text matching

def _fold(text: str) -> str:
    """Compare text ignoring case, accents and character width."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1024)
def _pattern(phrase: str) -> re.Pattern[str]:
    """A regex for a phrase in folded text: spaces/hyphens between words are flexible, and a phrase
    that starts or ends with a Latin letter or digit must not be glued to another one."""
    folded = _fold(phrase)
    parts = re.split(r"([\s\-]+)", folded)
    regex = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        elif parts[i - 1][-1:].isdigit() and parts[i + 1][:1].isdigit():
            regex += re.escape(part)  # "1-1" is not "1 1"
        else:
            regex += r"[\s\-]*"
    if _latin_alnum(folded[:1]):
        regex = r"(?<![a-z0-9])" + regex
    if folded[-1:].isascii() and folded[-1:].isalpha():
        regex += r"s?(?![a-z0-9])"
    elif _latin_alnum(folded[-1:]):
        regex += r"(?![0-9])"
    return re.compile(regex)


def _latin_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _names(email: str, event: CalendarEvent, directory: Directory | None) -> set[str]:
    """The ways a title may name someone: full, given and family name, display name, email parts."""
    local = email.partition("@")[0]
    candidates = [local, *re.split(r"[._\-+]", local)]
    person = directory.get(email) if directory else None
    if person:
        candidates += [person.name, person.given_name, person.family_name, *person.name.split()]
    for attendee in event.attendees:
        if normalize_email(attendee.email) == email and attendee.display_name:
            candidates += [attendee.display_name, *attendee.display_name.split()]
    # Single characters ("健") and symbols ("🚀") would match too much.
    return {n for n in candidates if len(n) > 1 and any(c.isalnum() for c in n)}


def _hours(duration: timedelta) -> str:
    hours, minutes = divmod(int(duration.total_seconds()) // 60, 60)
    return " ".join(part for part in (f"{hours}h" if hours else "", f"{minutes}m" if minutes else "") if part) or "0m"
