"""The page itself: Block Kit and mrkdwn rendering, escaping, every modal input, live updates, unread marks, reset.

A scripted transport stands in for the bot (no database), so these exercise the sandbox page alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from playwright.sync_api import expect

from sandbox.driver import Sandbox
from sandbox.transport import BotReply, Delivery
from tests.e2e_browser.conftest import shoot
from tests.e2e_browser.ui import SandboxPage

TAIPEI = timezone(timedelta(hours=8))  # the browser context runs in Asia/Taipei


class ScriptedBot:
    """A Transport answering with a function; records what it got."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.answer: Callable[[Delivery], BotReply] = lambda d: BotReply(200)

    def send(self, delivery: Delivery) -> BotReply:
        self.deliveries.append(delivery)
        return self.answer(delivery)

    def close(self) -> None:
        pass

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [d.payload for d in self.deliveries if d.payload.get("type") == kind]


def reply(body: dict[str, Any]) -> BotReply:
    return BotReply(200, json.dumps(body).encode(), "application/json")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox.start() as running:
        yield running


@pytest.fixture
def scripted(sandbox: Sandbox) -> ScriptedBot:
    bot = ScriptedBot()
    sandbox.interactions.configure_bot(transport=bot)
    return bot


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


EVERY_BLOCK = [
    {"type": "header", "text": plain("演練通知 Drill")},
    {"type": "section", "text": {"type": "mrkdwn", "text": "*粗體 bold* _斜體 italic_ ~刪除 strike~ `code` "
                                                         "<https://example.gov.tw/a?b=1&amp;c=2|官網 site> "
                                                         "<@U0000CMDR> <#C0GENERAL> <!here> "
                                                         "1 &lt; 2 &amp;&amp; 3 &gt; 2"},
     "fields": [{"type": "mrkdwn", "text": "*等級*\n高度"}, {"type": "plain_text", "text": "<b>not bold</b>"}],
     "accessory": {"type": "button", "action_id": "acc", "text": plain("Accessory"), "value": "v1"}},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "context _note_"}, plain("plain <i>x</i>")]},
    {"type": "divider"},
    {"type": "section", "text": {"type": "mrkdwn", "text": "• 第一項\n• second\n```<script>alert(1)</script>```\n"
                                                         "&gt; quoted <javascript:alert(1)|bad link>"}},
    {"type": "actions", "elements": [
        {"type": "button", "action_id": "go", "text": plain("Go"), "style": "primary", "value": "go"},
        {"type": "button", "action_id": "stop", "text": plain("Stop"), "style": "danger"},
        {"type": "static_select", "action_id": "pick", "placeholder": plain("Pick"),
         "options": [{"text": plain("One"), "value": "one"}, {"text": plain("Two"), "value": "two"}]},
    ]},
    {"type": "image", "image_url": "https://example.gov.tw/tracker.png", "alt_text": "外部圖片"},
    {"type": "rich_text", "elements": [
        {"type": "rich_text_section", "elements": [
            {"type": "text", "text": "rich ", "style": {"bold": True}},
            {"type": "user", "user_id": "U0000EXEC"},
            {"type": "link", "url": "https://example.gov.tw", "text": "link"}]},
        {"type": "rich_text_list", "style": "ordered", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "step one"}]},
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "<img src=x onerror=alert(1)>"}]}]},
    ]},
]


