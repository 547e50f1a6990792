"""Names as people write them."""
import pytest

from flask_app.domain.people import display_name


@pytest.mark.parametrize("given, family, expected", [
    ("Ana", "Silva", "Ana Silva"),
    ("Zoë", "Ångström", "Zoë Ångström"),
    ("芳", "王", "王芳"),
    ("健", "佐藤", "佐藤健"),
    ("민준", "김", "김민준"),
    ("Sam 🚀", "Rivera", "Sam 🚀 Rivera"),
    ("Cher", "", "Cher"),
])
def test_display_name(given, family, expected):
    assert display_name(given, family) == expected
