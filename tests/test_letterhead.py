"""季度通报's letterhead: the title, 发文单位 and 日期 from the settings, or their defaults."""

from datetime import date

from wuxing.config import Settings
from wuxing.meeting import letterhead

AREA = "濮阳市/清丰县/马庄桥镇"


def test_letterhead_comes_from_settings_with_defaults():
    default = letterhead.letterhead(AREA, "2023Q4", Settings.from_env({}), date(2024, 1, 5))
    assert default == letterhead.Letterhead(
        "马庄桥镇2023年第四季度“五星”支部创建工作通报", "马庄桥镇党委", "2024年1月5日"
    )
    chosen = Settings.from_env(
        {
            "WUXING_BRIEFING_TITLE": "关于{地区}{季度}创星工作的通报",
            "WUXING_BRIEFING_ISSUER": "中共马庄桥镇委员会",
            "WUXING_BRIEFING_DATE": "2024年1月10日",
        }
    )
    head = letterhead.letterhead(AREA, "2023Q4", chosen, date(2024, 1, 5))
    assert head == letterhead.Letterhead(
        "关于马庄桥镇2023年第四季度创星工作的通报", "中共马庄桥镇委员会", "2024年1月10日"
    )


def test_the_title_names_the_area_and_the_quarter_in_the_template():
    assert letterhead.title(AREA, "2023Q1") == "马庄桥镇2023年第一季度“五星”支部创建工作通报"
    assert letterhead.title(AREA, "2023Q1", "{季度}{地区}情况") == "2023年第一季度马庄桥镇情况"
