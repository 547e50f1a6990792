"""HR in a browser (Playwright driving Debian's Chromium): signing in through the sandbox's Google
sign-in, enabling an org unit and watching the figures move after a sync; a manager opting out;
a non-admin refused; a post without its CSRF token refused; a malformed template's error."""
from __future__ import annotations

from playwright.sync_api import expect

from flask_app.domain.rollout import Rollout
from tests.test_running_doc import ANA, BO, end, meetings, type_answer

ADMIN = "fatima.haddad@example.com"


def sign_in(page, base: str, path: str, account: str | None = None) -> None:
    """Open ``path``; on the sandbox's Google sign-in, pick ``account`` (or keep the one
    offered) and allow."""
    page.goto(base + path)
    if account:
        page.select_option("select#user", account)
    page.get_by_role("button", name="Allow").click()


def test_hr_enables_a_unit_and_the_figures_move_after_a_sync(coach, sandbox, served, browser,
                                                            tmp_path):
    coach.store.save_rollout(Rollout())  # nothing enabled yet
    hr = browser.new_context(ignore_https_errors=True).new_page()
    sign_in(hr, served, "/admin")  # the demo's admin is offered first: one click
    expect(hr.locator("h1")).to_have_text("Outcome figures")
    expect(hr.locator("body")).to_contain_text("Nothing is enabled yet")
    expect(hr.locator(".card", has_text="one-on-ones found")).to_contain_text("–")

    hr.get_by_role("link", name="Rollout").click()
    hr.check("input[name=unit][value='/Engineering/Platform']")
    hr.get_by_role("button", name="Preview").click()
    expect(hr.locator("body")).to_contain_text("managers: 1, with 5 reports")
    hr.get_by_role("button", name="Save").click()
    expect(hr.locator(".flash")).to_contain_text("Saved")

    results = coach.sync()
    assert [r.manager for r in results] == [ANA]
    first = meetings(coach)[0]
    for key, text in (("obstacle", "Reviews wait"), ("tried", "Smaller PRs"),
                      ("success", "Reviews within a day by March"), ("needs", "A rota")):
        type_answer(coach, sandbox, first, key, text)
    end(coach, sandbox, first)
    coach.sync()
    hr.get_by_role("link", name="Figures").click()
    expect(hr.locator(".card", has_text="one-on-ones found")).to_contain_text("5")
    expect(hr.locator(".card", has_text="meetings held")).not_to_contain_text("–")
    hr.screenshot(path=str(tmp_path / "console.png"), full_page=True)

    refused = hr.request.post(served + "/admin/rollout",
                              form={"mode": "delegation", "unit": "/", "action": "save"})
    assert refused.status == 400 and "expired" in refused.text()

    hr.get_by_role("link", name="Agenda templates").click()
    bad = tmp_path / "team-lead.md"
    bad.write_text("## What's the obstacle? {#obstacle}\n\n```\ncode\n```\n", encoding="utf-8")
    hr.set_input_files("input[name=template]", str(bad))
    hr.get_by_role("button", name="Upload").click()
    expect(hr.locator(".error")).to_contain_text("team-lead.md:3: not supported: code blocks")


def test_a_manager_opts_out_and_a_non_admin_is_refused(coach, sandbox, served, browser):
    coach.sync(ANA)
    manager = browser.new_context(ignore_https_errors=True).new_page()
    sign_in(manager, served, "/optout", ANA)
    expect(manager.locator("h1")).to_have_text(f"Stop the coach for {ANA}?")
    manager.get_by_role("button", name="Stop the coach").click()
    expect(manager.locator("h1")).to_have_text("The coach has stopped")
    sandbox.clear_calls()
    coach.sync()
    assert sandbox.calls(user=ANA) == 0

    report = browser.new_context(ignore_https_errors=True).new_page()
    sign_in(report, served, "/admin", BO)
    expect(report.locator("h1")).to_have_text("This console is for HR")
    report.goto(served + "/admin/rollout")
    expect(report.locator("h1")).to_contain_text("Sign in")  # back to Google's sign-in
