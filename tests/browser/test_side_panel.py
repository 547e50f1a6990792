"""A person clicking through the side panel in a browser (Playwright driving Debian's Chromium):
the sandbox's Calendar with the add-on beside it, then the doc in Docs."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.test_running_doc import ANA, BO, meetings, pair_doc, type_answer


def test_a_manager_adds_the_agenda_in_calendar_and_the_report_works_in_docs(
        coach, sandbox, served, browser):
    now = coach.now()
    series = next(e for e in coach.workspace.calendar(ANA).between(now, now + timedelta(days=7))
                  if {a.email for a in e.attendees} == {ANA, BO})
    page = browser.new_context(ignore_https_errors=True).new_page()

    page.goto(f"{sandbox.url}/_sandbox/addons/calendar/{ANA}")
    page.get_by_role("button", name=series.summary).first.click()
    panel = page.locator("form.addon-panel")
    expect(panel).to_contain_text("One-on-one with Bo Nilsson")
    expect(panel).to_contain_text("No agenda in the doc yet")
    panel.get_by_role("button", name="Add the agenda now").click()
    expect(page.locator("form.addon-panel")).to_contain_text("Its agenda is in the doc")
    expect(page.locator("form.addon-panel")).to_contain_text("The agenda is in the doc.")
    expect(page.locator("ul.attachments")).to_contain_text("One-on-one notes")

    first = meetings(coach)[0]
    type_answer(coach, sandbox, first, "needs", "A review rota")
    type_answer(coach, sandbox, first, "obstacle", "Reviews wait for days")
    sandbox.advance_to(first.start + timedelta(minutes=20))  # in the meeting
    doc_id = coach.store.pair(ANA, BO).doc_id

    page.goto(f"{sandbox.url}/_sandbox/addons/docs/{BO}/{doc_id}")
    page.get_by_role("button", name="Open One-on-One Coach").click()
    page.get_by_role("button", name="Use the coach in this doc").click()
    panel = page.locator("form.addon-panel")
    expect(panel).to_contain_text("Coaching with Ana Silva")
    expect(panel).to_contain_text("Not answered yet")
    panel.get_by_role("button", name="Gather now into the plan").click()
    panel = page.locator("form.addon-panel")
    expect(panel).to_contain_text("Gathered into the development plan.")
    expect(panel).to_contain_text("A review rota")
    panel.get_by_role("button", name="Mark done").click()
    panel = page.locator("form.addon-panel")
    expect(panel).to_contain_text("Marked done.")
    expect(panel.get_by_role("button", name="Mark done")).to_have_count(0)

    second = meetings(coach)[1]
    doc = pair_doc(coach)
    carried = [p for p in doc.paragraphs_in(*doc.range(f"{second.range_name}.open_items"))
               if "review rota" in p.text]
    assert carried and carried[0].struck
    assert coach.store.plan_entries(BO)
