"""The opt-in mode end to end on the sandbox: a manager authorises the coach with their own
account, the refresh token is stored encrypted (the database file never holds it), a key
rotation keeps it readable, the sync runs on it, and opting out revokes it."""
from __future__ import annotations

from pathlib import Path

import requests

from flask_app import create_app
from flask_app.adapters.token_vault import TokenVault
from flask_app.domain.rollout import OPT_IN, Rollout
from tests.test_console import ADMIN, sign_in

ANA, BO = "ana.silva@example.com", "bo.nilsson@example.com"
FANG = "fang.wang@example.com"


def test_a_manager_opts_in_their_token_is_sealed_rotated_used_and_revoked(coach, sandbox):
    coach.store.save_rollout(Rollout(mode=OPT_IN, units=["/Engineering"]))
    web = create_app(coach=coach.app, test_config={"TESTING": True}).test_client()
    thanks = sign_in(web, sandbox, ANA, "/optin")
    assert thanks.status_code == 200 and "The coach now works for" in thanks.get_data(
        as_text=True)
    admin = create_app(coach=coach.app, test_config={"TESTING": True}).test_client()
    signed = sign_in(admin, sandbox, ADMIN)  # asks to read the directory too: none can yet
    assert signed.headers["Location"].endswith("/admin")
    assert [g.email for g in coach.store.grants("directory")] == [ADMIN]
    assert "Outcome figures" in admin.get("/admin").get_data(as_text=True)

    grant = coach.store.grant(ANA, "calendar")
    refresh_token = coach.app.vault().open(grant.token)
    path = Path(coach.settings.database_url.removeprefix("sqlite:///"))
    database = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))  # and its log
    assert refresh_token.encode() not in database and grant.token.encode() in database

    old_key = (coach.settings.instance_dir / "token_keys").read_text().strip()
    new_key = TokenVault.new_key()
    rotated = TokenVault([new_key, old_key]).rotate(grant.token)
    assert rotated != grant.token and TokenVault([new_key]).open(rotated) == refresh_token

    results = {r.manager: r for r in coach.sync()}
    assert list(results) == [ANA]  # Fang and Ken did not authorise: not synced
    assert results[ANA].failed is None and results[ANA].pairs == 5
    assert coach.store.pair(ANA, BO).doc_id and coach.store.plan(BO) is None

    coach.app.rollout().opt_out(ANA)
    assert coach.store.grant(ANA, "calendar") is None
    refreshed = requests.post(f"{sandbox.url}/token", verify=sandbox.ca_file, data={
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": coach.app.signin().client[0], "client_secret": coach.app.signin().client[1]})
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"
    assert coach.sync() == []
