"""The inline object insertInlineImage makes, shaped as Google's (O1 capture), sized by its rules.

The sandbox never fetches an image. Its pixel size is known when the world was told it (the
control endpoint ``POST /_sandbox/docs/images``); Google then fits the image to objectSize keeping
its aspect ratio, exactly as the captures show (the limiting side as given, the other computed).
An image of unknown size is taken to have the aspect ratio of the box asked for: both sides as
given, a square for one side, and 300×300 px when none is given (unconfirmed, as is the default
size of a known image given no objectSize: its pixels at 96 dpi, 0.75 pt each). Google re-hosts
the image: `contentUri` is a new googleusercontent address, `sourceUri` the URI given.
"""
from __future__ import annotations

import secrets

_UNKNOWN_PIXELS = 300
_POINTS_PER_PIXEL = 0.75
_MARGIN = {"magnitude": 9, "unit": "PT"}


def _side(object_size: dict, name: str) -> float | None:
    value = (object_size.get(name) or {}).get("magnitude")
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def fitted(object_size: dict, pixels: tuple[int, int] | None) -> tuple[float, float]:
    """(width, height) in points of an image of `pixels` (None: unknown) asked to fit `object_size`."""
    width, height = _side(object_size, "width"), _side(object_size, "height")
    if pixels is None:
        if width and height:
            return width, height
        side = width or height or _UNKNOWN_PIXELS * _POINTS_PER_PIXEL
        return side, side
    w_px, h_px = pixels
    if width and height:
        if width / w_px <= height / h_px:
            return width, width / w_px * h_px
        return height / h_px * w_px, height
    if width:
        return width, width / w_px * h_px
    if height:
        return height / h_px * w_px, height
    return w_px * _POINTS_PER_PIXEL, h_px * _POINTS_PER_PIXEL


def inline_image(object_id: str, uri: str, size: tuple[float, float]) -> dict:
    """The InlineObject of an inserted image."""
    width, height = size
    content_uri = ("https://lh7-rt.googleusercontent.com/docsz/AD_4nX" + secrets.token_urlsafe(120)
                   + "?key=" + secrets.token_urlsafe(16))
    return {"objectId": object_id, "inlineObjectProperties": {"embeddedObject": {
        "imageProperties": {"contentUri": content_uri, "sourceUri": uri, "cropProperties": {}},
        "embeddedObjectBorder": {"color": {"color": {"rgbColor": {}}}, "width": {"unit": "PT"},
                                 "dashStyle": "SOLID", "propertyState": "NOT_RENDERED"},
        "size": {"height": {"magnitude": height, "unit": "PT"}, "width": {"magnitude": width, "unit": "PT"}},
        **{f"margin{side}": dict(_MARGIN) for side in ("Top", "Bottom", "Right", "Left")}}}}
