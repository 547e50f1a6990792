"""What the service remembers between syncs: metadata only, never the text of a note.

Records are plain dataclasses the store saves and returns; services change them and save them
again. Hashes of what the service wrote are kept so that it can tell, without keeping the text,
whether a person has changed something since.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .events import CalendarEvent

EDITED = "edited"  # a content hash that matches nothing: the range holds people's text


@dataclass
class ManagerState:
    """One manager's calendar sync: the token and the events the sync needs between runs."""

    email: str
    sync_token: str | None = None
    events: dict[str, CalendarEvent] = field(default_factory=dict)
    synced_at: datetime | None = None
    failure: str | None = None  # the last sync's failure ("method: status reason"), if it failed
    time_zone: str = ""  # the zone the manager's calendar shows times in


@dataclass
class PairRecord:
    """The running doc of one manager–report pair."""

    manager: str
    report: str
    doc_id: str | None = None
    shared_with: list[str] = field(default_factory=list)
    attached_to: list[str] = field(default_factory=list)
    zones: dict[str, str] = field(default_factory=dict)  # each person's time zone, by email
    zones_checked: datetime | None = None

    @property
    def key(self) -> str:
        return pair_key(self.manager, self.report)


@dataclass
class MeetingRecord:
    """One meeting's section in the pair doc and what became of its notes.

    ``content_hash`` is the fingerprint of the whole section (title included) as the service last
    wrote it, or :data:`EDITED` once a person changed it in a way the service cannot follow.
    """

    pair: str
    occurrence: str
    range_name: str
    start: datetime
    title: str
    content_hash: str
    status: str = "scheduled"  # scheduled | cancelled (kept: people wrote in it) | removed
    gathered_at: datetime | None = None
    filled: bool | None = None
    questions_answered: int = 0  # of the four coaching questions
    commitments: int = 0
    concrete: bool | None = None  # whether the success statement was concrete
    pulse: int | None = None  # the report's 1-5 on how useful the conversation was
    carried: int = 0  # items still open from earlier meetings, carried into this one
    carried_done: int = 0  # of those, how many were done by the time it was gathered
    notes_hash: str = ""  # the section's fingerprint when its notes were last read
    prepared: int | None = None  # questions answered when the meeting started, if seen then
    feedback: bool | None = None  # whether feedback on a moment was written
    oldest_open_days: int | None = None  # the oldest item still open when it was gathered


@dataclass
class PlanRecord:
    """An employee's development-plan doc."""

    employee: str
    doc_id: str
    manager: str
    shared_with: list[str] = field(default_factory=list)
    summary_hash: str | None = None  # the summary as the service last wrote it
    revision: str | None = None  # the revision the service's last write made
    layout: dict[str, list[int]] = field(default_factory=dict)  # its ranges after that write


@dataclass
class PlanEntryRecord:
    """One meeting's entry in a development plan, by the fingerprint of what the service wrote."""

    employee: str
    occurrence: str
    range_name: str
    content_hash: str
    objective_hash: str = ""  # its success statement's line under Performance objectives


@dataclass(frozen=True)
class LeaseRecord:
    name: str
    owner: str
    until: datetime
    flagged: bool = False  # asked while held: its owner runs once more before letting go


def pair_key(manager: str, report: str) -> str:
    return f"{manager.lower()}|{report.lower()}"


@dataclass
class OptOut:
    """Someone asked the service to stop: their calendar is no longer read, nor their pairs."""

    email: str
    at: datetime


@dataclass
class Grant:
    """A person's own authorisation (the opt-in mode), its refresh token encrypted."""

    email: str
    kind: str  # "calendar": a manager's own; "directory": an admin's, to read the directory
    token: str  # ciphertext (see adapters/token_vault.py); never the token itself
    scopes: list[str] = field(default_factory=list)
    granted_at: datetime | None = None


@dataclass
class AuditEntry:
    """One write the service made to someone's calendar or docs (never its content)."""

    at: datetime
    actor: str  # whose account the write was made as
    kind: str  # e.g. "docs.write", "drive.share", "calendar.attach_doc"
    file_id: str  # the doc or event written to
    manager: str = ""  # the manager whose sync (or panel) made it


@dataclass
class StoredTemplate:
    """An agenda template HR uploaded (Markdown, as in agendas/)."""

    name: str
    text: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass
class SigninRequest:
    """A Google sign-in under way: its state and PKCE verifier, kept on the server."""

    state: str
    verifier: str
    purpose: str  # "console", "opt_out", "opt_in" or "directory"
    created: datetime


@dataclass
class CohortRecord:
    """One peer-coaching cohort of a quarter: its members and pairs, the slot chosen for its
    session and, once sent, the invitation's event, the agenda doc and who was invited."""

    quarter: str
    number: int
    members: list[str]
    pairs: list[list[str]]
    start: datetime | None = None
    end: datetime | None = None
    conflicts: list[str] = field(default_factory=list)  # members busy at the chosen time
    event_id: str = ""  # on the organiser's calendar
    doc_id: str = ""
    invited: list[str] = field(default_factory=list)  # guests of the event as last sent
    sent_at: datetime | None = None
    sequence: int = 0  # how many times the sent invitation changed (the .ics SEQUENCE)


@dataclass
class CohortQuarter:
    """A quarter's cohort plan as a whole: what was said about it and who could not be placed."""

    quarter: str
    message: str
    unplaced: list[list[str]] = field(default_factory=list)  # [email, why]
    organizer: str = ""
    changed_by: str = ""
    changed_at: datetime | None = None


@dataclass
class ChannelRecord:
    """The push channel watching one manager's calendar: its id, Google's resource id, when it
    expires, and a digest of its secret token (the token itself is only ever sent to Google)."""

    manager: str
    channel_id: str
    resource_id: str
    token_digest: str
    expiration: datetime
