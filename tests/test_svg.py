"""Chart geometry shared by the budget burn chart, the report bars and the ZRM lines (core/svg.py)."""

from decimal import Decimal

from core.svg import fraction, length, polylines, slots, spread


def test_length_scales_to_the_largest_value_and_never_divides_by_zero():
    assert length(2, 4, 340) == 170 and length(4, 4, 340) == 340
    assert length(5, 0, 100) == 500 and length(0, 0, 100) == 0  # an empty scale counts as 1
    assert fraction(Decimal("1"), Decimal("3")) == float(Decimal("1") / Decimal("3"))


def test_slots_sit_side_by_side_and_centre_their_labels():
    places = slots(4, 10, 400)
    assert [p.x for p in places] == [25.0, 125.0, 225.0, 325.0]
    assert {p.width for p in places} == {70.0} and places[0].centre == 60.0
    assert slots(1000, 0, 100, min_width=2)[0].width == 2
    assert slots(0, 0, 100) == []


def test_spread_and_polylines_break_at_missing_points():
    assert spread(3, 10, 100) == [10.0, 60.0, 110.0] and spread(1, 10, 100) == [60.0] and spread(0, 0, 1) == []
    assert polylines([(1, 2), (3, 4), None, (5, 6), None, (7, 8), (9, 10)]) == ["1,2 3,4", "7,8 9,10"]
    assert polylines([None, (1, 1)]) == []
