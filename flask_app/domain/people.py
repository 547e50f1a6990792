"""People in the organisation and who manages whom."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively."""
    return email.strip().lower()


def email_domain(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


def display_name(given: str, family: str) -> str:
    """A name as people write it: "Ana Silva"; CJK names family first without a space
    ("王芳", "佐藤健"). The Directory API's fullName is always given + " " + family."""
    if _is_cjk(given + family):
        return family + given
    return f"{given} {family}".strip()


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af"
               for c in text)


@dataclass(frozen=True)
class Person:
    """One member of the organisation, as the directory knows them."""

    email: str
    name: str
    manager_email: str | None = None
    org_unit_path: str = "/"
    title: str = ""
    given_name: str = ""
    family_name: str = ""
    time_zone: str = ""
    is_admin: bool = False
    languages: tuple[str, ...] = ()  # preferred languages, BCP 47 codes, most preferred first
    site: str = ""  # the building the directory gives them (locations[].buildingId), if any


class Directory:
    """The organisation's people, looked up by email, with the reporting lines between them."""

    def __init__(self, people: Iterable[Person]):
        self._people: dict[str, Person] = {}
        self._reports: dict[str, list[Person]] = {}
        for person in people:
            key = normalize_email(person.email)
            if key in self._people:
                raise ValueError(f"{person.email} appears twice in the directory")
            self._people[key] = person
        for person in self._people.values():
            if person.manager_email:
                self._reports.setdefault(normalize_email(person.manager_email), []).append(person)
        self._domains = frozenset(email_domain(email) for email in self._people)

    def __len__(self) -> int:
        return len(self._people)

    def __iter__(self) -> Iterator[Person]:
        return iter(self._people.values())

    def __contains__(self, email: object) -> bool:
        return isinstance(email, str) and normalize_email(email) in self._people

    def get(self, email: str) -> Person | None:
        return self._people.get(normalize_email(email))

    @property
    def domains(self) -> frozenset[str]:
        """The email domains the organisation's people use."""
        return self._domains

    def in_domain(self, email: str) -> bool:
        return email_domain(email) in self.domains

    def manager_of(self, email: str) -> Person | None:
        person = self.get(email)
        return self.get(person.manager_email) if person and person.manager_email else None

    def reports_of(self, email: str) -> tuple[Person, ...]:
        return tuple(self._reports.get(normalize_email(email), ()))

    def is_manager_of(self, manager: str, report: str) -> bool:
        """True when `manager` is `report`'s direct manager."""
        boss = self.manager_of(report)
        return boss is not None and normalize_email(boss.email) == normalize_email(manager)

    def chain(self, email: str) -> tuple[Person, ...]:
        """The managers above `email`, nearest first (manager, skip-level manager, ... the top)."""
        chain: list[Person] = []
        seen = {normalize_email(email)}
        boss = self.manager_of(email)
        while boss is not None and normalize_email(boss.email) not in seen:
            chain.append(boss)
            seen.add(normalize_email(boss.email))
            boss = self.manager_of(boss.email)
        return tuple(chain)

    def is_above(self, manager: str, report: str) -> bool:
        """True when `manager` is anywhere above `report` in the reporting chain."""
        return any(normalize_email(p.email) == normalize_email(manager) for p in self.chain(report))


def pair_language(manager: Person | None, report: Person | None, default: str) -> str:
    """The language a pair's agenda is written in: the report's preferred language if the
    manager prefers it too (or the manager's, if the report lists none), else ``default``."""
    mine = list(manager.languages) if manager else []
    theirs = list(report.languages) if report else []
    shared = [code for code in theirs if code in mine]
    if shared:
        return shared[0]
    if mine and not theirs:
        return mine[0]
    if theirs and not mine:
        return theirs[0]
    return default
