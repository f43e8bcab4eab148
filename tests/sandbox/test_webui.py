"""The browser page's API without a browser: what a person sees, unread marks, typed text, refusals, reset."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox.driver import Sandbox
from sandbox.transport import BotReply, Delivery


class Quiet:
    """A bot that acks everything with an empty 200."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []

    def send(self, delivery: Delivery) -> BotReply:
        self.deliveries.append(delivery)
        return BotReply(200)

    def close(self) -> None:
        pass


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox.start() as running:
        running.interactions.configure_bot(transport=Quiet())
        yield running


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.server.base_url) as client:
        yield client


def test_the_page_and_its_assets_are_served_with_a_strict_policy(http: httpx.Client) -> None:
    assert http.get("/").headers["location"] == "/ui/"
    page = http.get("/ui/")
    assert page.status_code == 200 and "/ui/static/app.js" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    script = http.get("/ui/static/app.js").text
    for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script  # the page builds DOM nodes only
    assert http.get("/ui/static/app.css").status_code == 200
    people = http.get("/sandbox/ui/bootstrap").json()["people"]
    exec_ = next(p for p in people if p["id"] == "U0000EXEC")
    assert exec_["display_name"] == "王建國" and "執行秘書" in exec_["title"]


def test_state_lists_member_channels_dms_and_unread_counts(sandbox: Sandbox, http: httpx.Client) -> None:
    client = sandbox.client()
    room = client.conversations_create(name="inc-2026-0001-fire", is_private=True)["channel"]["id"]
    client.conversations_invite(channel=room, users="U0000INS1")
    client.chat_postMessage(channel=room, text="one")
    client.chat_postMessage(channel=room, text="<@U0000INS1> two")
    state = http.get("/sandbox/ui/state", params={"as": "U0000INS1"}).json()
    [general, war_room] = state["channels"]
    assert general["is_general"] and war_room["id"] == room and war_room["kind"] == "private"
    assert (war_room["unread"], war_room["mention"]) == (2, True)
    assert state["dms"] == [] and state["bot_dm"] is None and state["modal"] is None
    # someone not invited does not see the private room, nor its messages
    assert [c["id"] for c in http.get("/sandbox/ui/state", params={"as": "U0000INS2"}).json()["channels"]] == [
        "C0GENERAL"]
    hidden = http.get("/sandbox/ui/conversation", params={"as": "U0000INS2", "channel": room}).json()
    # (the version may move on meanwhile: the invite's event is delivered on a background thread)
    assert set(hidden) == {"version", "gone"} and hidden["gone"] == "not_in_channel"
    assert http.post("/sandbox/ui/read", json={"as": "U0000INS1", "channel": room}).json()["ok"]
    state = http.get("/sandbox/ui/state", params={"as": "U0000INS1"}).json()
    assert state["channels"][1]["unread"] == 0
    dm = http.post("/sandbox/ui/dm", json={"as": "U0000INS1"}).json()["channel"]
    assert http.get("/sandbox/ui/state", params={"as": "U0000INS1"}).json()["bot_dm"] == dm


def test_conversation_shows_the_persons_own_ephemerals_only(sandbox: Sandbox, http: httpx.Client) -> None:
    client = sandbox.client()
    client.chat_postEphemeral(channel="C0GENERAL", user="U0000INS1", text="only for you")
    mine = http.get("/sandbox/ui/conversation", params={"as": "U0000INS1", "channel": "C0GENERAL"}).json()
    theirs = http.get("/sandbox/ui/conversation", params={"as": "U0000INS2", "channel": "C0GENERAL"}).json()
    assert [m["text"] for m in mine["messages"]] == ["only for you"] and mine["messages"][0]["is_ephemeral"]
    assert theirs["messages"] == []


