"""Which files ``files.list`` returns, in which order, page by page."""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from workspace_sandbox.docs import store as docs_store
from workspace_sandbox.core.front import Call
from workspace_sandbox.drive.access import DriveError, app_sees, invalid_value, is_trashed, role_of, root_id
from workspace_sandbox.drive.query import compile_query

ORDER_KEYS = {"createdTime", "folder", "modifiedByMeTime", "modifiedTime", "name",
              "name_natural", "quotaBytesUsed", "recency", "sharedWithMeTime", "starred",
              "viewedByMeTime"}
_WRITER_ROLES = {"writer", "fileOrganizer", "organizer"}


class Facts:
    """What a ``q`` term may ask about one file, for one caller, computed on demand."""

    def __init__(self, call: Call, record: dict, root: str):
        self.call, self.record, self.root = call, record, root
        self._cache: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._cache:
            self._cache[key] = getattr(self, "_" + key)()
        return self._cache[key]

    def _people(self, roles: set[str]) -> set[str]:
        found = {p.get("emailAddress", "").lower() for p in self.record.get("permissions", [])
                 if p["role"] in roles and p["type"] in ("user", "group")}
        return found | ({"me"} if self.call.user.lower() in found else set())

    def _name(self):
        return self.record["name"]

    def _mimeType(self):
        return self.record["mimeType"]

    def _description(self):
        return self.record.get("description", "")

    def _fullText(self):
        text = [self.record["name"], self.record.get("description", "")]
        stored = docs_store.load(self.call.tx, self.record["id"])
        if stored is not None:
            text.append(stored.document.text())
        content = self.call.tx.get("drive.content", self.record["id"])
        if content is not None:
            text.append(base64.b64decode(content["data"]).decode("utf-8", "replace"))
        return "\n".join(text)

    def _trashed(self):
        return is_trashed(self.call.tx, self.record)

    def _starred(self):
        return self.call.user.lower() in self.record.get("starredBy", [])

    def _modifiedTime(self):
        return self.record["modifiedTime"]

    def _createdTime(self):
        return self.record["createdTime"]

    def _viewedByMeTime(self):
        return None

    def _sharedWithMeTime(self):
        return self.record["createdTime"] if self._sharedWithMe() else None

    def _parents(self):
        parents = set(self.record.get("parents", []))
        return parents | ({"root"} if self.root in parents else set())

    def _owners(self):
        return self._people({"owner"})

    def _writers(self):
        return self._people(_WRITER_ROLES)

    def _readers(self):
        return self._people({"reader", "commenter"})

    def _appProperties(self):
        return self.record.get("appProperties", {}).get(self.call.client_id, {})

    def _properties(self):
        return self.record.get("properties", {})

    def _sharedWithMe(self):
        return self.record["owner"] != self.call.user.lower()


def _check_params(params: dict) -> None:
    corpora = params.get("corpora", "user")
    if corpora not in ("user", "domain", "drive", "allDrives"):
        raise invalid_value("corpora")
    if (corpora == "drive") != bool(params.get("driveId")):
        raise DriveError(400, "invalid", "The driveId parameter must be specified if and only if "
                         "corpora is set to drive.", location="driveId")
    if params.get("includeItemsFromAllDrives") and not params.get("supportsAllDrives"):
        raise DriveError(400, "invalid", "The includeItemsFromAllDrives parameter can only be set "
                         "to true when supportsAllDrives is also set to true.",
                         location="includeItemsFromAllDrives")
    for space in params.get("spaces", "drive").split(","):
        if space.strip() not in ("drive", "appDataFolder"):
            raise invalid_value("spaces")
    size = params.get("pageSize", 100)
    if not 1 <= size <= 1000:
        raise invalid_value("pageSize")


def _order(params: dict) -> list[tuple[str, bool]]:
    keys = []
    for part in (params.get("orderBy") or "").split(","):
        words = part.split()
        if not words:
            continue
        if words[0] not in ORDER_KEYS or len(words) > 2 or words[1:] not in ([], ["desc"],
                                                                               ["asc"]):
            raise invalid_value("orderBy")
        keys.append((words[0], words[1:] == ["desc"]))
    return keys or [("modifiedTime", True)]


def _sort_value(facts: Facts, key: str):
    record = facts.record
    if key in ("name", "name_natural"):
        return record["name"].lower()
    if key == "folder":
        return record["mimeType"] != "application/vnd.google-apps.folder"
    if key == "starred":
        return not facts["starred"]
    if key == "quotaBytesUsed":
        return record.get("size", 0)
    if key in ("modifiedTime", "recency", "modifiedByMeTime"):
        return record["modifiedTime"]
    if key == "createdTime":
        return record["createdTime"]
    return facts[key] or ""


def _token(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "f": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(token: str | None, fingerprint: str) -> int:
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["f"] == fingerprint and isinstance(data["o"], int) and data["o"] >= 0:
            return data["o"]
    except (ValueError, KeyError, TypeError):
        pass
    raise invalid_value("pageToken")


def _listed(call: Call, record: dict, corpora: str) -> bool:
    """In the caller's corpus: shared with them by name, or discoverable in their domain."""
    if record.get("root"):
        return False
    if role_of(call.tx, record, call.user, direct_only=True) is not None:
        return True
    if corpora not in ("domain", "allDrives"):
        return False
    domain = call.user.lower().rsplit("@", 1)[-1]
    return any(p["type"] == "domain" and p.get("domain", "").lower() == domain and
               p.get("allowFileDiscovery") for p in record.get("permissions", []))


def _candidates(tx, needs: frozenset, root: str):
    """The files a query can match: those its required index entries name, or every file."""
    if not needs:
        return [record for _, record in tx.items("drive.file")]
    keys = set.intersection(*(
        set(tx.lookup("drive.file", name, root if (name, value) == ("parent", "root") else value))
        for name, value in needs))
    return [record for record in (tx.get("drive.file", key) for key in sorted(keys)) if record]


def list_files(call: Call) -> tuple[list[dict], str | None]:
    """One page of the files the caller's query selects, and the next page's token."""
    params = call.params
    _check_params(params)
    matches = compile_query(params.get("q", ""))
    order = _order(params)
    corpora = params.get("corpora", "user")
    root = root_id(call.tx, call.user)
    spaces = {s.strip() for s in params.get("spaces", "drive").split(",")}
    found = []
    if "drive" in spaces:
        for record in _candidates(call.tx, matches.needs, root):
            if not _listed(call, record, corpora) or not app_sees(
                    call.tx, "drive", call.scopes, call.client_id, call.user, record):
                continue
            facts = Facts(call, record, root)
            if matches(facts):
                found.append(facts)
    found.sort(key=lambda f: f.record["id"])
    for key, descending in reversed(order):
        found.sort(key=lambda f: _sort_value(f, key), reverse=descending)
    fingerprint = hashlib.sha256(json.dumps(
        [params.get("q", ""), params.get("orderBy", ""), corpora]).encode()).hexdigest()[:16]
    start = _offset(params.get("pageToken"), fingerprint)
    size = params.get("pageSize", 100)
    page = [f.record for f in found[start:start + size]]
    more = start + size < len(found)
    return page, _token(start + size, fingerprint) if more else None