def test_block_kit_and_mrkdwn_render_as_dom_never_as_html(sandbox: Sandbox, scripted: ScriptedBot, page) -> None:
    sandbox.client().chat_postMessage(channel="C0GENERAL", text="fallback", blocks=EVERY_BLOCK)
    ui = SandboxPage(page, sandbox.server.base_url).open("U0000CMDR")
    message = ui.message("演練通知")
    assert message.locator(".block-header").inner_text() == "演練通知 Drill"
    section = message.locator("[data-block-type='section']").first
    assert section.locator("b").first.inner_text() == "粗體 bold"
    assert section.locator("i").first.inner_text() == "斜體 italic"
    assert section.locator("s").first.inner_text() == "刪除 strike"
    assert section.locator("code").first.inner_text() == "code"
    link = section.locator("a[href^='https://']")
    assert link.inner_text() == "官網 site" and link.get_attribute("href") == "https://example.gov.tw/a?b=1&c=2"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    assert section.locator(".mention.me").inner_text() == "@林志明"  # a mention of the viewer is highlighted
    assert section.locator(".channel-link").inner_text() == "#general"
    assert "@here" in section.inner_text() and "1 < 2 && 3 > 2" in section.inner_text()
    assert "<b>not bold</b>" in section.locator(".fields").inner_text()
    assert section.locator(".fields b").first.inner_text() == "等級"
    assert "plain <i>x</i>" in message.locator(".block-context").inner_text()
    assert message.locator("hr.block-divider").count() == 1
    lists = message.locator("[data-block-type='section']").nth(1)
    assert lists.locator("li").all_inner_texts() == ["第一項", "second"]
    assert lists.locator("pre").inner_text() == "<script>alert(1)</script>"
    assert lists.locator("blockquote").inner_text().startswith("quoted bad link")
    assert lists.locator("a").count() == 0  # javascript: is not a link
    assert message.locator(".btn.primary").inner_text() == "Go" and message.locator(".btn.danger").count() == 1
    assert message.locator(".image-missing").inner_text().endswith("外部圖片")  # no request leaves loopback
    rich = message.locator(".rich")
    assert rich.locator("b").first.inner_text() == "rich " and "@王建國" in rich.inner_text()
    assert rich.locator("ol li").all_inner_texts() == ["step one", "<img src=x onerror=alert(1)>"]
    assert page.locator("#messages script, #messages img[src='x']").count() == 0
    shoot(page, "block-kit")

    # a click and a pick reach the bot as block_actions with the message as the container
    message.locator("[data-action-id='go']").click()
    ui.settle()
    message.locator("[data-action-id='pick']").select_option("two")
    ui.settle()
    go, pick = scripted.of("block_actions")
    assert go["actions"][0]["action_id"] == "go" and go["actions"][0]["value"] == "go"
    assert go["container"]["type"] == "message" and go["user"]["id"] == "U0000CMDR"
    assert pick["actions"][0]["selected_option"]["value"] == "two"


def every_input() -> dict[str, Any]:
    def block(block_id: str, element: dict[str, Any], optional: bool = True) -> dict[str, Any]:
        return {"type": "input", "block_id": block_id, "label": plain(block_id), "optional": optional,
                "element": {"action_id": block_id, **element}}

    options = [{"text": plain(f"選項 {n}"), "value": f"o{n}"} for n in (1, 2, 3)]
    return {
        "type": "modal", "callback_id": "everything", "title": plain("每種輸入 Inputs"),
        "submit": plain("送出"), "close": plain("取消"), "notify_on_close": True,
        "blocks": [
            block("line", {"type": "plain_text_input"}, optional=False),
            block("text", {"type": "plain_text_input", "multiline": True}),
            block("grouped", {"type": "static_select", "option_groups": [
                {"label": plain("甲"), "options": options[:2]}, {"label": plain("乙"), "options": options[2:]}]}),
            block("person", {"type": "users_select"}),
            block("people", {"type": "multi_users_select"}),
            block("many", {"type": "multi_static_select", "options": options}),
            block("radio", {"type": "radio_buttons", "options": options}),
            block("boxes", {"type": "checkboxes", "options": options}),
            block("date", {"type": "datepicker"}),
            block("time", {"type": "timepicker"}),
            block("when", {"type": "datetimepicker"}),
        ],
    }


