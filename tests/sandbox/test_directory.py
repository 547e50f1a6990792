"""The sandbox's Directory API, through the real google-api-python-client, on the demo organisation."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from flask_app.adapters.google.clients import GoogleEndpoints, build_service
from workspace_sandbox import SeedError
from workspace_sandbox.directory.api import seed_directory, users
from workspace_sandbox.core.seed import SEED_DIR
from workspace_sandbox.core.world import World

USERS = "https://www.googleapis.com/auth/admin.directory.user.readonly"
ORGUNITS = "https://www.googleapis.com/auth/admin.directory.orgunit.readonly"
ADMIN = "fatima.haddad@example.com"  # the demo organisation's only administrator
ANA_REPORTS = {"bo.nilsson@example.com", "sam.rivera@example.com", "kwame.mensah@example.com",
               "hannah.schulz@example.com", "arjun.patel@example.com"}


def directory_for(sandbox, user: str, scopes=(USERS, ORGUNITS)):
    credentials = Credentials(sandbox.token(user, list(scopes)))
    return build_service("directory", credentials, GoogleEndpoints(sandbox.url, sandbox.ca_file))


@pytest.fixture
def directory(sandbox):
    return directory_for(sandbox, ADMIN)


def error_of(raised) -> tuple[int, str, str]:
    body = json.loads(raised.value.content)["error"]
    return raised.value.resp.status, body["errors"][0]["reason"], body["message"]


def emails(response: dict) -> list[str]:
    return [u["primaryEmail"] for u in response.get("users", [])]


@pytest.mark.parametrize("query", ["directManager='ana.silva@example.com'",
                                   "directManager=ana.silva@example.com",
                                   "directManager:ana.silva@example.com"])
def test_direct_reports_of_a_manager(directory, query):
    found = directory.users().list(customer="my_customer", query=query,
                                   projection="full").execute()
    assert set(emails(found)) == ANA_REPORTS
    for user in found["users"]:
        assert user["relations"] == [{"value": "ana.silva@example.com", "type": "manager"}]
        assert user["orgUnitPath"] == "/Engineering/Platform"
        assert user["kind"] == "admin#directory#user" and user["id"].isdigit()


def test_basic_projection_still_carries_relations_and_names(directory):
    user = directory.users().get(userKey="fang.wang@example.com").execute()
    assert user["name"] == {"givenName": "芳", "familyName": "王", "fullName": "芳 王"}
    assert user["relations"] == [{"value": "jose.alvarez@example.com", "type": "manager"}]
    assert user["organizations"][0]["title"] == "Engineering Manager, Data"
    assert "relations" not in directory.users().get(userKey="olivia.bennett@example.com").execute()


def test_paging_visits_every_user_once_in_order(directory):
    seen, token, pages = [], None, 0
    while True:
        page = directory.users().list(customer="my_customer", maxResults=7, orderBy="email",
                                      pageToken=token).execute()
        seen += emails(page)
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    assert len(seen) == 37 and len(set(seen)) == 37 and pages == 6
    assert seen == sorted(seen)


def test_page_token_belongs_to_its_query(directory):
    first = directory.users().list(customer="my_customer", maxResults=2).execute()
    with pytest.raises(HttpError) as raised:
        directory.users().list(customer="my_customer", maxResults=2, query="isAdmin=false",
                               pageToken=first["nextPageToken"]).execute()
    assert error_of(raised)[0] == 400


@pytest.mark.parametrize("query, expected", [
    ("orgUnitPath='/Sales/EMEA'", {"chloe.dubois", "emile.laurent", "henrik.larsen",
                                   "ingrid.bauer", "fatou.diop"}),
    ("orgUnitPath=/Engineering/Mobile", {"ken.sato", "hanako.suzuki", "daniel.kim",
                                         "yuki.watanabe"}),
    ("isAdmin=true", {"fatima.haddad"}),
    ("email:kwame*", {"kwame.mensah"}),
    ("hann", {"hannah.schulz"}),
    ("givenName:Zo*", {"zoe.angstrom"}),
    ("familyName='Ångström'", {"zoe.angstrom"}),
    ("name:'Ana Silva'", {"ana.silva"}),
    ("manager=jose.alvarez@example.com orgUnitPath=/Engineering/Data",
     {"fang.wang", "wei.li", "nadia.petrova", "tomas.ortega", "grace.oneill"}),
])
def test_search_clauses(directory, query, expected):
    found = directory.users().list(customer="my_customer", query=query).execute()
    assert {e.split("@")[0] for e in emails(found)} == expected


def test_org_unit_query_includes_sub_units(directory):
    found = emails(directory.users().list(customer="my_customer", maxResults=500,
                                          query="orgUnitPath='/Engineering'").execute())
    assert len(found) == 16 and "jose.alvarez@example.com" in found and ANA_REPORTS <= set(found)


def test_no_match_omits_users_like_google(directory):
    found = directory.users().list(domain="example.com", query="email:nobody*").execute()
    assert "users" not in found and "nextPageToken" not in found


def test_order_by_family_name_descending(directory):
    found = directory.users().list(customer="my_customer", query="directManager=ana.silva@example.com",
                                   orderBy="familyName", sortOrder="DESCENDING").execute()
    assert [u["name"]["familyName"] for u in found["users"]] == [
        "Schulz", "Rivera", "Patel", "Nilsson", "Mensah"]


@pytest.mark.parametrize("query", ["nonsense=1", "isAdmin:yes", "orgUnitPath:/Sales", "'unclosed"])
def test_unreadable_queries_are_rejected(directory, query):
    with pytest.raises(HttpError) as raised:
        directory.users().list(customer="my_customer", query=query).execute()
    assert error_of(raised)[:2] == (400, "invalid")


def test_list_needs_customer_or_domain(directory):
    with pytest.raises(HttpError) as raised:
        directory.users().list().execute()
    assert error_of(raised)[0] == 400
    with pytest.raises(HttpError) as raised:
        directory.users().list(domain="elsewhere.org").execute()
    assert error_of(raised) == (403, "forbidden", "Not Authorized to access this resource/api")


def test_get_by_email_or_id_and_404_for_strangers(directory):
    ana = directory.users().get(userKey="Ana.Silva@example.com").execute()
    assert directory.users().get(userKey=ana["id"]).execute()["primaryEmail"] == ana[
        "primaryEmail"] == "ana.silva@example.com"
    with pytest.raises(HttpError) as raised:
        directory.users().get(userKey="nobody@example.com").execute()
    assert error_of(raised) == (404, "notFound", "Resource Not Found: userKey")


def test_non_admins_need_contact_sharing_and_the_public_view(sandbox):
    bo = directory_for(sandbox, "bo.nilsson@example.com")
    with pytest.raises(HttpError) as raised:
        bo.users().list(customer="my_customer").execute()
    assert error_of(raised) == (403, "forbidden", "Not Authorized to access this resource/api")
    with pytest.raises(HttpError):
        bo.users().get(userKey="ana.silva@example.com", viewType="domain_public").execute()
    requests.put(sandbox.url + "/_sandbox/directory/settings", json={"contact_sharing": True},
                 verify=sandbox.ca_file).raise_for_status()
    ana = bo.users().get(userKey="ana.silva@example.com", viewType="domain_public").execute()
    assert ana["name"]["fullName"] == "Ana Silva" and "isAdmin" not in ana
    assert "orgUnitPath" not in ana and "languages" not in ana
    with pytest.raises(HttpError) as raised:  # the admin view stays for administrators
        bo.users().get(userKey="ana.silva@example.com").execute()
    assert error_of(raised)[0] == 403
    with pytest.raises(HttpError):
        bo.orgunits().list(customerId="my_customer").execute()


@pytest.mark.parametrize("projection", ["basic", "full"])
def test_a_person_s_preferred_language_in_every_projection(directory, projection):
    lena = directory.users().get(userKey="lena.fischer@example.com",
                                 projection=projection).execute()
    olivia = directory.users().get(userKey="olivia.bennett@example.com",
                                   projection=projection).execute()
    assert lena["languages"] == [{"languageCode": "de", "preference": "preferred"}]
    assert olivia["languages"] == [{"languageCode": "en", "preference": "preferred"}]


@pytest.mark.parametrize("language", ["de", "fr", "es", "ja"])
def test_the_demo_has_a_manager_and_report_sharing(directory, language):
    people = directory.users().list(customer="my_customer", projection="full",
                                    maxResults=500).execute()["users"]
    spoken = {user["primaryEmail"]: user["languages"][0]["languageCode"] for user in people}
    pairs = [(user["relations"][0]["value"], user["primaryEmail"]) for user in people
             if user.get("relations")]
    assert any(spoken[manager] == spoken[report] == language for manager, report in pairs)
    assert set(spoken.values()) == {"en", "de", "fr", "es", "ja"}


def test_a_token_without_a_directory_scope_is_refused(sandbox):
    directory = directory_for(sandbox, ADMIN, ["https://www.googleapis.com/auth/calendar"])
    with pytest.raises(HttpError) as raised:
        directory.users().list(customer="my_customer").execute()
    assert error_of(raised)[:2] == (403, "insufficientPermissions")


def test_org_units(directory):
    def paths(**kwargs):
        found = directory.orgunits().list(customerId="my_customer", **kwargs).execute()
        return [u["orgUnitPath"] for u in found.get("organizationUnits", [])]
    assert paths() == ["/Engineering", "/Executive", "/People", "/Product", "/Sales"]
    assert len(paths(type="all")) == 10
    assert paths(orgUnitPath="Engineering") == [
        "/Engineering/Data", "/Engineering/Mobile", "/Engineering/Platform"]
    assert paths(orgUnitPath="/Sales", type="allIncludingParent") == [
        "/Sales", "/Sales/Americas", "/Sales/EMEA"]
    assert paths(orgUnitPath="/Sales/EMEA") == []
    emea = directory.orgunits().list(customerId="my_customer", orgUnitPath="/Sales",
                                     type="children").execute()["organizationUnits"][1]
    assert emea["name"] == "EMEA" and emea["parentOrgUnitPath"] == "/Sales"
    assert emea["orgUnitId"].startswith("id:")
    with pytest.raises(HttpError) as raised:
        directory.orgunits().list(customerId="my_customer", orgUnitPath="/Nowhere").execute()
    assert error_of(raised)[0] == 404


PEOPLE_HEADER = "email,given_name,family_name,manager_email,org_unit_path,title,time_zone,is_admin"


def write_seed(folder: Path, people: str, orgunits: str = "", header: str = PEOPLE_HEADER) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "orgunits.csv").write_text("org_unit_path,name,description\n" + orgunits)
    (folder / "people.csv").write_text(header + "\n" + people)
    return folder


def seed_into(tmp_path: Path, seed_dir: Path | None) -> World:
    world = World(tmp_path / "world.sqlite")
    with world.transaction() as tx:
        tx.set_setting("domain", "example.com")
        tx.set_setting("seeded_at", "2026-01-05T09:00:00+00:00")
        seed_directory(tx, seed_dir)
    return world


def test_seed_reads_a_small_directory(tmp_path):
    folder = write_seed(tmp_path / "seed", (
        "a@example.com,Ann,Ames,,/Ops,Head of Ops,Europe/Paris,true\n"
        "b@example.com,Bea,Burns,a@example.com,/Ops,Engineer,Europe/Paris,false\n"),
        "/Ops,Ops,Operations\n")
    with seed_into(tmp_path, folder).transaction() as tx:
        found = users(tx)
    assert [u["primaryEmail"] for u in found] == ["a@example.com", "b@example.com"]
    assert found[1]["relations"] == [{"value": "a@example.com", "type": "manager"}]
    assert found[0]["isAdmin"] and found[0]["creationTime"] == "2026-01-05T09:00:00.000Z"


def test_seed_languages_are_optional(tmp_path):
    folder = write_seed(tmp_path / "seed", (
        "a@example.com,Ann,Ames,,/,CEO,Europe/Paris,false,pt-BR\n"
        "b@example.com,Bea,Burns,a@example.com,/,Engineer,Europe/Paris,false,\n"),
        header=PEOPLE_HEADER + ",language")
    without_column = write_seed(tmp_path / "old", "a@example.com,Ann,Ames,,/,CEO,UTC,false\n")
    with seed_into(tmp_path, folder).transaction() as tx:
        ann, bea = users(tx)
    with seed_into(tmp_path / "old", without_column).transaction() as tx:
        (old,) = users(tx)
    assert ann["languages"] == [{"languageCode": "pt-BR", "preference": "preferred"}]
    assert "languages" not in bea and "languages" not in old


@pytest.mark.parametrize("code", ["english", "EN", "de_DE", "pt-br", "x"])
def test_seed_names_a_bad_language_code(tmp_path, code):
    folder = write_seed(tmp_path / "seed", f"a@example.com,Ann,Ames,,/,T,UTC,false,{code}\n",
                        header=PEOPLE_HEADER + ",language")
    with pytest.raises(SeedError, match=f"people.csv line 2: language '{code}' of a@example.com "
                                        "is not a BCP 47 language code"):
        seed_into(tmp_path, folder)


@pytest.mark.parametrize("people, problem", [
    ("a@example.com,Ann,Ames,z@example.com,/,T,UTC,false\n", "line 2: manager_email 'z@example.com'"),
    ("a@other.org,Ann,Ames,,/,T,UTC,false\n", "line 2: email 'a@other.org'"),
    ("a@example.com,Ann,Ames,,/Nope,T,UTC,false\n", "line 2: org_unit_path '/Nope'"),
    ("a@example.com,Ann,Ames,,/,T,UTC,false\na@example.com,Ann,Ames,,/,T,UTC,false\n",
     "line 3: a@example.com is listed twice"),
    ("a@example.com,Ann,Ames,,/,T,UTC,maybe\n", "line 2: is_admin"),
])
def test_seed_names_the_bad_line(tmp_path, people, problem):
    with pytest.raises(SeedError, match=problem):
        seed_into(tmp_path, write_seed(tmp_path / "seed", people))


def test_demo_seed_and_empty_world(tmp_path):
    with seed_into(tmp_path, SEED_DIR).transaction() as tx:
        assert len(users(tx)) == 37
    with seed_into(tmp_path / "empty", None).transaction() as tx:
        assert users(tx) == []
