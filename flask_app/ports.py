"""The ports: what the services need from Google Workspace, the store, the clock and the task queue.

Each is a small Protocol taking and returning the domain's dataclasses and raising the project's
errors (:mod:`flask_app.errors`). The Google adapters implement them over google-api-python-client
(against Google or the Workspace sandbox); in-memory fakes implement them for fast tests; one
contract suite per port runs on both so that neither drifts from what Google does.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Protocol

from .domain.events import CalendarEvent, Changes, Channel, DocLink, Invitation
from .domain.marks import EventMark
from .domain.people import Directory
from .domain.records import (AuditEntry, ChannelRecord, CohortQuarter, CohortRecord, Grant,
                             LeaseRecord,
                             ManagerState, MeetingRecord, OptOut, PairRecord, PlanEntryRecord,
                             PlanRecord, SigninRequest, StoredTemplate)
from .domain.rollout import Rollout
from .domain.snapshot import DocSnapshot
from .domain.workspace import DriveFile, Permission


class Calendar(Protocol):
    """One user's primary calendar."""

    def changes(self, sync_token: str | None) -> Changes:
        """Events changed since ``sync_token`` (every event without one), the next token and the
        calendar's time zone. Cancelled events are included (``status == "cancelled"``).

        :raises SyncTokenExpired: the token is too old: call again with None.
        """

    def time_zone(self) -> str:
        """The zone the user's calendar shows times in (an IANA name)."""

    def event(self, event_id: str) -> CalendarEvent:
        """One event (a series, a single event or one instance) as this user sees it.

        :raises NotFound: no such event on the user's calendar.
        """

    def between(self, start: datetime, end: datetime) -> list[CalendarEvent]:
        """Every meeting overlapping [start, end), series expanded, in start order."""

    def attach_doc(self, event: CalendarEvent, doc: DocLink) -> CalendarEvent:
        """Attach ``doc`` to the event (a series: every meeting) and mark it as this service's,
        keeping the event's other attachments; the event as it now is. Idempotent.

        :raises PermissionDenied: only the event's organiser may add attachments.
        """

    def free_busy(self, emails: list[str], start: datetime,
                  end: datetime) -> dict[str, list[tuple[datetime, datetime]]]:
        """When each of these people is busy in [start, end), as this user may see it; a
        person whose calendar cannot be read is left out."""

    def invite(self, invitation: Invitation) -> tuple[CalendarEvent, bool]:
        """Put the event on this user's calendar with its guests invited (Google mails them);
        the event and whether this call made it. An event with this id already there is
        returned as it is, unchanged."""

    def watch(self, address: str, channel_id: str, token: str, ttl_seconds: int) -> Channel:
        """Open a push channel: Google POSTs to ``address`` whenever the calendar changes (and
        a ``sync`` message at once), carrying ``token``."""

    def stop_channel(self, channel_id: str, resource_id: str) -> None:
        """Close a channel; one already gone is no error."""

    def set_guests(self, event_id: str, guests: tuple[str, ...]) -> CalendarEvent:
        """Make the event's guests exactly ``guests`` (those added are invited, those removed
        told it is cancelled for them, the others told of the change)."""


class Docs(Protocol):
    """Google Docs, acting as one user."""

    def get(self, document_id: str) -> DocSnapshot:
        """The document as it is now (first tab, suggestions inline).

        :raises NotFound: deleted, or not shared with the user.
        """

    def write(self, document_id: str, requests: list[dict], revision_id: str) -> str:
        """Apply ``requests`` atomically if the document is still at ``revision_id``; return the
        revision the write made. Safe to retry: a write applied once fails the revision check.

        :raises Conflict: someone edited the document since it was read: read it again.
        """


class Drive(Protocol):
    """Google Drive, acting as one user, within the files this app may see (drive.file)."""

    def find_docs(self, key: str, value: str) -> list[DriveFile]:
        """Google Docs not in the trash marked with appProperties ``key=value``, oldest first."""

    def create_doc(self, name: str, app_properties: dict[str, str]) -> DriveFile:
        """A new, empty Google Doc. Not idempotent: look for it with ``find_docs`` after a failure."""

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        """Give ``email`` access (no notification email). Idempotent."""

    def permissions(self, file_id: str) -> list[Permission]:
        """Who has access to the file."""

    def unshare(self, file_id: str, permission_id: str) -> None:
        """Take a permission away. Idempotent: a permission already gone is not an error."""

    def export_markdown(self, file_id: str) -> str:
        """A Google Doc as Drive's Markdown export (checklist ticks as ``- [x]``)."""

    def trash(self, file_id: str) -> None:
        """Move the file to the trash (people can restore it for 30 days). Idempotent."""


