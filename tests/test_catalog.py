from wuxing import catalog

FIXED = {
    "collective_income": ("industry", "万元", "ytd"),
    "mushroom_output": ("industry", "吨", "flow"),
    "toilet_upgrades": ("ecology", "户", "stock"),
    "volunteer_activities": ("civility", "次", "flow"),
    "volunteers": ("civility", "人", "stock"),
}


def test_five_stars_in_fixed_order_with_distinct_colours():
    assert catalog.STAR_IDS == ("branch", "industry", "ecology", "safety", "civility")
    assert [s.label for s in catalog.STARS][0] == "支部过硬星"
    assert len(set(catalog.STAR_COLORS.values())) == 5


def test_fixed_indicator_ids_keep_their_meaning():
    for indicator_id, (star, unit, kind) in FIXED.items():
        i = catalog.indicator(indicator_id)
        assert (i.star, i.unit, i.kind) == (star, unit, kind)


def test_catalog_is_broad_and_consistent():
    assert len(catalog.INDICATORS) >= 25
    assert len(set(catalog.INDICATOR_IDS)) == len(catalog.INDICATORS)
    for star in catalog.STAR_IDS:
        assert catalog.indicators_of(star), f"{star} has no indicators"
    for i in catalog.INDICATORS:
        assert i.star in catalog.STAR_IDS
        assert i.kind in {"flow", "ytd", "stock"}
        assert i.direction in {"up", "down", "bool"}


def test_aliases_never_collide_between_indicators():
    seen: dict[str, str] = {}
    for i in catalog.INDICATORS:
        for spelling in (i.label, *i.aliases):
            assert seen.setdefault(spelling, i.id) == i.id, f"{spelling} names two indicators"


def test_money_and_weight_convert_to_catalog_units():
    income = catalog.indicator("collective_income")
    assert income.unit_factors["元"] == 1 / 10000
    assert catalog.indicator("mushroom_output").unit_factors["公斤"] == 1 / 1000


def test_rates_cannot_exceed_100_percent():
    assert catalog.indicator("household_link_rate").max_value == 100.0
    assert catalog.indicator("collective_income").max_value is None


def test_a_star_choice_in_words():
    assert catalog.star_label("industry") == "产业兴旺星"
    assert catalog.star_label(None) == "全部五星"
