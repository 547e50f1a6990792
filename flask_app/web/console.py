"""The HR console: rollout, agenda templates, outcome figures and the audit log.

Only a signed-in Workspace admin or HR group member gets here (:func:`signin.console_user`),
every form carries a CSRF token, and nothing here reads a doc: the figures come from metadata.
"""
from __future__ import annotations

import csv
import io
from functools import wraps

from flask import (Blueprint, Response, flash, redirect, render_template, request, url_for)
from markupsafe import Markup

from ..adapters import charts
from ..adapters.google.workspace import SCOPES
from ..adapters.invite_ics import invitation, stable_uid
from ..domain.agenda import AgendaContext, TemplateError, parse_template
from ..domain.cohorts import next_quarter, previous_quarter, quarter_of
from ..domain.figures import Figures
from ..domain.html import to_html
from ..domain.records import StoredTemplate
from ..domain.rollout import DELEGATION, MODES, OPT_IN
from ..errors import InputError
from . import coach
from .signin import console_user, start

bp = Blueprint("console", __name__, url_prefix="/admin")
FIGURE_COLUMNS = ("people", "managers", "pairs", "agendas_ready", "meetings_held",
                  "all_four_share", "cadence_days", "quiet_pairs", "needs_resolved_share",
                  "pulse_median")
MODE_NAMES = {DELEGATION: "Domain-wide delegation", OPT_IN: "Opt-in by each manager"}


def admin_only(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        user = console_user()
        if user is None:
            return redirect(url_for("signin.signin", next=request.path))
        return view(user, *args, **kwargs)
    return guarded


@bp.get("")
@admin_only
def overview(user: str):
    c = coach()
    found = c.figures().overview(c.recent_directory())
    weeks = [(week, f.meetings_held, f.all_four_share) for week, f in found.weeks]
    units = [(unit, f) for unit, f in found.units.items()]
    pictures = {"weeks": charts.weeks(weeks),
                "units": charts.units([(u, f.all_four_share) for u, f in units])}
    if found.organisation.pulse_counts:
        pictures["pulse"] = charts.pulse(found.organisation.pulse_counts)
    return render_template("console/overview.html", user=user, found=found, units=units,
                           charts=pictures, rollout=c.store.rollout())


@bp.get("/figures.csv")
@admin_only
def figures_csv(user: str):
    c = coach()
    found = c.figures().overview(c.recent_directory())
    rows = [("organisation", "", found.organisation)]
    rows += [("org unit", unit, f) for unit, f in found.units.items()]
    rows += [("week", week.isoformat(), f) for week, f in found.weeks]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("scope", "name", "suppressed", *FIGURE_COLUMNS,
                     *(f"pulse_{n}" for n in range(1, 6))))
    for scope, name, figures in rows:
        writer.writerow((scope, name, "yes" if figures.suppressed else "no", *_values(figures)))
    return _csv(out.getvalue(), "figures.csv")


def _values(figures: Figures) -> list:
    if figures.suppressed:
        return [""] * (len(FIGURE_COLUMNS) + 5)
    values = [getattr(figures, column) for column in FIGURE_COLUMNS]
    return [("" if v is None else v) for v in values] + list(figures.pulse_counts or ("",) * 5)


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


# --- rollout -----------------------------------------------------------------------------
@bp.get("/rollout")
@admin_only
def rollout(user: str):
    return _rollout_page(user)


@bp.post("/rollout")
@admin_only
def rollout_save(user: str):
    c = coach()
    units = request.form.getlist("unit")
    groups = [g for g in request.form.get("groups", "").replace(",", " ").split() if g]
    mode = request.form.get("mode", DELEGATION)
    reuse = request.form.get("reuse_docs") == "yes"
    directory = c.recent_directory()
    try:
        if request.form.get("action") == "preview":
            preview = c.rollout().coverage(directory, units, groups)
            return _rollout_page(user, preview=preview, units=units, groups=groups, mode=mode,
                                 reuse=reuse)
        c.rollout().save(user, mode=mode, units=units, groups=groups, reuse_docs=reuse,
                         directory=directory)
    except InputError as error:
        return _rollout_page(user, error=str(error), units=units, groups=groups, mode=mode,
                             reuse=reuse), 400
    flash("Saved. The next sync works for the managers these cover.")
    return redirect(url_for("console.rollout"))


