"""Demo pages on the sandbox: answer an agenda as the report would, end the meeting, read the
development plan. Registered only when the service runs on the sandbox."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..adapters.docs import DocsAdapter
from ..domain.agenda import QUESTIONS
from ..services.store import MeetingRecord, PairRecord
from . import coach

bp = Blueprint("demo", __name__, url_prefix="/demo")


def _pair(manager: str, report: str) -> PairRecord:
    record = coach().store.pair(manager, report)
    if record is None or record.doc_id is None:
        abort(404, f"No one-on-one doc for {manager} and {report} yet.")
    return record


def _next_meeting(record: PairRecord) -> MeetingRecord | None:
    """The earliest meeting with a section that has not been gathered yet."""
    waiting = [m for m in coach().store.meetings(record.key)
               if m.status == "scheduled" and m.gathered_at is None]
    return min(waiting, key=lambda m: m.start, default=None)


@bp.get("/pair/<manager>/<report>")
def pair(manager: str, report: str):
    c = coach()
    record = _pair(manager, report)
    meetings = sorted(c.store.meetings(record.key), key=lambda m: m.start, reverse=True)
    return render_template("pair.html", record=record, meetings=meetings,
                           next_meeting=_next_meeting(record), questions=QUESTIONS,
                           plan=c.store.plan(report), sandbox=c.workspace.endpoints.root,
                           now=c.now())


@bp.post("/pair/<manager>/<report>/answer")
def answer(manager: str, report: str):
    """Type the form's answers into the next meeting's section, as the report."""
    c = coach()
    record = _pair(manager, report)
    meeting = _next_meeting(record)
    if meeting is None:
        abort(409, "No meeting is waiting for answers.")
    doc = DocsAdapter(c.workspace.service("docs", report)).get(record.doc_id)
    typed = []
    for key in QUESTIONS:
        text = " ".join(request.form.get(key, "").split())
        extent = doc.range(f"{meeting.range_name}.{key}")
        if text and extent:
            line = doc.paragraphs_in(*extent)[-1]
            typed.append((line.end - 1, text))
    commitment = " ".join(request.form.get("commitment", "").split())
    extent = doc.range(f"{meeting.range_name}.commitments")
    if commitment and extent:
        boxes = [p for p in doc.paragraphs_in(*extent) if p.checkbox]
        if boxes:
            typed.append((boxes[-1].end - 1, commitment))
    for index, text in sorted(typed, reverse=True):  # from the end: earlier indices hold
        c.sandbox.person_types(record.doc_id, report, index, text)
    flash(f"Typed {len(typed)} answer(s) into the doc as {c.name_of(report)}." if typed
          else "Nothing to type: every box was empty.")
    return redirect(url_for("demo.pair", manager=manager, report=report))


@bp.post("/pair/<manager>/<report>/end-meeting")
def end_meeting(manager: str, report: str):
    """Move the sandbox clock past the meeting and the grace period, then sync the manager."""
    c = coach()
    meeting = _next_meeting(_pair(manager, report))
    if meeting is None:
        abort(409, "No meeting is waiting to end.")
    grace = timedelta(minutes=c.settings.gather_grace_minutes)
    c.sandbox.advance_to(meeting.start + timedelta(hours=1) + grace)
    result = c.sync_pass().run([manager])[0]
    flash(f"Meeting over. Gathered {result.meetings_gathered} meeting(s) of {c.name_of(manager)}"
          f"; {result.plan_entries} development-plan entr{'y' if result.plan_entries == 1 else 'ies'}"
          " written.")
    return redirect(url_for("demo.pair", manager=manager, report=report))
