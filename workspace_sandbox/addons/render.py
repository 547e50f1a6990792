"""The side panel as HTML: the top card of a panel's stack, laid out like Google's add-on side
panel, as one plain HTML form a browser (and Playwright) can use.

Every click is a submit button named ``_click`` whose value is the click's position among
:func:`forms.clickables`; inputs are named ``input.<name>``; ``_turn`` is the step the page shows
and ``_nav=back`` is the panel's back arrow. ``openLink`` clicks are links opening a new tab.
Card text is escaped except Google's formatting subset (:mod:`.markup`). Date and time pickers
and the 100-widget limit are not modelled.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from workspace_sandbox.addons.deployment import opened_url
from workspace_sandbox.addons.forms import Clickable
from workspace_sandbox.addons.markup import formatted, plain
from workspace_sandbox.addons.session import Session

STYLE = """
body { margin: 0; font: 14px/1.45 Roboto, Arial, sans-serif; color: #202124; background: #fff; }
.addon-panel { box-sizing: border-box; width: 100%; max-width: 360px; border-left: 1px solid #dadce0;
  min-height: 100vh; background: #fff; overflow-wrap: anywhere; }
.bar { display: flex; align-items: center; gap: 8px; padding: 8px 12px; border-bottom: 1px solid #dadce0; }
.bar img { width: 24px; height: 24px; } .bar .name { flex: 1; font-weight: 500; }
.bar details { position: relative; } .bar details > div { position: absolute; right: 0; z-index: 2;
  background: #fff; border: 1px solid #dadce0; box-shadow: 0 2px 6px rgba(0,0,0,.2); min-width: 200px; }
.bar details > div .btn { display: block; width: 100%; border: 0; border-radius: 0; text-align: left; }
.banner { margin: 8px 12px; padding: 8px 12px; border-radius: 6px; background: #e8f0fe; }
.banner.error { background: #fce8e6; color: #a50e0e; }
.card-header { display: flex; gap: 12px; align-items: center; padding: 12px 16px; }
.card-header img { width: 40px; height: 40px; } .card-header .title { font-size: 16px; font-weight: 500; }
.subtitle, .hint, .top, .bottom { color: #5f6368; font-size: 12px; }
section { padding: 8px 16px; border-top: 1px solid #e8eaed; } section > h2 { font-size: 14px; margin: 4px 0; }
.w { margin: 8px 0; } .decorated { display: flex; gap: 10px; align-items: center; }
.decorated .dt { flex: 1; } .icon { width: 20px; height: 20px; color: #5f6368; font-size: 12px; }
.btn { display: inline-block; margin: 2px 4px 2px 0; padding: 6px 14px; border-radius: 18px; font: inherit;
  border: 1px solid #dadce0; background: #fff; color: #1a73e8; cursor: pointer; text-decoration: none; }
.btn.FILLED, .btn.FILLED_TONAL { background: #1a73e8; color: #fff; border-color: #1a73e8; }
.btn.BORDERLESS { border-color: transparent; } .btn:disabled { color: #9aa0a6; cursor: default; }
.clickable { display: block; width: 100%; padding: 0; border: 0; background: none; font: inherit;
  text-align: left; color: inherit; cursor: pointer; }
label { display: block; font-size: 12px; color: #5f6368; }
input[type=text], textarea, select { box-sizing: border-box; width: 100%; padding: 6px; font: inherit; }
.choice { display: block; color: #202124; font-size: 14px; }
.columns { display: flex; gap: 12px; } .columns > div { flex: 1; }
.grid { display: grid; gap: 8px; } .grid figure { margin: 0; } .grid img { max-width: 100%; }
img.image { max-width: 100%; } footer { padding: 8px 16px; border-top: 1px solid #dadce0; }
.empty { padding: 24px 16px; color: #5f6368; }
"""


def page(title: str, body: str) -> str:
    """A whole HTML page around ``body``."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{plain(title)}</title><style>{STYLE}</style></head>"
            f"<body>{body}</body></html>")


def safe_url(value: str | None) -> str:
    """A link or image address as an attribute value; anything but http(s) becomes empty."""
    return escape(value or "") if urlsplit(value or "").scheme in ("http", "https") else ""


def _image(src: str | None, alt: str | None = None, css: str = "") -> str:
    return f'<img class="{css}" src="{safe_url(src)}" alt="{plain(alt)}">'


def panel(session: Session, deployment: dict, clicks: list[Clickable], universal: int,
          action: str, back: str) -> str:
    """The panel of a session as an HTML form posting to ``action`` (then going to ``back``)."""
    common = deployment["addOns"]["common"]
    card = session.card
    draw = _Card({id(c.target): i for i, c in enumerate(clicks)})
    menu = [draw.clicked(a.get("onClick"), plain(a.get("actionLabel")))
            for a in (card or {}).get("cardActions") or ()]
    menu += [draw.clicked(c.on_click, plain(c.label)) for c in clicks[len(clicks) - universal:]]
    parts = [f'<form class="addon-panel" method="post" action="{escape(action)}">',
             f'<input type="hidden" name="_turn" value="{session.turn}">',
             f'<input type="hidden" name="_back" value="{escape(back)}">', '<div class="bar">',
             '<button class="btn BORDERLESS" name="_nav" value="back" title="Back">&larr;</button>'
             if len(session.stack) > 1 else "",
             f'<img src="{safe_url(common.get("logoUrl"))}" alt="">',
             f'<span class="name">{plain(common["name"])}</span>',
             f'<details><summary>More</summary><div>{"".join(menu)}</div></details>' if menu
             else "", "</div>", _banners(session.last)]
    parts.append(draw.card(card) if card else
                 '<div class="empty">The add-on has nothing to show here.</div>')
    parts.append("</form>")
    return "".join(parts)


def _banners(last: dict) -> str:
    out = [f'<div class="banner" role="status">{plain(text)}</div>'
           for text in last.get("notifications", ())]
    out += [f'<div class="banner">The add-on opened <a href="{safe_url(url)}" target="_blank" '
            f'rel="noopener noreferrer">{plain(url)}</a></div>' for url in last.get("opened", ())]
    out += [f'<div class="banner{"" if r["ok"] else " error"}">{plain(r["action"])}: '
            f'{"done" if r["ok"] else plain(r["reason"])}</div>' for r in last.get("applied", ())]
    return "".join(out)


class _Card:
    """Draws one card; ``index`` gives each click's position by the identity of its target."""

    def __init__(self, index: dict[int, int]):
        self.index = index

    def card(self, card: dict) -> str:
        header = card.get("header")
        out = []
        if header:
            image = header.get("imageUrl")
            out.append('<div class="card-header">'
                       + (_image(image, header.get("imageAltText")) if image else "")
                       + f'<div><div class="title">{plain(header["title"])}</div>'
                       f'<div class="subtitle">{plain(header.get("subtitle"))}</div></div></div>')
        out += [self.section(section) for section in card.get("sections") or ()]
        footer = card.get("fixedFooter") or {}
        buttons = [self.button(footer[key]) for key in ("primaryButton", "secondaryButton")
                   if key in footer]
        if buttons:
            out.append(f'<footer>{"".join(buttons)}</footer>')
        return "".join(out)

    def section(self, section: dict) -> str:
        widgets = [self.widget(w) for w in section.get("widgets") or ()]
        head = f'<h2>{formatted(section["header"])}</h2>' if section.get("header") else ""
        if section.get("collapsible"):
            shown = section.get("uncollapsibleWidgetsCount") or 0
            widgets[shown:] = [f'<details><summary>Show more</summary>'
                               f'{"".join(widgets[shown:])}</details>']
        return f"<section>{head}{''.join(widgets)}</section>"

    def widget(self, widget: dict) -> str:
        if widget.get("visibility") == "HIDDEN":
            return ""
        for kind, value in widget.items():
            draw = getattr(self, "w_" + kind, None)
            if draw is not None:
                return f'<div class="w {kind}">{draw(value)}</div>'
        return ""

    def clicked(self, on_click: dict | None, inner: str, css: str = "btn",
                disabled: bool = False) -> str:
        """``inner`` (HTML) made clickable as ``on_click`` says: a link opening a new tab for
        ``openLink``, else a submit button naming the click's position."""
        if not on_click:
            return inner
        if "openLink" in on_click:
            url = opened_url(on_click["openLink"]["url"])
            return (f'<a class="{css}" href="{safe_url(url)}" '
                    f'target="_blank" rel="noopener noreferrer">{inner}</a>')
        position = self.index.get(id(next(iter(on_click.values()))))
        return (f'<button class="{css}" type="submit" name="_click" value="{position}"'
                f'{" disabled" if disabled else ""}>{inner}</button>')

    def _changing(self, action: dict | None) -> tuple[str, str]:
        """An input's ``onchange`` attribute and the hidden button it clicks, for an
        ``onChangeAction`` (nothing without one)."""
        if not action:
            return "", ""
        position = self.index.get(id(action))
        return (f' onchange="document.getElementById(\'change{position}\').click()"',
                f'<button hidden type="submit" name="_click" value="{position}" '
                f'id="change{position}"></button>')

    def button(self, button: dict) -> str:
        icon = self.icon(button.get("icon")) if button.get("icon") else ""
        kind = "FILLED" if button.get("color") and not button.get("type") else button.get("type")
        css = f"btn {kind}" if kind else "btn"
        return self.clicked(button.get("onClick"), icon + plain(button.get("text")), css,
                            bool(button.get("disabled")))

    def icon(self, icon: dict | None) -> str:
        if not icon:
            return ""
        if icon.get("iconUrl"):
            return _image(icon["iconUrl"], icon.get("altText"), "icon")
        name = icon.get("knownIcon") or (icon.get("materialIcon") or {}).get("name", "")
        return f'<span class="icon" title="{plain(name)}">{plain(name.lower())}</span>'

    def w_textParagraph(self, value: dict) -> str:
        return formatted(value.get("text"))

    def w_decoratedText(self, value: dict) -> str:
        text = (f'<div class="dt"><div class="top">{formatted(value.get("topLabel"))}</div>'
                f'<div class="main">{formatted(value.get("text"))}</div>'
                f'<div class="bottom">{formatted(value.get("bottomLabel"))}</div></div>')
        body = self.icon(value.get("startIcon") or value.get("icon")) + (
            self.clicked(value.get("onClick"), text, "clickable"))
        if value.get("button"):
            body += self.button(value["button"])
        elif value.get("switchControl"):
            body += self._switch(value["switchControl"])
        elif value.get("endIcon"):
            body += self.icon(value["endIcon"])
        return f'<div class="decorated">{body}</div>'

    def _switch(self, control: dict) -> str:
        attrs, hidden = self._changing(control.get("onChangeAction"))
        checked = " checked" if control.get("selected") else ""
        return (f'<input type="checkbox" name="input.{plain(control.get("name"))}" '
                f'value="{plain(control.get("value"))}"{checked}{attrs}>{hidden}')

    def w_buttonList(self, value: dict) -> str:
        return "".join(self.button(b) for b in value.get("buttons") or ())

    def w_textInput(self, value: dict) -> str:
        name = f'input.{plain(value["name"])}'
        attrs, hidden = self._changing(value.get("onChangeAction"))
        placeholder = f' placeholder="{plain(value.get("placeholderText"))}"'
        field = (f'<textarea name="{name}" rows="4"{placeholder}{attrs}>'
                 f'{plain(value.get("value"))}</textarea>'
                 if value.get("type") == "MULTIPLE_LINE" else
                 f'<input type="text" name="{name}" value="{plain(value.get("value"))}"'
                 f'{placeholder}{attrs}>')
        return (f'<label>{plain(value.get("label"))}{field}</label>{hidden}'
                f'<div class="hint">{plain(value.get("hintText"))}</div>')

    def w_selectionInput(self, value: dict) -> str:
        name, kind = f'input.{plain(value["name"])}', value.get("type", "CHECK_BOX")
        attrs, hidden = self._changing(value.get("onChangeAction"))
        items = value.get("items") or ()
        if kind in ("DROPDOWN", "MULTI_SELECT"):
            options = "".join(f'<option value="{plain(i.get("value"))}"'
                              f'{" selected" if i.get("selected") else ""}>{plain(i.get("text"))}'
                              "</option>" for i in items)
            many = " multiple" if kind == "MULTI_SELECT" else ""
            field = f'<select name="{name}"{many}{attrs}>{options}</select>'
        else:
            kind_attr = "radio" if kind == "RADIO_BUTTON" else "checkbox"
            field = "".join(f'<label class="choice"><input type="{kind_attr}" name="{name}" '
                            f'value="{plain(i.get("value"))}"'
                            f'{" checked" if i.get("selected") else ""}{attrs}> '
                            f'{plain(i.get("text"))}</label>' for i in items)
        return (f'<label>{plain(value.get("label"))}</label>{field}{hidden}'
                f'<div class="hint">{plain(value.get("hintText"))}</div>')

    def w_divider(self, value: dict) -> str:
        return "<hr>"

    def w_image(self, value: dict) -> str:
        return self.clicked(value.get("onClick"), _image(value.get("imageUrl"),
                                                         value.get("altText"), "image"),
                            "clickable")

    def w_dateTimePicker(self, value: dict) -> str:
        return f'<label>{plain(value.get("label"))}</label><div class="hint">(a date and time ' \
               'picker: not shown by the Workspace sandbox)</div>'

    def w_columns(self, value: dict) -> str:
        return '<div class="columns">' + "".join(
            "<div>" + "".join(self.widget(w) for w in column.get("widgets") or ()) + "</div>"
            for column in value.get("columnItems") or ()) + "</div>"

    def w_grid(self, value: dict) -> str:
        columns = value.get("columnCount") or 2
        items = "".join(f'<figure>{_image((i.get("image") or {}).get("imageUri"))}<figcaption>'
                        f'{plain(i.get("title"))}<div class="subtitle">'
                        f'{plain(i.get("subtitle"))}</div></figcaption></figure>'
                        for i in value.get("items") or ())
        return (f'<div>{plain(value.get("title"))}</div><div class="grid" style="grid-template-'
                f'columns: repeat({int(columns)}, 1fr)">{items}</div>')

    def w_chipList(self, value: dict) -> str:
        return "".join(self.clicked(chip.get("onClick"), plain(chip.get("label")))
                       for chip in value.get("chips") or ())

    def w_carousel(self, value: dict) -> str:
        return "".join(self.widget(w) for card in value.get("carouselCards") or ()
                       for w in card.get("widgets") or ())
