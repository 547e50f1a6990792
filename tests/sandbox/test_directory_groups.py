"""The sandbox's Directory groups and members, through the real google-api-python-client, on the
demo organisation's groups (seed/groups.csv)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.oauth2 import service_account
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from flask_app.adapters.google.clients import GoogleEndpoints, build_service
from workspace_sandbox import SeedError, seed_world
from workspace_sandbox.core.server import _upgrade
from workspace_sandbox.core.world import FORMAT, World
from workspace_sandbox.directory.api import seed_directory
from workspace_sandbox.directory.groups import all_groups, seed_groups
from workspace_sandbox.oauth.clients import (FREEBUSY_DELEGATION, GROUP_DELEGATION,
                                             SERVICE_ACCOUNT_CLIENT_ID, delegated_scopes,
                                             set_delegation)

AUTH = "https://www.googleapis.com/auth/"
GROUPS = AUTH + "admin.directory.group.readonly"
GROUPS_WRITE = AUTH + "admin.directory.group"
MEMBERS = AUTH + "admin.directory.group.member.readonly"
MEMBERS_WRITE = AUTH + "admin.directory.group.member"
USERS = AUTH + "admin.directory.user.readonly"
ADMIN = "fatima.haddad@example.com"
NOT_AUTHORIZED = (403, "forbidden", "Not Authorized to access this resource/api")
GROUP_EMAILS = ["engineering-managers@example.com", "everyone@example.com", "hr@example.com",
                "leadership@example.com", "platform-team@example.com"]


def directory_for(sandbox, user: str = ADMIN, scopes=(GROUPS, MEMBERS)):
    credentials = Credentials(sandbox.token(user, list(scopes)))
    return build_service("directory", credentials, GoogleEndpoints(sandbox.url, sandbox.ca_file))


@pytest.fixture
def directory(sandbox):
    return directory_for(sandbox)


def error_of(raised) -> tuple[int, str, str]:
    body = json.loads(raised.value.content)["error"]
    assert body["code"] == raised.value.resp.status
    assert body["errors"][0]["message"] == body["message"]
    return raised.value.resp.status, body["errors"][0]["reason"], body["message"]


def refused(request) -> tuple[int, str, str]:
    with pytest.raises(HttpError) as raised:
        request.execute()
    return error_of(raised)


def group_emails(response: dict) -> list[str]:
    return [g["email"] for g in response.get("groups", [])]


def member_emails(response: dict) -> list[str]:
    return [m.get("email", m["type"]) for m in response.get("members", [])]


# --- groups ----------------------------------------------------------------------------------

def test_list_every_group_of_the_domain_as_google_shows_it(directory):
    found = directory.groups().list(customer="my_customer").execute()
    assert found["kind"] == "admin#directory#groups" and found["etag"].startswith('"')
    assert group_emails(found) == GROUP_EMAILS and "nextPageToken" not in found
    hr = found["groups"][2]
    assert re.fullmatch(r'"[0-9a-f]{27}"', hr.pop("etag"))
    assert re.fullmatch(r"0[0-3][0-9a-z]{13}", hr.pop("id"))
    assert hr == {"kind": "admin#directory#group", "email": "hr@example.com", "name": "People team",
                  "description": "HR: hiring, development and people operations; Fatima "
                                 "administers the Workspace",
                  "directMembersCount": "3", "adminCreated": True,
                  "aliases": ["people@example.com"]}
    assert "aliases" not in found["groups"][0]
    by_domain = directory.groups().list(domain="example.com", orderBy="email",
                                        sortOrder="DESCENDING").execute()
    assert group_emails(by_domain) == GROUP_EMAILS[::-1]


def test_list_needs_customer_or_domain_of_this_organisation(directory):
    assert refused(directory.groups().list())[:2] == (400, "badRequest")
    assert refused(directory.groups().list(domain="elsewhere.org")) == NOT_AUTHORIZED
    assert refused(directory.groups().list(customer="C0nobody")) == NOT_AUTHORIZED


def test_get_by_email_alias_or_id(directory):
    hr = directory.groups().get(groupKey="hr@example.com").execute()
    assert directory.groups().get(groupKey=hr["id"]).execute() == hr
    assert directory.groups().get(groupKey="People@Example.com").execute() == hr
    assert directory.groups().get(groupKey="HR@example.com").execute()["id"] == hr["id"]
    leadership = directory.groups().get(groupKey="leadership@example.com").execute()
    assert leadership["directMembersCount"] == "6" and leadership["name"] == "Leadership team"


@pytest.mark.parametrize("call", [
    lambda d: d.groups().get(groupKey="nobody@example.com"),
    lambda d: d.groups().get(groupKey="00nosuchgroup00"),
    lambda d: d.groups().get(groupKey="ana.silva@example.com"),
    lambda d: d.members().list(groupKey="nobody@example.com"),
    lambda d: d.members().get(groupKey="nobody@example.com", memberKey="ana.silva@example.com"),
    lambda d: d.members().hasMember(groupKey="nobody@example.com",
                                    memberKey="ana.silva@example.com"),
])
def test_an_unknown_group_is_404(directory, call):
    assert refused(call(directory)) == (404, "notFound", "Resource Not Found: groupKey")


def test_paging_visits_every_group_once(directory):
    seen, token, pages = [], None, 0
    while True:
        page = directory.groups().list(customer="my_customer", maxResults=2,
                                       pageToken=token).execute()
        seen += group_emails(page)
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == GROUP_EMAILS and pages == 3
    first = directory.groups().list(customer="my_customer", maxResults=2).execute()
    other_query = directory.groups().list(customer="my_customer", maxResults=2, query="name:P*",
                                          pageToken=first["nextPageToken"])
    assert refused(other_query)[:2] == (400, "invalid")
    assert refused(directory.groups().list(customer="my_customer", pageToken="junk"))[0] == 400


@pytest.mark.parametrize("user_key, expected", [
    ("zoe.angstrom@example.com", ["hr@example.com", "leadership@example.com"]),
    ("jose.alvarez@example.com", ["engineering-managers@example.com"]),  # leadership: nested
    ("engineering-managers@example.com", ["leadership@example.com"]),  # a group's own groups
    ("dana.whitfield@partner.io", ["platform-team@example.com"]),  # an external member
    ("bo.nilsson@example.com", ["platform-team@example.com"]),  # everyone@ holds the customer
    ("someone@elsewhere.org", []),
])
def test_user_key_lists_the_groups_someone_is_directly_in(directory, user_key, expected):
    assert group_emails(directory.groups().list(userKey=user_key).execute()) == expected
    assert group_emails(directory.groups().list(userKey=user_key,
                                                domain="example.com").execute()) == expected


def test_user_key_by_id_and_its_refusals(sandbox, directory):
    zoe = directory_for(sandbox, scopes=[USERS]).users().get(
        userKey="zoe.angstrom@example.com").execute()
    assert group_emails(directory.groups().list(userKey=zoe["id"]).execute()) == [
        "hr@example.com", "leadership@example.com"]
    # "Cannot be used with the customer parameter"
    assert refused(directory.groups().list(customer="my_customer", userKey=zoe["id"]))[0] == 400
    assert refused(directory.groups().list(userKey="ghost@example.com")) == (
        404, "notFound", "Resource Not Found: userKey")


@pytest.mark.parametrize("query, expected", [
    ("name:Leader*", ["leadership@example.com"]),
    ("name:p*", ["hr@example.com", "platform-team@example.com"]),
    ("name='People team'", ["hr@example.com"]),
    ("email:eng*", ["engineering-managers@example.com"]),
    ("email=hr@example.com", ["hr@example.com"]),
    ("name:P* email:platform*", ["platform-team@example.com"]),
    ("memberKey=zoe.angstrom@example.com", ["hr@example.com", "leadership@example.com"]),
    ("memberKey=engineering-managers@example.com", ["leadership@example.com"]),
    ("name:nothing*", []),
])
def test_search_clauses(directory, query, expected):
    assert group_emails(directory.groups().list(customer="my_customer",
                                                query=query).execute()) == expected


@pytest.mark.parametrize("query", ["memberKey=zoe.angstrom@example.com name:P*", "owner=me",
                                   "memberKey:zoe*", "'unclosed"])
def test_unreadable_searches_are_rejected(directory, query):
    assert refused(directory.groups().list(customer="my_customer", query=query)) == (
        400, "invalid", "Invalid Input")


# --- members ---------------------------------------------------------------------------------

def test_members_with_their_roles_as_google_shows_them(sandbox, directory):
    found = directory.members().list(groupKey="hr@example.com").execute()
    assert found["kind"] == "admin#directory#members" and "nextPageToken" not in found
    zoe = directory_for(sandbox, scopes=[USERS]).users().get(
        userKey="zoe.angstrom@example.com").execute()
    first = found["members"][0]
    assert re.fullmatch(r'"[0-9a-f]{27}"', first.pop("etag"))
    assert first == {"kind": "admin#directory#member", "id": zoe["id"],
                     "email": "zoe.angstrom@example.com", "role": "OWNER", "type": "USER",
                     "status": "ACTIVE"}
    assert [(m["email"], m["role"]) for m in found["members"]] == [
        ("zoe.angstrom@example.com", "OWNER"), ("fatima.haddad@example.com", "MEMBER"),
        ("noah.williams@example.com", "MEMBER")]


def test_members_by_role(directory):
    def roles(group, wanted):
        found = directory.members().list(groupKey=group, roles=wanted).execute()
        return [(m["email"], m["role"]) for m in found.get("members", [])]
    assert roles("engineering-managers@example.com", "OWNER") == [
        ("jose.alvarez@example.com", "OWNER")]
    assert roles("leadership@example.com", "OWNER,MANAGER") == [
        ("olivia.bennett@example.com", "OWNER"), ("ruth.okafor@example.com", "MANAGER")]
    assert roles("hr@example.com", "MANAGER") == []
    assert refused(directory.members().list(groupKey="hr@example.com", roles="BOSS"))[:2] == (
        400, "invalid")


def test_a_nested_group_and_derived_membership(directory):
    direct = directory.members().list(groupKey="leadership@example.com").execute()["members"]
    assert member_emails({"members": direct}) == [
        "olivia.bennett@example.com", "ruth.okafor@example.com", "priya.raman@example.com",
        "lena.fischer@example.com", "zoe.angstrom@example.com",
        "engineering-managers@example.com"]
    managers = directory.groups().get(groupKey="engineering-managers@example.com").execute()
    assert direct[-1]["type"] == "GROUP" and direct[-1]["id"] == managers["id"]
    derived = directory.members().list(groupKey="leadership@example.com",
                                       includeDerivedMembership=True).execute()
    assert member_emails(derived) == member_emails({"members": direct}) + [
        "jose.alvarez@example.com", "ana.silva@example.com", "fang.wang@example.com",
        "ken.sato@example.com"]
    owners = directory.members().list(groupKey="leadership@example.com", roles="OWNER",
                                      includeDerivedMembership=True).execute()
    assert member_emails(owners) == ["olivia.bennett@example.com", "jose.alvarez@example.com"]


def test_the_whole_organisation_as_a_member(sandbox, directory):
    (customer,) = directory.members().list(groupKey="all@example.com").execute()["members"]
    users = directory_for(sandbox, scopes=[USERS]).users().get(
        userKey="ana.silva@example.com").execute()
    assert customer["type"] == "CUSTOMER" and customer["id"] == users["customerId"]
    assert "email" not in customer and customer["role"] == "MEMBER"
    everyone = directory.members().list(groupKey="everyone@example.com", maxResults=200,
                                        includeDerivedMembership=True).execute()["members"]
    assert len(everyone) == 38 and everyone[0]["type"] == "CUSTOMER"
    assert directory.members().get(groupKey="everyone@example.com",
                                   memberKey=customer["id"]).execute() == customer


def test_members_paging_and_an_external_member(directory):
    seen, token, pages = [], None, 0
    while True:
        page = directory.members().list(groupKey="platform-team@example.com", maxResults=3,
                                        pageToken=token).execute()
        seen += page["members"]
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == 3 and len(seen) == 7 and len({m["id"] for m in seen}) == 7
    dana = seen[-1]
    assert (dana["email"], dana["type"], dana["status"]) == (
        "dana.whitfield@partner.io", "USER", "ACTIVE")
    assert dana["id"].isdigit()


def test_get_a_direct_member_by_email_alias_or_id(directory):
    ken = directory.members().get(groupKey="engineering-managers@example.com",
                                  memberKey="Ken.Sato@example.com").execute()
    assert (ken["email"], ken["role"], ken["type"]) == ("ken.sato@example.com", "MEMBER", "USER")
    assert directory.members().get(groupKey="engineering-managers@example.com",
                                   memberKey=ken["id"]).execute() == ken
    group = directory.members().get(groupKey="leadership@example.com",
                                    memberKey="engineering-managers@example.com").execute()
    assert group["type"] == "GROUP" and group["role"] == "MEMBER"
    dana = directory.members().get(groupKey="platform-team@example.com",
                                   memberKey="dana.whitfield@partner.io").execute()
    assert dana["email"] == "dana.whitfield@partner.io"


@pytest.mark.parametrize("group, member", [
    ("leadership@example.com", "ken.sato@example.com"),  # only through engineering-managers
    ("hr@example.com", "ana.silva@example.com"),
    ("hr@example.com", "ghost@example.com"),
    ("hr@example.com", "someone@elsewhere.org"),
])
def test_anyone_else_is_no_member_to_get(directory, group, member):
    assert refused(directory.members().get(groupKey=group, memberKey=member)) == (
        404, "notFound", "Resource Not Found: memberKey")


@pytest.mark.parametrize("group, member, expected", [
    ("hr@example.com", "zoe.angstrom@example.com", True),
    ("people@example.com", "noah.williams@example.com", True),  # the group by its alias
    ("hr@example.com", "ana.silva@example.com", False),
    ("leadership@example.com", "olivia.bennett@example.com", True),
    ("leadership@example.com", "ken.sato@example.com", True),  # nested
    ("leadership@example.com", "jose.alvarez@example.com", True),  # nested
    ("leadership@example.com", "bo.nilsson@example.com", False),
    ("everyone@example.com", "bo.nilsson@example.com", True),  # through the customer member
    ("platform-team@example.com", "dana.whitfield@partner.io", True),  # external, direct
])
def test_has_member_direct_and_nested(directory, group, member, expected):
    assert directory.members().hasMember(groupKey=group, memberKey=member).execute() == {
        "isMember": expected}


def test_has_member_by_user_id(sandbox, directory):
    ken = directory_for(sandbox, scopes=[USERS]).users().get(
        userKey="ken.sato@example.com").execute()
    assert directory.members().hasMember(groupKey="leadership@example.com",
                                         memberKey=ken["id"]).execute() == {"isMember": True}


@pytest.mark.parametrize("member", [
    "someone@elsewhere.org",  # outside the domain and no direct member: a nested check fails
    "dana.whitfield@partner.io@",
    "engineering-managers@example.com",  # a group is no user member
    "ghost@example.com",
    "123",
])
def test_has_member_fails_for_what_is_not_a_user_of_the_domain(directory, member):
    group = "platform-team@example.com" if "partner" in member else "leadership@example.com"
    assert refused(directory.members().hasMember(groupKey=group, memberKey=member)) == (
        400, "invalid", "Invalid Input: memberKey")


# --- who may read ----------------------------------------------------------------------------

@pytest.mark.parametrize("scopes, call", [
    ([USERS], lambda d: d.groups().list(customer="my_customer")),
    ([MEMBERS], lambda d: d.groups().list(customer="my_customer")),
    ([MEMBERS_WRITE], lambda d: d.groups().get(groupKey="hr@example.com")),
    ([USERS], lambda d: d.members().list(groupKey="hr@example.com")),
    ([AUTH + "calendar"], lambda d: d.members().hasMember(
        groupKey="hr@example.com", memberKey="zoe.angstrom@example.com")),
])
def test_a_token_without_the_method_s_scope_is_refused(sandbox, scopes, call):
    assert refused(call(directory_for(sandbox, scopes=scopes)))[:2] == (
        403, "insufficientPermissions")


@pytest.mark.parametrize("scope", [GROUPS, GROUPS_WRITE, MEMBERS, MEMBERS_WRITE])
def test_each_scope_the_discovery_document_lists_for_members(sandbox, scope):
    directory = directory_for(sandbox, scopes=[scope])
    assert directory.members().hasMember(groupKey="hr@example.com",
                                         memberKey="zoe.angstrom@example.com").execute()
    assert directory.members().list(groupKey="hr@example.com").execute()["members"]
    if scope in (GROUPS, GROUPS_WRITE):
        assert directory.groups().get(groupKey="hr@example.com").execute()


@pytest.mark.parametrize("call", [
    lambda d: d.groups().list(customer="my_customer"),
    lambda d: d.groups().list(userKey="bo.nilsson@example.com"),
    lambda d: d.groups().get(groupKey="hr@example.com"),
    lambda d: d.members().list(groupKey="platform-team@example.com"),
    lambda d: d.members().get(groupKey="hr@example.com", memberKey="zoe.angstrom@example.com"),
    lambda d: d.members().hasMember(groupKey="hr@example.com", memberKey="bo.nilsson@example.com"),
])
def test_non_admins_are_refused(sandbox, call):
    # Zoë owns hr@ but is no Workspace administrator: the Admin SDK is for administrators.
    for person in ("bo.nilsson@example.com", "zoe.angstrom@example.com"):
        assert refused(call(directory_for(sandbox, person))) == NOT_AUTHORIZED


def test_a_service_account_reads_groups_only_acting_as_an_admin(sandbox):
    info = sandbox.service_account_key()
    endpoints = GoogleEndpoints(sandbox.url, sandbox.ca_file)

    def directory(subject):
        credentials = service_account.Credentials.from_service_account_info(
            info, scopes=list(GROUP_DELEGATION))
        return build_service("directory", credentials.with_subject(subject) if subject
                             else credentials, endpoints)
    assert group_emails(directory(ADMIN).groups().list(
        userKey="fatima.haddad@example.com").execute()) == ["hr@example.com"]
    assert directory(ADMIN).members().hasMember(
        groupKey="hr@example.com", memberKey="fatima.haddad@example.com").execute()["isMember"]
    assert refused(directory("ana.silva@example.com").groups().list(
        customer="my_customer")) == NOT_AUTHORIZED
    assert refused(directory(None).members().list(groupKey="hr@example.com")) == NOT_AUTHORIZED


# --- the seed --------------------------------------------------------------------------------

PEOPLE = ("email,given_name,family_name,manager_email,org_unit_path,title,time_zone,is_admin\n"
          "a@example.com,Ann,Ames,,/,CEO,UTC,true\n"
          "b@example.com,Bea,Burns,a@example.com,/,Engineer,UTC,false\n")
GROUPS_HEADER = "email,name,description,members"


def seed_into(tmp_path: Path, groups: str | None, header: str = GROUPS_HEADER) -> World:
    folder = tmp_path / "seed"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "orgunits.csv").write_text("org_unit_path,name,description\n")
    (folder / "people.csv").write_text(PEOPLE)
    if groups is not None:
        (folder / "groups.csv").write_text(header + "\n" + groups)
    world = World(tmp_path / "world.sqlite")
    with world.transaction() as tx:
        tx.set_setting("domain", "example.com")
        tx.set_setting("seeded_at", "2026-01-05T09:00:00+00:00")
        seed_directory(tx, folder)
        seed_groups(tx, folder)
    return world


def test_seed_reads_small_groups(tmp_path):
    world = seed_into(tmp_path, (
        "team@example.com,Team,,OWNER:a@example.com MANAGER:b@example.com x@partner.io\n"
        "all@example.com,All,Everyone,customer team@example.com\n"), GROUPS_HEADER + ",aliases")
    with world.transaction() as tx:
        groups = dict(all_groups(tx))
    assert list(groups) == ["all@example.com", "team@example.com"]
    assert groups["team@example.com"]["members"] == [
        {"key": "a@example.com", "role": "OWNER"}, {"key": "b@example.com", "role": "MANAGER"},
        {"key": "x@partner.io", "role": "MEMBER"}]
    assert groups["all@example.com"]["members"][0] == {"key": "customer", "role": "MEMBER"}
    assert groups["all@example.com"]["aliases"] == []


@pytest.mark.parametrize("groups, problem", [
    ("t@example.com,Team,,ghost@example.com\n",
     "groups.csv line 2: member 'ghost@example.com' of t@example.com is neither a person"),
    ("t@example.com,Team,,a@example.com\nt@example.com,Again,,b@example.com\n",
     "groups.csv line 3: t@example.com is listed twice"),
    ("t@other.org,Team,,a@example.com\n", "groups.csv line 2: 't@other.org' is not an address"),
    ("a@example.com,Team,,b@example.com\n", "groups.csv line 2: a@example.com is a person's"),
    ("t@example.com,,,a@example.com\n", "groups.csv line 2: t@example.com needs a name"),
    ("t@example.com,Team,,BOSS:a@example.com\n",
     "groups.csv line 2: member 'BOSS:a@example.com' of t@example.com: the role must be"),
    ("t@example.com,Team,,owner:a@example.com\n", "groups.csv line 2: member 'owner:"),
    ("t@example.com,Team,,a@example.com OWNER:a@example.com\n",
     "groups.csv line 2: a@example.com is listed twice among the members of t@example.com"),
    ("t@example.com,Team,,not-an-address\n", "groups.csv line 2: member 'not-an-address'"),
    ("t@example.com,Team,,OWNER:customer\n", "groups.csv line 2: member 'OWNER:customer'"),
    ("t@example.com,Team,,t@example.com\n", "groups.csv line 2: t@example.com cannot be a member"),
    ("t@example.com,Team,,a@example.com\nu@example.com,U,,b@example.com\n"
     "v@example.com,V,,t@example.com u@example.com\nw@example.com,W,,v@example.com\n"
     "u2@example.com,U2,,w@example.com\n", None),
    ("t@example.com,T,,u@example.com\nu@example.com,U,,v@example.com\n"
     "v@example.com,V,,t@example.com\n",
     "groups.csv line 2: a cycle of groups: t@example.com -> u@example.com -> v@example.com -> "
     "t@example.com"),
])
def test_seed_names_the_bad_line(tmp_path, groups, problem):
    if problem is None:  # nesting without a cycle is fine
        seed_into(tmp_path, groups)
        return
    with pytest.raises(SeedError, match=re.escape(problem)):
        seed_into(tmp_path, groups)


def test_seed_checks_aliases_and_columns(tmp_path):
    with pytest.raises(SeedError, match=re.escape(
            "groups.csv line 3: u@example.com is listed twice")):
        seed_into(tmp_path, "t@example.com,T,,a@example.com,u@example.com\n"
                            "u@example.com,U,,b@example.com,\n", GROUPS_HEADER + ",aliases")
    with pytest.raises(SeedError, match="groups.csv: missing columns members"):
        seed_into(tmp_path / "x", "t@example.com,T,\n", "email,name,description")


def test_a_seed_without_groups_and_the_empty_world(tmp_path):
    with seed_into(tmp_path, None).transaction() as tx:
        assert all_groups(tx) == []
    world = World(tmp_path / "demo.sqlite")
    seed_world(world)
    with world.transaction() as tx:
        assert [email for email, _ in all_groups(tx)] == GROUP_EMAILS
    seed_world(world, empty=True)
    with world.transaction() as tx:
        assert all_groups(tx) == []


def test_a_world_kept_from_before_groups_is_upgraded(tmp_path):
    world = World(tmp_path / "kept.sqlite")
    seed_world(world)
    with world.transaction() as tx:  # as the sandbox left a world before format 3
        tx.delete_kind("dir.group")
        before = [s for s in delegated_scopes(tx, SERVICE_ACCOUNT_CLIENT_ID)
                  if s not in GROUP_DELEGATION]
        set_delegation(tx, SERVICE_ACCOUNT_CLIENT_ID, before)
        tx.set_setting("format", 2)
    _upgrade(world)
    with world.transaction() as tx:
        assert [email for email, _ in all_groups(tx)] == GROUP_EMAILS
        assert set(GROUP_DELEGATION) <= set(delegated_scopes(tx, SERVICE_ACCOUNT_CLIENT_ID))
        assert tx.setting("format") == FORMAT == 4
    empty = World(tmp_path / "empty.sqlite")
    seed_world(empty, empty=True)
    with empty.transaction() as tx:
        tx.set_setting("format", 2)
    _upgrade(empty)
    with empty.transaction() as tx:
        assert all_groups(tx) == [] and tx.setting("format") == FORMAT


def test_a_world_kept_from_before_free_busy_may_read_it_after_the_upgrade(tmp_path):
    world = World(tmp_path / "kept.sqlite")
    seed_world(world)
    with world.transaction() as tx:  # as the sandbox left a world before format 4
        before = [s for s in delegated_scopes(tx, SERVICE_ACCOUNT_CLIENT_ID)
                  if s not in FREEBUSY_DELEGATION]
        set_delegation(tx, SERVICE_ACCOUNT_CLIENT_ID, before)
        tx.set_setting("format", 3)
    _upgrade(world)
    with world.transaction() as tx:
        assert set(FREEBUSY_DELEGATION) <= set(delegated_scopes(tx, SERVICE_ACCOUNT_CLIENT_ID))
        assert tx.setting("format") == FORMAT