def test_every_input_element_errors_push_update_and_close(sandbox: Sandbox, scripted: ScriptedBot, page) -> None:
    answers = iter([
        reply({"response_action": "errors", "errors": {"line": "必填 required"}}),
        reply({"response_action": "push", "view": {"type": "modal", "title": plain("第二層 Pushed"),
                                                   "close": plain("返回"),
                                                   "blocks": [{"type": "section", "text": plain("pushed")}]}}),
    ])

    def answer(delivery: Delivery) -> BotReply:
        if delivery.kind == "slash_commands":
            trigger = delivery.payload["trigger_id"]
            sandbox.client().views_open(trigger_id=trigger, view=every_input())
            return BotReply(200)
        if delivery.payload.get("type") == "view_submission":
            return next(answers)
        return BotReply(200)

    scripted.answer = answer
    ui = SandboxPage(page, sandbox.server.base_url).open("U0000INS1")
    ui.type("/crisis everything")
    ui.modal("everything")
    ui.fill("text", "第一行\n第二行")
    ui.pick("grouped", "o3")
    ui.pick("person", "U0000EXEC")
    ui.pick("people", ["U0000CMDR", "U0000CMDD"])
    ui.pick("many", ["o1", "o2"])
    ui.choose("radio", "o2")
    ui.field("boxes").locator("input[value='o1']").check()
    ui.field("boxes").locator("input[value='o3']").check()
    ui.field("date").locator("input").fill("2026-12-01")
    ui.field("time").locator("input").fill("14:30")
    ui.field("when").locator("input[type='date']").fill("2026-12-02")
    ui.field("when").locator("input[type='time']").fill("08:15")
    ui.submit()
    error = ui.field("line").locator(".input-error")
    error.wait_for()
    assert error.inner_text() == "必填 required"
    assert ui.field("text").locator("textarea").input_value() == "第一行\n第二行"  # kept across the re-render
    shoot(page, "modal-every-input")

    values = scripted.of("view_submission")[0]["view"]["state"]["values"]
    assert values["line"]["line"]["value"] is None
    assert values["text"]["text"]["value"] == "第一行\n第二行"
    assert values["grouped"]["grouped"]["selected_option"]["value"] == "o3"
    assert values["person"]["person"]["selected_user"] == "U0000EXEC"
    assert values["people"]["people"]["selected_users"] == ["U0000CMDR", "U0000CMDD"]
    assert [o["value"] for o in values["many"]["many"]["selected_options"]] == ["o1", "o2"]
    assert values["radio"]["radio"]["selected_option"]["value"] == "o2"
    assert [o["value"] for o in values["boxes"]["boxes"]["selected_options"]] == ["o1", "o3"]
    assert values["date"]["date"]["selected_date"] == "2026-12-01"
    assert values["time"]["time"]["selected_time"] == "14:30"
    assert values["when"]["when"]["selected_date_time"] == int(datetime(2026, 12, 2, 8, 15, tzinfo=TAIPEI).timestamp())

    ui.fill("line", "一行")
    ui.submit()
    pushed = page.locator("#modal-layer .modal", has_text="第二層 Pushed")
    pushed.wait_for()
    assert "2/3" in pushed.inner_text()
    ui.page.locator("#modal-layer .modal-close").click()  # back to the first view
    ui.settle()
    ui.modal("everything")
    # views.update from the bot replaces the view in place
    view_id = sandbox.workspace.top_modal("U0000INS1").id
    sandbox.client().views_update(view_id=view_id, view={**every_input(), "title": plain("已更新 Updated")})
    page.locator("#modal-layer .modal-title", has_text="已更新 Updated").wait_for()
    ui.close_modal()
    closed = scripted.of("view_closed")
    assert closed and closed[-1]["view"]["callback_id"] == "everything"


def test_live_updates_unread_marks_threads_and_reset(sandbox: Sandbox, scripted: ScriptedBot, page) -> None:
    ui = SandboxPage(page, sandbox.server.base_url).open("U0000INS1")
    page.locator("#live.on").wait_for()
    # another person posts: it appears without a reload
    sandbox.as_user("U0000INS2").say("general", "有人在嗎？ &lt;b&gt;hi&lt;/b&gt;")
    assert ui.message("有人在嗎").locator(".text").inner_text() == "有人在嗎？ <b>hi</b>"
    # typed text is escaped as Slack's client does, and @name becomes a mention the bot hears
    ui.type("<i>不是斜體</i> @crisisbot 你好")
    typed = ui.message("你好")
    assert "<i>不是斜體</i>" in typed.inner_text() and typed.locator(".mention").inner_text() == "@crisisbot"
    stored = sandbox.channel("general").messages()[-1].text
    assert stored == "&lt;i&gt;不是斜體&lt;/i&gt; <@U0000BOT0> 你好"
    assert any(d.payload["event"]["type"] == "app_mention" for d in scripted.deliveries if d.kind == "events_api")
    # a new channel with unread messages gets a badge until it is opened
    client = sandbox.client()
    room = client.conversations_create(name="inc-2026-0009-test")["channel"]["id"]
    client.conversations_invite(channel=room, users="U0000INS1")
    client.chat_postMessage(channel=room, text="第一則 first")
    posted = client.chat_postMessage(channel=room, text="第二則 second")
    badge = page.locator(f".sidebar a[data-channel='{room}'] .badge")
    # the badge appears with the first message and counts on as the second arrives: wait for the count
    expect(badge).to_have_text("2")
    ui.open_channel("inc-2026-0009-test")
    badge.wait_for(state="detached")
    # a thread: the reply count, the thread pane and a reply typed in it
    client.chat_postMessage(channel=room, text="串內回覆 in thread", thread_ts=posted["ts"])
    ui.message("第二則").locator(".replies-link:not(.reply-start)").click()
    page.locator("#thread-messages .message", has_text="串內回覆").wait_for()
    page.locator("#thread-input").fill("收到 got it")
    page.locator("#thread-input").press("Enter")
    ui.settle()
    page.locator("#thread-messages .message", has_text="收到 got it").wait_for()
    assert sandbox.workspace.replies(sandbox.workspace.channels[room], posted["ts"])[-1]["user"] == "U0000INS1"
    # reset: everything but #general goes, and #general is empty
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#reset").click()
    ui.settle()
    page.locator(f".sidebar a[data-channel='{room}']").wait_for(state="detached")
    page.locator("#messages .empty").wait_for()
    assert list(sandbox.workspace.channels) == ["C0GENERAL"]


