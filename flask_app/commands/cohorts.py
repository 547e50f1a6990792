"""``coach cohorts``: plan the quarter's peer-coaching cohorts, send their invitations, and
write a session's invitation as an .ics file."""
from __future__ import annotations

from pathlib import Path

import click

from ..adapters.invite_ics import invitation, stable_uid
from ..bootstrap import build
from ..config import load_settings
from ..domain.cohorts import next_quarter, quarter_of

_QUARTER = click.option("--quarter", help="e.g. 2027Q1 (default: the next quarter).")


@click.group("cohorts")
def cohorts() -> None:
    """Quarterly peer-coaching cohorts of six to ten managers (the HR console does the same)."""


def _quarter(coach, quarter: str | None) -> str:
    return quarter or next_quarter(quarter_of(coach.now().date()))


@cohorts.command("plan")
@_QUARTER
@click.option("--afresh", is_flag=True,
              help="Form the cohorts again (only before invitations went out; moves are lost).")
def plan(quarter: str | None, afresh: bool) -> None:
    """Form the cohorts (or bring the kept plan up to date) and print them."""
    coach = build(load_settings())
    planned = coach.cohorts().plan(_quarter(coach, quarter), by="coach cohorts plan",
                                   afresh=afresh)
    click.echo(f"{planned.quarter}: {planned.message}")
    for cohort in planned.cohorts:
        if not cohort.members:
            continue
        names = ", ".join(coach.name_of(e) for e in cohort.members)
        click.echo(f"\nCohort {cohort.number} ({len(cohort.members)}): {names}")
        pairs = "; ".join(" & ".join(coach.name_of(e) for e in pair) for pair in cohort.pairs)
        click.echo(f"  peer-coach pairs: {pairs}")
        if cohort.start is None:
            click.echo("  session: no time found")
        else:
            click.echo(f"  session: {cohort.start:%a %d %b %Y %H:%M}–{cohort.end:%H:%M} UTC")
        if cohort.conflicts:
            click.echo("  cannot make it: " + ", ".join(coach.name_of(e)
                                                      for e in cohort.conflicts))
        if cohort.sent_at:
            click.echo(f"  invited {cohort.sent_at:%d %b %Y %H:%M} UTC")
    for email, why in planned.unplaced:
        click.echo(f"\nNot placed: {coach.name_of(email)} ({why})")


@cohorts.command("send")
@_QUARTER
def send(quarter: str | None) -> None:
    """Invite each cohort to its session, with its agenda doc; again after changes, update
    the invitations and the doc's sharing (nothing is sent twice)."""
    coach = build(load_settings())
    sent = coach.cohorts().send(_quarter(coach, quarter), by="coach cohorts send")
    for number, outcome in sorted(sent.outcomes.items()):
        click.echo(f"cohort {number}: {outcome}")
    for problem in sent.problems:
        click.echo(f"problem: {problem}", err=True)
    if not sent.outcomes and not sent.problems:
        click.echo(f"{sent.quarter}: no cohort to invite")


@cohorts.command("ics")
@_QUARTER
@click.option("--cohort", "number", type=int, required=True, help="The cohort's number.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: print it).")
def ics(quarter: str | None, number: int, out: Path | None) -> None:
    """A cohort's session as an .ics invitation, for calendars other than Google's."""
    coach = build(load_settings())
    details = coach.cohorts().invite_details(_quarter(coach, quarter), number)
    data = invitation(uid=stable_uid(details.key, coach.settings.domain),
                      sequence=details.sequence, summary=details.summary,
                      description=details.description, start=details.start, end=details.end,
                      time_zone=details.time_zone, organizer=details.organizer,
                      attendees=details.attendees, url=details.url, stamp=coach.now())
    if out is None:
        click.echo(data.decode(), nl=False)
    else:
        out.write_bytes(data)
        click.echo(f"wrote {out}")
