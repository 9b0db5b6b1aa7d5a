import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.settings import ConfigError, default_config_path, load_settings, validate_override


def test_defaults_have_the_documented_keys() -> None:
    settings = load_settings()
    assert settings.summarizer.backend == "extractive" and settings.summarizer.sentences == 3
    assert settings.fetch.allow_private_hosts is False
    assert settings.telegram.base_url == "https://api.telegram.org/bot"
    assert (
        settings.bot.admin_ids == [] and settings.news.feeds and all("{query}" in u for u in settings.news.search_urls)
    )
    assert settings.database.resolved_url().startswith("sqlite+aiosqlite:///")
    assert settings.database.resolved_url().endswith("/newsbot/newsbot.db")
    assert default_config_path().is_file()


def test_layers_defaults_then_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "newsbot.toml"
    user.write_text('[fetch]\ntimeout_s = 7\nmax_bytes = 4096\n[news]\nfeeds = ["https://a.example/rss"]\n')
    monkeypatch.setenv("NEWSBOT_FETCH__TIMEOUT_S", "3.5")
    monkeypatch.setenv("NEWSBOT_BOT__ADMIN_IDS", "[11, 22]")
    settings = load_settings(user)
    assert settings.fetch.timeout_s == 3.5  # environment wins over the file
    assert settings.fetch.max_bytes == 4096  # the file wins over the defaults
    assert settings.fetch.max_redirects == 5  # untouched defaults stay
    assert settings.news.feeds == ["https://a.example/rss"]
    assert settings.bot.admin_ids == [11, 22]


def test_config_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "c.toml"
    user.write_text("[summarizer]\nsentences = 5\n")
    monkeypatch.setenv("NEWSBOT_CONFIG", str(user))
    assert load_settings().summarizer.sentences == 5


def test_token_from_telegram_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    settings = load_settings()
    assert settings.telegram.token.get_secret_value() == "123:secret"
    assert "secret" not in repr(settings)


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("[fetch]\ntimeout_s = 'soon'\n", {}, "fetch.timeout_s"),
        ("[fetch]\ntimeout = 3\n", {}, "unknown key fetch.timeout"),
        ("[fetc]\ntimeout_s = 3\n", {}, "unknown config section [fetc]"),
        ("[summarizer]\nbackend = 'gpt'\n", {}, "summarizer.backend"),
        ("[summarizer]\nsentences = 0\n", {}, "summarizer.sentences"),
        ("[fetch\n", {}, "not valid TOML"),
        ("", {"NEWSBOT_BOT__ADMIN_IDS": "[1,"}, "bot"),
        ("", {"NEWSBOT_FETCH__MAX_BYTES": "lots"}, "fetch.max_bytes"),
    ],
)
def test_bad_configuration_is_one_line_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, env: dict[str, str], message: str
) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(toml)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(user)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("name", "line"),
    [
        (
            "NEWSBOT_BOTT__ADMIN_IDS",
            "config: unknown environment variable NEWSBOT_BOTT__ADMIN_IDS: there is no section [bott]",
        ),
        ("NEWSBOT_BOT__ADMINS", "config: unknown environment variable NEWSBOT_BOT__ADMINS: [bot] has no key 'admins'"),
        ("NEWSBOT_TOKEN", "config: unknown environment variable NEWSBOT_TOKEN: there is no section [token]"),
    ],
)
def test_unknown_newsbot_variables_are_errors(monkeypatch: pytest.MonkeyPatch, name: str, line: str) -> None:
    monkeypatch.setenv(name, "[1]")
    with pytest.raises(ConfigError) as error:
        load_settings(None)
    assert str(error.value) == line


def test_known_variables_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_BOT__ADMIN_IDS", "[7]")
    monkeypatch.setenv("newsbot_fetch__timeout_s", "9")
    settings = load_settings(None)
    assert settings.bot.admin_ids == [7] and settings.fetch.timeout_s == 9


def test_a_whole_section_as_json_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_NEWS", '{"stories": 3}')
    assert load_settings(None).news.stories == 3


def test_the_data_folder_is_resolved_once_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(None)
    folder = tmp_path / "xdg" / "newsbot"  # conftest points XDG_DATA_HOME at tmp_path / "xdg"
    assert settings.database.data_dir == folder
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))  # too late: nothing reads it after load
    assert settings.database.resolved_data_dir() == folder
    assert settings.database.resolved_url() == f"sqlite+aiosqlite:///{folder / 'newsbot.db'}"


def test_a_configured_data_folder_wins_and_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "c.toml"
    user.write_text('[database]\ndata_dir = "~/bot-data"\n[summarizer]\ncache_dir = "~/models"\n')
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings = load_settings(user)
    assert settings.database.data_dir == tmp_path / "home" / "bot-data"
    assert settings.summarizer.cache_dir == tmp_path / "home" / "models"
    monkeypatch.setenv("NEWSBOT_DATABASE__DATA_DIR", "/srv/newsbot")
    assert load_settings(user).database.data_dir == Path("/srv/newsbot")


def test_no_model_folder_means_the_hugging_face_cache() -> None:
    assert load_settings(None).summarizer.cache_dir is None


@pytest.mark.parametrize(
    ("env", "offline"),
    [
        ({}, False),
        ({"HF_HUB_OFFLINE": "1"}, True),
        ({"HF_HUB_OFFLINE": "0"}, False),
        ({"NEWSBOT_SUMMARIZER__OFFLINE": "true"}, True),
        ({"HF_HUB_OFFLINE": "1", "NEWSBOT_SUMMARIZER__OFFLINE": "false"}, False),  # newsbot's own name wins
    ],
)
def test_offline_from_the_hub_switch_or_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], offline: bool
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(None)
    assert settings.summarizer.offline is offline
    monkeypatch.setenv("HF_HUB_OFFLINE", "0" if offline else "1")  # read once, at load
    assert settings.summarizer.offline is offline


@pytest.mark.parametrize("key", ["summarizer.cache_dir", "summarizer.offline", "database.data_dir"])
def test_folders_and_the_download_switch_are_the_operator_s(key: str) -> None:
    with pytest.raises(ConfigError, match="can only be changed in the config file"):
        validate_override(load_settings(None), key, "/tmp/elsewhere" if key.endswith("dir") else False)


def test_the_backend_names_come_from_one_list_and_settings_import_no_backend() -> None:
    from summarizer.backend_names import BACKENDS
    from summarizer.backends import available_backends

    assert available_backends() == sorted(BACKENDS) == ["abstractive", "extractive", "textrank"]
    with pytest.raises(ConfigError, match="choose one of abstractive, extractive, textrank"):
        load_settings(None, summarizer={"backend": "gpt"})
    check = "import sys, summarizer.settings; sys.exit('summarizer.backends' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", check], cwd=root, check=False).returncode == 0
