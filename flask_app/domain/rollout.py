"""Who the service works for: HR enables it for org units and groups; people opt out.

A manager is covered when their org unit is an enabled unit or under one, or when they are a
member (directly or through nested groups) of an enabled group. Only covered managers who have
not opted out are synced; a pair whose report opted out is left alone too. In the opt-in mode a
manager is synced only once they authorised the service with their own account.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .people import Directory, normalize_email

DELEGATION, OPT_IN = "delegation", "opt_in"
MODES = (DELEGATION, OPT_IN)


@dataclass
class Rollout:
    """HR's choices for the organisation."""

    mode: str = DELEGATION
    units: list[str] = field(default_factory=list)  # org unit paths ("/Engineering")
    groups: list[str] = field(default_factory=list)  # group emails
    reuse_docs: bool = False  # the broader `documents` scope: write into docs it did not make
    unit_templates: dict[str, str] = field(default_factory=dict)  # org unit path -> template
    changed_by: str = ""
    changed_at: datetime | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.units or self.groups)


@dataclass(frozen=True)
class Coverage:
    """What a rollout covers: the managers and their reports."""

    managers: frozenset[str]
    reports: int

    def __len__(self) -> int:
        return len(self.managers)


def under(path: str, unit: str) -> bool:
    """Whether org unit ``path`` is ``unit`` or inside it."""
    unit = unit.rstrip("/") or "/"
    return unit == "/" or path == unit or path.startswith(unit + "/")


def managers(directory: Directory) -> frozenset[str]:
    """Everyone with a report in the directory."""
    people = {normalize_email(p.email) for p in directory}
    return frozenset(normalize_email(p.manager_email) for p in directory
                     if p.manager_email and normalize_email(p.manager_email) in people)


def coverage(directory: Directory, units: list[str], groups: list[str],
             members: dict[str, frozenset[str]], coaches=()) -> Coverage:
    """The managers ``units`` and ``groups`` cover (``members``: each group's members, nested
    groups expanded; ``coaches``: people who marked a peer one-on-one, who count as managers)."""
    candidates = managers(directory) | {normalize_email(c) for c in coaches
                                        if c in directory}
    in_groups = set().union(*(members.get(g.lower(), frozenset()) for g in groups)) \
        if groups else set()
    covered = frozenset(
        m for m in candidates
        if any(under(directory.get(m).org_unit_path, u) for u in units) or m in in_groups)
    return Coverage(covered, sum(len(directory.reports_of(m)) for m in covered))


def synced(cover: Coverage, opted_out: set[str], authorised: set[str] | None) -> list[str]:
    """The managers a pass syncs: covered, not opted out and, in the opt-in mode
    (``authorised`` given), authorised."""
    chosen = cover.managers - {normalize_email(e) for e in opted_out}
    if authorised is not None:
        chosen &= {normalize_email(e) for e in authorised}
    return sorted(chosen)


def template_for(unit_templates: dict[str, str], org_unit: str, default: str) -> str:
    """The agenda template of the deepest enabled unit holding ``org_unit`` that has one."""
    best = max((u for u in unit_templates if under(org_unit, u)), key=len, default=None)
    return unit_templates[best] if best is not None else default
