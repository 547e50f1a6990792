"""List presets: the nine nesting levels Google gives a list made with each createParagraphBullets
preset, and which preset a list read from JSON was made with."""
from __future__ import annotations

_SYMBOLS = {
    "BULLET_DISC_CIRCLE_SQUARE": "●○■",
    "BULLET_DIAMONDX_ARROW3D_SQUARE": "❖➢■",
    "BULLET_ARROW_DIAMOND_DISC": "➔◆●",
    "BULLET_STAR_CIRCLE_SQUARE": "★○■",
    "BULLET_ARROW3D_CIRCLE_SQUARE": "➢○■",
    "BULLET_LEFTTRIANGLE_DIAMOND_DISC": "◄◆●",
    "BULLET_DIAMONDX_HOLLOWDIAMOND_SQUARE": "❖◇■",
    "BULLET_DIAMOND_CIRCLE_SQUARE": "◆○■",
}
_NUMBERS = {
    "NUMBERED_DECIMAL_ALPHA_ROMAN": (("DECIMAL", "ALPHA", "ROMAN"), "%{n}."),
    "NUMBERED_DECIMAL_ALPHA_ROMAN_PARENS": (("DECIMAL", "ALPHA", "ROMAN"), "%{n})"),
    "NUMBERED_DECIMAL_NESTED": (("DECIMAL", "DECIMAL", "DECIMAL"), "nested"),
    "NUMBERED_UPPERALPHA_ALPHA_ROMAN": (("UPPER_ALPHA", "ALPHA", "ROMAN"), "%{n}."),
    "NUMBERED_UPPERROMAN_UPPERALPHA_DECIMAL": (("UPPER_ROMAN", "UPPER_ALPHA", "DECIMAL"), "%{n}."),
    "NUMBERED_ZERODECIMAL_ALPHA_ROMAN": (("ZERO_DECIMAL", "ALPHA", "ROMAN"), "%{n}."),
}
BULLET_PRESETS = frozenset((*_SYMBOLS, *_NUMBERS, "BULLET_CHECKBOX"))
CHECKBOX = "BULLET_CHECKBOX"


def _pt(magnitude: float) -> dict:
    return {"magnitude": magnitude, "unit": "PT"}


def preset_levels(preset: str) -> list[dict]:
    """The nine nesting levels of a new list made with `preset`."""
    levels = []
    for n in range(9):
        level: dict = {"bulletAlignment": "START"}
        if preset in _SYMBOLS:
            level["glyphSymbol"] = _SYMBOLS[preset][n % 3]
            level["glyphFormat"] = f"%{n}"
        elif preset == CHECKBOX:
            level["glyphType"] = "GLYPH_TYPE_UNSPECIFIED"
            level["glyphFormat"] = f"%{n}"
        else:
            types, pattern = _NUMBERS[preset]
            level["glyphType"] = types[n % 3]
            if level["glyphType"] in ("ROMAN", "UPPER_ROMAN"):
                level["bulletAlignment"] = "END"
            level["glyphFormat"] = ("".join(f"%{k}." for k in range(n + 1)) if pattern == "nested"
                                    else pattern.format(n=n))
        level.update({"indentFirstLine": _pt(18 + 36 * n), "indentStart": _pt(36 + 36 * n),
                      "textStyle": {"underline": False}, "startNumber": 1})
        levels.append(level)
    return levels


def _glyph(level: dict) -> tuple:
    return level.get("glyphSymbol"), level.get("glyphType"), level.get("glyphFormat")


def infer_preset(levels: list[dict]) -> str | None:
    """The preset a list read from JSON was made with, when its glyphs tell."""
    if levels and levels[0].get("glyphType") == "GLYPH_TYPE_UNSPECIFIED" and "glyphSymbol" not in levels[0]:
        return CHECKBOX
    glyphs = [_glyph(level) for level in levels[:3]]
    for preset in sorted(BULLET_PRESETS):
        if [_glyph(level) for level in preset_levels(preset)[:len(glyphs)]] == glyphs:
            return preset
    return None
