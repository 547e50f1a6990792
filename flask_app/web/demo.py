"""Demo pages on the sandbox: answer an agenda as the report would, end the meeting, read the
development plan. Registered only when the service runs on the sandbox."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..domain.agenda import QUESTIONS
from ..domain.document import utf16_len
from ..domain.records import MeetingRecord, PairRecord
from . import coach

bp = Blueprint("demo", __name__, url_prefix="/demo")
MAX_ANSWER = 2000  # characters per box: a few paragraphs, never a pasted file


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


def _field(name: str) -> str:
    text = " ".join(request.form.get(name, "").split())
    if len(text) > MAX_ANSWER:
        abort(400, f"The answer to '{name}' is {len(text)} characters long; the demo takes at "
                   f"most {MAX_ANSWER} per box.")
    return text


@bp.get("/pair/<manager>/<report>")
def pair(manager: str, report: str):
    c = coach()
    record = _pair(manager, report)
    meetings = sorted(c.store.meetings(record.key), key=lambda m: m.start, reverse=True)
    zones = list(dict.fromkeys(z for z in (record.zones.get(record.manager),
                                           record.zones.get(record.report)) if z))
    return render_template("pair.html", record=record, meetings=meetings,
                           next_meeting=_next_meeting(record), questions=QUESTIONS,
                           plan=c.store.plan(record.report), sandbox=c.sandbox.url, now=c.now(),
                           max_answer=MAX_ANSWER, zones=zones)


@bp.post("/pair/<manager>/<report>/answer")
def answer(manager: str, report: str):
    """Type the form's answers into the next meeting's section, as the report."""
    c = coach()
    record = _pair(manager, report)
    meeting = _next_meeting(record)
    if meeting is None:
        abort(409, "No meeting is waiting for answers.")
    answers = {key: _field(key) for key in (*QUESTIONS, "commitment")}
    doc = c.workspace.docs(record.report, any_doc=True).get(record.doc_id)  # as the report
    typed = []
    for key in QUESTIONS:
        extent = doc.range(f"{meeting.range_name}.{key}")
        if answers[key] and extent:
            line = doc.paragraphs_in(*extent)[-1]
            typed.append((line.start + utf16_len(line.text), answers[key]))
    extent = doc.range(f"{meeting.range_name}.commitments")
    if answers["commitment"] and extent:
        boxes = [p for p in doc.paragraphs_in(*extent) if p.checkbox]
        if boxes:
            typed.append((boxes[-1].start + utf16_len(boxes[-1].text), answers["commitment"]))
    for index, text in sorted(typed, reverse=True):  # from the end: earlier indices hold
        c.sandbox.person_types(record.doc_id, record.report, index, text)
    flash(f"Typed {len(typed)} answer(s) into the doc as {c.name_of(record.report)}." if typed
          else "Nothing to type: every box was empty.")
    return redirect(url_for("demo.pair", manager=record.manager, report=record.report))


@bp.post("/pair/<manager>/<report>/end-meeting")
def end_meeting(manager: str, report: str):
    """Move the sandbox clock past the meeting and the grace period, then sync the manager."""
    c = coach()
    record = _pair(manager, report)
    meeting = _next_meeting(record)
    if meeting is None:
        abort(409, "No meeting is waiting to end.")
    grace = timedelta(minutes=c.settings.gather_grace_minutes)
    c.sandbox.advance_to(meeting.start + timedelta(hours=1) + grace)
    outcome = c.sync_pass().run([record.manager])
    result = outcome.results[0] if outcome.results else None
    if result is None or result.failed:
        flash("The meeting is over, but the sync failed: "
              f"{outcome.failed or result.failed}. Try again in a minute.")
    else:
        flash(f"Meeting over. Gathered {result.meetings_gathered} meeting(s) of "
              f"{c.name_of(record.manager)}; {result.plan_entries} development-plan "
              f"entr{'y' if result.plan_entries == 1 else 'ies'} written.")
    return redirect(url_for("demo.pair", manager=record.manager, report=record.report))
