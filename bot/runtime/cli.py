"""The `crisisbot` command line (design.md §2): serve, socket, db upgrade, config check, drill / case-file exports and
the periodic review; no tokens → sandbox."""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from collections.abc import Sequence

from pydantic import SecretStr

from bot.platform.logs import setup_logging
from bot.platform.settings import Settings, SettingsError, load_settings
from bot.procedure.config import ConfigError, load_config

log = logging.getLogger("crisisbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crisisbot",
        description="Crisis-management procedure bot. With no Slack tokens it runs the local sandbox workspace.",
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events and GET /healthz")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    sub.add_parser("socket", help="Socket Mode, with SLACK_APP_TOKEN")
    sandbox = sub.add_parser("sandbox", help="the local sandbox workspace with the bot wired to it")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=3000, help="the sandbox's port (the bot takes the next)")
    dbp = sub.add_parser("db", help="database maintenance")
    dbp.add_argument("action", choices=["upgrade"])
    cfg = sub.add_parser("config", help="organisation config")
    cfg.add_argument("action", choices=["check", "reload"],
                     help="check: validate the file; reload: load its roster into the database and print the "
                          "changes (a seat handed over in Slack stays unless the file changed that seat)")
    cfg.add_argument("file", nargs="?", help="the YAML (default: CRISISBOT_CONFIG or the example)")
    drill = sub.add_parser("drill", help="drills: recompute a draw, export the drill documents")
    drill_sub = drill.add_subparsers(dest="action", required=True)
    verify = drill_sub.add_parser("verify", help="recompute a draw from its stored record and print each check")
    verify.add_argument("id", type=int, help="the drill's id (shown by /crisis drill status)")
    export = drill_sub.add_parser("export", help="write the drill report form and evaluation as DOCX files")
    export.add_argument("id", type=int)
    export.add_argument("--out", default=".", help="the folder to write to (default: the current one)")
    trail = sub.add_parser("audit", help="the audit trail's hash chain: verify it, export a range for auditors")
    trail_sub = trail.add_subparsers(dest="action", required=True)
    trail_sub.add_parser("verify", help="recompute the whole chain from the database; exit 1 and name the first "
                                        "broken link when it does not hold")
    excerpt = trail_sub.add_parser("export", help="write a range of days' events as CSV and JSON, with a manifest "
                                                  "of their sha256 and the chain's link into the range")
    excerpt.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD",
                         help="the first day, in the organisation's time zone (inclusive)")
    excerpt.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD",
                         help="the last day, in the organisation's time zone (inclusive)")
    excerpt.add_argument("--out", default=".", help="the folder to write to (default: the current one)")
    case = sub.add_parser("export", help="write an incident's case file (Markdown + DOCX) and its whole timeline")
    case.add_argument("number", help="the incident's number as /crisis status takes it: 2026-0007, or 7, 0007, #7 "
                                     "for this year (in the organisation's time zone)")
    case.add_argument("--out", default=".", help="the folder to write to (default: the current one)")
    rev = sub.add_parser("review", help="write the periodic review's figures as DOCX (with its chart) and CSV")
    rev.add_argument("--period", required=True, help="a year (2026) or a month (2026-11), in the organisation's "
                                                     "time zone")
    rev.add_argument("--out", default=".", help="the folder to write to (default: the current one)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging()
    try:
        settings = load_settings()
        return _run(args, settings)
    except (SettingsError, ConfigError) as exc:
        print(f"crisisbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "config" and args.action == "reload":
        return _reload_config(args, settings)
    if command == "config":
        config = load_config(args.file or settings.crisisbot_config)
        units = len(config.units)
        subtypes = sum(len(c.subtypes) for c in config.categories)
        print(f"ok: {config.organisation.name('en')}: {units} units, {len(config.categories)} categories, "
              f"{subtypes} sub-types, {len(config.steps)} steps")
        return 0
    if command == "db":
        from storage import db

        db.upgrade(settings.resolved_database_url())
        print("database is at the newest migration")
        return 0
    if command == "drill":
        return _run_drill(args, settings)
    if command == "export":
        return _run_export(args, settings)
    if command == "review":
        return _run_review(args, settings)
    if command == "audit":
        return _run_audit(args, settings)
    if command == "sandbox" or (command in (None, "serve") and settings.sandbox_mode):
        host = getattr(args, "host", "127.0.0.1")
        port = getattr(args, "port", 3000)
        return _run_sandbox(settings, "127.0.0.1" if host == "0.0.0.0" else host, port)
    if command == "socket":
        return _run_socket(settings)
    return _run_http(settings, args.host if command else "0.0.0.0", args.port if command else 3000)


def _reload_config(args: argparse.Namespace, settings: Settings) -> int:
    """`crisisbot config reload`: what every start does, on demand; each change is printed and audited."""
    from bot.platform.directory import emails_in, resolve_people
    from bot.platform.services import utcnow
    from bot.platform.slack import SlackChat, make_client
    from bot.roster.sync import describe_change
    from bot.runtime.compose import load_roster
    from storage import db

    config = load_config(args.file or settings.crisisbot_config)
    if settings.slack_bot_token is not None:  # e-mail addresses in the config become Slack user ids
        client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
        config = resolve_people(config, SlackChat(client))
    elif emails_in(config.model_dump(by_alias=True, include={"roles", "units"})):
        print("crisisbot: the config names people by e-mail address; set SLACK_BOT_TOKEN so Slack can resolve "
              "them (users.lookupByEmail)", file=sys.stderr)
        return 2
    engine = db.create_engine(settings.resolved_database_url())
    try:
        db.upgrade(engine)
        changes = load_roster(engine, config, utcnow())
    finally:
        engine.dispose()
    for change in changes:
        print(describe_change(change))
    print(f"roster reloaded: {len(changes)} change(s), recorded in the audit trail as actor 'config'"
          if changes else "roster unchanged: the config names the same people as at its last load")
    return 0


def _run_drill(args: argparse.Namespace, settings: Settings) -> int:
    """`crisisbot drill verify|export`: straight from the database, no Slack needed (for auditors)."""
    from pathlib import Path

    from bot.drills import service as drills
    from bot.drills import views as drills_views
    from bot.drills.work import render
    from bot.procedure import errors as drills_errors
    from storage import db
    from storage import drills as storage_drills

    config = load_config(settings.crisisbot_config)
    engine = db.create_engine(settings.resolved_database_url())
    try:
        with db.session_factory(engine)() as session:
            try:
                drill = drills.get(session, args.id)
            except drills_errors.NotFound:
                print(f"crisisbot: no drill {args.id}", file=sys.stderr)
                return 1
            if args.action == "verify":
                result = drills.verify(session, args.id)
                print(drills_views.verification_text(result, config, "en"))
                print(f"record: {drills.lottery.canonical(dict(drill.draw))}")
                return 0 if result.ok else 1
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            docs = [("report", r.id) for r in storage_drills.reports(session, drill.id)]
            docs += [("evaluation", e.id) for e in storage_drills.evaluations(session, drill.id)]
            if not docs:
                print(f"crisisbot: drill {args.id} has no report or evaluation yet", file=sys.stderr)
                return 1
            for doc, row_id in docs:
                name, _, content = render(session, config, doc, row_id)
                (out / name).write_bytes(content)
                print(out / name)
            return 0
    finally:
        engine.dispose()


def _run_audit(args: argparse.Namespace, settings: Settings) -> int:
    """`crisisbot audit verify|export`: the hash chain straight from the database, for auditors."""
    from pathlib import Path

    from bot.platform import services
    from bot.runtime import audit_cli
    from storage import audit, db

    config = load_config(settings.crisisbot_config)
    if args.action == "export":
        try:
            first, last = audit_cli.parse_day(args.first, "--from"), audit_cli.parse_day(args.last, "--to")
        except audit_cli.BadDate as exc:
            print(f"crisisbot: {exc}", file=sys.stderr)
            return 2
        if first > last:
            print(f"crisisbot: --from {first} is after --to {last}", file=sys.stderr)
            return 2
    engine = db.create_engine(settings.resolved_database_url())
    try:
        with db.read_session_factory(engine)() as session:
            if args.action == "verify":
                result = audit.verify(session)
                print(audit_cli.verification_text(result))
                return 0 if result.ok else 1
            written = audit_cli.export(session, config, first, last, Path(args.out), services.utcnow())
        for path in written.files:
            print(path)
        manifest = written.manifest
        span = f"seq {manifest['first_seq']}–{manifest['last_seq']}" if manifest["count"] else "none in that range"
        head = manifest["head"]
        print(f"{manifest['count']} event(s), {span}; head seq {head['seq'] if head else '-'}")
        return 0
    finally:
        engine.dispose()


def _run_export(args: argparse.Namespace, settings: Settings) -> int:
    """`crisisbot export <number>`: the case file as Markdown and DOCX, and the timeline as CSV, from the database."""
    import csv
    import io
    from pathlib import Path

    from bot.handling import casefile as case_file
    from bot.overview.service import parse_number
    from bot.platform import services
    from storage import db
    from storage.incidents import by_number

    config = load_config(settings.crisisbot_config)
    # The one parser `/crisis status` uses, so every form that works in Slack works here (and only those).
    number = parse_number(args.number, services.utcnow(), config)
    if number is None:
        print(f"crisisbot: {args.number!r} is not an incident number (2026-0007, or 7, 0007, #7 for this year)",
              file=sys.stderr)
        return 2
    args.number = number
    engine = db.create_engine(settings.resolved_database_url())
    try:
        with db.session_factory(engine)() as session:
            incident = by_number(session, number)
            if incident is None:
                print(f"crisisbot: no incident {number}", file=sys.stderr)
                return 1
            compiled = case_file.compile_case(session, config, incident)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        timeline = io.StringIO()
        writer = csv.writer(timeline)
        # the names are those the bot stored (no Slack here); a person never looked up shows by id in both columns
        writer.writerow([f"time ({config.organisation.timezone})", "name", "id", "event", "details"])
        writer.writerows(case_file.timeline_rows(compiled))
        files = {
            case_file.filename(args.number, compiled.version, "md"): case_file.to_markdown(compiled, config).encode(),
            case_file.filename(args.number, compiled.version, "docx"): case_file.to_docx(compiled, config),
            f"case-{args.number}-timeline.csv": timeline.getvalue().encode("utf-8-sig"),
        }
        for name, content in files.items():
            (out / name).write_bytes(content)
            print(out / name)
        if compiled.version is None:
            print(f"crisisbot: incident {args.number} has no case file yet; wrote the timeline", file=sys.stderr)
        return 0
    finally:
        engine.dispose()


def _run_review(args: argparse.Namespace, settings: Settings) -> int:
    """`crisisbot review --period 2026|2026-11`: the review's DOCX and CSV, straight from the database."""
    from pathlib import Path

    from bot.platform import services
    from bot.procedure.errors import InvalidInput
    from bot.review import docs
    from bot.review import service as review
    from storage import db

    config = load_config(settings.crisisbot_config)
    try:
        period = review.parse_period(args.period, config.organisation.tz)
    except InvalidInput:
        print(f"crisisbot: {args.period!r} is not a review period: give a year (2026) or a month (2026-11)",
              file=sys.stderr)
        return 2
    engine = db.create_engine(settings.resolved_database_url())
    try:
        db.upgrade(engine)
        with db.session_factory(engine)() as session:
            found = review.figures(session, config, period, services.utcnow())
    finally:
        engine.dispose()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in ((docs.filename(period.key, "docx"), docs.to_docx(found, config)),
                          (docs.filename(period.key, "csv"), docs.to_csv(found))):
        (out / name).write_bytes(content)
        print(out / name)
    return 0


def _run_http(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from bot.runtime.compose import build_bot

    if settings.slack_signing_secret is None:
        raise SettingsError("invalid settings:\n  SLACK_SIGNING_SECRET: required in HTTP mode, to verify requests")
    bot = build_bot(settings)
    scheduler = bot.start_scheduler()
    log.info("crisisbot serving on http://%s:%d (POST /slack/events, GET /healthz)", host, port)
    try:
        uvicorn.run(bot.asgi(), host=host, port=port, log_level="info", access_log=False)
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _run_socket(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.runtime.compose import build_bot

    if settings.slack_app_token is None:
        raise SettingsError("invalid settings:\n  SLACK_APP_TOKEN: required for Socket Mode (an xapp- token)")
    bot = build_bot(settings)
    scheduler = bot.start_scheduler()
    try:
        SocketModeHandler(bot.app, settings.slack_app_token.get_secret_value()).start()
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _run_sandbox(settings: Settings, host: str, port: int) -> int:
    import threading

    from bot.runtime.compose import HttpServer, build_bot
    from sandbox.server import SandboxServer

    token = "xoxb-sandbox-" + secrets.token_hex(12)
    secret = secrets.token_hex(16)
    try:
        sandbox = SandboxServer(host, port, bot_token=token).start()
    except RuntimeError:
        print(f"crisisbot: cannot listen on {host}:{port} (is it taken?); choose another with "
              "`crisisbot sandbox --port N`, or 0 for any free port", file=sys.stderr)
        return 2
    bot_settings = settings.model_copy(update={
        "slack_bot_token": SecretStr(token),
        "slack_signing_secret": SecretStr(secret),
        "slack_api_url": sandbox.api_url,
    })
    bot = build_bot(bot_settings)
    try:
        server = HttpServer(bot.asgi(), host=host, port=port + 1 if port else 0).start()
    except RuntimeError:  # the port after the sandbox's is taken: any free one will do, it is printed below
        server = HttpServer(bot.asgi(), host=host, port=0).start()
    sandbox.configure_bot(server.url + "/slack/events", secret)
    scheduler = bot.start_scheduler()
    print(f"crisisbot sandbox workspace: {sandbox.base_url}  (Web API at {sandbox.api_url})")
    print(f"open {sandbox.ui_url} in a browser to use the bot as any member of the crisis team")
    print(f"the bot listens on {server.url}/slack/events; health at {server.url}/healthz")
    print("no Slack tokens were set, so this is the local sandbox. Stop with Ctrl-C.", flush=True)
    _open_browser(sandbox.ui_url)
    try:
        threading.Event().wait()
    finally:
        scheduler.shutdown(wait=False)
        server.stop()
        sandbox.stop()
    return 0


def _open_browser(url: str) -> None:
    """Open the sandbox page on a desktop; never on a headless server, where it could start a console browser."""
    import os
    import webbrowser

    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    desktop = sys.platform in ("darwin", "win32") or bool(display)
    if desktop and sys.stdout.isatty():
        webbrowser.open(url)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
