"""`coach scan`: which events in .ics files are one-on-ones, and why."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import click

from flask_app.adapters.ics import Reading, read_events, read_instances
from flask_app.adapters.people_csv import read_directory
from flask_app.domain.detection import Detection, DetectionSettings, classify, participants
from flask_app.domain.events import CalendarEvent, cadence
from flask_app.domain.people import Directory
from flask_app.errors import InputError

_DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("scan")
@click.argument("calendars", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--directory", "directory_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="people.csv with managers; without it only the title and attendee count decide.")
@click.option("--all", "show_all", is_flag=True, help="Also list the events that are not one-on-ones.")
@click.option("--include-skip-level", is_flag=True, help="Count skip-level one-on-ones.")
@click.option("--include-peer", is_flag=True, help="Count one-on-ones between peers (title must say so).")
@click.option("--from", "window_start", type=_DAY, help="With --to: classify each occurrence in this window.")
@click.option("--to", "window_end", type=_DAY, help="End of the window (exclusive), YYYY-MM-DD.")
def scan(calendars: tuple[Path, ...], directory_file: Path | None, show_all: bool, include_skip_level: bool,
         include_peer: bool, window_start: datetime | None, window_end: datetime | None) -> None:
    """List the one-on-ones in CALENDARS (.ics files) with the reasons for each verdict.

    Series are listed once, with their cadence; --from/--to lists each occurrence instead.
    A malformed event is skipped with a FILE:LINE message on stderr and the others are still
    scanned; so are the other files when one cannot be read at all.

    \b
    Exit codes:
      0  every event of every file was classified
      1  a file could not be read at all (the directory, or a calendar)
      2  usage error
      3  some events were skipped, or a series' occurrences were cut short
    """
    if (window_start is None) != (window_end is None):
        raise click.UsageError("--from and --to go together")
    if window_start is not None and window_start >= window_end:
        raise click.UsageError(f"--from {window_start:%Y-%m-%d} must be before --to {window_end:%Y-%m-%d}")
    settings = DetectionSettings(include_skip_level=include_skip_level, include_peer=include_peer)
    try:
        directory = read_directory(directory_file) if directory_file else None
    except InputError as error:
        raise click.ClickException(str(error)) from error
    if directory is None:
        click.echo("No directory given: deciding from title and attendee count only.\n")
    tally = _Tally()
    for path in calendars:
        try:
            if window_start is not None:
                reading = read_instances(path, window_start.date(), window_end.date())
            else:
                reading = read_events(path)
        except InputError as error:
            click.echo(str(error), err=True)
            tally.unreadable += 1
            continue
        for problem in reading.skipped + reading.cut_short:
            click.echo(problem, err=True)
        verdicts = [(event, classify(event, directory, settings)) for event in reading.events]
        hits = sum(d.is_one_on_one for _, d in verdicts)
        click.echo(f"{path.name}: {hits} one-on-one{'s' * (hits != 1)} in {len(verdicts)} events"
                   f"{_notes(len(reading.skipped), len(reading.cut_short))}")
        for event, detection in verdicts:
            if detection.is_one_on_one or show_all:
                click.echo(_describe(event, detection, directory))
        tally.add(hits, len(verdicts), reading)
    if len(calendars) > 1:
        click.echo(f"Total: {tally.found} one-on-ones in {tally.events} events"
                   f"{_notes(tally.skipped, tally.cut_short, tally.unreadable)}")
    click.get_current_context().exit(tally.exit_code)


class _Tally:
    """What the scan found in all the files, and what it had to leave out."""

    def __init__(self):
        self.found = self.events = self.skipped = self.cut_short = self.unreadable = 0

    def add(self, found: int, events: int, reading: Reading) -> None:
        self.found += found
        self.events += events
        self.skipped += len(reading.skipped)
        self.cut_short += len(reading.cut_short)

    @property
    def exit_code(self) -> int:
        return 1 if self.unreadable else 3 if self.skipped or self.cut_short else 0


def _notes(skipped: int, cut_short: int, unreadable: int = 0) -> str:
    """"; 2 events skipped; 1 series cut short; 1 file not read", leaving out the zeros."""
    notes = [(skipped, "event", "events", "skipped"), (cut_short, "series", "series", "cut short"),
             (unreadable, "file", "files", "not read")]
    return "".join(f"; {n} {one if n == 1 else many} {what}" for n, one, many, what in notes if n)


def _describe(event: CalendarEvent, detection: Detection, directory: Directory | None) -> str:
    mark = "yes" if detection.is_one_on_one else " no"
    lines = [f"  {mark}  {event.summary or '(no title)'}", f"       when: {_when(event)}"]
    if detection.manager_email:
        lines.append(f"       who:  {_person(detection.manager_email, directory)} -> "
                     f"{_person(detection.report_email, directory)}")
    elif detection.is_one_on_one:
        lines.append(f"       who:  {', '.join(_person(p, directory) for p in participants(event))}")
    lines.append(f"       why:  {'; '.join(detection.reasons)}")
    return "\n".join(lines)


def _when(event: CalendarEvent) -> str:
    if event.all_day:
        text = f"{event.start:%a %Y-%m-%d}"
        if (event.end - event.start).days > 1:
            text += f" to {event.end - timedelta(days=1):%a %Y-%m-%d}"
        text += ", all day"
    else:
        zone = getattr(event.start.tzinfo, "key", None) or event.start.tzname()
        end = f"{event.end:%H:%M}" if event.end.date() == event.start.date() else f"{event.end:%a %Y-%m-%d %H:%M}"
        text = f"{event.start:%a %Y-%m-%d %H:%M}-{end} {zone}"
    if how_often := cadence(event.recurrence):
        text += f", {how_often}"
    if event.original_start is not None and event.original_start != event.start:
        text += f" (moved from {_moment(event.original_start, event.start)})"
    return text


def _moment(moment: date | datetime, like: date | datetime) -> str:
    if isinstance(moment, datetime) and isinstance(like, datetime):
        return f"{moment.astimezone(like.tzinfo):%a %Y-%m-%d %H:%M}"
    return f"{moment:%a %Y-%m-%d}"


def _person(email: str | None, directory: Directory | None) -> str:
    person = directory.get(email) if directory and email else None
    return f"{person.name} <{email}>" if person else str(email)
