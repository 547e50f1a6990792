"""The coaching mirror: what a manager's last one-on-one with a report says about their coaching.

Shown to the manager alone, for 48 hours after a meeting has been gathered: the observation and
feedback loop of the manager-as-coach model. It reads metadata only (counts, yes/no, the pulse
number; never what anyone wrote), so it can be shown without opening the doc:

- preparation: how many of the four questions were answered when the meeting started;
- the conversation: how many were answered by the time it was gathered, and whether feedback
  on a moment was written down;
- success: whether the success statement was concrete;
- follow-through: whether the items carried from last time were done, and how long the oldest
  open item has waited;
- the pulse: the report's 1–5, against the meetings before.

Each observation names the competency it speaks to and gives one practical prompt. The wording
is a nudge, not a score.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .records import MeetingRecord

WINDOW = timedelta(hours=48)
LISTENING, QUESTIONING, PLANNING, FEEDBACK = ("listening", "questioning",
                                              "development planning", "feedback")
COMPETENCIES = (LISTENING, QUESTIONING, PLANNING, FEEDBACK)
LONG_OPEN_DAYS = 21


@dataclass(frozen=True)
class Observation:
    competency: str
    text: str
    prompt: str
    good: bool  # something to keep doing, rather than something to try


@dataclass(frozen=True)
class Mirror:
    """The observations on one meeting (``meeting``: its start) and until when they show."""

    meeting: datetime
    until: datetime
    observations: tuple[Observation, ...]


def latest_meeting(records: list[MeetingRecord], now: datetime) -> MeetingRecord | None:
    """The pair's meeting the mirror speaks of: gathered, held in the last 48 hours."""
    gathered = [r for r in records if r.gathered_at and r.status == "scheduled"
                and r.start <= now < r.start + WINDOW]
    return max(gathered, key=lambda r: r.start, default=None)


def mirror(records: list[MeetingRecord], now: datetime) -> Mirror | None:
    """The mirror for a pair's meetings (their records), or None outside the 48 hours."""
    meeting = latest_meeting(records, now)
    if meeting is None:
        return None
    if not meeting.filled:
        return Mirror(meeting.start, meeting.start + WINDOW, (Observation(
            QUESTIONING, "Nothing was written in the meeting's section.",
            "Next time, open the doc together and ask the first question aloud: "
            "“What's the obstacle you keep running into?”", False),))
    earlier = sorted((r for r in records if r.gathered_at and r.start < meeting.start
                      and r.status == "scheduled"), key=lambda r: r.start)
    found = [_preparation(meeting), _conversation(meeting), _success(meeting),
             _follow_through(meeting), _open_long(meeting), _feedback(meeting),
             _pulse(meeting, earlier)]
    return Mirror(meeting.start, meeting.start + WINDOW, tuple(o for o in found if o))


def _preparation(m: MeetingRecord) -> Observation | None:
    if m.prepared is None:
        return None
    if m.prepared == 4:
        return Observation(LISTENING, "All four questions were answered before you met.",
                           "Start by saying back what you read, in your own words, before "
                           "adding your view.", True)
    if m.prepared == 0:
        return Observation(QUESTIONING, "None of the four questions was answered before you met.",
                           "The day before, send one question as a message: “What's the "
                           "obstacle you keep running into?”", False)
    return Observation(LISTENING, f"{m.prepared} of the four questions were answered before "
                       "you met.", "Ask about what was written first: it is what is on "
                       "their mind.", True)


def _conversation(m: MeetingRecord) -> Observation | None:
    if m.questions_answered == 4:
        return Observation(QUESTIONING, "All four questions have an answer.",
                           "Keep asking before telling: one more “what else?” often finds "
                           "the real obstacle.", True)
    missing = 4 - m.questions_answered
    return Observation(QUESTIONING, f"{missing} of the four questions stayed unanswered.",
                       "Next time, ask the unanswered one first, then wait through the "
                       "silence.", False)


def _success(m: MeetingRecord) -> Observation:
    if m.concrete:
        return Observation(PLANNING, "Success was put in concrete terms.",
                           "Look back at it when the date comes: did it happen?", True)
    if m.concrete is None:
        return Observation(PLANNING, "No success statement was written down.",
                           "Ask “What would success look like in concrete terms?” and write "
                           "the answer together.", False)
    return Observation(PLANNING, "Success was left vague.",
                       "Ask “How would we know it worked: what would we see, and by when?”",
                       False)


def _follow_through(m: MeetingRecord) -> Observation | None:
    if not m.carried:
        return None
    if m.carried_done == m.carried:
        return Observation(PLANNING, f"Everything carried from last time ({m.carried}) was "
                           "done.", "Say so at the start: it shows the plan moves.", True)
    still = m.carried - m.carried_done
    return Observation(PLANNING, f"{still} of {m.carried} items from last time were still "
                       "open.", "Before the next one, do the oldest need, or say plainly "
                       "when you will.", False)


def _open_long(m: MeetingRecord) -> Observation | None:
    if m.oldest_open_days is None or m.oldest_open_days < LONG_OPEN_DAYS:
        return None
    return Observation(PLANNING, f"An item has been open for {m.oldest_open_days} days.",
                       "Ask whether it still matters: close it, or agree who does it by "
                       "when.", False)


def _feedback(m: MeetingRecord) -> Observation | None:
    if m.feedback is None:
        return None
    if m.feedback:
        return Observation(FEEDBACK, "Feedback on a specific moment was written down.",
                           "Keep it forward-looking: end with “next time, try …”.", True)
    return Observation(FEEDBACK, "No feedback on a moment this time.",
                       "Pick one moment from this week: say what you saw and what it led "
                       "to, within a day of it.", False)


def _pulse(m: MeetingRecord, earlier: list[MeetingRecord]) -> Observation:
    before = [r.pulse for r in earlier if r.pulse is not None][-3:]
    if m.pulse is None:
        return Observation(LISTENING, "No pulse was given for this meeting.",
                           "Ask for the 1–5 at the end, and what would make it one higher.",
                           False)
    if before:
        average = sum(before) / len(before)
        trend = " → ".join(str(p) for p in (*before, m.pulse))
        if m.pulse <= average - 1:
            return Observation(LISTENING, f"The pulse fell ({trend}).",
                               "Ask what would have made this conversation more useful, and "
                               "listen to the end before answering.", False)
        if m.pulse >= average + 1:
            return Observation(LISTENING, f"The pulse rose ({trend}).",
                               "Ask what made the difference, and keep it.", True)
        return Observation(LISTENING, f"The pulse held ({trend}).",
                           "Ask what would make the next one a point more useful."
                           if m.pulse < 5 else "Keep doing what you did.", m.pulse >= 4)
    return Observation(LISTENING, f"The pulse was {m.pulse} of 5.",
                       "Ask what would make the next one a point more useful."
                       if m.pulse < 5 else "Keep doing what you did.", m.pulse >= 4)
