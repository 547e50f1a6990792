"""Google groups of the sandbox's directory: seeding ``groups.csv`` and reading groups as the
Directory API shows them (``admin#directory#group`` and ``admin#directory#member``).

A group is stored under its email (``dir.group``) with ``{id, name, description, aliases,
members: [{key, role}]}``; a member's key is a person's or another group's email, an address
outside the domain (an external member), or ``customer`` (every user of the organisation: a
``CUSTOMER`` member, as the admin console's "all users in the organization" adds). Aliases, ids
and members are indexed, so a group is found by any of its keys and a member's groups at once.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from workspace_sandbox.core.errors import SeedError
from workspace_sandbox.core.world import Tx
from workspace_sandbox.directory.api import _digest, _rows, find_user

GROUP = "dir.group"
GROUP_COLUMNS = ("email", "name", "description", "members")
OPTIONAL_GROUP_COLUMNS = ("aliases",)
ROLES = ("OWNER", "MANAGER", "MEMBER")
CUSTOMER = "customer"
_ADDRESS = re.compile(r"[^@\s:]+@[^@\s:]+\.[^@\s:]+")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"

log = logging.getLogger(__name__)


# --- seeding ---------------------------------------------------------------------------------

def seed_groups(tx: Tx, seed_dir: Path | None) -> None:
    """Load ``groups.csv`` from ``seed_dir`` after the people (none for an empty world or a seed
    without the file)."""
    if seed_dir is None or not (Path(seed_dir) / "groups.csv").exists():
        return
    rows = list(_rows(Path(seed_dir) / "groups.csv", GROUP_COLUMNS, OPTIONAL_GROUP_COLUMNS))
    domain = tx.setting("domain")
    primary = _group_addresses(tx, rows, domain)
    groups = {}
    for line, row in rows:
        email = row["email"].lower()
        members = _members(tx, line, email, row["members"], primary, domain)
        groups[email] = (line, row, members)
    _refuse_cycles(groups)
    for email, (_, row, members) in groups.items():
        aliases = row["aliases"].lower().split()
        _store(tx, email, {"id": _group_id(email), "name": row["name"],
                           "description": row["description"], "aliases": aliases,
                           "members": members})


def _group_addresses(tx: Tx, rows, domain: str) -> dict[str, str]:
    """Each group's email and alias, mapped to the group's email; the first problem raises."""
    primary: dict[str, str] = {}
    for line, row in rows:
        email = row["email"].lower()
        problem = None
        if not row["name"]:
            problem = f"{email or 'a group'} needs a name."
        for address in [email] + row["aliases"].lower().split():
            if problem:
                break
            if not re.fullmatch(r"[^@\s:]+@" + re.escape(domain), address):
                problem = f"{address!r} is not an address of the domain {domain}."
            elif tx.get("dir.user", address) is not None:
                problem = f"{address} is a person's address in people.csv."
            elif address in primary:
                problem = f"{address} is listed twice."
            primary[address] = email
        if problem:
            raise SeedError(f"groups.csv line {line}: {problem}")
    return primary


def _members(tx: Tx, line: int, group: str, text: str, primary: dict[str, str],
             domain: str) -> list[dict]:
    members, seen = [], set()
    for token in text.split():
        role, _, address = token.rpartition(":")
        role, address = role or "MEMBER", address.lower()
        if role not in ROLES:
            problem = f"member {token!r} of {group}: the role must be OWNER, MANAGER or MEMBER."
        elif address == CUSTOMER:
            problem = None if role == "MEMBER" else (
                f"member {token!r} of {group}: the whole organisation can only be a MEMBER.")
        elif not _ADDRESS.fullmatch(address):
            problem = f"member {token!r} of {group} is not an email address (nor 'customer')."
        elif address.endswith("@" + domain) and tx.get("dir.user", address) is None and (
                address not in primary):
            problem = (f"member {address!r} of {group} is neither a person in people.csv nor a "
                       "group in groups.csv.")
        elif primary.get(address) == group:
            problem = f"{group} cannot be a member of itself."
        else:
            problem = None
        address = primary.get(address, address)
        if problem is None and address in seen:
            problem = f"{address} is listed twice among the members of {group}."
        if problem:
            raise SeedError(f"groups.csv line {line}: {problem}")
        seen.add(address)
        members.append({"key": address, "role": role})
    return members


def _refuse_cycles(groups: dict[str, tuple]) -> None:
    """Google refuses cycles of groups (a group inside a group inside the first)."""
    def visit(email: str, path: list[str]) -> None:
        for member in groups[email][2]:
            key = member["key"]
            if key in path:
                cycle = " -> ".join(path[path.index(key):] + [key])
                raise SeedError(f"groups.csv line {groups[key][0]}: a cycle of groups: {cycle}.")
            if key in groups:
                visit(key, path + [key])
    for email in groups:
        visit(email, [email])


def _store(tx: Tx, email: str, record: dict) -> None:
    tx.put(GROUP, email, record)
    tx.index(GROUP, email, [("id", record["id"])] + [("alias", a) for a in record["aliases"]]
             + [("member", m["key"]) for m in record["members"]])


def _group_id(email: str) -> str:
    """An id of the form Google's group ids have (``02w5ecyt4altqa7``; unconfirmed beyond that)."""
    number = int(_digest("group:" + email, 0), 16)
    chars = "0" + str(number % 4)
    number //= 4
    for _ in range(13):
        number, digit = divmod(number, 36)
        chars += _BASE36[digit]
    return chars


