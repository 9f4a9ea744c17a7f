"""The meeting page's page turning: steps stop at the ends, auto-advance wraps round, and the
pace box appears only with 自动翻页 on."""

from streamlit.testing.v1 import AppTest

from tests.conftest import run_app


def _turns() -> None:
    import streamlit as st

    from wuxing.ui import slideshow

    seen = []
    for start, step, wrap in (("9", 1, False), ("9", 1, True), ("1", -1, False), ("3", 2, True)):
        st.session_state["slide"] = start
        slideshow.go(step, 9, wrap=wrap)
        seen.append(st.session_state["slide"])
    st.write(" ".join(seen))


def test_steps_stop_at_the_ends_and_auto_advance_wraps_round():
    at = AppTest.from_function(_turns).run()
    assert at.markdown[0].value == "9 1 1 5"


def test_the_pace_box_comes_with_auto_advance(default_home):
    at = run_app("pages/meeting.py", query={"period": "2023Q1"})
    assert not [box for box in at.selectbox if box.key == "pace"]
    at.toggle(key="auto").set_value(True).run()
    pace = at.selectbox(key="pace")
    assert pace.value == 20
    assert pace.options == ["10 秒", "20 秒", "30 秒", "60 秒"]
