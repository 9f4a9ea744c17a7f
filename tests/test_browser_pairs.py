import pytest

from tests.conftest import screenshot, wait_for_charts, wait_until_idle, wait_until_still

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_choose_a_pair_and_see_both_villages(app_url, page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Enter through the front page and the menu, as a user does: this also checks the page is
    # registered in the menu.
    page.goto(app_url + "/", wait_until="domcontentloaded")
    page.locator('[data-testid="stSidebarNavLink"]', has_text="结对比较").click()
    page.get_by_role("heading", name="结对比较").wait_for(timeout=60_000)
    page.locator(".gtitle", has_text="各结对差距与帮带村达标预计").wait_for()
    page.locator(".gtitle", has_text="各星差距走势").wait_for()  # the chosen pair's charts too
    # Open the pair picker and choose 赵家村 → 乙村.
    # A rerun still finishing after the menu's navigation closes a picker opened meanwhile:
    # wait until the app is idle, and open it again if it was closed under us.
    wait_until_idle(page)
    picker = page.locator('[data-testid="stSelectbox"]', has_text="结对（导师村 → 帮带村）")
    option = page.get_by_role("option", name="赵家村 → 乙村（2022年第三季度起）")
    for _ in range(3):
        picker.click()
        try:
            option.wait_for(timeout=5_000)
            break
        except Exception:  # closed by a late rerun: try again
            continue
    option.click()
    radar = page.locator('[data-testid="stPlotlyChart"]', has_text="五星得分对比").first
    radar.locator(".gtitle", has_text="赵家村 与 乙村").wait_for(timeout=60_000)
    legend = radar.locator(".legendtext").all_text_contents()
    assert "赵家村（导师村）" in legend and "乙村（帮带村）" in legend
    assert "pair=" in page.url
    wait_for_charts(page, 4)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("示例数据", exact=False).first.is_visible()
    wait_until_still(page)
    screenshot(page, "pairs")
    radar.screenshot(path=str(screenshot(page, "pairs").with_name("pairs_radar.png")))
    assert not errors


TREND_FILL = {"缩小": "rgb(30, 132, 73)", "扩大": "rgb(192, 57, 43)", "稳定": "rgb(93, 109, 126)"}


def test_the_first_screen_shows_every_pair_with_its_trend_and_outlook(app_url, browser):
    from wuxing.metrics import pairs
    from wuxing.samples import sample

    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto(app_url + "/pairs", wait_until="domcontentloaded")
        board = page.locator('[data-testid="stPlotlyChart"]', has_text="各结对差距与帮带村达标预计")
        board.locator(".gtitle").wait_for()
        wait_until_still(page)
        ds = sample.build()
        period = ds.periods()[-1]
        area = ds.villages["city"].iloc[0] + "/" + ds.villages["county"].iloc[0] + "/马庄桥镇"
        expected = pairs.pair_board(ds, area, period, 85.0)
        assert len(expected) == 4
        # Every pair's name on the y axis, within the first screen, no scrolling.
        ticks = board.locator(".ytick text")
        names = [
            f"{a} → {b}"
            for a, b in zip(expected["mentor_name"], expected["mentee_name"], strict=True)
        ]
        shown = sorted(
            (
                (box["y"], box["y"] + box["height"], text)
                for box, text in (
                    (ticks.nth(i).bounding_box(), ticks.nth(i).text_content())
                    for i in range(ticks.count())
                )
            )
        )
        # The board's order, top to bottom (each name on two lines: mentor →, mentee).
        assert [text.replace(" ", "") for _, _, text in shown] == [
            n.replace(" ", "") for n in names
        ]
        assert all(bottom <= 900 for _, bottom, _ in shown)
        # The current gap's marker in the trend colour (the third trace: line, at pairing, now).
        points = board.locator(".scatterlayer .trace").nth(2).locator(".points path")
        assert points.count() == 4
        for i, trend in enumerate(expected["trend_since"]):
            fill = points.nth(i).evaluate("p => getComputedStyle(p).fill")
            assert fill == TREND_FILL[trend], (names[i], trend, fill)
            box = points.nth(i).bounding_box()
            assert box["y"] + box["height"] <= 900
        # The trend in words and the mentee's outlook beside every pair, also on the first screen.
        notes = board.locator(".textpoint", has_text="较结对时")
        assert notes.count() == 4
        for i, (trend, outlook) in enumerate(
            zip(expected["trend_since"], expected["outlook"], strict=True)
        ):
            text = notes.nth(i).text_content()
            assert (
                f"结对以来差距{trend}" in text and outlook.split("；")[0].split("：")[0] in text
            ), text
            box = notes.nth(i).bounding_box()
            assert box["y"] + box["height"] <= 900, text
        assert page.get_by_text("示例数据", exact=False).first.is_visible()
        screenshot(page, "pairs_first_screen")
        # A click on a pair's point opens its detail below.
        target = list(expected["mentee_name"]).index("丁村")
        box = points.nth(target).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        radar = page.locator('[data-testid="stPlotlyChart"]', has_text="五星得分对比")
        radar.locator(".gtitle", has_text="南永固村 与 丁村").wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
