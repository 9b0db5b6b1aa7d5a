"""``newsbot summarize`` / ``extract`` as a user runs them: real processes, a real page server."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.conftest import SEED, SEED_ARTICLE
from tests.helpers.servers import PageServer

NEWSBOT = [sys.executable, "-m", "bot.cli"]


async def run_cli(*args: str, stdin: bytes = b"", **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *NEWSBOT,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **env},
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def check_against_expected(line: dict[str, Any], expected: dict[str, Any]) -> None:
    assert line["title"] == expected["title"]
    assert line["published"] == expected["published"]
    assert line["language"] == "en" and line["backend"] == "extractive"
    for junk in expected["must_not_appear_in_clean_text"]:
        assert junk not in line["text"]
    assert 2 <= len(line["summary"]) <= 4
    troops = [(f["who"], f["country_code"], f["quantity"], f["approx"], f["where"]) for f in line["facts"]]
    assert troops == [(f["who"], f["country_code"], f["quantity"], f["approx"], f["where"]) for f in expected["facts"]]
    assert set(line["timings_ms"]) == {"fetch", "clean", "summarize", "facts", "total"}
    fact = line["facts"][0]
    assert set(fact) >= {"who", "country_code", "quantity", "quantity_text", "approx", "unit", "category", "where",
                         "evidence"}  # fmt: skip


async def test_file_url_and_stdin_give_the_expected_result(server: PageServer, expected: dict[str, Any]) -> None:
    url = server.page("/news/article.html", (SEED_ARTICLE).read_bytes(), "text/html; charset=utf-8")
    code, out, err = await run_cli(
        "summarize", "--json", str(SEED_ARTICLE), url, "-",
        stdin=(SEED / "raw-scrape.txt").read_bytes(),
        NEWSBOT_FETCH__ALLOW_PRIVATE_HOSTS="true",
    )  # fmt: skip
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["source"] for line in lines] == [str(SEED_ARTICLE), url, "-"]
    for line in lines:
        check_against_expected(line, expected)
    assert "Traceback" not in err


async def test_readable_output_and_sentences_option() -> None:
    code, out, _err = await run_cli("summarize", "--sentences", "2", str(SEED_ARTICLE))
    assert code == 0
    assert out.count("  • ") == 2
    assert "Key facts" in out and "Germany (DE)  ~130 soldiers in Iraq (27 at Taji military base)" in out
    assert "Sweden (SE)" in out and "Denmark (DK)" in out and "NATO" in out


async def test_a_summary_from_the_command_line_never_imports_torch_and_reads_the_same() -> None:
    """One command embeds with numpy (torch's import was half of its run); the bot's torch gives the same report."""
    code, out, err = await run_cli("summarize", str(SEED_ARTICLE), PYTHONPROFILEIMPORTTIME="1")
    assert code == 0, err[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in err.splitlines() if line.startswith("import time:")}
    assert {"tokenizers", "summarizer.minilm_numpy"} <= imported
    assert "torch" not in imported and "transformers" not in imported
    code, with_torch, err = await run_cli(
        "summarize", str(SEED_ARTICLE), NEWSBOT_SUMMARIZER__ENCODER_RUNTIME="torch", PYTHONPROFILEIMPORTTIME="1"
    )
    assert code == 0, err[-2000:]
    assert "torch" in {line.rsplit("|", 1)[-1].strip() for line in err.splitlines() if line.startswith("import time:")}
    assert with_torch == out


async def test_extract_skips_the_model_and_reports_failures_per_source(server: PageServer, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    good = str(SEED_ARTICLE)
    code, out, err = await run_cli(
        "extract", "--json", good, str(empty), server.url("/gone"), NEWSBOT_FETCH__ALLOW_PRIVATE_HOSTS="true"
    )
    assert code == 2
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert first["source"] == good and "summary" not in first and "facts" not in first
    assert set(first["timings_ms"]) == {"fetch", "clean", "total"}
    assert second == {"source": str(empty), "error": "The input is empty."}
    assert third["error"] == "The site answered with an error (404)."
    assert len(err.strip().splitlines()) == 2 and "Traceback" not in err


async def test_bad_configuration_stops_start_up_with_one_line(tmp_path: Path) -> None:
    code, out, err = await run_cli("extract", "-", stdin=b"x", NEWSBOT_FETCH__TIMEOUT_S="soon")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [err.strip()] and "fetch.timeout_s" in err


@pytest.fixture
def listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A port listening on 127.0.0.1 (and ::1 where the machine has it) that must see no connection."""
    sockets = []
    ipv4 = socket.create_server(("127.0.0.1", 0))
    port = ipv4.getsockname()[1]
    sockets.append(ipv4)
    with contextlib.suppress(OSError):  # no IPv6 loopback on this machine
        sockets.append(socket.create_server(("::1", port), family=socket.AF_INET6))
    for sock in sockets:
        sock.setblocking(False)
    yield port, sockets
    for sock in sockets:
        sock.close()


def assert_never_connected(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        with pytest.raises(BlockingIOError):
            sock.accept()


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://10.0.0.1:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433:{port}/",
        "http://0x7f000001:{port}/",
        "http://127.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
    ],
)
def test_private_addresses_exit_2_at_once(
    template: str, listener: tuple[int, list[socket.socket]], capsys: pytest.CaptureFixture[str]
) -> None:
    port, sockets = listener
    main(["summarize", "--json", "http://10.0.0.1/"])  # the first call in a process pays its imports, untimed
    capsys.readouterr()
    started = time.perf_counter()
    code = main(["summarize", "--json", template.format(port=port)])
    elapsed = time.perf_counter() - started
    assert code == 2
    assert elapsed < 1.0, f"refusal took {elapsed:.2f}s"
    assert "not allowed" in json.loads(capsys.readouterr().out)["error"]
    assert_never_connected(sockets)


