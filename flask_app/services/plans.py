"""Each employee's development-plan doc: owned by the employee (so it moves with them between
managers), shared with their current manager only, entries written at the revision read."""
from __future__ import annotations

import hashlib
import logging

from ..domain.plan import PlanEntry, compose_plan
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
                  entries: list[PlanEntry], emptied: list[str], attempts: int) -> int:
    """Write ``entries`` (and take out ``emptied`` ones) in the report's plan; how many entries
    were written."""
    drive = run.workspace.drive(pair.report)
    docs = run.workspace.docs(pair.report)
    plan = store.plan(pair.report)
    if plan is None:
        doc_id, _ = marked_docs.find_or_create(
            drive, docs, PLAN_PROPERTY, plan_marker(pair.report),
            f"Development plan · {report_name}", run.result.problems)
        plan = PlanRecord(pair.report, doc_id, pair.manager)
        store.save_plan(plan)
    align_access(plan, pair.manager, drive, store)
    recorded = {r.occurrence: r for r in store.plan_entries(pair.report)}
    for _ in range(attempts):
        doc = docs.get(plan.doc_id)
        batch = compose_plan(doc, entries, remove=emptied, employee_name=report_name,
                             written={k: r.content_hash for k, r in recorded.items()})
        if batch.requests:
            try:
                docs.write(plan.doc_id, batch.requests, doc.revision_id)
            except Conflict:
                log.info("plan doc changed while writing; reading it again")
                continue
        with store.transaction():
            for entry in entries:
                if entry.occurrence in batch.hashes:
                    store.save_plan_entry(PlanEntryRecord(pair.report, entry.occurrence,
                                                          entry.range_name,
                                                          batch.hashes[entry.occurrence]))
        if batch.conflicts:
            run.result.problems.append(f"{len(batch.conflicts)} development-plan entr"
                                       f"{'y was' if len(batch.conflicts) == 1 else 'ies were'} "
                                       "edited by people and left as they are")
        return sum(1 for entry in entries if entry.occurrence in batch.hashes)
    log.warning("plan doc kept changing; its entries are written on the next gather")
    return 0


def align_access(plan: PlanRecord, manager: str, drive: Drive, store: Store) -> None:
    """Share the plan with ``manager`` and nobody else but its owner, the employee."""
    if plan.manager == manager and manager in plan.shared_with:
        return
    try:
        drive.share(plan.doc_id, manager)
        for permission in drive.permissions(plan.doc_id):
            if permission.role != "owner" and permission.email and permission.email not in (
                    manager, plan.employee):
                drive.unshare(plan.doc_id, permission.id)
    except PermissionDenied:
        log.warning("could not align a plan doc's access")
        return
    plan.manager = manager
    plan.shared_with = [manager]
    store.save_plan(plan)
