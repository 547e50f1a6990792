"""Settings kept in Secret Manager: ``secret:`` values are read through the real
google-cloud-secret-manager client (REST) from the sandbox's Secret Manager when the service is
built; a secret that cannot be read stops the start with one line naming the setting."""
from __future__ import annotations

import pytest
import requests

from flask_app import create_app
from flask_app.adapters.secret_manager import SecretManager, with_secrets
from flask_app.bootstrap import SANDBOX_PROJECT
from flask_app.config import load_settings
from flask_app.errors import ConfigError
from tests.conftest import CoachHarness

SECRETS = f"projects/{SANDBOX_PROJECT}/secrets"


def test_secret_values_are_read_when_the_service_is_built(sandbox, tmp_path):
    sandbox.add_secret_version(f"{SECRETS}/coach-secret-key", "old key")
    sandbox.add_secret_version(f"{SECRETS}/coach-secret-key", "session key ✓")
    version = sandbox.add_secret_version(f"{SECRETS}/oauth", "client secret")
    coach = CoachHarness(sandbox, tmp_path, secret_key="secret:coach-secret-key",
                         oauth_client_secret=f"secret:{version}")
    assert coach.app.settings.secret_key == "session key ✓"  # the latest version
    assert coach.app.settings.oauth_client_secret == "client secret"
    app = create_app(coach=coach.app)
    assert app.config["SECRET_KEY"] == "session key ✓"
    assert sandbox.calls("secretmanager.projects.secrets.versions.access") == 2


@pytest.mark.parametrize("value, message", [
    ("secret:nowhere", "COACH_SECRET_KEY: Secret Manager could not give "
     f"{SECRETS}/nowhere/versions/latest: 404 Secret [{SECRETS}/nowhere] not found or has no "
     "versions."),
    ("secret:off", f"COACH_SECRET_KEY: Secret Manager could not give {SECRETS}/off/versions/1: "
     f"400 Secret Version [{SECRETS}/off/versions/1] is in DISABLED state."),
    ("secret:projects/p/secrets/a b", "COACH_SECRET_KEY: secret:projects/p/secrets/a b is not "
     "secret:projects/P/secrets/S/versions/V or secret:S"),
])
def test_a_secret_that_cannot_be_read_stops_the_start_in_one_line(sandbox, tmp_path, value,
                                                                    message):
    sandbox.add_secret_version(f"{SECRETS}/off", "x", state="DISABLED")
    with pytest.raises(ConfigError) as refused:
        CoachHarness(sandbox, tmp_path, secret_key=value if value != "secret:off"
                     else f"secret:{SECRETS}/off/versions/1")
    assert str(refused.value) == message


def test_the_sandboxs_secret_manager_wants_credentials(sandbox):
    sandbox.add_secret_version(f"{SECRETS}/k", "v")
    url = f"{sandbox.url}/v1/{SECRETS}/k/versions/latest:access"
    for headers in ({}, {"Authorization": "Bearer forged"}):
        answer = requests.get(url, headers=headers, verify=sandbox.ca_file, timeout=30)
        assert answer.status_code == 401 and answer.json()["error"]["status"] == \
            "UNAUTHENTICATED"


class _Damaged:
    """A Secret Manager client whose answer does not match its checksum."""

    def access_secret_version(self, name, timeout):
        from google.cloud.secretmanager_v1.types import AccessSecretVersionResponse
        return AccessSecretVersionResponse(name=name, payload={"data": b"abc",
                                                               "data_crc32c": 1})


def test_a_damaged_answer_is_refused():
    settings = load_settings({"COACH_TOKEN_KEYS": "secret:keys"})
    with pytest.raises(ConfigError) as refused:
        with_secrets(settings, SecretManager(_Damaged(), "p"))
    assert str(refused.value) == ("COACH_TOKEN_KEYS: Secret Manager's answer for "
                                  "projects/p/secrets/keys/versions/latest is damaged (CRC32C "
                                  "differs).")


class _Stored:
    """A Secret Manager client holding one secret."""

    def __init__(self, data: bytes):
        self.data, self.asked = data, []

    def access_secret_version(self, name, timeout):
        import google_crc32c
        from google.cloud.secretmanager_v1.types import AccessSecretVersionResponse
        self.asked.append(name)
        return AccessSecretVersionResponse(name=name, payload={
            "data": self.data, "data_crc32c": google_crc32c.value(self.data)})


def test_the_service_accounts_key_can_be_a_secret_and_stays_in_memory(tmp_path):
    key = b'{"type": "service_account", "client_email": "coach@p.iam.gserviceaccount.com"}'
    client = _Stored(key)
    settings = load_settings({"COACH_SERVICE_ACCOUNT_FILE": "secret:coach-key",
                              "COACH_INSTANCE_DIR": str(tmp_path)})
    resolved = with_secrets(settings, SecretManager(client, "p"))
    assert resolved.service_account_json == key.decode()
    assert client.asked == ["projects/p/secrets/coach-key/versions/latest"]
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # the key is in no file


def test_coach_db_reads_the_database_url_from_secret_manager(sandbox, tmp_path):
    from click.testing import CliRunner

    from flask_app.adapters.sql_store import head
    from flask_app.cli import main
    url = f"sqlite:///{tmp_path / 'kept.sqlite'}"
    sandbox.add_secret_version(f"{SECRETS}/coach-database-url", url)
    env = {"COACH_DATABASE_URL": "secret:coach-database-url", "COACH_INSTANCE_DIR": str(tmp_path),
           "COACH_GOOGLE_API_ROOT": sandbox.url, "COACH_SANDBOX_CA": str(sandbox.ca_file)}
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 0 and f"schema {head()}" in result.output
    assert (tmp_path / "kept.sqlite").exists()
