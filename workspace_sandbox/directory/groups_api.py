"""Admin SDK Directory API v1 groups in the sandbox: groups.list, groups.get, members.list,
members.get and members.hasMember (read-only; the groups come from ``seed/groups.csv``).

Who may read: Google wants the caller, or the user a service account impersonates, to hold an
admin role with the Groups privileges. The sandbox lets the domain's administrators
(``is_admin`` in people.csv) read, directly or impersonated; anyone else gets 403 "Not
Authorized to access this resource/api" (stricter than the sandbox's users methods, which let a
service account impersonate anyone).

``members.hasMember`` follows Google's reference: membership may be direct or nested, but a
nested check needs the member and the group in one domain, else 400 "Invalid Input: memberKey".
So an external address answers only when it is a direct member (users report a 400 even then;
unconfirmed). A group, or an address that names no one, as ``memberKey`` is also that 400 (as
users report; the reference says the key names a user).
"""
from __future__ import annotations

import base64
import json
import re

from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.front import Call, handles
from workspace_sandbox.directory.api import (NOT_AUTHORIZED, _check_customer, _digest,
                                             _read_page_token, find_user)
from workspace_sandbox.directory.groups import (ROLES, all_groups, derived_members, find_group,
                                                group_resource, groups_with_member, is_member,
                                                member_key, member_resource)

MAX_RESULTS = 200  # "Max allowed value is 200"; larger asks get 200 (unconfirmed: not a 400)
_CLAUSE = re.compile(r"\s*(?P<field>[A-Za-z]+)(?P<op>[=:])"
                     r"(?P<value>'(?:[^'\\]|\\.)*'|[^\s']+)")


def _authorize(call: Call) -> None:
    caller = call.tx.get("dir.user", call.user.lower())
    if caller is None or not caller["is_admin"]:
        raise ApiError(403, "forbidden", NOT_AUTHORIZED)


def _group(call: Call) -> tuple[str, dict]:
    found = find_group(call.tx, call.params["groupKey"])
    if found is None:
        raise ApiError(404, "notFound", "Resource Not Found: groupKey")
    return found


def _page(items: list, params: dict, signature: list, kind: str, field: str) -> dict:
    size = min(params.get("maxResults", MAX_RESULTS), MAX_RESULTS)
    signed = _digest(json.dumps(signature), 12)
    start = _read_page_token(params.get("pageToken"), signed)
    page = items[start:start + size]
    result = {"kind": kind, "etag": '"' + _digest(json.dumps(page, sort_keys=True), 27) + '"'}
    if page:
        result[field] = page
    if start + size < len(items):
        result["nextPageToken"] = base64.urlsafe_b64encode(
            json.dumps([start + size, signed]).encode()).decode()
    return result


# --- groups ----------------------------------------------------------------------------------

@handles("directory.groups.list")
def groups_list(call: Call) -> dict:
    """All groups (``customer`` or ``domain``), or those ``userKey`` is a direct member of."""
    params, tx = call.params, call.tx
    user_key = params.get("userKey")
    if user_key and params.get("customer"):  # "Cannot be used with the customer parameter"
        raise ApiError(400, "badRequest", "Bad Request")
    if not user_key or params.get("domain"):
        _check_customer(tx, params.get("customer"), params.get("domain"))
    _authorize(call)
    chosen = all_groups(tx)
    if user_key:
        chosen = _groups_of(tx, user_key, "userKey", chosen)
    if params.get("query"):
        chosen = _search(tx, params["query"], chosen)
    if params.get("orderBy") == "email" and params.get("sortOrder") == "DESCENDING":
        chosen = chosen[::-1]  # by email already, which is also the order without orderBy
    items = [group_resource(tx, email, record) for email, record in chosen]
    return _page(items, params, [params.get(k) for k in (
        "customer", "domain", "userKey", "query", "orderBy", "sortOrder")],
        "admin#directory#groups", "groups")


