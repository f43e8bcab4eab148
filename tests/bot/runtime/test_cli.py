"""The `crisisbot` command line: config check, bad settings, `serve` against a Slack-compatible server, and the
no-token sandbox mode, as separate processes the way an operator runs them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.runtime.cli import main
from sandbox.driver import Sandbox

CRISISBOT = [sys.executable, "-m", "bot.runtime.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CRISISBOT_", "DATABASE_URL"))}
    env.update(CRISISBOT_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "exited"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)  # waiting for a process to start listening, not for a timer
    raise AssertionError(f"{url} did not become healthy")


def test_config_check(capsys, tmp_path):
    assert main(["config", "check"]) == 0
    assert "10 units, 4 categories, 9 sub-types, 6 steps" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: {name: {zh-TW: x, en: y}}\n", encoding="utf-8")
    assert main(["config", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "roles: Field required" in err


def test_bad_setting_stops_with_the_key(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "not-a-token")
    assert main(["serve"]) == 2
    assert "SLACK_BOT_TOKEN: must be a bot token" in capsys.readouterr().err


def test_serve_answers_a_signed_help_from_a_slack_compatible_server(tmp_path):
    token, secret = "xoxb-cli-test", "cli-secret"
    port = free_port()
    with Sandbox.start(bot_token=token).relax_deadlines() as sandbox:
        env = clean_env(tmp_path, SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET=secret,
                        SLACK_API_URL=sandbox.api_url, DATABASE_URL=f"sqlite:///{tmp_path}/serve.db")
        proc = subprocess.Popen([*CRISISBOT, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
            sandbox.configure_bot(f"http://127.0.0.1:{port}/slack/events", secret)
            shown = sandbox.as_user("U0000EXEC").slash("/crisis", "help")
            assert shown.ok and "可用指令" in shown.text
        finally:
            proc.terminate()
            output = proc.communicate(timeout=15)[0]
    assert token not in output and secret not in output  # logs never print tokens


def test_no_tokens_start_the_sandbox_and_the_bot(tmp_path):
    # port 0: the sandbox and the bot take free ports and say which (no race with other processes for a port)
    proc = subprocess.Popen([*CRISISBOT, "sandbox", "--port", "0"], env=clean_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the process prints its addresses once both listen
            lines.append(line)
            if "the bot listens on" in line:
                break
        output = "".join(lines)
        sandbox_url = re.search(r"sandbox workspace: (http://127\.0\.0\.1:\d+)", output)
        bot_url = re.search(r"the bot listens on (http://127\.0\.0\.1:\d+)", output)
        assert sandbox_url and bot_url, output
        wait_healthy(f"{bot_url.group(1)}/healthz", proc)
        answer = httpx.post(f"{sandbox_url.group(1)}/api/auth.test", data={"token": "wrong"}).json()
        assert answer == {"ok": False, "error": "invalid_auth"}
    finally:
        proc.terminate()
        output = "".join(lines) + proc.communicate(timeout=15)[0]
    assert "xoxb-" not in output


@pytest.mark.parametrize("argv", [["db", "upgrade"]])
def test_db_upgrade(argv, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/up.db")
    assert main(argv) == 0
    assert "newest migration" in capsys.readouterr().out


def test_config_reload_prints_and_records_the_changes(database_url, monkeypatch, tmp_path, capsys):
    import yaml

    from bot.procedure.config import EXAMPLE_CONFIG
    from storage import audit
    from storage.db import create_engine, session_factory

    monkeypatch.setenv("DATABASE_URL", database_url)
    for key in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "CRISISBOT_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    assert main(["config", "reload"]) == 0
    assert "roster reloaded" in capsys.readouterr().out
    assert main(["config", "reload"]) == 0
    assert "roster unchanged" in capsys.readouterr().out
    raw = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    raw["roles"]["planning"]["deputy"] = "U0000SEC2"
    changed = tmp_path / "org.yaml"
    changed.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert main(["config", "reload", str(changed)]) == 0
    out = capsys.readouterr().out
    assert "roster.deputy_changed role planning (deputy): U0000PLDP → U0000SEC2" in out and "1 change(s)" in out
    engine = create_engine(database_url)
    try:
        with session_factory(engine)() as s:
            [event] = audit.events(s, kind_prefix="roster.deputy_changed", subject_id="planning")[-1:]
            assert (event.actor, event.data["after"]) == ("config", "U0000SEC2")
    finally:
        engine.dispose()
