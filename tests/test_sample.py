"""The sample agrees with every figure the article publishes, read back through the store and
metrics."""

from pathlib import Path

import pytest

from wuxing import catalog
from wuxing.metrics import aggregation, targets, villages
from wuxing.samples import sample

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    from wuxing.storage.store import open_store

    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('s') / 'x.sqlite'}")
    sample.seed(s)
    yield s.load()
    s.dispose()


def _names(ds, series):
    return {villages.names(ds)[code]: value for code, value in series.items()}


def test_thirteen_villages_four_named_in_the_article(stored):
    names = set(stored.villages["name"])
    assert len(names) == 13
    assert {"赵家村", "南永固村", "永固集村", "金魏旧寨村"} <= names
    assert set(stored.villages["town"]) == {"马庄桥镇"}


def test_2022_collective_income_all_over_10_and_five_over_20(stored):
    income = _names(stored, aggregation.year_values(stored, catalog.COLLECTIVE_INCOME, 2022))
    assert len(income) == 13 and min(income.values()) >= 10
    over_20 = {v for v, x in income.items() if x >= 20}
    assert len(over_20) == 5 and {"赵家村", "南永固村"} <= over_20
    assert income["永固集村"] >= 30  # its cooperative alone brings 30万元


def test_2023q1_toilets_and_volunteers(stored):
    assert aggregation.area_total(stored, catalog.TOILET_UPGRADES, "2023Q1").value == 1430
    assert aggregation.area_total(stored, catalog.VOLUNTEERS, "2023Q1").value == 568


def test_volunteer_activities_since_the_campaign_began(stored):
    through = aggregation.through_values(stored, catalog.VOLUNTEER_ACTIVITIES, "2023Q1")
    assert through.sum() == 642


def test_mushroom_output_about_6000_tonnes_a_year(stored):
    output = aggregation.year_values(stored, catalog.MUSHROOM_OUTPUT, 2022).sum()
    assert 5700 <= output <= 6300


def test_2023_five_star_targets(stored):
    assert set(targets.villages_targeting(stored, 2023, 5)) == {"赵家村", "永固集村", "金魏旧寨村"}


def test_sample_covers_every_kind_and_quarter(stored):
    assert stored.periods()[0] == "2022Q1" and stored.periods()[-1] == "2023Q4"
    assert all(n > 0 for n in stored.counts().values())


def test_shipped_workbook_is_regenerated_byte_for_byte():
    shipped = ROOT / "data" / sample.FILENAME
    assert shipped.read_bytes() == sample.workbook_bytes()


def test_cli_regenerates_the_shipped_workbook(tmp_path):
    from wuxing.cli.main import main

    assert main(["sample", "-o", str(tmp_path / "s.xlsx")]) == 0
    assert (tmp_path / "s.xlsx").read_bytes() == (ROOT / "data" / sample.FILENAME).read_bytes()
