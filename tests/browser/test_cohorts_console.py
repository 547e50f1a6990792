"""HR previews and adjusts the quarter's cohorts in a browser (Playwright driving Debian's
Chromium): forms them, drags a manager to another cohort, is told why a move breaks a rule
(through the select that works without dragging), and sends the invitations."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from flask_app.domain.cohorts import CohortError, move
from tests.browser.test_console import sign_in
from tests.conftest import LocalSandbox
from tests.test_cohorts import NOW, _bigger_seed, _pin, invitations, members_of
from workspace_sandbox.core.seed import seed_world


@pytest.fixture
def sandbox(sandbox_server, tmp_path):
    """The demo organisation with sixteen more European managers, the clock fixed."""
    seed_world(sandbox_server.world, seed_dir=_bigger_seed(tmp_path))
    _pin(sandbox_server.world, NOW)
    return LocalSandbox(sandbox_server)


def legal_and_illegal_moves(coach, quarter):
    """A manager who may move from the first cohort to the second, and one who may not."""
    service = coach.app.cohorts()
    kept = service._kept(quarter)
    members = members_of(coach, service.plan(quarter, by="test"))
    first, second = [c for c in kept.cohorts if c.members][:2]
    legal = illegal = None
    for email in first.members:
        try:
            move(kept, email, second.number, members)
            legal = legal or email
        except CohortError as error:
            illegal = illegal or (email, str(error))
    return first.number, second.number, legal, illegal


def test_hr_forms_adjusts_and_sends_the_cohorts(coach, sandbox, served, browser):
    hr = browser.new_context(ignore_https_errors=True).new_page()
    sign_in(hr, served, "/admin/cohorts")
    expect(hr.locator("body")).to_contain_text("No cohorts for 2027Q2 yet.")
    hr.get_by_role("button", name="Form cohorts for 2027Q2").click()
    expect(hr.locator("section.cohort")).to_have_count(len(
        [c for c in coach.app.cohorts().kept("2027Q2").cohorts if c.members]))
    expect(hr.locator("#message")).to_contain_text("managers:")

    first, second, legal, illegal = legal_and_illegal_moves(coach, "2027Q2")
    assert legal is not None
    source = hr.locator(f"section[data-cohort='{first}'] li[data-member='{legal}'] .name")
    hr.drag_and_drop(f"section[data-cohort='{first}'] li[data-member='{legal}'] .name",
                     f"section[data-cohort='{second}'] h2")
    expect(hr.locator(".flash")).to_contain_text(f"to cohort {second}")
    expect(hr.locator(f"section[data-cohort='{second}'] li[data-member='{legal}']")) \
        .to_have_count(1)
    assert legal in coach.app.cohorts().kept("2027Q2").cohort(second).members
    assert source.count() == 0

    assert illegal is not None  # the select beside a name, for those who do not drag
    email, why = illegal
    item = hr.locator(f"section[data-cohort='{first}'] li[data-member='{email}']")
    item.locator("select[name=to]").select_option(str(second))
    item.get_by_role("button", name="Move").click()
    expect(hr.get_by_role("alert")).to_contain_text(why)
    assert email in coach.app.cohorts().kept("2027Q2").cohort(first).members

    hr.get_by_role("button", name="Send invitations").click()
    expect(hr.locator(".flash")).to_contain_text("cohort 1: made")
    sent = {e for c in coach.app.cohorts().kept("2027Q2").cohorts for e in c.members}
    assert sorted(m["to"] for m in invitations(coach)) == sorted(sent)
    ics = hr.request.get(f"{served}/admin/cohorts/2027Q2/{second}.ics")
    assert ics.status == 200 and b"METHOD:REQUEST" in ics.body()
    assert legal.encode() in ics.body().replace(b"\r\n ", b"")
