"""Run the sandbox workspace by hand: ``python -m sandbox [--port 3333] [--bot-url URL --signing-secret S |
--socket-mode]``."""

from __future__ import annotations

import argparse
import threading

from sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3333)
    parser.add_argument("--token", default="xoxb-sandbox", help="the bot token the sandbox accepts")
    parser.add_argument("--bot-url", help="the bot's /slack/events URL")
    parser.add_argument("--signing-secret", help="the signing secret the bot verifies")
    parser.add_argument("--socket-mode", action="store_true", help="deliver to the bot over Socket Mode")
    parser.add_argument("--app-token", default="xapp-1-sandbox", help="the app-level token for Socket Mode")
    args = parser.parse_args(argv)
    server = SandboxServer(
        args.host, args.port, bot_token=args.token, bot_url=args.bot_url, signing_secret=args.signing_secret,
        app_token=args.app_token, socket_mode=args.socket_mode,
    ).start()
    print(f"sandbox Slack workspace: SLACK_API_URL={server.api_url} SLACK_BOT_TOKEN={server.bot_token}")
    if args.socket_mode:
        print(f"Socket Mode: SLACK_APP_TOKEN={server.app_token}, then run `crisisbot socket`")
    print(f"in a browser: {server.ui_url}")
    print(f"faults: {server.base_url}/sandbox/faults   call log: {server.base_url}/sandbox/calls")
    try:
        threading.Event().wait()  # serve until interrupted
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
