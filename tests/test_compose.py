"""docker-compose.yml stays in step with the code: every NEWSBOT_* variable it sets is a real setting, together they
validate as the program would load them, and its commands, port, health check and volumes agree with them.

The project has no YAML parser of its own (no dependency for one test), so this reads the few lines it checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import build_parser
from summarizer.settings import Settings, load_settings

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
# What an operator exports before `docker compose up` (the file's `${NAME:?...}` variables), as a test stands them in.
OPERATOR = {
    "TELEGRAM_BOT_TOKEN": "123:abc",
    "WEBHOOK_URL": "https://bot.example.org/telegram",
    "WEBHOOK_SECRET": "s3cret_" * 5,
    "POSTGRES_PASSWORD": "hunter2hunter2",
}
SETTING = re.compile(r"^\s+(?P<name>NEWSBOT_\w+|TELEGRAM_BOT_TOKEN):\s*(?P<value>.+?)\s*$", re.MULTILINE)
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[?-])(?P<word>[^}]*))?\}")


@pytest.fixture(scope="module")
def text() -> str:
    return COMPOSE.read_text("utf-8")


def interpolate(value: str) -> str:
    """Compose's ``${NAME}``, ``${NAME:?message}`` and ``${NAME:-default}``, with OPERATOR as the shell's variables."""

    def one(match: re.Match[str]) -> str:
        name, op, word = match["name"], match["op"] or "", match["word"]
        if name in OPERATOR:
            return OPERATOR[name]
        assert "?" not in op, f"docker-compose.yml requires ${name}: add a stand-in for it to OPERATOR"
        return word if "-" in op else ""

    return VARIABLE.sub(one, value)


def variables(text: str) -> dict[str, str]:
    """Every newsbot variable the file sets, interpolated; one name never has two values."""
    found: dict[str, str] = {}
    for match in SETTING.finditer(text):
        name, value = match["name"], interpolate(match["value"].strip("'\""))
        assert found.setdefault(name, value) == value, f"{name} is set to two values"
    return found


def test_every_newsbot_variable_is_a_setting(text: str) -> None:
    names = set(variables(text)) - {"TELEGRAM_BOT_TOKEN"}
    assert {"NEWSBOT_DATABASE__URL", "NEWSBOT_QUEUE__URL", "NEWSBOT_BOT__MODE"} <= names
    for name in names:
        section, _, key = name.removeprefix("NEWSBOT_").lower().partition("__")
        assert section in Settings.model_fields, f"{name}: there is no section [{section}]"
        assert key in Settings.model_fields[section].annotation.model_fields, f"{name}: [{section}] has no {key!r}"  # type: ignore[union-attr]


def test_the_variables_load_as_the_program_would(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in variables(text).items():
        monkeypatch.setenv(name, value)
    settings = load_settings(None)  # raises ConfigError naming the key on an unknown name or a bad value
    assert (settings.bot.mode, settings.bot.listen) == ("webhook", "0.0.0.0")
    assert settings.bot.webhook_secret.get_secret_value() == OPERATOR["WEBHOOK_SECRET"]
    assert settings.database.resolved_url() == (
        f"postgresql+asyncpg://newsbot:{OPERATOR['POSTGRES_PASSWORD']}@postgres:5432/newsbot"
    )
    assert settings.queue.url.get_secret_value() == "redis://redis:6379/0"
    port = settings.bot.webhook_port
    assert f'"127.0.0.1:{port}:{port}"' in text  # the published port
    assert f"'http://127.0.0.1:{port}/healthz'" in text  # the bot's health check


def test_the_services_run_newsbot_commands(text: str) -> None:
    commands = re.findall(r'^\s+command: \["newsbot", "(\w+)"\]', text, re.MULTILINE)
    assert sorted(commands) == ["run", "worker"]
    for command in commands:
        assert build_parser().parse_args([command]).command == command


def test_the_servers_and_a_named_volume_each(text: str) -> None:
    assert re.search(r"^\s+image: postgres:16$", text, re.MULTILINE)
    assert re.search(r'^\s+command: \["redis-server", "--appendonly", "yes"\]$', text, re.MULTILINE)
    assert re.search(r'^\s+test: \["CMD", "pg_isready"', text, re.MULTILINE)
    mounts = set(re.findall(r"^\s+- ([\w-]+):(/[\w/]+)", text, re.MULTILINE))
    assert mounts == {("newsbot-data", "/data"), ("postgres-data", "/var/lib/postgresql/data"), ("redis-data", "/data")}
    declared = re.search(r"^volumes:\n((?:  .*\n?)+)", text, re.MULTILINE)
    assert declared and set(re.findall(r"^  ([\w-]+):", declared[1], re.MULTILINE)) == {name for name, _ in mounts}
