"""Read a people.csv file into a Directory.

Columns: email,given_name,family_name,manager_email,org_unit_path,title,time_zone and optionally
is_admin (true/false). `manager_email` is empty for people without a manager.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_app.domain.people import Directory, Person, display_name, normalize_email
from flask_app.errors import InputError

REQUIRED_COLUMNS = ("email", "given_name", "family_name", "manager_email", "org_unit_path", "title", "time_zone")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BOOLEANS = {"true": True, "false": False, "": False}


def read_directory(path: str | Path) -> Directory:
    """The people in the file and their reporting lines.

    :raises InputError: naming the file, line and problem (missing column, bad email, unknown
        manager, reporting cycle, ...).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text") from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError(f"{path}:1: missing column(s): {', '.join(missing)}")
    people: dict[str, tuple[int, Person]] = {}
    for row in reader:
        line = reader.line_num
        person = _person(row, f"{path}:{line}")
        key = normalize_email(person.email)
        if key in people:
            raise InputError(f"{path}:{line}: {person.email} already appears on line {people[key][0]}")
        people[key] = (line, person)
    for line, person in people.values():
        if person.manager_email and normalize_email(person.manager_email) not in people:
            raise InputError(f"{path}:{line}: manager {person.manager_email} is not in the file")
    directory = Directory(person for _, person in people.values())
    for line, person in people.values():
        chain = directory.chain(person.email)
        if chain and directory.manager_of(chain[-1].email) is not None:
            loop = " -> ".join([person.email, *(p.email for p in chain), chain[-1].manager_email])
            raise InputError(f"{path}:{line}: reporting cycle: {loop}")
    return directory


def _person(row: dict[str, str | None], where: str) -> Person:
    if None in row:
        raise InputError(f"{where}: more values than columns")
    value = {k: (v or "").strip() for k, v in row.items()}
    email = normalize_email(value["email"])
    if not _EMAIL.match(email):
        raise InputError(f"{where}: email {value['email']!r} is not an email address")
    manager = normalize_email(value["manager_email"])
    if manager and not _EMAIL.match(manager):
        raise InputError(f"{where}: manager_email {value['manager_email']!r} is not an email address")
    if manager == email:
        raise InputError(f"{where}: {email} is their own manager")
    if not value["given_name"]:
        raise InputError(f"{where}: given_name is empty")
    if not value["org_unit_path"].startswith("/"):
        raise InputError(f"{where}: org_unit_path {value['org_unit_path']!r} must start with '/'")
    if value["time_zone"]:
        try:
            ZoneInfo(value["time_zone"])
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise InputError(f"{where}: unknown time_zone {value['time_zone']!r}") from error
    admin = value.get("is_admin", "").lower()
    if admin not in _BOOLEANS:
        raise InputError(f"{where}: is_admin must be true or false, not {value['is_admin']!r}")
    return Person(
        email=email, name=display_name(value["given_name"], value["family_name"]),
        manager_email=manager or None,
        org_unit_path=value["org_unit_path"], title=value["title"], given_name=value["given_name"],
        family_name=value["family_name"], time_zone=value["time_zone"], is_admin=_BOOLEANS[admin])
