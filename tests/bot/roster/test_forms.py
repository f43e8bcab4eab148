"""`/crisis handover` text → a seat and a person, in English and the procedure's Chinese."""

from __future__ import annotations

import pytest

from bot.roster import forms


@pytest.mark.parametrize(("text", "seat"), [
    ("commander <@U0000AAAA>", ("commander", None, "primary")),
    ("執行秘書 <@U0000AAAA|王>", ("executive_secretary", None, "primary")),
    ("executive_secretary deputy <@U0000AAAA>", ("executive_secretary", None, "deputy")),
    ("<@U0000AAAA> 公關組 職務代理人", ("public_relations", None, "deputy")),
    ("head:inspection <@U0000AAAA|x y>", ("head", "inspection", "primary")),
    ("deputy：inspection <@U0000AAAA>", ("head", "inspection", "deputy")),
    ("策劃組 primary <@U0000AAAA>", ("planning", None, "primary")),
])
def test_handover_parsing(text, seat):
    target, user = forms.parse(text)
    assert (target.role, target.unit_id, target.seat) == seat and user == "U0000AAAA"


@pytest.mark.parametrize("text", ["", "commander", "<@U0000AAAA>", "mayor <@U0000AAAA>",
                                  "commander <@U0000AAAA> <@U0000BBBB>", "commander boss <@U0000AAAA>",
                                  "head: <@U0000AAAA>", "boss:inspection <@U0000AAAA>", "commander @wang"])
def test_handover_usage(text):
    with pytest.raises(forms.Usage):
        forms.parse(text)
