"""Each employee's development-plan doc: owned by the employee (so it moves with them between
managers), shared with their current manager only, entries written at the revision read."""
from __future__ import annotations

import hashlib
import logging

from ..domain.plan import (SUMMARY_RANGE, Objective, PlanEntry, PlanLayout, PlanSummary,
                           compose_plan, objective_range)
from ..domain.pairs import PairMeetings
from ..domain.records import PlanEntryRecord, PlanRecord
from ..errors import Conflict, PermissionDenied
from ..ports import Drive, Store
from . import marked_docs

log = logging.getLogger(__name__)
PLAN_PROPERTY = "coachPlan"


def plan_marker(employee: str) -> str:
    return hashlib.sha256(f"plan|{employee.lower()}".encode()).hexdigest()[:32]


def write_entries(run, store: Store, pair: PairMeetings, report_name: str,
                  entries: list[PlanEntry], emptied: list[str], attempts: int, *,
                  objectives: list[Objective] = (), summary: PlanSummary | None = None) -> int:
    """Write ``entries`` (and take out ``emptied`` ones), the new ``objectives`` and the
    ``summary`` in the report's plan; how many entries were written.

    The plan is the report's own doc, shared with their manager; in the opt-in mode, where
    only the manager authorised the service, it is the manager's, shared with the report."""
    owner = pair.manager if run.plans_by_manager else pair.report
    drive = run.workspace.drive(owner)
    docs = run.workspace.docs(owner)
    plan = store.plan(pair.report)
    if plan is None:
        doc_id, _ = marked_docs.find_or_create(
            drive, docs, PLAN_PROPERTY, plan_marker(pair.report),
            f"Development plan · {report_name}", run.result.problems)
        plan = PlanRecord(pair.report, doc_id, pair.manager)
        store.save_plan(plan)
    align_access(plan, pair.manager, drive, store,
                 reader=pair.report if owner == pair.manager else None)
    recorded = {r.occurrence: r for r in store.plan_entries(pair.report)}
    written = 0
    doc = _as_last_written(plan, recorded) or docs.get(plan.doc_id)
    for _ in range(attempts + 1):
        batch = compose_plan(
            doc, entries, remove=emptied, employee_name=report_name,
            written={k: r.content_hash for k, r in recorded.items()},
            objectives=objectives, summary=summary, written_summary=plan.summary_hash,
            written_objectives={k: r.objective_hash for k, r in recorded.items()
                                if r.objective_hash})
        revision = doc.revision_id
        if batch.requests:
            try:
                revision = docs.write(plan.doc_id, batch.requests, doc.revision_id)
            except Conflict:
                log.info("plan doc changed since it was last written; reading it")
                doc = docs.get(plan.doc_id)
                continue
        _remember(store, plan, pair.report, entries, objectives, recorded, batch, revision)
        written = max(written, sum(1 for entry in entries if entry.occurrence in batch.hashes))
        if batch.conflicts:
            run.result.problems.append(f"{len(batch.conflicts)} development-plan entr"
                                       f"{'y was' if len(batch.conflicts) == 1 else 'ies were'} "
                                       "edited by people and left as they are")
        if not batch.incomplete:  # a new plan: its skeleton first, then the rest
            return written
        doc = _as_last_written(plan, recorded)
    log.warning("plan doc kept changing; its entries are written on the next gather")
    return written


def _as_last_written(plan: PlanRecord, recorded: dict[str, PlanEntryRecord]) -> PlanLayout | None:
    """The plan as the service's last write left it (standing in for a read while nobody edited
    it since; a write against it fails if anyone did)."""
    if not plan.revision or not plan.layout:
        return None
    fingerprints = {r.range_name: r.content_hash for r in recorded.values() if r.content_hash}
    fingerprints |= {objective_range(r.occurrence): r.objective_hash for r in recorded.values()
                     if r.objective_hash}
    if plan.summary_hash:
        fingerprints[SUMMARY_RANGE] = plan.summary_hash
    return PlanLayout(plan.doc_id, plan.revision,
                      {name: tuple(extent) for name, extent in plan.layout.items()}, fingerprints)


def _remember(store: Store, plan: PlanRecord, employee: str, entries: list[PlanEntry],
              objectives: list[Objective], recorded: dict[str, PlanEntryRecord],
              batch, revision: str) -> None:
    """Keep the fingerprints of what the batch wrote (never the text), and where its ranges
    are at the revision it made."""
    names = {e.occurrence: e.range_name for e in entries}
    with store.transaction():
        for key in set(batch.hashes) | set(batch.objectives):
            old = recorded.get(key)
            record = PlanEntryRecord(
                employee, key, names.get(key, old.range_name if old else ""),
                batch.hashes.get(key, old.content_hash if old else ""),
                batch.objectives.get(key, old.objective_hash if old else ""))
            recorded[key] = record
            store.save_plan_entry(record)
        if batch.summary is not None:
            plan.summary_hash = batch.summary
        plan.revision = revision
        plan.layout = {name: list(extent) for name, extent in batch.layout.items()}
        store.save_plan(plan)


def align_access(plan: PlanRecord, manager: str, drive: Drive, store: Store, *,
                 reader: str | None = None) -> None:
    """Share the plan with ``manager`` (or ``reader``, when the manager owns it) and nobody
    else but its owner."""
    reader = reader or manager
    if plan.manager == manager and reader in plan.shared_with:
        return
    try:
        drive.share(plan.doc_id, reader)
        for permission in drive.permissions(plan.doc_id):
            if permission.role != "owner" and permission.email and permission.email not in (
                    manager, plan.employee):
                drive.unshare(plan.doc_id, permission.id)
    except PermissionDenied:
        log.warning("could not align a plan doc's access")
        return
    plan.manager = manager
    plan.shared_with = [reader]
    store.save_plan(plan)
