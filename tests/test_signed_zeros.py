"""No signed zeros anywhere (issue 18 §1.3): a change that rounds to zero is written unsigned
and is neither 进步 nor 退步, on every page, slide and in the 通报."""

import io
import json
import re

import pytest
from pptx import Presentation

from tests.builders import with_a_still_village
from tests.conftest import run_app
from wuxing.meeting import briefing, deck
from wuxing.metrics import ranking
from wuxing.samples import sample
from wuxing.ui import navigation

AREA = "濮阳市/清丰县/马庄桥镇"
#: -0.0, +0.0, −0, +0 % … : a sign in front of a zero that is not followed by more digits.
SIGNED_ZERO = re.compile(r"[-+−]0(?:\.0+)?(?![.\d])")
VIEWER_PAGES = [p.path for p in navigation.PAGES if p.role == "viewer"]


@pytest.fixture(scope="module")
def still():
    return with_a_still_village(sample.build())


def test_the_still_village_is_no_mover(still):
    ranked = ranking.ranking(still, ranking.TOTAL, "2023Q4")
    change = ranked.loc[ranked["village"] == "南永固村", "change"].iloc[0]
    assert -0.05 < change < 0  # -0.04: shown as 0.0
    up, down = ranking.movers(ranked, ranking.TOTAL, n=20)
    assert "南永固村" not in set(up["village"]) | set(down["village"])


def test_no_signed_zero_in_the_briefing(still):
    text = briefing.text(still, AREA, "2023Q4", 85)
    assert not SIGNED_ZERO.findall(text)
    assert "南永固村（" not in text.split("退步最多的村：")[-1].split("。")[0]


def _pptx_text(data: bytes) -> str:
    said = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                said.append(shape.text_frame.text)
            if shape.has_table:
                said += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(said)


def test_no_signed_zero_in_the_deck(still):
    assert not SIGNED_ZERO.findall(_pptx_text(deck.build(still, AREA, "2023Q4", 85)))


def _shown(at) -> str:
    said = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "code",
    ):
        said += [str(e.value) for e in getattr(at, kind)]
    said += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    said += [
        json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")
    ]
    return "\n".join(said)


@pytest.mark.parametrize("page", VIEWER_PAGES)
def test_no_signed_zero_on_any_page(page, named_store, still):
    named_store.commit(still, content=b"still", filename="still.xlsx", user="测试")
    at = run_app(page, query={"period": "2023Q4"})
    assert not at.exception
    shown = _shown(at)
    assert not SIGNED_ZERO.findall(shown), page
