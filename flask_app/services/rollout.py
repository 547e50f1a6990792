"""HR's rollout: which org units and groups the service works for, in which mode, and people
opting out (see :mod:`flask_app.domain.rollout`)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Callable

from ..domain.people import Directory, normalize_email
from ..domain.records import OptOut
from ..domain.rollout import MODES, OPT_IN, Coverage, Rollout, coverage, synced
from ..errors import GoogleApiError, InputError, NotFound, PermissionDenied
from ..ports import Clock, Store, Workspace

log = logging.getLogger(__name__)
CALENDAR_GRANT = "calendar"


@dataclass(frozen=True)
class Check:
    """Whether the service can use one API through the domain-wide grant."""

    api: str
    ok: bool
    scopes: tuple[str, ...]
    outcome: str


@dataclass
class RolloutService:
    store: Store
    workspace: Workspace
    clock: Clock
    revoke: Callable[[str], bool] = lambda token: False  # revokes a refresh token at Google
    open_token: Callable[[str], str] = lambda sealed: sealed  # decrypts a stored token
    withdrawn: Callable[[str], None] = lambda email: None  # takes them out of future cohorts

    def coverage(self, directory: Directory, units: list[str], groups: list[str]) -> Coverage:
        """What enabling ``units`` and ``groups`` covers (for the preview and the passes).

        :raises InputError: an org unit or a group the directory does not have.
        """
        known = {p.org_unit_path for p in directory}
        for unit in units:
            if unit != "/" and not any(path == unit or path.startswith(unit + "/")
                                       for path in known):
                raise InputError(f"No one is in the org unit {unit!r}.")
        members = {}
        for group in groups:
            try:
                members[group.lower()] = self.workspace.members(group)
            except GoogleApiError as error:
                raise InputError(f"The group {group!r} could not be read "
                                 f"({error.summary}).") from error
        coaches = [m.marked_by for m in self.store.marks() if m.one_on_one]
        return coverage(directory, units, groups, members, coaches)

    def save(self, by: str, *, mode: str, units: list[str], groups: list[str],
             reuse_docs: bool, directory: Directory) -> Rollout:
        """HR's new choices, checked (:raises InputError: naming what is wrong)."""
        if mode not in MODES:
            raise InputError(f"The mode must be one of {', '.join(MODES)}, not {mode!r}.")
        units = sorted({u.strip().rstrip("/") or "/" for u in units if u.strip()})
        groups = sorted({normalize_email(g) for g in groups if g.strip()})
        self.coverage(directory, units, groups)
        rollout = replace(self.store.rollout(), mode=mode, units=units, groups=groups,
                          reuse_docs=reuse_docs, changed_by=by, changed_at=self.clock.now())
        self.store.save_rollout(rollout)
        log.info("rollout changed: %d units, %d groups, mode %s", len(units), len(groups), mode)
        return rollout

    def managers_to_sync(self, directory: Directory) -> list[str]:
        """The managers a pass syncs now."""
        rollout = self.store.rollout()
        if not rollout.enabled:
            return []
        cover = self.coverage(directory, rollout.units, rollout.groups)
        authorised = ({g.email for g in self.store.grants(CALENDAR_GRANT)}
                      if rollout.mode == OPT_IN else None)
        return synced(cover, self.opted_out(), authorised)

    def opted_out(self) -> set[str]:
        return {o.email for o in self.store.opt_outs()}

    def opt_out(self, email: str) -> bool:
        """Stop all processing of ``email``'s calendar and pairs now; revoke and delete their
        own authorisation if they gave one. False if they had already opted out."""
        email = normalize_email(email)
        already = email in self.opted_out()
        self.store.save_opt_out(OptOut(email, self.clock.now()))
        grant = self.store.grant(email, CALENDAR_GRANT)
        if grant is not None:
            if not self.revoke(self.open_token(grant.token)):
                log.warning("a refresh token was deleted but Google did not confirm revoking it")
            self.store.delete_grant(email, CALENDAR_GRANT)
        log.info("a person opted out")
        self.withdrawn(email)
        return not already

    def check_delegation(self, admin: str, scopes: dict[str, tuple[str, ...]]) -> list[Check]:
        """One harmless read per API as ``admin``: whether the domain-wide grant covers it."""
        probes = {
            "calendar": lambda: self.workspace.calendar(admin).time_zone(),
            "drive": lambda: self.workspace.drive(admin).find_docs("coachGrantCheck", "1"),
            "docs": lambda: self.workspace.docs(admin).get("coach-grant-check"),
            "directory": lambda: self.workspace.directory(),
        }
        found = []
        for api, probe in probes.items():
            try:
                probe()
            except NotFound:
                pass  # the token worked: the check's doc simply does not exist
            except PermissionDenied as error:
                found.append(Check(api, False, scopes.get(api, ()),
                                   "not granted" if error.reason == "unauthorized_client"
                                   else f"refused ({error.status} {error.reason})"))
                continue
            except GoogleApiError as error:
                found.append(Check(api, False, scopes.get(api, ()), error.summary))
                continue
            found.append(Check(api, True, scopes.get(api, ()), "works"))
        return found

    def opt_in_again(self, email: str) -> None:
        self.store.remove_opt_out(email)
