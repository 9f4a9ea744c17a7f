import pandas as pd
import pytest

from tests import hostile
from tests.accounts import PASSWORD, add_accounts
from tests.conftest import screenshot, serve
from wuxing.dataset import Dataset
from wuxing.reading import template
from wuxing.samples import sample
from wuxing.storage.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def township_url(tmp_path_factory):
    """The dashboard on a store holding the sample, with an editor account."""
    tmp = tmp_path_factory.mktemp("upload")
    url = f"sqlite:///{tmp / 'upload.sqlite'}"
    store = open_store(url)
    sample.seed(store)
    add_accounts(store, 小王="editor")
    ds = store.load()
    store.dispose()
    codes = dict(zip(ds.villages["name"], ds.villages["code"], strict=True))
    ledger = Dataset.of(
        villages=ds.villages,
        values=pd.DataFrame(
            {
                "code": [codes["赵家村"]],
                "period": "2024Q1",
                "indicator": "volunteers",
                "value": [321.0],
            }
        ),
    )
    (tmp / "2024一季度台账.xlsx").write_bytes(template.write_workbook(ledger))
    (tmp / "坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    (tmp / "远角单元格.xlsx").write_bytes(hostile.far_corner())
    env = {"WUXING_DB": url, "WUXING_HOME": str(tmp / "home"), "WUXING_PUBLIC_VIEW": "0"}
    with serve(env, tmp) as base:
        yield base, tmp, url


def sign_in_and_open_upload(page, base: str) -> None:
    page.goto(base + "/", wait_until="domcontentloaded")
    page.get_by_role("heading", name="登录").wait_for(timeout=60_000)
    page.get_by_label("用户名").fill("小王")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="总览").wait_for(timeout=60_000)
    page.locator('[data-testid="stSidebarNavLink"]', has_text="数据上传").click()
    page.get_by_role("heading", name="数据上传").wait_for(timeout=60_000)


_LINE = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def test_an_editor_uploads_a_ledger_through_the_file_chooser(township_url, page):
    base, files, url = township_url
    sign_in_and_open_upload(page, base)
    # Streamlit's own words on the uploader ("Upload", "20MB per file • …") show in Chinese.
    shown = """e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"""
    button = page.locator('[data-testid="stFileUploaderDropzone"] button p')
    assert button.evaluate(shown) == ["0px", '"选择文件"']
    line = page.locator(_LINE)
    size, words = line.evaluate(shown)
    assert size == "0px" and "单个文件不超过 20 MB" in words
    # On a phone the line wraps rather than ending before the formats.
    desk = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    uncut = "e => e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().right <= 390"
    page.wait_for_function(f"() => ({uncut})(document.querySelector({_LINE!r}))")
    page.set_viewport_size(desk)

    chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    chooser.set_input_files(str(files / "坏文件.xlsx"))
    page.get_by_text("文件未导入", exact=False).wait_for(timeout=60_000)
    page.locator('[data-testid="stDataFrame"]').wait_for(timeout=60_000)
    screenshot(page, "upload_bad_file")
    assert page.get_by_role("button", name="确认保存").count() == 0

    page.get_by_role("button", name="Remove 坏文件.xlsx").click()
    # Choose the next file only once the app has rerun without the first one; a file chosen
    # while that rerun redraws the uploader can be lost.
    page.get_by_text("请选择要上传的台账文件", exact=False).wait_for()
    chooser.set_input_files(str(files / "2024一季度台账.xlsx"))
    page.get_by_text("检查通过", exact=False).wait_for(timeout=60_000)
    page.get_by_text("将要发生的变化").wait_for()
    screenshot(page, "upload_preview")
    page.get_by_role("button", name="确认保存").click()
    page.get_by_text("已保存为第 2 版", exact=False).wait_for(timeout=60_000)
    screenshot(page, "upload_stored")

    store = open_store(url)
    try:
        (latest, first) = store.history()
        assert latest.user == "小王" and latest.filename == "2024一季度台账.xlsx"
        stored = store.load().values
        assert stored.loc[stored["period"] == "2024Q1", "value"].tolist() == [321.0]
    finally:
        store.dispose()


def test_a_far_out_cell_is_refused_while_another_session_keeps_working(township_url, page, browser):
    base, files, _ = township_url
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    other.set_default_timeout(60_000)
    colleague = other.new_page()
    sign_in_and_open_upload(colleague, base)
    sign_in_and_open_upload(page, base)

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(files / "远角单元格.xlsx")
    )
    page.get_by_text("文件未导入", exact=False).wait_for(timeout=60_000)
    # The problem table names the far cell (its cells are in the grid's accessible copy).
    page.locator('[role="gridcell"]', has_text="XFD1048576").first.wait_for(state="attached")
    assert page.get_by_role("button", name="确认保存").count() == 0

    # The colleague's session on the same server is still alive: it reruns and draws a chart.
    colleague.locator('[data-testid="stSidebarNavLink"]', has_text="总览").click()
    colleague.locator('[data-testid="stPlotlyChart"] .gtitle').first.wait_for(timeout=60_000)
    other.close()


def test_a_file_over_the_limit_says_why_in_chinese_on_hover(township_url, page):
    base, _, _ = township_url
    sign_in_and_open_upload(page, base)
    # The sidebar's fixed styles, which arrive a moment after the page's text.
    styles = "[...document.querySelectorAll('style')].map(s => s.textContent).join()"
    page.wait_for_function(f"() => {styles}.includes('stMetricLabel')")
    chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    big = {"name": "大文件.csv", "mimeType": "text/csv", "buffer": b"x\n" + b"1" * (21 << 20)}
    chooser.set_input_files(files=[big])
    chip = page.locator('[data-testid="stFileChip"][aria-invalid="true"]')
    chip.hover()
    reason = page.locator('[data-testid="stTooltipErrorContent"]')
    reason.wait_for()
    # Streamlit's reason is "File must be 20.0MB or smaller."; ours is drawn in its place.
    shown = "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
    assert reason.evaluate(shown) == ["0px", '"这个文件不会上传：超过大小上限，或不是所列格式"']
    screenshot(page, "upload_too_big")
