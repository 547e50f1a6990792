"""The console's charts: Vega-Altair specifications rendered to SVG on the server by vl-convert,
served as ``data:`` images (an SVG shown as an image runs no script, which suits the pages'
content security policy; the figures need no interaction)."""
from __future__ import annotations

import base64
from datetime import date

import altair as alt
import vl_convert

_BLUE, _GREEN = "#1a73e8", "#188038"
_CONFIG = {"font": "Roboto, Arial, sans-serif", "view": {"stroke": None},
           "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True},
           "title": {"fontSize": 14, "anchor": "start"}}


def _image(chart: alt.TopLevelMixin) -> str:
    spec = chart.properties(width=560, height=220).to_dict()
    spec["config"] = _CONFIG
    svg = vl_convert.vegalite_to_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pulse(counts: tuple[int, ...]) -> str:
    """How many meetings got each pulse, 1 to 5 (each chart: a ``data:`` URL of its SVG)."""
    data = alt.Data(values=[{"pulse": str(n), "meetings": c}
                            for n, c in zip(range(1, 6), counts)])
    return _image(alt.Chart(data, title="Development-quality pulse").mark_bar(color=_BLUE)
                  .encode(x=alt.X("pulse:O", title="pulse (1–5)", axis=alt.Axis(labelAngle=0)),
                          y=alt.Y("meetings:Q", title="meetings")))


def weeks(series: list[tuple[date, int | None, float | None]]) -> str:
    """Meetings held and the share with all four questions answered, week by week (None:
    suppressed, fewer than five people)."""
    data = alt.Data(values=[{"week": f"{week:%Y-%m-%d}", "held": held,
                             "share": None if share is None else round(share * 100)}
                            for week, held, share in series])
    base = alt.Chart(data, title="Meetings held (bars) and % with all four answered (line)")
    x = alt.X("week:O", title="week of", axis=alt.Axis(labelAngle=-45))
    bars = base.mark_bar(color=_BLUE, opacity=0.7).encode(
        x=x, y=alt.Y("held:Q", title="meetings held"))
    line = base.mark_line(color=_GREEN, point=True).encode(
        x=x, y=alt.Y("share:Q", title="% all four answered", scale=alt.Scale(domain=[0, 100])))
    return _image(alt.layer(bars, line).resolve_scale(y="independent"))


def units(rows: list[tuple[str, float | None]]) -> str:
    """The share of meetings with all four questions answered, per org unit shown."""
    data = alt.Data(values=[{"unit": unit, "share": round(share * 100)}
                            for unit, share in rows if share is not None])
    return _image(alt.Chart(data, title="All four questions answered, by org unit (%)")
                  .mark_bar(color=_BLUE)
                  .encode(y=alt.Y("unit:N", title=None, sort=None),
                          x=alt.X("share:Q", title="%", scale=alt.Scale(domain=[0, 100]))))
