import pandas as pd

from wuxing import catalog
from wuxing.cli.main import main
from wuxing.samples import synthetic


def test_hierarchy_repeated_names_and_every_kind():
    ds = synthetic.build(600, 3)
    v = ds.villages
    assert len(v) == 600 and v["code"].str.startswith("99").all()
    assert v["city"].str.contains("合成").all()
    assert v["town"].nunique() == 32 and v["county"].nunique() == 2
    assert v["name"].duplicated().any()  # the same name in several towns, as in real life
    assert not v.duplicated(["town", "name"]).any()  # never twice within one town
    assert ds.periods() == ["2023Q2", "2023Q3", "2023Q4"]
    assert len(ds.values) == 600 * 3 * len(catalog.INDICATORS)
    assert all(n > 0 for n in ds.counts().values())


def test_rates_stay_within_100_and_counts_are_not_negative():
    values = synthetic.build(100, 2).values.join(
        pd.Series({i.id: i.unit for i in catalog.INDICATORS}, name="unit"), on="indicator"
    )
    assert values.loc[values["unit"] == "%", "value"].max() <= 100
    assert values["value"].min() >= 0


def test_synth_command_writes_a_workbook_the_importer_accepts(tmp_path):
    from wuxing.config import Settings
    from wuxing.dataset import Dataset
    from wuxing.reading.importer import parse_files

    path = tmp_path / "synth.xlsx"
    assert main(["synth", "--villages", "60", "--quarters", "2", "-o", str(path)]) == 0
    result = parse_files([(path.name, path.read_bytes())], Dataset(), Settings.from_env({}))
    assert result.ok, [p.message for p in result.problems if p.is_error][:3]
    assert len(result.data.villages) == 60
    assert len(result.data.values) == 60 * 2 * len(catalog.INDICATORS)
