"""The side panels as Card v1 JSON (Google's ``google.apps.card.v1``), and the answers that carry
them.

Every answer is a render action (``{"renderActions": {...}}``): a card pushed or updated, a
notification, or a host action (attach the doc to the open event; ask for access to the open
doc). Google's samples use both that envelope and a bare ``{"action": ...}``; this one carries
host actions too. People's text is escaped: card text reads a little HTML.
"""
from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..domain.events import GOOGLE_DOC, DocLink
from ..domain.locales import human_date, human_time, zone_city
from ..domain.mirror import Mirror
from ..services.addon import DocPanel, OpenItem, OtherPanel, OutsidePanel, PairPanel

TITLE = "One-on-One Coach"
DOC_ICON = "https://ssl.gstatic.com/docs/doclist/images/mediatype/icon_1_document_x16.png"


# --- answers ---------------------------------------------------------------------------------
def push(card: dict) -> dict:
    return {"renderActions": {"action": {"navigations": [{"pushCard": card}]}}}


def update(card: dict, notice: str = "") -> dict:
    action: dict = {"navigations": [{"updateCard": card}]}
    if notice:
        action["notification"] = {"text": notice}
    return {"renderActions": {"action": action}}


def notify(text: str) -> dict:
    return {"renderActions": {"action": {"notification": {"text": text}}}}


def attach(doc: DocLink, card: dict, notice: str = "") -> dict:
    """Ask Calendar to attach the doc to the event being edited, and show ``card``."""
    answer = update(card, notice)
    answer["renderActions"]["hostAppAction"] = {"calendarAction": {
        "addAttachmentsActionMarkup": {"addonAttachments": [{
            "resourceUrl": doc.url, "title": doc.title, "mimeType": GOOGLE_DOC,
            "iconUrl": DOC_ICON}]}}}
    return answer


def request_file_access() -> dict:
    """Ask Docs for access to the open doc (``drive.file`` for this doc and person)."""
    return {"renderActions": {"hostAppAction": {"editorAction": {
        "requestFileScopeForActiveDocument": {}}}}}


# --- cards -----------------------------------------------------------------------------------
class Actions:
    """Buttons that call the service back at its action endpoint (``url``)."""

    def __init__(self, url: str):
        self.url = url

    def button(self, text: str, do: str, filled: bool = False, **parameters: str) -> dict:
        found = {"text": text, "onClick": {"action": {
            "function": self.url,
            "parameters": [{"key": "do", "value": do}] + [
                {"key": key, "value": value} for key, value in parameters.items()]}}}
        if filled:
            found["type"] = "FILLED"
        return found


def pair_card(panel: PairPanel, actions: Actions) -> dict:
    sections = [_next_meeting(panel, actions)]
    if panel.open_items:
        sections.append(_section("Still open", [
            _decorated(item.text, bottom=_age(item)) for item in panel.open_items]))
    if panel.mirror:
        sections.append(_mirror(panel.mirror, panel.zone))
    reasons = [_text("<br>".join(escape(r) for r in panel.reasons))]
    reasons.append(_buttons([actions.button("Not a one-on-one", "mark", event=panel.event_id,
                                            one_on_one="false")]))
    sections.append(_section("Why this is a one-on-one", reasons, collapsible=True))
    return _card(f"One-on-one with {panel.other_name}" if panel.other_name else "One-on-one",
                 "Your coaching agenda and what is still open", sections)


def _next_meeting(panel: PairPanel, actions: Actions) -> dict:
    widgets = []
    if panel.next_meeting:
        widgets.append(_decorated(_when(panel.next_meeting, panel.zone), top="Next meeting",
                                  bottom="Its agenda is in the doc" if panel.agenda_ready
                                  else "No agenda in the doc yet"))
    else:
        widgets.append(_text("No meeting in the next four months."))
    if panel.topic:
        widgets.append(_decorated(panel.topic, top="This time"))
    buttons = []
    if panel.doc_url:
        buttons.append(_link("Open the doc", panel.doc_url))
    if panel.plan_url:
        buttons.append(_link("Development plan", panel.plan_url))
    if panel.next_meeting and (not panel.agenda_ready or panel.attach):
        buttons.append(actions.button("Add the agenda now", "add_agenda", filled=True,
                                      event=panel.event_id))
    if buttons:
        widgets.append(_buttons(buttons))
    return _section(None, widgets)


def _mirror(found: Mirror, zone: str) -> dict:
    widgets = [_text(f"<i>Only you see this, until {_when(found.until, zone)}.</i>")]
    for observation in found.observations:
        mark = "✓ " if observation.good else ""
        widgets.append(_decorated(mark + observation.text, top=observation.competency.title(),
                                  bottom=observation.prompt))
    return _section(f"Coaching mirror · {human_date(_local(found.meeting, zone).date())}",
                    widgets)


def other_card(panel: OtherPanel, actions: Actions) -> dict:
    widgets = [_text("<br>".join(escape(r) for r in panel.reasons))]
    if panel.cannot_mark is None:
        widgets.append(_buttons([actions.button("Mark as a one-on-one", "mark", filled=True,
                                                event=panel.event_id, one_on_one="true")]))
    else:
        widgets.append(_text(f"It cannot be a one-on-one: {escape(panel.cannot_mark)}."))
    subtitle = ("Marked as not a one-on-one" if panel.marked_not
                else "Not recognised as a one-on-one")
    return _card("Not a one-on-one", subtitle, [_section("Why", widgets)])