def test_a_channel_link_shows_the_name_once_the_person_is_invited(sandbox: Sandbox, scripted: ScriptedBot,
                                                                  page) -> None:
    ui = SandboxPage(page, sandbox.server.base_url).open("U0000INS1")
    client = sandbox.client()
    room = client.conversations_create(name="inc-2026-0010-smoke", is_private=True)["channel"]["id"]
    dm = client.conversations_open(users="U0000INS1")["channel"]["id"]
    client.chat_postMessage(channel=dm, text=f"戰情室 war room: <#{room}>")
    ui.open_bot_dm()
    link = ui.message("戰情室").locator(".channel-link")
    expect(link).to_have_text(f"#{room}")  # a private channel the person is not in: its id only
    client.conversations_invite(channel=room, users="U0000INS1")
    expect(link).to_have_text("#inc-2026-0010-smoke")  # live, without a reload
    link.click()
    page.wait_for_selector("#channel-title:has-text('inc-2026-0010-smoke')")


def test_a_click_while_the_page_is_reading_wins_over_the_older_answer(sandbox: Sandbox, scripted: ScriptedBot,
                                                                      page) -> None:
    ui = SandboxPage(page, sandbox.server.base_url).open("U0000INS1")
    held: list[tuple[Any, Any]] = []
    holding = [True]

    def slow_network(route: Any) -> None:
        # Answered now, delivered later: the answer predates the click below.
        if holding[0]:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    page.route("**/sandbox/ui/state?*", slow_network)
    sandbox.client().chat_postMessage(channel="C0GENERAL", text="新訊息 a new message")  # the page reads its state
    for _ in range(300):
        if held:
            break
        page.wait_for_timeout(50)  # lets Playwright run the route handler
    assert held, "the page did not read its state after the message"
    holding[0] = False
    ui.sidebar("crisisbot").click()  # the bot DM does not exist yet: the click opens it
    page.wait_for_function("() => (location.hash.split('/')[2] || '').startsWith('D')")
    route, answer = held[0]
    route.fulfill(response=answer)  # the state read before the DM existed

    expect(page.locator("#channel-title")).to_contain_text("crisisbot")
    assert page.evaluate("location.hash.split('/')[2]").startswith("D")


def test_phone_width_collapses_the_channel_list(sandbox: Sandbox, scripted: ScriptedBot, phone) -> None:
    ui = SandboxPage(phone, sandbox.server.base_url).open("U0000EXEC")
    sidebar = phone.locator("#sidebar")
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # off screen
    phone.locator("#menu-toggle").click()
    assert sidebar.bounding_box()["x"] >= 0
    ui.sidebar("general").click()
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0


def test_the_page_api_refuses_cross_site_posts(sandbox: Sandbox) -> None:
    import httpx

    base = sandbox.server.base_url
    form = httpx.post(f"{base}/sandbox/ui/reset", data={"x": "1"})
    foreign = httpx.post(f"{base}/sandbox/ui/reset", json={}, headers={"Origin": "https://evil.example"})
    assert (form.status_code, foreign.status_code) == (415, 403)
    assert httpx.post(f"{base}/sandbox/ui/command", json={"as": "U0000BOT0", "channel": "C0GENERAL",
                                                         "text": "/crisis"}).status_code == 404
    page = httpx.get(f"{base}/ui/")
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_the_page_works_the_same_over_socket_mode(page) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from tests.sandbox.test_socket_mode import APP_TOKEN, bolt_app

    with Sandbox.start(app_token=APP_TOKEN, socket_mode=True) as sandbox:
        handler = SocketModeHandler(bolt_app(sandbox), APP_TOKEN)
        handler.connect()
        try:
            sandbox.server.socket_mode.wait_connected()
            ui = SandboxPage(page, sandbox.server.base_url).open("U0000INS1")
            ui.type("/crisis 你好")
            assert "Only visible to you" in ui.message("pong 你好").inner_text()
            ui.type("/crisis form")
            ui.modal("form")
            ui.submit()
            assert ui.field("title").locator(".input-error").inner_text() == "required"
            ui.fill("title", "火警")
            ui.submit()
            page.wait_for_selector("#modal-layer", state="hidden")
        finally:
            page.goto("about:blank")  # leave the page before its server stops
            handler.close()