def upgrade_groups(tx: Tx, seed_dir: Path) -> None:
    """Give a world kept from before groups the demo's groups, when it holds the demo's people
    (an empty world, or one seeded from other people, stays without groups)."""
    if not tx.items("dir.user") or tx.items(GROUP):
        return
    try:
        seed_groups(tx, seed_dir)
    except SeedError as error:
        log.warning("The kept world gets no groups: %s", error)


# --- reading groups --------------------------------------------------------------------------

def all_groups(tx: Tx) -> list[tuple[str, dict]]:
    """Every group as ``(email, record)``, by email."""
    return tx.items(GROUP)


def find_group(tx: Tx, key: str) -> tuple[str, dict] | None:
    """A group ``(email, record)`` by email, alias or id, or None."""
    key = key.lower()
    record = tx.get(GROUP, key)
    if record is not None:
        return key, record
    for name in ("alias", "id"):
        for email in tx.lookup(GROUP, name, key):
            return email, tx.get(GROUP, email)
    return None


def groups_with_member(tx: Tx, key: str) -> list[str]:
    """The emails of the groups ``key`` (an email, or ``customer``) is a direct member of."""
    return tx.lookup(GROUP, "member", key.lower())


def group_resource(tx: Tx, email: str, record: dict) -> dict:
    """A group as Google shows it. ``nonEditableAliases`` (the test-google-a.com addresses some
    accounts have) are left out; ``directMembersCount`` counts every direct member, groups too
    (unconfirmed: Google's reference says it counts users)."""
    group = {"kind": "admin#directory#group", "id": record["id"], "email": email,
             "name": record["name"], "directMembersCount": str(len(record["members"])),
             "description": record["description"], "adminCreated": True}
    if record["aliases"]:
        group["aliases"] = list(record["aliases"])
    return _tagged(group)


def member_resource(tx: Tx, key: str, role: str) -> dict:
    """A member as Google shows it: a person or an external address is a ``USER``, a group a
    ``GROUP``, the organisation a ``CUSTOMER`` (with the customer id and no email). External
    members get an id made from their address (Google gives theirs; unconfirmed which)."""
    member = {"kind": "admin#directory#member"}
    if key == CUSTOMER:
        member.update(id=tx.setting("directory.customer_id"), role=role, type="CUSTOMER")
        return _tagged(member)
    group = tx.get(GROUP, key)
    person = tx.get("dir.user", key)
    if group is not None:
        member_id, kind = group["id"], "GROUP"
    else:
        member_id, kind = (person["id"] if person else _external_id(key)), "USER"
    member.update(id=member_id, email=key, role=role, type=kind, status="ACTIVE")
    return _tagged(member)


def _external_id(email: str) -> str:
    return str(10**20 + int(_digest(email, 0), 16) % 10**20)


def _tagged(resource: dict) -> dict:
    resource["etag"] = '"' + _digest(json.dumps(resource, sort_keys=True), 27) + '"'
    return resource


def member_key(tx: Tx, key: str) -> str:
    """What a ``memberKey`` or ``userKey`` names, as members are stored: a group's or a person's
    email (found by alias or id too), else the address as given, lower-cased."""
    group = find_group(tx, key)
    if group is not None:
        return group[0]
    person = find_user(tx, key)
    return person["primaryEmail"] if person else key.lower()


def derived_members(tx: Tx, email: str) -> list[tuple[str, str]]:
    """``(key, role)`` of the direct members and, breadth first, of every group nested inside,
    each once (where first met); a ``CUSTOMER`` member brings every user of the domain. A
    member's role is its role in the group it is directly in (unconfirmed)."""
    found: dict[str, str] = {}
    queue, visited = [email], {email}
    while queue:
        record = tx.get(GROUP, queue.pop(0))
        for member in record["members"]:
            found.setdefault(member["key"], member["role"])
            if member["key"] == CUSTOMER:
                for person, _ in tx.items("dir.user"):
                    found.setdefault(person, "MEMBER")
            elif tx.get(GROUP, member["key"]) is not None and member["key"] not in visited:
                visited.add(member["key"])
                queue.append(member["key"])
    return list(found.items())


def is_member(tx: Tx, email: str, person: str) -> bool:
    """Whether a person (a user of the domain) is in a group, directly or nested."""
    return any(key in (person, CUSTOMER) for key, _ in derived_members(tx, email))
