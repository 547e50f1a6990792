"""Reading a Directory API user (as users.get/list return it with projection=full) into a Person:
the site comes from the user's first location with a building (Admin SDK's ``locations``)."""
from __future__ import annotations

from flask_app.adapters.google.directory import _person

USER = {"primaryEmail": "Ana.Silva@example.com", "orgUnitPath": "/Engineering/Platform",
        "name": {"givenName": "Ana", "familyName": "Silva", "fullName": "Ana Silva"},
        "relations": [{"type": "manager", "value": "jose.alvarez@example.com"}],
        "locations": [{"type": "custom", "area": "remote"},
                      {"type": "desk", "area": "desk", "buildingId": "LIS-1", "floorName": "2"}]}


def test_the_site_is_the_first_building_a_user_has():
    person = _person(USER)
    assert (person.email, person.site, person.manager_email) == (
        "ana.silva@example.com", "LIS-1", "jose.alvarez@example.com")


def test_a_user_without_a_building_has_no_site():
    assert _person({**USER, "locations": [{"type": "custom", "area": "remote"}]}).site == ""
    assert _person({k: v for k, v in USER.items() if k != "locations"}).site == ""
