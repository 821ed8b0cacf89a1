"""Settings come from the environment and fail loudly on what they cannot use."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from commonplace.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables set."""
    environment = {"PATH": os.environ["PATH"], **env}
    code = (
        "import commonplace.settings as s; "
        "print(s.DEBUG, s.DATA_DIR, s.DATABASES['default']['ENGINE'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_missing_secret_key_without_debug_is_a_clear_error(tmp_path):
    result = load_settings(COMMONPLACE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_a_secret_key(tmp_path):
    result = load_settings(DJANGO_DEBUG="1", COMMONPLACE_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", str(tmp_path), "django.db.backends.sqlite3"]


def test_database_url_selects_another_database(tmp_path):
    result = load_settings(
        SECRET_KEY="x", COMMONPLACE_DATA_DIR=str(tmp_path), DATABASE_URL="postgres://u@h:5432/db"
    )
    assert result.stdout.split()[-1] == "django.db.backends.postgresql"


def test_a_bad_database_url_is_a_clear_error(tmp_path):
    result = load_settings(
        SECRET_KEY="x", COMMONPLACE_DATA_DIR=str(tmp_path), DATABASE_URL="nope://"
    )
    assert result.returncode != 0
    assert "DATABASE_URL cannot be read" in result.stderr


def test_data_directory_holds_the_sqlite_database(tmp_path):
    result = load_settings(SECRET_KEY="x", COMMONPLACE_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data").is_dir()


def test_env_bool(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("ON", True), ("0", False), ("false", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG") is expected
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", default=True) is True


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("NUMBER", "12")
    assert env_int("NUMBER", 3) == 12
    monkeypatch.setenv("NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="NUMBER='twelve' is not an integer"):
        env_int("NUMBER", 3)
    monkeypatch.setenv("HOSTS", "a.example, b.example ,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_search_url_selects_the_search_backend(tmp_path):
    code = (
        "import commonplace.settings as s; c = s.HAYSTACK_CONNECTIONS['default']; "
        "print(c['ENGINE'], c.get('PATH') or c['URL'] + ' ' + c['INDEX_NAME'])"
    )

    def load(url):
        env = {"PATH": os.environ["PATH"], "SECRET_KEY": "x", "COMMONPLACE_DATA_DIR": str(tmp_path)}
        if url:
            env["SEARCH_URL"] = url
        return subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )

    assert load(None).stdout.split() == [
        "search.backends.whoosh.backend.CommonplaceWhooshEngine",
        str(tmp_path / "whoosh"),
    ]
    assert load(f"whoosh://{tmp_path}/elsewhere").stdout.split()[1] == str(tmp_path / "elsewhere")
    assert load("elasticsearch://search.internal:9200/archive").stdout.split() == [
        "search.backends.elasticsearch.CommonplaceElasticsearchEngine",
        "http://search.internal:9200/",
        "archive",
    ]
    assert load("elasticsearch+https://es:443").stdout.split()[1:] == [
        "https://es:443/",
        "commonplace",
    ]
    bad = load("solr://x")
    assert bad.returncode != 0 and "SEARCH_URL='solr://x'" in bad.stderr


def test_production_settings_pass_the_deploy_checks(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "a-long-random-production-secret-key-" + "k3y" * 10,
        "COMMONPLACE_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_waits_for_writers_instead_of_failing(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]; "
        "c.execute('PRAGMA busy_timeout'); print(mode, c.fetchone()[0])"
    )
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "x",
        "COMMONPLACE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "commonplace.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["wal", "20000"], result.stderr
