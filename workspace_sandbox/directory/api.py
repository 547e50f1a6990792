"""Admin SDK Directory API v1 in the sandbox: users.list, users.get and orgunits.list (groups and
their members are in :mod:`.groups` and :mod:`.groups_api`).

Who may read (Google lets only administrators read the admin view; ``domain_public`` is for
everyone when the administrator allows contact sharing):
- administrators of the domain, and service accounts acting for any domain user (domain-wide
  delegation), read everything. Google also wants the impersonated user to be an administrator
  for the admin view; the sandbox does not check that, so impersonate an administrator anyway;
- other users get 403 "Not Authorized to access this resource/api", unless contact sharing is on
  (``PUT /_sandbox/directory/settings {"contact_sharing": true}``; off by default), which lets
  them read users with ``viewType=domain_public`` (public fields only). Org units stay admin-only.

A person's ``language`` in people.csv is their preferred language, ``languages: [{languageCode,
preference: "preferred"}]``, in every projection (as Google's: the projections differ only in
custom schemas, which the sandbox has none of); without one the field is left out. Unconfirmed
whether colleagues see it with ``domain_public``; the sandbox does not show it there.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, request

from workspace_sandbox.core.front import Call, handles
from workspace_sandbox.core.errors import ApiError, SeedError
from workspace_sandbox.oauth.clients import is_delegated
from workspace_sandbox.core.world import Tx
from workspace_sandbox.core.control_plane import world

bp = Blueprint("sandbox_directory", __name__, url_prefix="/_sandbox/directory")

PEOPLE_COLUMNS = ("email", "given_name", "family_name", "manager_email", "org_unit_path",
                  "title", "time_zone", "is_admin")
OPTIONAL_PEOPLE_COLUMNS = ("language",)
# A BCP 47 language tag as Google lists them: language, optional script, optional region.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
ORGUNIT_COLUMNS = ("org_unit_path", "name", "description")
NOT_AUTHORIZED = "Not Authorized to access this resource/api"
# Fields a non-administrator sees with viewType=domain_public (unconfirmed: Google does not list
# them; these are the profile fields its people directory shows to colleagues).
PUBLIC_FIELDS = ("kind", "id", "etag", "primaryEmail", "name", "emails", "relations",
                 "organizations")


# --- seeding ---------------------------------------------------------------------------------

def seed_directory(tx: Tx, seed_dir: Path | None) -> None:
    """Load ``orgunits.csv`` and ``people.csv`` from ``seed_dir`` (nothing for an empty world)."""
    domain = tx.setting("domain")
    tx.set_setting("directory.customer_id", "C0" + _digest(domain, 7))
    if seed_dir is None:
        return
    paths = {"/"}
    for line, row in _rows(Path(seed_dir) / "orgunits.csv", ORGUNIT_COLUMNS):
        path = row["org_unit_path"].rstrip("/")
        parent = path.rsplit("/", 1)[0] or "/"
        if not path.startswith("/") or path in paths or parent not in paths:
            raise SeedError(f"orgunits.csv line {line}: org_unit_path {path!r} must be new, "
                             "start with '/' and have its parent listed above it.")
        paths.add(path)
        tx.put("dir.orgunit", path, {"name": row["name"] or path.rsplit("/", 1)[1],
                                     "description": row["description"]}, parent=parent)
    people = list(_rows(Path(seed_dir) / "people.csv", PEOPLE_COLUMNS, OPTIONAL_PEOPLE_COLUMNS))
    emails = {row["email"].lower() for _, row in people}
    seen: set[str] = set()
    for line, row in people:
        email, manager = row["email"].lower(), row["manager_email"].lower()
        problem = _person_problem(email, manager, row, domain, emails, paths, seen)
        if problem:
            raise SeedError(f"people.csv line {line}: {problem}")
        seen.add(email)
        tx.put("dir.user", email, {
            "id": str(10**20 + int(_digest(email, 0), 16) % 10**20),
            "given_name": row["given_name"], "family_name": row["family_name"],
            "manager": manager, "org_unit_path": row["org_unit_path"] or "/",
            "title": row["title"], "time_zone": row["time_zone"],
            "is_admin": row["is_admin"].lower() == "true", "language": row["language"]},
               parent=manager)


def _person_problem(email, manager, row, domain, emails, paths, seen) -> str | None:
    if not re.fullmatch(r"[^@\s]+@" + re.escape(domain), email):
        return f"email {email!r} is not an address of the domain {domain}."
    if email in seen:
        return f"{email} is listed twice."
    if not row["given_name"] or not row["family_name"]:
        return f"{email} needs given_name and family_name."
    if manager and (manager not in emails or manager == email):
        return f"manager_email {manager!r} of {email} is not another person in the file."
    if (row["org_unit_path"] or "/") not in paths:
        return f"org_unit_path {row['org_unit_path']!r} of {email} is not in orgunits.csv."
    if row["is_admin"].lower() not in ("true", "false", ""):
        return f"is_admin of {email} must be true or false, not {row['is_admin']!r}."
    if row["language"] and not LANGUAGE_CODE.fullmatch(row["language"]):
        return (f"language {row['language']!r} of {email} is not a BCP 47 language code "
                "(like en, de or pt-BR).")
    return None


def _rows(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()):
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise SeedError(f"{path}: missing columns {', '.join(sorted(missing))}.")
            for row in reader:
                yield reader.line_num, {k: (row.get(k) or "").strip() for k in columns + optional}
    except FileNotFoundError:
        raise SeedError(f"{path}: file not found.") from None


def _digest(text: str, length: int) -> str:
    value = hashlib.sha256(text.encode()).hexdigest()
    return value[:length] if length else value


# --- reading the directory -------------------------------------------------------------------

def users(tx: Tx) -> list[dict]:
    """Every user of the domain as Directory API resources (full admin view), by email."""
    return [_resource(tx, email, record) for email, record in tx.items("dir.user")]


def find_user(tx: Tx, key: str) -> dict | None:
    """A user resource by primary email or numeric id, or None."""
    key = key.lower()
    record = tx.get("dir.user", key)
    if record is not None:
        return _resource(tx, key, record)
    for email, record in tx.items("dir.user"):
        if record["id"] == key:
            return _resource(tx, email, record)
    return None


def _resource(tx: Tx, email: str, record: dict) -> dict:
    given, family = record["given_name"], record["family_name"]
    user = {
        "kind": "admin#directory#user", "id": record["id"], "primaryEmail": email,
        "name": {"givenName": given, "familyName": family, "fullName": f"{given} {family}"},
        "isAdmin": record["is_admin"], "isDelegatedAdmin": False, "agreedToTerms": True,
        "suspended": False, "archived": False, "changePasswordAtNextLogin": False,
        "ipWhitelisted": False, "emails": [{"address": email, "primary": True}],
        "customerId": tx.setting("directory.customer_id"), "orgUnitPath": record["org_unit_path"],
        "isMailboxSetup": True, "isEnrolledIn2Sv": False, "isEnforcedIn2Sv": False,
        "includeInGlobalAddressList": True, "creationTime": _timestamp(tx.setting("seeded_at")),
    }
    if record["title"]:
        user["organizations"] = [{"title": record["title"], "primary": True, "customType": ""}]
    if record["manager"]:
        user["relations"] = [{"value": record["manager"], "type": "manager"}]
    if record.get("language"):  # a world seeded before languages has none
        user["languages"] = [{"languageCode": record["language"], "preference": "preferred"}]
    user["etag"] = '"' + _digest(json.dumps(user, sort_keys=True), 27) + '"'
    return user


def _timestamp(iso: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _view(user: dict, view: str) -> dict:
    if view == "domain_public":
        return {k: v for k, v in user.items() if k in PUBLIC_FIELDS}
    return user


# --- who may read ----------------------------------------------------------------------------

def _authorize(call: Call, public_allowed: bool) -> str:
    """The view the caller gets, or Google's 403."""
    view = call.params.get("viewType", "admin_view")
    caller = call.tx.get("dir.user", call.user.lower())
    if is_delegated(call.tx, call.client_id, call.user) or (caller and caller["is_admin"]):
        return view
    if (public_allowed and view == "domain_public" and caller is not None
            and call.tx.setting("directory.contact_sharing", False)):
        return view
    raise ApiError(403, "forbidden", NOT_AUTHORIZED)


