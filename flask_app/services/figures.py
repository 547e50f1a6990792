"""HR's overview: the rollout's reach and the outcome figures, from the store's metadata only
(the domain's :mod:`~flask_app.domain.figures` suppresses groups under five people)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.figures import MIN_PEOPLE, Figures, PairFacts, by_unit, compute, weekly
from ..domain.people import Directory
from ..ports import Clock, Store
from .rollout import RolloutService


@dataclass(frozen=True)
class Overview:
    enabled: int | None  # managers the rollout covers (None: fewer than five)
    opted_out: int | None
    organisation: Figures
    units: dict[str, Figures]
    weeks: list[tuple[date, Figures]]
    cohort_sessions: int | None = None  # quarterly peer cohorts: none are held yet


@dataclass
class FigureService:
    store: Store
    clock: Clock
    rollout: RolloutService

    def overview(self, directory: Directory) -> Overview:
        now = self.clock.now()
        settings = self.store.rollout()
        cover = (self.rollout.coverage(directory, settings.units, settings.groups).managers
                 if settings.enabled else frozenset())
        stopped = self.rollout.opted_out()
        pairs = self.pairs(directory, cover - stopped)
        units = sorted({p.org_unit_path for p in directory})
        shown = len(cover) >= MIN_PEOPLE
        return Overview(
            enabled=len(cover) if shown else None,
            opted_out=len(stopped & cover) if shown else None,
            organisation=compute(pairs, now), units=by_unit(pairs, units, now),
            weeks=weekly(pairs, now))

    def pairs(self, directory: Directory, managers: frozenset[str]) -> list[PairFacts]:
        """The metadata of every pair of the given managers."""
        found = []
        for record in self.store.pairs():
            if record.manager not in managers:
                continue
            person = directory.get(record.manager)
            found.append(PairFacts(record.manager, record.report,
                                   person.org_unit_path if person else "/",
                                   tuple(self.store.meetings(record.key))))
        return found
