import math

import pandas as pd
import pytest

from wuxing import formatting


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (12.34, "万元", "12.3 万元"),
        (1430.0, "户", "1,430 户"),
        (5979.4, "吨", "5,979 吨"),
        (95.04, "%", "95.0%"),
        (None, "户", "—"),
        (math.nan, "次", "—"),
        (0, "起", "0 起"),
    ],
)
def test_quantity(value, unit, expected):
    assert formatting.quantity(value, unit) == expected


def test_changes_are_signed():
    assert formatting.change(12, "户") == "+12 户"
    assert formatting.change(-0.54, "万元") == "-0.5 万元"
    assert formatting.percent_change(3.21) == "+3.2%"
    assert formatting.change(None, "户") == "—"


@pytest.mark.parametrize(
    "moment, expected",
    [
        ("2024-03-01T20:30:00+00:00", "2024-03-02 04:30"),
        ("2024-03-01 20:30", "2024-03-02 04:30"),
        ("2024-12-31T16:00:59Z", "2025-01-01 00:00"),
    ],
)
def test_stored_utc_times_read_in_beijing_time(moment, expected):
    from datetime import datetime

    assert formatting.local_time(moment) == expected
    assert formatting.local_time(datetime.fromisoformat(moment)) == expected
    # The day is Beijing's too: a late-evening upload in UTC belongs to the next day.
    assert formatting.local_time(moment, day_only=True) == expected[:10]


def test_stored_times_read_in_beijing_time_and_days():
    stored = pd.Series([pd.Timestamp("2024-04-02 23:59:30", tz="UTC"), pd.Timestamp("2024-04-02")])
    assert formatting.local_times(stored).tolist() == ["2024-04-03 07:59", "2024-04-02 08:00"]
    assert formatting.local_times(stored, seconds=True)[0] == "2024-04-03 07:59:30"
    assert [str(d) for d in formatting.local_days(stored)] == ["2024-04-03", "2024-04-02"]
