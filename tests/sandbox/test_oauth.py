"""The sandbox's Google account server, driven by the real google-auth, google-auth-oauthlib and
google-api-python-client over HTTPS."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import crypt, jwt
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2 import id_token, service_account
from google_auth_oauthlib.flow import Flow
from googleapiclient.errors import HttpError
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from flask_app.adapters.google.clients import GoogleEndpoints, build_service, oauth_credentials
from workspace_sandbox.oauth.clients import WEB_CLIENT_ID, WEB_CLIENT_SECRET

AUTH = "https://www.googleapis.com/auth/"
USERS = AUTH + "admin.directory.user.readonly"
EMAIL, PROFILE = AUTH + "userinfo.email", AUTH + "userinfo.profile"
CALENDAR = AUTH + "calendar"
ADMIN = "fatima.haddad@example.com"
CALLBACK = "http://127.0.0.1:8765/oauth/callback"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def delegated_credentials(info: dict, subject: str, scopes: list[str]):
    """A service account acting for ``subject``, as google-auth does it."""
    return service_account.Credentials.from_service_account_info(
        info, scopes=scopes).with_subject(subject)


@pytest.fixture
def http(sandbox) -> requests.Session:
    session = requests.Session()
    session.verify = sandbox.ca_file
    return session


def make_flow(sandbox, scopes, client_id=WEB_CLIENT_ID, secret=WEB_CLIENT_SECRET,
              redirect_uri=CALLBACK, **kwargs) -> Flow:
    config = {"web": {"client_id": client_id, "client_secret": secret,
                      "auth_uri": sandbox.url + "/o/oauth2/auth",
                      "token_uri": sandbox.url + "/token", "redirect_uris": [redirect_uri]}}
    return Flow.from_client_config(config, scopes=scopes, redirect_uri=redirect_uri, **kwargs)


def consent(http, url: str, user: str = ADMIN, decision: str = "allow") -> dict:
    """Act as the person on the consent page; return the query the app is redirected back with."""
    page = http.get(url)
    assert page.status_code == 200, page.text
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text)[1]
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)[1]
    answer = http.post(urljoin(url, action), allow_redirects=False,
                       data={"request_id": request_id, "user": user, "decision": decision})
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK) or "error" in location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def signed_in(sandbox, http, scopes, user=ADMIN, **auth_kwargs):
    """A finished web flow: (flow, token response)."""
    flow = make_flow(sandbox, scopes)
    url, state = flow.authorization_url(prompt="consent", **auth_kwargs)
    answer = consent(http, url, user)
    assert answer["state"] == state
    return flow, flow.fetch_token(code=answer["code"], verify=sandbox.ca_file)


def endpoints(sandbox) -> GoogleEndpoints:
    return GoogleEndpoints(sandbox.url, sandbox.ca_file)


def test_web_flow_with_pkce_then_directory_refresh_and_id_token(sandbox, http):
    flow = make_flow(sandbox, ["openid", EMAIL, PROFILE, USERS])
    url, state = flow.authorization_url(prompt="consent", include_granted_scopes="true",
                                        login_hint=ADMIN)
    assert "code_challenge_method=S256" in url
    assert re.search(rf'<option value="{ADMIN}" selected>', http.get(url).text)
    answer = consent(http, url)
    assert answer["state"] == state and set(answer["scope"].split()) == {
        "openid", EMAIL, PROFILE, USERS}
    token = flow.fetch_token(code=answer["code"], verify=sandbox.ca_file)
    assert token["expires_in"] == 3599 and token["token_type"] == "Bearer"
    assert token["refresh_token"].startswith("1//")

    credentials = flow.credentials
    directory = build_service("directory", credentials, endpoints(sandbox))
    found = directory.users().list(customer="my_customer", query="isAdmin=true").execute()
    assert [u["primaryEmail"] for u in found["users"]] == [ADMIN]

    claims = id_token.verify_token(token["id_token"], Request(http), audience=WEB_CLIENT_ID,
                                   certs_url=sandbox.url + "/oauth2/v1/certs")
    fatima = directory.users().get(userKey=ADMIN).execute()
    assert claims["iss"] == "https://accounts.google.com" and claims["azp"] == WEB_CLIENT_ID
    assert claims["sub"] == fatima["id"] and claims["email"] == ADMIN
    assert claims["email_verified"] is True and claims["hd"] == "example.com"
    assert claims["name"] == "Fatima Haddad" and claims["exp"] - claims["iat"] == 3600

    first = credentials.token
    credentials.refresh(Request(http))
    assert credentials.token != first and credentials.id_token
    assert directory.users().get(userKey="ana.silva@example.com").execute()["id"]


def test_fetch_without_or_with_a_wrong_code_verifier_is_refused(sandbox, http):
    flow = make_flow(sandbox, [USERS])
    url, _ = flow.authorization_url()
    code = consent(http, url)["code"]
    without = make_flow(sandbox, [USERS], autogenerate_code_verifier=False)
    with pytest.raises(InvalidGrantError, match="Missing code verifier"):
        without.fetch_token(code=code, verify=sandbox.ca_file)
    wrong = make_flow(sandbox, [USERS], code_verifier="x" * 64)
    with pytest.raises(InvalidGrantError, match="Invalid code verifier"):
        wrong.fetch_token(code=code, verify=sandbox.ca_file)
    assert flow.fetch_token(code=code, verify=sandbox.ca_file)["access_token"]
    with pytest.raises(InvalidGrantError):  # codes work once
        flow.fetch_token(code=code, verify=sandbox.ca_file)


def test_codes_expire_after_ten_minutes(sandbox, http):
    flow = make_flow(sandbox, [USERS])
    code = consent(http, flow.authorization_url()[0])["code"]
    sandbox.advance(601)
    with pytest.raises(InvalidGrantError):
        flow.fetch_token(code=code, verify=sandbox.ca_file)


def test_token_endpoint_checks_the_client(sandbox, http):
    flow = make_flow(sandbox, [USERS])
    code = consent(http, flow.authorization_url()[0])["code"]
    base = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "code_verifier": flow.code_verifier, "client_id": WEB_CLIENT_ID}
    wrong = http.post(sandbox.url + "/token", data={**base, "client_secret": "guess"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    other = http.post(sandbox.url + "/token", data={
        **base, "client_secret": WEB_CLIENT_SECRET, "redirect_uri": "http://127.0.0.1:1/x"})
    assert other.json() == {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}
    assert http.post(sandbox.url + "/token", data={**base, "grant_type": "password"}).json()[
        "error"] == "unsupported_grant_type"


def test_refused_consent_and_bad_requests_go_back_to_the_app(sandbox, http):
    flow = make_flow(sandbox, [USERS])
    url, state = flow.authorization_url()
    assert consent(http, url, decision="deny") == {"error": "access_denied", "state": state}
    bad_scope = make_flow(sandbox, [AUTH + "not-a-scope"]).authorization_url(state="s1")[0]
    answer = http.get(bad_scope, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK)
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["invalid_scope"]


def test_unknown_client_and_unregistered_redirect_get_an_error_page(sandbox, http):
    page = http.get(make_flow(sandbox, [USERS], client_id="nobody").authorization_url()[0])
    assert page.status_code == 401 and "invalid_client" in page.text
    created = http.post(sandbox.url + "/_sandbox/oauth/clients",
                        json={"redirect_uris": ["https://coach.example.org/oauth/callback"]})
    assert created.status_code == 201
    client = created.json()
    for uri in ("https://coach.example.org/oauth/other", CALLBACK):
        flow = make_flow(sandbox, [USERS], client["client_id"], client["client_secret"], uri)
        page = http.get(flow.authorization_url()[0], allow_redirects=False)
        assert page.status_code == 400 and "redirect_uri_mismatch" in page.text
    exact = make_flow(sandbox, [USERS], client["client_id"], client["client_secret"],
                      "https://coach.example.org/oauth/callback")
    assert http.get(exact.authorization_url()[0]).status_code == 200
    secrets = http.get(f"{sandbox.url}/_sandbox/oauth/clients/{client['client_id']}").json()
    assert secrets["web"]["client_secret"] == client["client_secret"]


def test_scopes_are_granted_as_google_names_them_and_accumulate(sandbox, http):
    signed_in(sandbox, http, [USERS])
    flow = make_flow(sandbox, ["openid", "email"])
    url, _ = flow.authorization_url(include_granted_scopes="true")
    assert set(consent(http, url)["scope"].split()) == {"openid", EMAIL, USERS}


def test_revoking_a_refresh_token_ends_the_grant(sandbox, http):
    flow, token = signed_in(sandbox, http, ["openid", EMAIL])
    assert http.post(sandbox.url + "/revoke", params={"token": token["refresh_token"]}).ok
    with pytest.raises(RefreshError, match="Token has been expired or revoked"):
        flow.credentials.refresh(Request(http))
    info = http.get(sandbox.url + "/oauth2/v3/userinfo",
                    headers={"Authorization": "Bearer " + token["access_token"]})
    assert info.status_code == 401
    assert http.post(sandbox.url + "/revoke", params={"token": "nonsense"}).status_code == 400


def test_userinfo(sandbox, http):
    def info(version, scopes):
        token = sandbox.token("ana.silva@example.com", scopes)
        return http.get(f"{sandbox.url}/oauth2/v{version}/userinfo",
                        headers={"Authorization": "Bearer " + token})
    v3 = info(3, ["openid", EMAIL]).json()
    assert v3["email"] == "ana.silva@example.com" and v3["email_verified"] and "name" not in v3
    v2 = info(2, [EMAIL, PROFILE]).json()
    assert v2["verified_email"] and v2["given_name"] == "Ana" and v2["id"] == v3["sub"]
    assert info(3, [USERS]).status_code == 401


def test_discovery_and_key_sets_agree(sandbox, http):
    config = http.get(sandbox.url + "/.well-known/openid-configuration").json()
    assert config["token_endpoint"] == sandbox.url + "/token"
    assert config["issuer"] == "https://accounts.google.com"
    kids = set(http.get(sandbox.url + "/oauth2/v1/certs").json())
    jwks = http.get(config["jwks_uri"]).json()["keys"]
    assert {k["kid"] for k in jwks} == kids and jwks[0]["alg"] == "RS256"


def test_minted_id_tokens_verify_like_googles(sandbox, http):
    audience = "https://coach.example.org/addon/home"
    addon = "service-1234@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
    minted = http.post(sandbox.url + "/_sandbox/oauth/id-token",
                       json={"claims": {"aud": audience, "email": addon,
                                        "email_verified": True, "sub": "1234"}}).json()
    claims = id_token.verify_token(minted["id_token"], Request(http), audience=audience,
                                   certs_url=sandbox.url + "/oauth2/v1/certs")
    assert claims["email"] == addon and claims["iss"] == "https://accounts.google.com"
    with pytest.raises(ValueError):
        id_token.verify_token(minted["id_token"], Request(http), audience="https://other",
                              certs_url=sandbox.url + "/oauth2/v1/certs")


@pytest.fixture
def key_file(sandbox, http) -> dict:
    info = http.get(sandbox.url + "/_sandbox/oauth/service-account").json()
    assert info["type"] == "service_account" and info["token_uri"] == sandbox.url + "/token"
    assert info["client_email"] == "coach-sync@one-on-one-coach.iam.gserviceaccount.com"
    return info


def test_domain_wide_delegation_through_the_client_library(sandbox, key_file):
    credentials = delegated_credentials(key_file, "ana.silva@example.com", [USERS])
    directory = build_service("directory", credentials, endpoints(sandbox))
    found = directory.users().list(customer="my_customer",
                                   query="directManager='ana.silva@example.com'").execute()
    assert len(found["users"]) == 5
    assert sandbox.calls("directory.users.list", "ana.silva@example.com") == 1


def test_delegation_is_limited_to_the_authorised_scopes(sandbox, http, key_file):
    def calls_directory(scopes, subject="ana.silva@example.com"):
        credentials = delegated_credentials(key_file, subject, scopes)
        build_service("directory", credentials, endpoints(sandbox)).users().get(
            userKey="ana.silva@example.com").execute()
    with pytest.raises(RefreshError, match="unauthorized_client"):
        calls_directory([USERS, AUTH + "drive"])
    with pytest.raises(RefreshError, match="Invalid email or User ID"):
        calls_directory([USERS], subject="ghost@example.com")
    with pytest.raises(HttpError) as raised:  # a token without the method's scope
        calls_directory([CALENDAR])
    assert raised.value.resp.status == 403 and b"insufficientPermissions" in raised.value.content
    http.put(sandbox.url + "/_sandbox/oauth/delegation",
             json={"client_id": key_file["client_id"], "scopes": [CALENDAR]}).raise_for_status()
    with pytest.raises(RefreshError, match="unauthorized_client"):
        calls_directory([USERS])


def test_a_service_account_acting_as_itself_is_no_directory_reader(sandbox, key_file):
    credentials = service_account.Credentials.from_service_account_info(key_file, scopes=[USERS])
    directory = build_service("directory", credentials, endpoints(sandbox))
    with pytest.raises(HttpError) as raised:
        directory.users().list(customer="my_customer").execute()
    assert raised.value.resp.status == 403


def test_service_account_id_tokens(sandbox, http, key_file):
    audience = "https://coach.example.org/tasks"
    credentials = service_account.IDTokenCredentials.from_service_account_info(
        key_file, target_audience=audience)
    credentials.refresh(Request(http))
    claims = id_token.verify_token(credentials.token, Request(http), audience=audience,
                                   certs_url=sandbox.url + "/oauth2/v1/certs")
    assert claims["email"] == key_file["client_email"] and claims["sub"] == key_file["client_id"]


def assertion(private_key: str, claims: dict) -> str:
    now = int(time.time())
    return jwt.encode(crypt.RSASigner.from_string(private_key),
                      {"iat": now, "exp": now + 3600, **claims}).decode()


def test_jwt_assertions_must_be_signed_by_the_account_and_short_lived(sandbox, http, key_file):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    claims = {"iss": key_file["client_email"], "aud": key_file["token_uri"], "scope": USERS}

    def grant(key, **extra):
        return http.post(key_file["token_uri"], data={
            "grant_type": JWT_BEARER, "assertion": assertion(key, {**claims, **extra})})
    assert grant(key_file["private_key"]).json()["access_token"]
    assert grant(stranger).json() == {"error": "invalid_grant",
                                      "error_description": "Invalid JWT Signature."}
    assert grant(key_file["private_key"], exp=int(time.time()) + 7200).json()["error"] == (
        "invalid_grant")
    assert grant(key_file["private_key"], aud="https://elsewhere/token").json()["error"] == (
        "invalid_grant")
    assert grant(key_file["private_key"], iss="nobody@x.iam.gserviceaccount.com").json()[
        "error_description"] == "Invalid grant: account not found"


def test_the_key_file_survives_a_reseed_from_another_process(sandbox, http, key_file):
    script = ("from workspace_sandbox.core.seed import seed_world; from workspace_sandbox.core.world import "
              f"World; seed_world(World({str(sandbox.world.path)!r}))")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120,
                   cwd=Path(__file__).resolve().parents[2])
    assert http.get(sandbox.url + "/_sandbox/oauth/service-account").json() == key_file
    credentials = delegated_credentials(key_file, ADMIN, [USERS])
    directory = build_service("directory", credentials, endpoints(sandbox))
    assert directory.users().get(userKey=ADMIN).execute()["isAdmin"] is True


def test_a_stored_grant_becomes_credentials_that_refresh_themselves(sandbox, http):
    _, token = signed_in(sandbox, http, [USERS], access_type="offline")
    stored = {"access_token": "no-longer-valid", "refresh_token": token["refresh_token"],
              "scopes": [USERS]}
    credentials = oauth_credentials(stored, WEB_CLIENT_ID, WEB_CLIENT_SECRET, endpoints(sandbox))
    directory = build_service("directory", credentials, endpoints(sandbox))
    # The stale access token is refused (401); google-auth refreshes through the sandbox's token
    # endpoint, over the same trusted HTTPS, and the call succeeds.
    found = directory.users().get(userKey=ADMIN).execute()
    assert found["primaryEmail"] == ADMIN and credentials.token != "no-longer-valid"