def _check_customer(tx: Tx, customer: str | None, domain: str | None) -> None:
    if not customer and not domain:
        raise ApiError(400, "badRequest", "Bad Request")
    if customer and customer not in ("my_customer", tx.setting("directory.customer_id")):
        raise ApiError(403, "forbidden", NOT_AUTHORIZED)
    if domain and domain.lower() != tx.setting("domain"):
        raise ApiError(403, "forbidden", NOT_AUTHORIZED)


# --- users.list query language ---------------------------------------------------------------

_CLAUSE = re.compile(r"""\s*(?:(?P<field>[A-Za-z]\w*)(?P<op>[=:]))?"""
                     r"""(?P<value>'[^']*'|"[^"]*"|[^\s'"]+)""")
_TEXT = {"name": lambda u: u["name"]["fullName"], "email": lambda u: u["primaryEmail"],
         "givenName": lambda u: u["name"]["givenName"],
         "familyName": lambda u: u["name"]["familyName"],
         "orgTitle": lambda u: " ".join(o["title"] for o in u.get("organizations", []))}
_BOOL = {"isAdmin": lambda u: u["isAdmin"], "isDelegatedAdmin": lambda u: u["isDelegatedAdmin"],
         "isSuspended": lambda u: u["suspended"], "isArchived": lambda u: u["archived"]}
