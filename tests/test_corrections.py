import math

from tests import builders as b
from wuxing import catalog
from wuxing.config import Settings
from wuxing.metrics import corrections
from wuxing.reading.corrections import correction_file
from wuxing.reading.importer import parse_files

Q = "2023Q1"
NYG = "南永固村"


def test_a_correction_reads_back_as_exactly_the_values_typed_with_no_reminder():
    name, content = correction_file(b.CODE[NYG], NYG, Q, {"toilet_upgrades": 104.5}, "小王 改正")
    assert name == f"在线改正-{NYG}-{Q}.csv"
    result = parse_files([(name, content)], b.known_dataset(), Settings())
    assert result.ok and not result.problems
    values = result.data.values
    assert values[["code", "period", "indicator", "value"]].values.tolist() == [
        [b.CODE[NYG], Q, "toilet_upgrades", 104.5]
    ]


def test_the_table_shows_current_values_and_only_real_edits_count():
    table = corrections.editable_values(b.known_dataset(), b.CODE[NYG], Q)
    assert list(table.index) == [i.id for i in catalog.INDICATORS]
    assert table.loc["toilet_upgrades", corrections.CURRENT] == 100.0
    assert math.isnan(table.loc["mushroom_output", corrections.CURRENT])
    edited = table.copy()
    edited.loc["toilet_upgrades", corrections.NEW] = 100.0  # the same: no edit
    edited.loc["mushroom_output", corrections.NEW] = 7.0
    changed = corrections.edits(edited)
    assert changed == {"mushroom_output": 7.0}
    assert corrections.note(NYG, Q, changed, table) == (
        f"在线改正 {NYG} 2023年第一季度：食用菌产量 空 → 7 吨"
    )
