"""Rollout on the fakes: who a pass syncs, opting out, the audit log of writes."""
from __future__ import annotations

from datetime import timedelta

import pytest

from flask_app.domain.people import Directory, Person
from flask_app.domain.records import Grant
from flask_app.domain.rollout import OPT_IN, Rollout
from flask_app.errors import InputError
from flask_app.services.audit import AuditedWorkspace
from flask_app.services.sync import ManagerSync, SyncSettings
from tests.services.conftest import ANA, BO, FANG, MONDAY, TEMPLATES, Org, weekly

ZOE, YAN, XI = "zoe@example.com", "yan@example.com", "xi@example.com"


def people() -> Directory:
    return Directory([
        Person(ANA, "Ana Silva", org_unit_path="/Eng"),
        Person(BO, "Bo Nilsson", manager_email=ANA, org_unit_path="/Eng/Platform"),
        Person(FANG, "Fang Wang", manager_email=ANA, org_unit_path="/Eng/Platform"),
        Person(ZOE, "Zoe Park", manager_email=ANA, org_unit_path="/Sales"),
        Person(YAN, "Yan Li", manager_email=ZOE, org_unit_path="/Sales"),
        Person(XI, "Xi Wu", manager_email=BO, org_unit_path="/Eng/Platform")])


@pytest.fixture
def org() -> Org:
    world = Org(people())
    world.store.save_rollout(Rollout())
    world.google.groups["leads@example.com"] = frozenset({BO})
    return world


def synced(org: Org, **rollout) -> list[str]:
    org.store.save_rollout(Rollout(**rollout))
    return org.rollout().managers_to_sync(org.google.people)


def test_nothing_enabled_syncs_nobody(org):
    assert synced(org) == [] and org.pass_().results == []


def test_an_org_unit_covers_the_managers_in_it_and_in_units_inside_it(org):
    assert synced(org, units=["/Sales"]) == [ZOE]
    assert synced(org, units=["/Eng"]) == [ANA, BO]
    assert synced(org, units=["/"]) == [ANA, BO, ZOE]


def test_a_group_covers_its_members_who_manage_someone(org):
    assert synced(org, groups=["leads@example.com"]) == [BO]


def test_an_unknown_unit_or_group_is_refused_by_name(org):
    service = org.rollout()
    with pytest.raises(InputError, match="'/Nowhere'"):
        service.save("hr@example.com", mode="delegation", units=["/Nowhere"], groups=[],
                     reuse_docs=False, directory=org.google.people)
    with pytest.raises(InputError, match="no-such@example.com"):
        service.coverage(org.google.people, [], ["no-such@example.com"])


def test_the_opt_in_mode_syncs_only_the_managers_who_authorised(org):
    org.store.save_grant(Grant(ZOE, "calendar", "sealed", [], MONDAY))
    assert synced(org, mode=OPT_IN, units=["/"]) == [ZOE]


def test_opting_out_stops_the_managers_sync_and_the_pairs_of_a_report(org):
    org.store.save_rollout(Rollout(units=["/"]))
    org.google.put_event(weekly("af", ANA, FANG, MONDAY + timedelta(days=2)))
    revoked = []
    service = org.rollout()
    service.revoke = lambda token: revoked.append(token) or True
    org.store.save_grant(Grant(FANG, "calendar", "sealed-token", [], MONDAY))
    assert service.opt_out(FANG) and not service.opt_out(FANG)  # the second changes nothing
    assert revoked == ["sealed-token"] and org.store.grant(FANG, "calendar") is None
    result = org.run(ANA)
    assert result.pairs == 1 and org.store.pair(ANA, FANG) is None  # Bo's pair only
    assert org.run(FANG).skipped == "opted out"
    assert ANA in service.managers_to_sync(org.google.people)
    assert FANG not in service.managers_to_sync(org.google.people)


def test_every_write_is_audited_with_whom_and_for_which_manager_and_never_content(org):
    audited = AuditedWorkspace(org.workspace, org.store, org.clock)
    sync = ManagerSync(audited, org.store, org.clock, TEMPLATES, SyncSettings(),
                       sleep=lambda s: None)
    sync.run(ANA, org.google.people)
    kinds = sorted({(e.kind, e.actor, e.manager) for e in org.store.audit()})
    assert kinds == [("calendar.attach_doc", ANA, ANA), ("docs.write", ANA, ANA),
                     ("drive.create_doc", ANA, ANA), ("drive.share", ANA, ANA)]
    doc_id = org.store.pair(ANA, BO).doc_id
    assert {e.file_id for e in org.store.audit() if e.kind == "docs.write"} == {doc_id}