class Workspace(Protocol):
    """The organisation's Google Workspace: its directory, and its APIs acting as one user."""

    def directory(self) -> Directory:
        """Every person with their manager, org unit and language (read as the admin)."""

    def members(self, group: str) -> frozenset[str]:
        """The emails of a group's people, nested groups included (read as the admin).

        :raises NotFound: no such group.
        """

    def calendar(self, user: str) -> Calendar: ...

    def docs(self, user: str, *, any_doc: bool = False) -> Docs:
        """Docs as ``user``: the docs the service made, or (``any_doc``, the broader scope HR
        may allow) any doc the user can open."""

    def drive(self, user: str) -> Drive: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (Google's clock: on the sandbox, the sandbox's)."""


class Store(Protocol):
    """The service's metadata: sync tokens, which doc belongs to which pair, which meetings have a
    section and what became of their notes. Never the text of a note."""

    def transaction(self) -> AbstractContextManager[None]:
        """Group the writes inside into one transaction (one per pair or per manager)."""

    def manager(self, email: str) -> ManagerState | None: ...
    def managers(self) -> list[ManagerState]: ...
    def save_manager(self, state: ManagerState) -> None: ...
    def pair(self, manager: str, report: str) -> PairRecord | None: ...
    def pairs(self, manager: str | None = None) -> list[PairRecord]: ...
    def save_pair(self, record: PairRecord) -> None: ...

    def pair_with_doc(self, doc_id: str) -> PairRecord | None:
        """The pair whose running doc this is."""

    def mark(self, event_id: str) -> EventMark | None: ...
    def marks(self) -> list[EventMark]: ...

    def save_mark(self, mark: EventMark) -> None:
        """Remember a person's mark on an event (replacing an earlier one)."""

    def meetings(self, pair: str) -> list[MeetingRecord]: ...
    def save_meeting(self, record: MeetingRecord) -> None: ...
    def plan(self, employee: str) -> PlanRecord | None: ...
    def plans(self) -> list[PlanRecord]: ...
    def save_plan(self, record: PlanRecord) -> None: ...
    def plan_entries(self, employee: str) -> list[PlanEntryRecord]: ...
    def save_plan_entry(self, record: PlanEntryRecord) -> None: ...

    def rollout(self) -> Rollout:
        """HR's rollout choices (the defaults until HR saved some)."""

    def save_rollout(self, rollout: Rollout) -> None: ...
    def opt_outs(self) -> list[OptOut]: ...
    def save_opt_out(self, record: OptOut) -> None: ...
    def remove_opt_out(self, email: str) -> None: ...
    def grant(self, email: str, kind: str) -> Grant | None: ...
    def grants(self, kind: str) -> list[Grant]: ...
    def save_grant(self, grant: Grant) -> None: ...
    def delete_grant(self, email: str, kind: str) -> None: ...

    def record(self, entry: AuditEntry) -> None:
        """Add an entry to the audit log of writes."""

    def audit(self, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first."""

    def templates(self) -> list[StoredTemplate]: ...
    def save_template(self, template: StoredTemplate) -> None: ...
    def cohorts(self, quarter: str) -> list[CohortRecord]:
        """The quarter's cohorts in number order."""

    def save_cohort(self, record: CohortRecord) -> None: ...
    def delete_cohort(self, quarter: str, number: int) -> None: ...
    def cohort_quarter(self, quarter: str) -> CohortQuarter | None: ...
    def save_cohort_quarter(self, record: CohortQuarter) -> None: ...
    def channel(self, manager: str) -> ChannelRecord | None: ...
    def channel_by_id(self, channel_id: str) -> ChannelRecord | None: ...
    def channels(self) -> list[ChannelRecord]: ...
    def save_channel(self, record: ChannelRecord) -> None: ...
    def delete_channel(self, manager: str) -> None: ...
    def save_signin(self, request: SigninRequest) -> None: ...

    def take_signin(self, state: str) -> SigninRequest | None:
        """The sign-in under way with this state, once: it is forgotten as it is taken."""

    def take_lease(self, name: str, owner: str, until: datetime, now: datetime) -> bool:
        """Hold ``name`` for ``owner`` until ``until`` if nobody else holds it at ``now`` (one
        conditional update: safe across threads and processes)."""

    def flag_lease(self, name: str, now: datetime) -> bool:
        """Ask whoever holds ``name`` at ``now`` to run once more before letting go (a change
        came in that their run may have missed). False when nobody holds it."""

    def lease_flagged(self, name: str, owner: str) -> bool:
        """Whether ``owner``'s lease was flagged since it last asked; the flag is cleared and
        the lease stays the owner's, for the run it asks for."""

    def release_lease(self, name: str, owner: str) -> bool:
        """Let go of ``owner``'s lease; True when it was flagged after the owner last asked
        (its change still wants a run)."""

    def lease(self, name: str) -> LeaseRecord | None: ...
    def last_synced(self) -> dict[str, datetime]:
        """When each manager's calendar was last synced, for those synced at least once."""

    def world(self) -> str | None:
        """The id of the Workspace this store's state belongs to (the sandbox's world id)."""

    def forget_workspace(self, world: str | None) -> None:
        """Drop everything learnt from a Workspace (it was replaced) and remember ``world``."""


class TaskQueue(Protocol):
    """Work to do later, one task per manager (Cloud Tasks in production)."""

    def enqueue(self, manager: str, *, key: str, delay: timedelta = timedelta(0),
                first: bool = False) -> bool:
        """Queue a sync of ``manager`` under ``key``; False when that manager's task with this
        key was queued already (it may have run). ``first``: the manager's first sync, which
        writes several times as much, on a queue of its own with a lower rate."""
