"""会议模式 in AppTest: the slides step forward and back, the URL keeps the slide, the briefing
is there to copy and the deck button yields a real .pptx."""

import io

import docx
from pptx import Presentation

from tests.conftest import figures, run_app, title_of
from wuxing.meeting import deck

PAGE = "pages/meeting.py"


def _header(at) -> str:
    return at.header[0].value


def test_meeting_mode_advances_and_goes_back(default_home):
    at = run_app(PAGE, query={"period": "2023Q1"})
    assert not at.exception
    assert _header(at) == "马庄桥镇2023年第一季度主要指标"
    assert any(m.value == "**1 / 9**" for m in at.markdown)
    assert [m.value for m in at.metric][1] == "1,430 户"
    assert at.button(key="prev").disabled
    at.button(key="next").click().run()
    assert not at.exception
    assert _header(at) == "2022年度星级分布"  # 2023Q1: 2023's awards are decided at year end
    assert any(m.value == "**2 / 9**" for m in at.markdown)
    assert sum(figures(at)[0]["data"][0]["y"]) == 13
    assert at.query_params["slide"] == "2"
    at.button(key="next").click().run()
    assert _header(at) == "2022年度各星获评村数"
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()
    assert _header(at) == "马庄桥镇2023年第一季度主要指标"


def test_a_link_opens_its_slide_and_the_last_stops(default_home):
    at = run_app(PAGE, query={"period": "2023Q1", "slide": "9"})
    assert not at.exception
    assert _header(at) == "2023年创星目标：未达目标进度的村"
    assert at.button(key="next").disabled
    bad = run_app(PAGE, query={"period": "2023Q1", "slide": "99"})
    assert _header(bad) == "马庄桥镇2023年第一季度主要指标"
    assert any("无效" in w.value for w in bad.warning)


def test_presenting_shows_the_slide_alone(default_home):
    at = run_app(PAGE, query={"period": "2023Q1", "slide": "4"})
    assert not at.exception
    assert at.toggle(key="present").value
    assert not at.expander  # no 数据 box, no 通报 on the projected screen
    assert not at.get("download_button")
    heading = _header(at)
    assert "哪颗星未达标" in heading
    (fig,) = figures(at)
    assert not title_of(fig)  # one title per slide: the heading
    at.toggle(key="present").set_value(False).run()
    assert _header(at) == heading
    assert at.expander and at.get("download_button")


def test_briefing_and_deck_download(default_home, deferred):
    at = run_app(PAGE, query={"period": "2023Q1"})
    at.toggle(key="present").set_value(False).run()  # downloads sit below, when not presenting
    assert not at.exception
    assert not at.code  # written only when its box is opened
    at.session_state["briefing"] = True
    at.run()
    assert at.code[0].value.startswith("马庄桥镇2023年第一季度“五星”支部创建工作通报")
    button = next(b for b in at.get("download_button") if b.proto.label.startswith("下载会议材料"))
    assert button.proto.deferred_file_id  # built on click, not on every rerun
    data = deferred[button.proto.deferred_file_id]()
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) > 12
    assert deck.MIME.endswith("presentation")
    word = next(b for b in at.get("download_button") if b.proto.label == "下载季度通报（Word）")
    paragraphs = [
        p.text
        for p in docx.Document(io.BytesIO(deferred[word.proto.deferred_file_id]())).paragraphs
    ]
    assert paragraphs[0] == "马庄桥镇2023年第一季度“五星”支部创建工作通报"
    assert paragraphs[-2] == "马庄桥镇党委" and paragraphs[-1].endswith("日")
    assert at.code[0].value.rstrip().endswith(paragraphs[-1])  # the text is signed the same way
