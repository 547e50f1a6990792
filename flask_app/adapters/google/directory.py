"""The organisation's people from the Admin SDK Directory API."""
from __future__ import annotations

from ...domain.people import Directory, Person, display_name
from .clients import GoogleClients

PAGE_SIZE = 500


def load_directory(clients: GoogleClients, admin: str) -> Directory:
    """Every user of the customer, with manager relations, org units and languages."""
    users = clients.resource("directory", admin, "users")
    people = []
    page_token = None
    while True:
        request = users.list(customer="my_customer", projection="full", maxResults=PAGE_SIZE,
                             pageToken=page_token)
        page = clients.execute(request, "directory.users.list")
        people += [_person(user) for user in page.get("users", [])]
        page_token = page.get("nextPageToken")
        if not page_token:
            return Directory(people)


def group_members(clients: GoogleClients, admin: str, group: str) -> frozenset[str]:
    """The people in a group, nested groups' members included."""
    members = clients.resource("directory", admin, "members")
    found: set[str] = set()
    page_token = None
    while True:
        request = members.list(groupKey=group, includeDerivedMembership=True,
                               maxResults=200, pageToken=page_token)
        page = clients.execute(request, "directory.members.list")
        found |= {m["email"].lower() for m in page.get("members", [])
                  if m.get("type") == "USER" and m.get("email")}
        page_token = page.get("nextPageToken")
        if not page_token:
            return frozenset(found)


def _person(user: dict) -> Person:
    name = user.get("name", {})
    manager = next((r.get("value") for r in user.get("relations", [])
                    if r.get("type") == "manager"), None)
    title = next((o.get("title", "") for o in user.get("organizations", []) if o.get("primary")),
                 "")
    return Person(email=user["primaryEmail"].lower(),
                  name=display_name(name.get("givenName", ""), name.get("familyName", ""))
                  or name.get("fullName") or user["primaryEmail"],
                  manager_email=manager.lower() if manager else None,
                  org_unit_path=user.get("orgUnitPath", "/"), title=title,
                  given_name=name.get("givenName", ""), family_name=name.get("familyName", ""),
                  is_admin=user.get("isAdmin", False),
                  site=next((place["buildingId"] for place in user.get("locations", [])
                             if place.get("buildingId")), ""),
                  languages=tuple(language["languageCode"] for language in user.get("languages", [])
                                  if language.get("languageCode")
                                  and language.get("preference", "preferred") == "preferred"))