def test_typed_text_commands_and_refusals(sandbox: Sandbox, http: httpx.Client) -> None:
    said = http.post("/sandbox/ui/message", json={"as": "U0000INS1", "channel": "C0GENERAL",
                                                  "text": "<!channel> & @wang.chienkuo @王建國 @nobody"})
    assert said.json()["ok"]
    stored = sandbox.channel("general").messages()[-1].text
    assert stored == "&lt;!channel&gt; &amp; <@U0000EXEC> <@U0000EXEC> @nobody"
    ran = http.post("/sandbox/ui/command", json={"as": "U0000INS1", "channel": "C0GENERAL", "text": "/crisis help"})
    assert ran.json()["ok"]
    quiet = sandbox.interactions.transport
    slash = [d.payload for d in quiet.deliveries if d.kind == "slash_commands"]
    assert slash[-1]["command"] == "/crisis" and slash[-1]["text"] == "help" and slash[-1]["user_id"] == "U0000INS1"
    http.post("/sandbox/ui/command", json={"as": "U0000EXEC", "channel": "C0GENERAL",
                                           "text": "/crisis handover legal @王建國 <x>"})
    slash = [d.payload for d in quiet.deliveries if d.kind == "slash_commands"]
    assert slash[-1]["text"] == "handover legal <@U0000EXEC> &lt;x&gt;"  # escaped as Slack does (should_escape)
    refusals = [
        http.post("/sandbox/ui/command", json={"as": "U0000INS1", "channel": "C0GENERAL", "text": "crisis"}),
        http.post("/sandbox/ui/message", json={"as": "U0000BOT0", "channel": "C0GENERAL", "text": "x"}),
        http.post("/sandbox/ui/submit", json={"as": "U0000INS1", "view_id": "V404", "values": {}}),
        http.post("/sandbox/ui/reset", content=b'{}', headers={"Content-Type": "text/plain"}),
        http.post("/sandbox/ui/reset", json={}, headers={"Origin": "http://evil.example"}),
        http.post("/sandbox/ui/reset", json={}, headers={"Host": "rebound.example:80"}),
    ]
    assert [r.status_code for r in refusals] == [400, 404, 404, 415, 403, 403]


def test_reset_keeps_people_and_an_empty_general(sandbox: Sandbox, http: httpx.Client) -> None:
    client = sandbox.client()
    client.conversations_create(name="inc-2026-0002-x")
    client.chat_postMessage(channel="C0GENERAL", text="hello")
    sandbox.as_user("U0000INS1").dm()
    version = sandbox.workspace.version
    assert http.post("/sandbox/ui/reset", json={}).json()["ok"]
    ws = sandbox.workspace
    assert list(ws.channels) == ["C0GENERAL"] and ws.channels["C0GENERAL"].messages == {}
    assert "U0000INS1" in ws.channels["C0GENERAL"].members and "U0000CMDR" in ws.users
    assert ws.version > version  # open pages are told
    # a page still showing a deleted channel (or thread) is told it is gone, not answered with an error status
    gone = http.get("/sandbox/ui/conversation", params={"as": "U0000INS1", "channel": "C404"})
    assert gone.status_code == 200 and gone.json()["gone"] == "channel_not_found"
    thread = http.get("/sandbox/ui/conversation", params={"as": "U0000INS1", "channel": "C0GENERAL", "thread": "1.2"})
    assert thread.status_code == 200 and thread.json()["gone"] == "thread_not_found"
    assert http.post("/sandbox/ui/read", json={"as": "U0000INS1", "channel": "C404"}).json() == {
        "ok": True, "gone": "channel_not_found"}


def test_events_stream_says_when_the_workspace_changes(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.server.base_url, timeout=5) as client:
        with client.stream("GET", "/sandbox/ui/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            assert next(lines) == "retry: 1000"
            assert next(lines) == "event: change"
            first = next(lines)
            sandbox.client().chat_postMessage(channel="C0GENERAL", text="wake up")
            seen = [next(lines) for _ in range(4)]
    assert "event: change" in seen
    versions = [int(line.split('"version": ')[1].rstrip("}")) for line in [first, *seen] if line.startswith("data:")]
    assert versions[-1] > versions[0]
