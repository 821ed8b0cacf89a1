"""Password guessing is locked out per username and address, at every door that takes one."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

RIGHT = {"owner": "owner-pass-123", "staff": "staff-pass-123", "other": "other-pass-123"}


def log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def admin_log_in(client: Client, username: str, password: str):
    return client.post("/admin/login/", {"username": username, "password": password})


def api_token(client: Client, username: str, password: str):
    body = json.dumps({"username": username, "password": password})
    return client.post("/api/token", body, content_type="application/json")


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def guess(door, client: Client, username: str, times: int) -> list:
    return [door(client, username, "wrong-guess") for _ in range(times)]


@pytest.mark.parametrize("door", [log_in, admin_log_in], ids=["login", "admin"])
def test_the_right_password_is_refused_during_a_lockout_on_pages(door, users, caplog):
    client = Client()
    answers = guess(door, client, "staff", settings.AXES_FAILURE_LIMIT)
    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    response = door(client, "staff", RIGHT["staff"])
    assert response.status_code == 429
    assert "Logging in is paused" in response.content.decode()
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert not signed_in(client)
    # The log says so; who and from where are in the admin (Access attempts), not in logs.
    assert "AXES: Locking out" in caplog.text
    assert "staff" not in caplog.text and "127.0.0.1" not in caplog.text
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("staff", "127.0.0.1")
    assert "wrong-guess" not in attempt.post_data  # the password is never kept


def test_the_right_password_is_refused_during_a_lockout_on_the_api(users):
    client = Client()
    answers = guess(api_token, client, "owner", settings.AXES_FAILURE_LIMIT)
    assert {a.status_code for a in answers[:-1]} == {400}
    response = api_token(client, "owner", RIGHT["owner"])
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "Too many failed attempts" in response.json()["detail"]
    assert not Token.objects.exists()


def test_the_doors_share_one_count(users):
    client = Client()
    guess(log_in, client, "owner", settings.AXES_FAILURE_LIMIT - 1)
    guess(api_token, client, "owner", 1)
    assert api_token(client, "owner", RIGHT["owner"]).status_code == 429
    assert log_in(client, "owner", RIGHT["owner"]).status_code == 429


def test_other_users_and_other_addresses_are_unaffected(users):
    guess(log_in, Client(), "owner", settings.AXES_FAILURE_LIMIT)
    assert log_in(Client(), "owner", RIGHT["owner"]).status_code == 429
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert log_in(elsewhere, "owner", RIGHT["owner"]).status_code == 302
    assert signed_in(elsewhere)
    same_address = Client()
    assert log_in(same_address, "other", RIGHT["other"]).status_code == 302
    assert api_token(Client(), "other", RIGHT["other"]).status_code == 200


def test_the_lockout_ends_after_the_cool_off(users):
    client = Client()
    guess(log_in, client, "owner", settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "owner", RIGHT["owner"]).status_code == 429
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    assert log_in(client, "owner", RIGHT["owner"]).status_code == 302
    assert signed_in(client)


def test_a_good_login_forgets_the_typos_before_it(users):
    client = Client()
    guess(log_in, client, "owner", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "owner", RIGHT["owner"]).status_code == 302
    guess(log_in, Client(), "owner", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(Client(), "owner", RIGHT["owner"]).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(users, settings):
    settings.COMMONPLACE_BEHIND_PROXY = True

    def through_proxy(forwarded_for: str) -> Client:
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    guess(log_in, through_proxy("198.51.100.7"), "owner", settings.AXES_FAILURE_LIMIT)
    # What the client itself wrote into the header does not buy it a fresh count.
    forged = through_proxy("192.0.2.1, 198.51.100.7")
    assert log_in(forged, "owner", RIGHT["owner"]).status_code == 429
    assert log_in(through_proxy("198.51.100.8"), "owner", RIGHT["owner"]).status_code == 302


def test_the_limits_come_from_the_environment(tmp_path):
    code = "import commonplace.settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    env = {"PATH": os.environ["PATH"], "SECRET_KEY": "x", "COMMONPLACE_DATA_DIR": str(tmp_path)}

    def load(**values: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parents[2],
            env={**env, **values},
            capture_output=True,
            text=True,
        )

    assert load().stdout.split() == ["5", "0:15:00"]
    assert load(LOGIN_FAILURE_LIMIT="10", LOGIN_COOLOFF_MINUTES="60").stdout.split() == [
        "10",
        "1:00:00",
    ]
    refused = load(LOGIN_FAILURE_LIMIT="0")
    assert refused.returncode != 0 and "LOGIN_FAILURE_LIMIT" in refused.stderr
