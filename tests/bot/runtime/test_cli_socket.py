"""`crisisbot socket` end to end: the bot as a process in Socket Mode against the sandbox, as an operator runs it.

slack_bolt's SocketModeHandler calls apps.connections.open on SLACK_API_URL with SLACK_APP_TOKEN, connects to the
sandbox's WebSocket, and a person's `/crisis help` travels as a slash_commands envelope and comes back in the ack.
"""

from __future__ import annotations

import subprocess

from sandbox.driver import Sandbox
from tests.bot.runtime.test_cli import CRISISBOT, clean_env

TOKEN = "xoxb-socket-test"
APP_TOKEN = "xapp-1-A0000CRIS-socket-test"


def test_socket_mode_answers_help_as_a_process(tmp_path):
    with Sandbox.start(bot_token=TOKEN, app_token=APP_TOKEN, socket_mode=True).relax_deadlines() as sandbox:
        env = clean_env(tmp_path, SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=sandbox.api_url,
                        DATABASE_URL=f"sqlite:///{tmp_path}/socket.db")
        proc = subprocess.Popen([*CRISISBOT, "socket"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        try:
            hub = sandbox.server.socket_mode
            try:
                hub.wait_connected(timeout=60)
            except TimeoutError:
                assert proc.poll() is None, proc.communicate(timeout=5)[0]
                raise
            shown = sandbox.as_user("U0000EXEC").slash("/crisis", "help")
            assert shown.ok, shown.failure
            assert "可用指令" in shown.text
            english = sandbox.as_user("U0000CMDD").slash("/crisis", "help")  # the deputy commander reads English
            assert english.ok and english.text
            assert [c.method for c in sandbox.calls("apps.connections.open")] == ["apps.connections.open"]
        finally:
            proc.terminate()
            output = proc.communicate(timeout=15)[0]
    assert TOKEN not in output and APP_TOKEN not in output  # logs never print tokens