async def test_private_addresses_from_a_real_process(listener: tuple[int, list[socket.socket]]) -> None:
    port, sockets = listener
    urls = [f"http://127.0.0.1:{port}/", f"http://localhost:{port}/", f"http://0x7f000001:{port}/"]
    code, out, err = await run_cli("summarize", *urls)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 3 and "Traceback" not in err
    assert_never_connected(sockets)


@pytest.mark.parametrize("count", ["0", "21", "many"])
def test_sentences_must_be_a_sensible_number(count: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["summarize", "--sentences", count, str(SEED_ARTICLE)])
    assert exited.value.code == 2 and "--sentences" in capsys.readouterr().err


def test_a_folder_is_not_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"newsbot: {tmp_path}: {tmp_path} is a folder, not a file"


@pytest.mark.parametrize("position", ["before", "after"])
def test_config_option_before_or_after_the_command(
    position: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "one.toml"
    config.write_text("[summarizer]\nbackend = 'textrank'\nsentences = 1\n")
    command = ["summarize", "--json", str(SEED_ARTICLE)]
    argv = ["--config", str(config), *command] if position == "before" else [*command, "--config", str(config)]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["backend"] == "textrank" and len(result["summary"]) == 1


async def test_a_binary_file_is_one_line_and_exit_2() -> None:
    status, out, err = await run_cli("summarize", "/bin/ls")
    assert status == 2 and out == ""
    assert err.strip().splitlines() == ["newsbot: /bin/ls: Not a text or HTML file."]


class Terminal(io.StringIO):
    """stderr as a terminal: what the progress line is drawn on."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Three local articles, by names short enough that the progress line shows them whole."""
    monkeypatch.chdir(tmp_path)
    Path("one.html").write_bytes(SEED_ARTICLE.read_bytes())
    Path("two.txt").write_bytes((SEED / "raw-scrape.txt").read_bytes())
    Path("three.txt").write_text("Three paragraphs of news. " * 20 + "\n\nThe end of the story, told plainly.\n")
    return ["one.html", "two.txt", "three.txt"]


@pytest.mark.parametrize(("command", "doing", "did"), [("extract", "reading", "read"),
                                                       ("summarize", "summarising", "summarised")])  # fmt: skip
def test_progress_on_a_terminal_counts_each_source_as_it_finishes(
    command: str, doing: str, did: str, articles: list[str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert main([command, *articles]) == 0
    plain = capsys.readouterr()
    assert plain.err == ""  # not a terminal: nothing extra
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([command, *articles]) == 0
    assert capsys.readouterr().out == plain.out  # stdout as without a terminal
    first, *finished, last = terminal.getvalue().split("\r\033[K")[1:]  # each update clears the line first
    assert first == f"[0/3] {doing} 3 sources…" and last == ""  # cleared before the results
    assert [line.split(" ", 1)[0] for line in finished] == ["[1/3]", "[2/3]", "[3/3]"]
    assert sorted(line.removeprefix(line.split(" ", 1)[0] + f" {did} ") for line in finished) == sorted(articles)


def test_progress_counts_a_failure_and_one_source_shows_none(
    articles: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["extract", "missing.txt", articles[0]]) == 2
    updates = terminal.getvalue().split("\r\033[K")
    assert "[1/2] read missing.txt" in updates or "[2/2] read missing.txt" in updates
    assert updates[-1].startswith("newsbot: missing.txt: ")  # the error line after the cleared progress
    assert "[1/2]" not in capsys.readouterr().out
    terminal.truncate(0)
    terminal.seek(0)
    assert main(["extract", articles[0]]) == 0
    assert terminal.getvalue() == ""


def test_a_long_source_is_cut_to_the_terminal_width(
    articles: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    long_name = "a-story-with-a-very-long-file-name-indeed.txt"
    Path(long_name).write_text(Path(articles[2]).read_text())
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["extract", "--json", long_name, articles[2]]) == 0
    assert [json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()] == [long_name, articles[2]]
    updates = terminal.getvalue().split("\r\033[K")
    assert max(len(line) for line in updates) == 39  # one column spare: a full line would wrap on some terminals
    assert any(line.startswith("[") and line.endswith("…") for line in updates)


# --- newsbot model pull: the one command that reaches the model hub --------------------------------------------


@dataclass
class FakeRepository:
    """snapshot_download's stand-in (the hub cannot be reached from the tests): a repository holding ``files``;
    each call records its arguments and puts the files its patterns select into one snapshot folder."""

    files: list[str]
    folder: Path
    calls: list[dict[str, Any]] = field(default_factory=list)
    error: Exception | None = None

    def snapshot_download(self, repo_id: str, **options: Any) -> str:
        self.calls.append({"repo_id": repo_id, **options})
        if self.error is not None:
            raise self.error
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in self.files:
            if any(fnmatch(name, pattern) for pattern in options["allow_patterns"]):
                (self.folder / name).write_text("")
        return str(self.folder)


BART_FILES = ["config.json", "vocab.json", "merges.txt", "tokenizer.json", "model.safetensors", "pytorch_model.bin",
              "tf_model.h5", "flax_model.msgpack", "rust_model.ot", "README.md"]  # fmt: skip
SNAPSHOT = "models--org--name/snapshots/0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeRepository:
    import huggingface_hub

    fake = FakeRepository(BART_FILES, tmp_path / "hub" / SNAPSHOT)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake.snapshot_download)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS", raising=False)  # other in-process runs set it
    return fake


def test_model_pull_fetches_config_tokenizer_and_safetensors_only(
    repository: FakeRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSBOT_SUMMARIZER__CACHE_DIR", str(tmp_path / "hub"))
    assert main(["model", "pull", "facebook/bart-large-cnn"]) == 0
    assert repository.calls == [{"repo_id": "facebook/bart-large-cnn", "cache_dir": tmp_path / "hub",
                                 "allow_patterns": ["*.json", "*.txt", "*.model", "*.safetensors"]}]  # fmt: skip
    assert sorted(path.name for path in repository.folder.iterdir()) == [
        "config.json", "merges.txt", "model.safetensors", "tokenizer.json", "vocab.json"
    ]  # fmt: skip
    assert capsys.readouterr().out == f"facebook/bart-large-cnn is ready in {repository.folder}\n"
    assert "HF_HUB_DISABLE_PROGRESS_BARS" not in os.environ  # a download shows its progress


def test_model_pull_without_a_name_fetches_the_configured_model_and_old_weights(
    repository: FakeRepository, capsys: pytest.CaptureFixture[str]
) -> None:
    repository.files = [name for name in BART_FILES if name != "model.safetensors"]  # as distilbart's repository
    assert main(["model", "pull"]) == 0
    assert [(call["repo_id"], call["cache_dir"], call["allow_patterns"]) for call in repository.calls] == [
        ("sshleifer/distilbart-cnn-12-6", None, ["*.json", "*.txt", "*.model", "*.safetensors"]),
        ("sshleifer/distilbart-cnn-12-6", None, ["pytorch_model*.bin"]),
    ]
    assert (repository.folder / "pytorch_model.bin").is_file() and not (repository.folder / "tf_model.h5").exists()
    assert "sshleifer/distilbart-cnn-12-6 is ready in" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("files", "error", "line"),
    [
        (BART_FILES, "unreachable", "the Hugging Face hub cannot be reached (ConnectError: [Errno -2] Name or "
                                    "service not known)"),
        (["config.json", "tf_model.h5"], None, "the repository has no PyTorch weights (model.safetensors or "
                                                "pytorch_model.bin)"),
    ],
)  # fmt: skip
def test_a_failed_pull_is_one_line_and_exit_2(
    repository: FakeRepository, capsys: pytest.CaptureFixture[str], files: list[str], error: str | None, line: str
) -> None:
    from huggingface_hub.errors import LocalEntryNotFoundError

    repository.files = files
    if error:  # what huggingface_hub raises when it cannot connect and has no earlier copy
        repository.error = LocalEntryNotFoundError(
            "Got: ConnectError: [Errno -2] Name or service not known\nAn error happened while trying to locate the "
            "files on the Hub, and we cannot find the appropriate snapshot folder for the specified revision on the "
            "local disk. Please check your internet connection and try again."
        )
    assert main(["model", "pull", "org/name"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"newsbot: cannot pull org/name: {line}\n" and captured.out == ""


def test_a_bad_model_id_is_refused_by_the_hub_client_itself(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE")  # the real snapshot_download: it checks the id before any connection
    assert main(["model", "pull", "not a repository!"]) == 2
    assert capsys.readouterr().err.startswith("newsbot: cannot pull not a repository!: Repo id must")


def test_model_pull_offline_downloads_nothing(repository: FakeRepository, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["model", "pull", "org/name"]) == 2
    assert repository.calls == []
    assert capsys.readouterr().err == (
        "newsbot: cannot pull org/name: downloads are off (summarizer.offline, or HF_HUB_OFFLINE=1)\n"
    )


async def test_a_summary_never_reaches_the_hub_for_a_model(
    listener: tuple[int, list[socket.socket]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot's side: a model not pulled is one line, and the hub (here a silent local port) hears nothing."""
    port, sockets = listener
    for name in ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):  # newsbot must stay off the network without them
        monkeypatch.delenv(name, raising=False)
    code, out, err = await run_cli(
        "summarize", str(SEED_ARTICLE),
        NEWSBOT_SUMMARIZER__BACKEND="abstractive", NEWSBOT_SUMMARIZER__FALLBACK="false",
        NEWSBOT_SUMMARIZER__CACHE_DIR=str(tmp_path / "empty-cache"), HF_ENDPOINT=f"http://127.0.0.1:{port}",
    )  # fmt: skip
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        f"newsbot: {SEED_ARTICLE}: summariser unavailable: summariser model 'sshleifer/distilbart-cnn-12-6' is not "
        "on this machine: run `newsbot model pull sshleifer/distilbart-cnn-12-6`"
    ]
    assert_never_connected(sockets)
