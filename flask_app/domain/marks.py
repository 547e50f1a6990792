"""A person's say on whether an event is a one-on-one, which the detection then follows.

From the add-on a participant can mark an event the rules missed as a one-on-one, or a
recognised one as not. The mark is kept per event (a series, or a single event) and applied on
top of :func:`~flask_app.domain.detection.classify`:

- "not a one-on-one" always wins: the service leaves the event alone from then on (its doc and
  everything people wrote in it stay as they are);
- "a one-on-one" overrides the title, recurrence, length, skip-level and peer rules, but not
  what makes an event unable to be one: cancelled, all-day, special events, repeating more
  often than daily, or not exactly two people of the organisation. The manager is whoever the
  reporting line puts above; between peers, the person who marked it coaches.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .detection import Detection, DetectionSettings, classify, participants
from .events import CalendarEvent
from .people import Directory, normalize_email


@dataclass(frozen=True)
class EventMark:
    """Someone marked the event (a series or a single event) as a one-on-one or as not."""

    event_id: str
    one_on_one: bool
    marked_by: str
    marked_at: datetime


_LOOSE = DetectionSettings(max_duration=DetectionSettings().max_duration * 100,
                           include_skip_level=True, include_peer=True,
                           require_title_or_recurrence=False)


def why_not_markable(event: CalendarEvent, directory: Directory) -> str | None:
    """Why ``event`` cannot be a one-on-one whatever anyone says, or None when it can be."""
    loose = classify(event, directory, _LOOSE)
    excluded = [r for r in loose.reasons if r.startswith("excluded: ")]
    blocking = [r for r in excluded if "title does not say" not in r]
    return blocking[0].removeprefix("excluded: ") if blocking else None


def apply_mark(detection: Detection, event: CalendarEvent, mark: EventMark | None,
               directory: Directory) -> Detection:
    """The detection with the person's mark taken into account (see the module docstring)."""
    if mark is None:
        return detection
    by = normalize_email(mark.marked_by)
    if not mark.one_on_one:
        return Detection(False, None, None,
                         (*detection.reasons, f"excluded: marked as not a one-on-one by {by}"))
    if detection.is_one_on_one or why_not_markable(event, directory):
        return detection
    first, second = participants(event)
    manager, report = _coach(first, second, by, directory)
    kept = tuple(r for r in detection.reasons if not r.startswith("excluded: "))
    return Detection(True, manager, report, (*kept, f"marked as a one-on-one by {by}"))


def _coach(first: str, second: str, marked_by: str, directory: Directory) -> tuple[str, str]:
    """(manager, report): the one above in the reporting line, else the one who marked it."""
    for a, b in ((first, second), (second, first)):
        if directory.is_manager_of(a, b) or directory.is_above(a, b):
            return a, b
    return (first, second) if marked_by != second else (second, first)