def _groups_of(tx, key: str, name: str, groups: list) -> list:
    """The groups a user, a group or an external address is a direct member of. A key of the
    domain that names no one is 404 (unconfirmed), as is an id that matches nothing."""
    member = member_key(tx, key)
    known = find_group(tx, key) is not None or find_user(tx, key) is not None
    if not known and (member.endswith("@" + tx.setting("domain")) or "@" not in member):
        raise ApiError(404, "notFound", f"Resource Not Found: {name}")
    wanted = set(groups_with_member(tx, member))
    return [(email, record) for email, record in groups if email in wanted]


def _search(tx, query: str, groups: list) -> list:
    """Google's group search: ``email`` and ``name`` with ``=`` or ``:prefix*``, ``memberKey=``
    (not with the other two), clauses joined by AND. Matching ignores case (unconfirmed)."""
    clauses, position, query = [], 0, query.strip()
    while position < len(query):
        match = _CLAUSE.match(query, position)
        if not match or match["field"] not in ("email", "name", "memberKey") or (
                match["field"] == "memberKey" and match["op"] != "="):
            raise ApiError(400, "invalid", "Invalid Input")
        value = match["value"]
        if value.startswith("'"):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        clauses.append((match["field"], match["op"], value))
        position = match.end()
    fields = {field for field, _, _ in clauses}
    if "memberKey" in fields and fields & {"email", "name"}:
        raise ApiError(400, "invalid", "Invalid Input")
    for field, op, value in clauses:
        if field == "memberKey":
            groups = _groups_of(tx, value, "memberKey", groups)
            continue
        wanted = value.casefold()
        if op == ":":
            groups = [(e, r) for e, r in groups if (e if field == "email" else r["name"])
                      .casefold().startswith(wanted.rstrip("*"))]
        else:
            groups = [(e, r) for e, r in groups if (e if field == "email" else r["name"])
                      .casefold() == wanted]
    return groups


@handles("directory.groups.get")
def groups_get(call: Call) -> dict:
    _authorize(call)
    return group_resource(call.tx, *_group(call))


# --- members ---------------------------------------------------------------------------------

@handles("directory.members.list")
def members_list(call: Call) -> dict:
    """A group's members in the order they were added (unconfirmed: Google's order is its own);
    with ``includeDerivedMembership`` the members of nested groups follow, each person once."""
    _authorize(call)
    email, record = _group(call)
    params = call.params
    roles = params.get("roles")
    wanted = set(roles.split(",")) if roles else set(ROLES)
    if not wanted <= set(ROLES):
        raise ApiError(400, "invalid", "Invalid Input: roles")  # unconfirmed
    if params.get("includeDerivedMembership"):
        pairs = derived_members(call.tx, email)
    else:
        pairs = [(m["key"], m["role"]) for m in record["members"]]
    items = [member_resource(call.tx, key, role) for key, role in pairs if role in wanted]
    return _page(items, params, [email, roles, params.get("includeDerivedMembership")],
                 "admin#directory#members", "members")


@handles("directory.members.get")
def members_get(call: Call) -> dict:
    """A direct member by email, alias or id (of a person, a group, or the customer id);
    Google's 404 "Resource Not Found: memberKey" for anyone else, nested members too
    (unconfirmed for nested ones)."""
    _authorize(call)
    email, record = _group(call)
    key = call.params["memberKey"]
    stored = member_key(call.tx, key)
    for member in record["members"]:
        resource = member_resource(call.tx, member["key"], member["role"])
        if member["key"] == stored or resource["id"].lower() == key.lower():
            return resource
    raise ApiError(404, "notFound", "Resource Not Found: memberKey")


@handles("directory.members.hasMember")
def members_has_member(call: Call) -> dict:
    """``{isMember}`` for a user of the domain, directly or through nested groups (and through
    a ``CUSTOMER`` member, unconfirmed); see the module's docstring for other keys."""
    _authorize(call)
    email, record = _group(call)
    key = call.params["memberKey"]
    person = find_user(call.tx, key)
    if person is not None:
        return {"isMember": is_member(call.tx, email, person["primaryEmail"])}
    address = key.lower()
    external = "@" in address and not address.endswith("@" + call.tx.setting("domain"))
    if external and any(m["key"] == address for m in record["members"]):
        return {"isMember": True}
    raise ApiError(400, "invalid", "Invalid Input: memberKey")