def _rollout_page(user: str, **shown):
    c = coach()
    saved = c.store.rollout()
    directory = c.recent_directory()
    paths = sorted({p.org_unit_path for p in directory} | {"/"})
    settings = dict(units=saved.units, groups=saved.groups, mode=saved.mode,
                    reuse=saved.reuse_docs)
    settings.update({k: v for k, v in shown.items() if k in settings})
    cover = shown.get("preview") or (c.rollout().coverage(directory, saved.units, saved.groups)
                                     if saved.enabled else None)
    return render_template(
        "console/rollout.html", user=user, saved=saved, paths=paths, modes=MODES,
        mode_names=MODE_NAMES, settings=settings, preview="preview" in shown, cover=cover,
        error=shown.get("error"), opted_out=sorted(c.rollout().opted_out()),
        client_id=c.delegation_client_id(), scopes=sorted({s for v in SCOPES.values()
                                                           for s in v}),
        grants=len(c.store.grants("calendar")), base=c.settings.public_url or
        request.host_url.rstrip("/"), checked=shown.get("checked"))


@bp.get("/directory-grant")
@admin_only
def directory_grant(user: str):
    """Let the coach read the directory with the admin's own account (the opt-in mode)."""
    return start("directory", user)


@bp.post("/rollout/check")
@admin_only
def rollout_check(user: str):
    return _rollout_page(user, checked=coach().check_delegation())


# --- templates ---------------------------------------------------------------------------
@bp.get("/templates")
@admin_only
def templates(user: str):
    return _templates_page(user)


def _templates_page(user: str, error: str | None = None):
    c = coach()
    found = c.all_templates()
    name = request.args.get("show") or "one-on-one"
    preview = None
    if name in found:
        context = AgendaContext("Ana Silva", "Bo Nilsson", c.now().date(),
                                manager_given_name="Ana", report_given_name="Bo")
        html = to_html(found[name].render(context))
        preview = Markup(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    saved = c.store.rollout()
    return render_template("console/templates.html", user=user, templates=sorted(found),
                           shown=name, preview=preview, error=error,
                           units=sorted({p.org_unit_path for p in c.recent_directory()}),
                           defaults=saved.unit_templates,
                           uploaded={t.name: t for t in c.store.templates()})


@bp.post("/templates/upload")
@admin_only
def templates_upload(user: str):
    c = coach()
    upload = request.files.get("template")
    if upload is None or not upload.filename:
        return _templates_page(user, error="Choose a Markdown file (.md) to upload."), 400
    filename = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        if not filename.endswith(".md"):
            raise TemplateError([f"{filename}: an agenda template is a Markdown file (.md)"])
        try:
            source = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TemplateError([f"{filename}: not UTF-8 text ({error.reason})"]) from None
        parse_template(filename[:-3], source, filename)
    except TemplateError as error:
        return _templates_page(user, error="\n".join(error.problems)), 400
    c.store.save_template(StoredTemplate(filename[:-3], source, user, c.now()))
    flash(f"Uploaded {filename}: new agendas that use it are written with it.")
    return redirect(url_for("console.templates", show=filename[:-3]))


@bp.post("/templates/defaults")
@admin_only
def templates_defaults(user: str):
    c = coach()
    known = c.all_templates()
    chosen = {unit: name for unit, name in (
        (key.removeprefix("unit:"), value) for key, value in request.form.items()
        if key.startswith("unit:")) if name}
    unknown = sorted(set(chosen.values()) - set(known))
    if unknown:
        return _templates_page(user, error=f"No template named {unknown[0]!r}."), 400
    saved = c.store.rollout()
    saved.unit_templates = chosen
    c.store.save_rollout(saved)
    flash("Saved the default template of each org unit.")
    return redirect(url_for("console.templates"))


# --- audit -------------------------------------------------------------------------------
@bp.get("/audit")
@admin_only
def audit(user: str):
    return render_template("console/audit.html", user=user,
                           entries=coach().store.audit(limit=500))


@bp.get("/audit.csv")
@admin_only
def audit_csv(user: str):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("at", "kind", "file", "as", "for manager"))
    for entry in coach().store.audit():
        writer.writerow((entry.at.isoformat(), entry.kind, entry.file_id, entry.actor,
                         entry.manager))
    return _csv(out.getvalue(), "audit.csv")