# Google documents only '=' for directManager; ':' is accepted too (unconfirmed whether Google does).
_EXACT = {"directManager": "=:", "directManagerId": "=", "manager": "=", "managerId": "=",
          "orgUnitPath": "="}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text.casefold()) if w]


def _text_match(attribute: str, op: str, value: str) -> bool:
    attribute, value = attribute.casefold(), value.casefold()
    if op == "=":
        return attribute == value
    if value.endswith("*"):
        prefix = value[:-1]
        return attribute.startswith(prefix) or any(w.startswith(prefix) for w in _words(attribute))
    wanted, have = _words(value), _words(attribute)
    return attribute == value or bool(wanted) and all(w in have for w in wanted)


def _compile_query(tx: Tx, query: str):
    """The predicate a ``query`` stands for; Google's 400 "Invalid Input" for what it can't read."""
    predicates = []
    position = 0
    query = query.strip()
    while position < len(query):
        match = _CLAUSE.match(query, position)
        if not match:
            raise ApiError(400, "invalid", "Invalid Input")
        position = match.end()
        predicates.append(_clause(tx, match["field"], match["op"], match["value"].strip("'\"")))
    return lambda user: all(p(user) for p in predicates)


def _clause(tx: Tx, field: str | None, op: str | None, value: str):
    if field is None:
        prefix = value.casefold().rstrip("*")
        return lambda u: any(w.startswith(prefix) for w in _words(
            " ".join((u["name"]["givenName"], u["name"]["familyName"], u["primaryEmail"]))))
    if field in _TEXT:
        return lambda u: _text_match(_TEXT[field](u), op, value)
    if field in _BOOL and op == "=" and value in ("true", "false"):
        return lambda u: _BOOL[field](u) == (value == "true")
    if field in _EXACT and op in _EXACT[field]:
        if field == "orgUnitPath":
            base = value.rstrip("/") or "/"
            return lambda u: base == "/" or u["orgUnitPath"] == base or u["orgUnitPath"].startswith(
                base + "/")
        target = value.lower()
        if field.endswith("Id"):
            found = find_user(tx, target)
            target = found["primaryEmail"] if found else ""
        chains = _manager_chains(tx)
        if field.startswith("direct"):
            return lambda u: chains[u["primaryEmail"]][:1] == [target]
        return lambda u: target in chains[u["primaryEmail"]]
    raise ApiError(400, "invalid", "Invalid Input")


def _manager_chains(tx: Tx) -> dict[str, list[str]]:
    managers = {email: record["manager"] for email, record in tx.items("dir.user")}
    chains = {}
    for email in managers:
        chain, current = [], managers[email]
        while current and current not in chain:
            chain.append(current)
            current = managers.get(current, "")
        chains[email] = chain
    return chains


# --- handlers --------------------------------------------------------------------------------

