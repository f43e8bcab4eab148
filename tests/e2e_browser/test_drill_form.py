"""The drill report form (附件二) filed in the browser by the drilled unit (issue 5's last flow).

The draw and the plan are set up through the Python driver; the filing is what the unit's member does on the page.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.blockkit import ids
from storage.models import Drill, DrillReport
from tests.e2e_browser.conftest import shoot
from tests.e2e_browser.ui import SandboxPage
from tests.stack import Stack

EXEC, PLAN = "U0000EXEC", "U0000PLAN"


def drawn_and_planned(stack: Stack) -> Drill:
    executive = stack.person(EXEC)
    assert executive.slash("/crisis", "drill draw").ok
    stack.drain()
    with stack.bot.services.sessions() as s:
        drill = s.scalars(sa.select(Drill)).one()
    planner = stack.person(PLAN)
    ask = planner.dm().wait_for_message(lambda m: ids.DRILL_PLAN_OPEN in str(m.blocks))
    planner.click(ask, ids.DRILL_PLAN_OPEN)
    modal = planner.wait_modal(ids.DRILL_PLAN_VIEW)
    modal.fill({ids.D_CATEGORY: drill.category, ids.D_SCENARIO: "模擬：颱風造成貨櫃場淹水",
                ids.D_WINDOW_START: stack.clock.now + timedelta(days=1),
                ids.D_WINDOW_END: stack.clock.now + timedelta(days=1, hours=2)})
    assert not modal.submit().errors
    stack.drain()
    stack.clock.advance(days=2)
    return drill


def test_the_drill_unit_files_the_annex_2_form_in_the_browser(sqlite_stack: Stack, page) -> None:
    stack = sqlite_stack
    drill = drawn_and_planned(stack)
    member = stack.bot.services.config.unit(drill.unit_id).members[0]
    head = stack.bot.services.config.unit(drill.unit_id).head
    # the head's DM has the "file drill report" button; a member opens the form from the /crisis command
    stack.person(head).dm().wait_for_message(lambda m: ids.DRILL_REPORT_OPEN in str(m.blocks))
    ui = SandboxPage(page, stack.sandbox.server.base_url).open(member)
    ui.type("/crisis drill report")
    form = ui.modal(ids.DRILL_REPORT_VIEW)
    assert "模擬：颱風造成貨櫃場淹水" in ui.field(ids.R_CASE).locator("textarea").input_value()
    assert ui.field(ids.R_ITEMS).locator(f"input[value='{drill.category}']").is_checked()
    ui.fill(ids.R_SUMMARY, "09:00 接獲模擬通報，09:05 主管研判為中度危機並通報執行秘書。")
    ui.fill(ids.R_FINDINGS, "通報時間符合規定")
    ui.fill(ids.R_IMPROVEMENTS, "加強夜間聯繫名冊")
    form.evaluate("node => node.scrollIntoView({block: 'start'})")
    shoot(page, "drill-report-form")
    ui.submit()
    ui.page.wait_for_selector(f"#modal-layer [data-callback-id='{ids.DRILL_REPORT_VIEW}']", state="detached")
    stack.drain()
    with stack.bot.services.sessions() as s:
        [report] = s.scalars(sa.select(DrillReport)).all()
    assert report.submitted_by == member and report.version == 1
    assert report.data["summary"].startswith("09:00 接獲模擬通報")
    sent = stack.person("U0000CMDR").dm().wait_for_message(lambda m: "演練報告表" in m.text)
    assert "加強夜間聯繫名冊" in sent.all_text()