# --- cohorts -------------------------------------------------------------------------------
@bp.get("/cohorts")
@admin_only
def cohorts(user: str):
    return _cohorts_page(user, _quarter(request.args.get("quarter")))


@bp.post("/cohorts/plan")
@admin_only
def cohorts_plan(user: str):
    quarter = _quarter(request.form.get("quarter"))
    try:
        coach().cohorts().plan(quarter, by=user, afresh=request.form.get("afresh") == "yes")
    except InputError as error:
        return _cohorts_page(user, quarter, error=str(error)), 400
    return redirect(url_for("console.cohorts", quarter=quarter))


@bp.post("/cohorts/move")
@admin_only
def cohorts_move(user: str):
    quarter = _quarter(request.form.get("quarter"))
    email = request.form.get("email", "")
    try:
        to = int(request.form.get("to", ""))
        coach().cohorts().move(quarter, email, to, by=user)
    except ValueError:
        return _cohorts_page(user, quarter, error="Choose the cohort to move to."), 400
    except InputError as error:
        return _cohorts_page(user, quarter, error=str(error)), 400
    flash(f"Moved {coach().name_of(email)} to cohort {to}.")
    return redirect(url_for("console.cohorts", quarter=quarter))


@bp.post("/cohorts/send")
@admin_only
def cohorts_send(user: str):
    quarter = _quarter(request.form.get("quarter"))
    try:
        sent = coach().cohorts().send(quarter, by=user)
    except InputError as error:
        return _cohorts_page(user, quarter, error=str(error)), 400
    done = ", ".join(f"cohort {n}: {outcome}" for n, outcome in sorted(sent.outcomes.items()))
    flash(f"Invitations: {done or 'none to send'}.")
    for problem in sent.problems:
        flash(f"Not sent: {problem}")
    return redirect(url_for("console.cohorts", quarter=quarter))


@bp.get("/cohorts/<quarter>/<int:number>.ics")
@admin_only
def cohort_ics(user: str, quarter: str, number: int):
    c = coach()
    try:
        details = c.cohorts().invite_details(quarter, number)
    except InputError as error:
        return _cohorts_page(user, _quarter(None), error=str(error)), 404
    data = invitation(uid=stable_uid(details.key, c.settings.domain), sequence=details.sequence,
                      summary=details.summary, description=details.description,
                      start=details.start, end=details.end, time_zone=details.time_zone,
                      organizer=details.organizer, attendees=details.attendees, url=details.url,
                      stamp=c.now())
    return Response(data, mimetype="text/calendar", headers={
        "Content-Disposition": f"attachment; filename=cohort-{number}-{quarter}.ics"})


def _quarter(text: str | None) -> str:
    if text:
        return text.strip().upper()
    return next_quarter(quarter_of(coach().now().date()))


def _cohorts_page(user: str, quarter: str, *, error: str | None = None):
    c = coach()
    service = c.cohorts()
    try:
        planned = service.kept(quarter)
    except InputError as error_found:
        planned, error, quarter = None, str(error_found), _quarter(None)
    return render_template("console/cohorts.html", user=user, quarter=quarter, planned=planned,
                           error=error, name=c.name_of,
                           quarters=_around(quarter_of(c.now().date())))


def _around(current: str) -> list[str]:
    before, after = previous_quarter(current), next_quarter(current)
    return [before, current, after, next_quarter(after)]