def doc_card(panel: DocPanel, actions: Actions) -> dict:
    sections = []
    if panel.check is not None:
        sections.append(_check(panel))
    items = [_decorated(item.text, bottom=_age(item),
                        button=actions.button("Mark done", "mark_done", doc=panel.doc_id,
                                              item=item.key))
             for item in panel.open_items]
    if items:
        sections.append(_section("Still open", items))
    sections.append(_section(None, [_buttons(
        [actions.button("Gather now into the plan", "gather", filled=True, doc=panel.doc_id)]
        + ([_link("Development plan", panel.plan_url)] if panel.plan_url else []))]))
    sections.append(_section("Coaching prompts", [
        _decorated(" · ".join(c.prompts), top=c.name) for c in panel.competencies],
        collapsible=True))
    for key, questions in panel.questions.items():
        sections.append(_section(f"Questions · {_QUESTION_TITLES[key]}",
                                 [_text("<br>".join(escape(q) for q in questions))],
                                 collapsible=True))
    with_whom = f"with {panel.other_name}" if panel.other_name else ""
    return _card(f"Coaching {with_whom}".strip(), "This one-on-one's doc", sections)


_QUESTION_TITLES = {"obstacle": "the obstacle", "tried": "what was tried",
                    "success": "success", "needs": "what is needed"}


def _check(panel: DocPanel) -> dict:
    check = panel.check
    title = (f"This meeting · {_when(panel.meeting, panel.zone)}" if panel.meeting
             else "This meeting")
    widgets = []
    if check.unanswered:
        widgets.append(_decorated("<br>".join(escape(q) for q in check.questions),
                                  top="Not answered yet", html=True))
    else:
        widgets.append(_decorated("All four questions have an answer.", top="Questions"))
    success = check.success
    widgets.append(_decorated(("Concrete: " + success.reason) if success.concrete
                              else success.prompt or success.reason, top="Success"))
    for commitment in check.commitments:
        missing = [what for what, ok in (("an owner", commitment.has_owner),
                                         ("a date", commitment.has_date)) if not ok]
        note = "done" if commitment.done else (
            f"needs {' and '.join(missing)}" if missing else "has an owner and a date")
        widgets.append(_decorated(commitment.text, top="Commitment", bottom=note))
    return _section(title, widgets)


def outside_card(panel: OutsidePanel, actions: Actions) -> dict:
    about = _text("The coach puts a coaching agenda into each one-on-one's doc: the obstacle, "
                  "what was tried, what success looks like and what is needed, with what is "
                  "still open from last time. After the meeting it gathers the answers into "
                  "the report's development plan.")
    if not panel.granted:
        return _card(TITLE, "Coaching for your one-on-ones", [_section(None, [
            about, _text("Let the coach see this doc to check whether it belongs to one of "
                         "your one-on-ones."),
            _buttons([actions.button("Use the coach in this doc", "grant", filled=True)])])])
    return _card(TITLE, "Coaching for your one-on-ones", [_section(None, [
        about, _text("This doc is not the doc of one of your one-on-ones. Open a one-on-one "
                     "in Calendar, or its doc, to see its coaching panel.")])])


def home_card(pairs: list[tuple[str, str]]) -> dict:
    """The homepage: what the add-on does and the person's one-on-one docs."""
    widgets = [_text("Open a one-on-one in Calendar to see its coaching panel: the agenda, "
                     "what is still open and, for managers, a coaching mirror after each "
                     "meeting.")]
    if pairs:
        widgets.append(_buttons([_link(name, url) for name, url in pairs]))
    return _card(TITLE, "Coaching for your one-on-ones", [_section(None, widgets)])


def about_card(actions: Actions, opted_out: bool) -> dict:
    widgets = [_text(
        "The coach reads your calendar's one-on-ones, writes their agendas into a doc shared "
        "by the two of you and gathers the answers into a development plan. What you write "
        "stays in Google Docs: the coach keeps only dates, counts and the 1–5 pulse. HR sees "
        "figures over groups of at least five people, never the notes.")]
    if opted_out:
        widgets.append(_text("<b>You opted out:</b> the coach does not read your calendar."))
    else:
        widgets.append(_buttons([actions.button("Stop the coach for my calendar", "opt_out")]))
    return _card(TITLE, "About and your data", [_section(None, widgets)])


# --- widgets ---------------------------------------------------------------------------------
def _card(title: str, subtitle: str, sections: list[dict]) -> dict:
    return {"header": {"title": title, "subtitle": subtitle}, "sections": sections}


def _section(header: str | None, widgets: list[dict], collapsible: bool = False) -> dict:
    found: dict = {"widgets": widgets}
    if header:
        found["header"] = escape(header)
    if collapsible:
        found["collapsible"] = True
        found["uncollapsibleWidgetsCount"] = 0
    return found


def _text(html: str) -> dict:
    return {"textParagraph": {"text": html}}


def _decorated(text: str, top: str = "", bottom: str = "", button: dict | None = None, *,
               html: bool = False) -> dict:
    """A line of text with labels; ``html``: ``text`` is already escaped markup."""
    found: dict = {"text": text if html else escape(text), "wrapText": True}
    if top:
        found["topLabel"] = escape(top)
    if bottom:
        found["bottomLabel"] = escape(bottom)
    if button:
        found["button"] = button
    return {"decoratedText": found}


def _buttons(buttons: list[dict]) -> dict:
    return {"buttonList": {"buttons": buttons}}


def _link(text: str, url: str) -> dict:
    return {"text": text, "onClick": {"openLink": {"url": url}}}


def _local(moment: datetime, zone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def _when(moment: datetime, zone: str) -> str:
    local = _local(moment, zone)
    return f"{human_date(local.date())} · {human_time(local)} {zone_city(zone)}"


def _age(item: OpenItem) -> str:
    if item.days <= 0:
        return "raised today"
    return f"open {item.days} day{'s' if item.days > 1 else ''}, since {human_date(item.since)}"