@handles("directory.users.list")
def users_list(call: Call) -> dict:
    params = call.params
    _check_customer(call.tx, params.get("customer"), params.get("domain"))
    view = _authorize(call, public_allowed=True)
    if params.get("projection") == "custom" and not params.get("customFieldMask"):
        raise ApiError(400, "invalid", "Invalid Input: customFieldMask")
    order = params.get("orderBy")
    size = params.get("maxResults", 100)
    signature = _digest(json.dumps([params.get(k) for k in (
        "customer", "domain", "query", "orderBy", "sortOrder")]), 12)
    start = _read_page_token(params.get("pageToken"), signature)
    if not params.get("query") and order in (None, "email") \
            and params.get("sortOrder") != "DESCENDING":
        # everyone in email order (the key order): read only this page, and one more to know
        # whether another page follows
        rows = call.tx.items_slice("dir.user", start, size + 1)
        page = [_resource(call.tx, email, record) for email, record in rows[:size]]
        more = len(rows) > size
    else:
        matches = users(call.tx)
        if params.get("query"):
            predicate = _compile_query(call.tx, params["query"])
            matches = [u for u in matches if predicate(u)]
        if order:
            key = {"email": lambda u: u["primaryEmail"],
                   "givenName": lambda u: u["name"]["givenName"].casefold(),
                   "familyName": lambda u: u["name"]["familyName"].casefold()}[order]
            matches.sort(key=lambda u: (key(u), u["primaryEmail"]),
                         reverse=params.get("sortOrder") == "DESCENDING")
        page = matches[start:start + size]
        more = start + size < len(matches)
    result = {"kind": "admin#directory#users",
              "etag": '"' + _digest(json.dumps(page, sort_keys=True), 27) + '"'}
    if page:
        result["users"] = [_view(u, view) for u in page]
    if more:
        result["nextPageToken"] = base64.urlsafe_b64encode(
            json.dumps([start + size, signature]).encode()).decode()
    return result


def _read_page_token(token: str | None, signature: str) -> int:
    if not token:
        return 0
    try:
        start, signed = json.loads(base64.urlsafe_b64decode(token.encode()))
        if signed == signature and isinstance(start, int) and start >= 0:
            return start
    except (ValueError, TypeError):
        pass
    raise ApiError(400, "invalid", "Invalid Input: pageToken")


@handles("directory.users.get")
def users_get(call: Call) -> dict:
    view = _authorize(call, public_allowed=True)
    user = find_user(call.tx, call.params["userKey"])
    if user is None:
        raise ApiError(404, "notFound", "Resource Not Found: userKey")
    return _view(user, view)


@handles("directory.orgunits.list")
def orgunits_list(call: Call) -> dict:
    _check_customer(call.tx, call.params["customerId"], None)
    _authorize(call, public_allowed=False)
    units = {"/": _root_unit(call.tx)}
    for path, data in call.tx.items("dir.orgunit"):
        units[path] = _unit(path, data)
    base = _resolve_unit(units, call.params.get("orgUnitPath", ""))
    kind = call.params.get("type", "children")
    if kind == "children":
        chosen = [u for p, u in units.items() if p != "/" and u["parentOrgUnitPath"] == base]
    else:
        chosen = [u for p, u in units.items() if p != base and (
            base == "/" or p.startswith(base + "/"))]
        if kind == "allIncludingParent":
            chosen.insert(0, units[base])
    result = {"kind": "admin#directory#orgUnits",
              "etag": '"' + _digest(json.dumps(chosen, sort_keys=True), 27) + '"'}
    if chosen:
        result["organizationUnits"] = chosen
    return result


def _resolve_unit(units: dict[str, dict], key: str) -> str:
    if key.startswith("id:"):
        for path, unit in units.items():
            if unit["orgUnitId"] == key:
                return path
    else:
        path = "/" + key.strip("/")
        if path in units:
            return path
    raise ApiError(404, "notFound", "Org unit not found")


def _unit_id(path: str) -> str:
    return "id:03" + _digest("orgunit:" + path, 14)


def _root_unit(tx: Tx) -> dict:
    unit = {"kind": "admin#directory#orgUnit", "name": tx.setting("domain"),
            "description": "", "orgUnitPath": "/", "orgUnitId": _unit_id("/")}
    unit["etag"] = '"' + _digest(json.dumps(unit, sort_keys=True), 27) + '"'
    return unit


def _unit(path: str, data: dict) -> dict:
    parent = path.rsplit("/", 1)[0] or "/"
    unit = {"kind": "admin#directory#orgUnit", "name": data["name"],
            "description": data["description"], "orgUnitPath": path,
            "orgUnitId": _unit_id(path), "parentOrgUnitPath": parent,
            "parentOrgUnitId": _unit_id(parent)}
    unit["etag"] = '"' + _digest(json.dumps(unit, sort_keys=True), 27) + '"'
    return unit


# --- control plane ---------------------------------------------------------------------------

@bp.put("/settings")
def settings():
    """Directory settings: ``{"contact_sharing": bool}``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) - {"contact_sharing"} or not all(
            isinstance(v, bool) for v in body.values()):
        raise ApiError(400, "invalid", 'Expected {"contact_sharing": true|false}.')
    with world().transaction() as tx:
        for name, value in body.items():
            tx.set_setting(f"directory.{name}", value)
    return {"ok": True}
