"""The 结对帮带 slide: per pair in a township, per township in a county."""

from wuxing.charts import style
from wuxing.meeting import pair_slides
from wuxing.metrics import villages

AREA = "濮阳市/清丰县/马庄桥镇"


def test_pair_bars_colour_closing_green_and_say_it(sample_dataset):
    shown = pair_slides.pairs_slide(villages.scope(sample_dataset, AREA), AREA, "2023Q4")
    series = shown.chart.series[0]
    closing = [i for i, label in enumerate(series.labels) if label.endswith("（较上季度缩小）")]
    assert closing and all(series.point_colors[i] == style.PASS_COLOR for i in closing)
    assert "差距缩小 1 对（绿色）" in shown.note and "0 对" not in shown.note


def test_a_county_counts_pairs_per_township(county):
    area = villages.default_area(county.villages)
    period = county.periods()[-1]
    shown = pair_slides.pairs_slide(villages.scope(county, area), area, period)
    towns = villages.sort_by_pinyin(county.villages["town"].unique())
    assert "各乡镇差距变化" in shown.title
    assert list(shown.chart.categories) == [t for t in towns if t in set(shown.table["乡镇"])]
    assert sum(sum(v for v in s.values if v) for s in shown.chart.series) == len(county.pairs)
