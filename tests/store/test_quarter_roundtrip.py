"""Quarter files go in and come out byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from okr.models import CheckInSource
from okr.quarter import dump_quarter, load_quarter, parse_quarter
from okr.store import Store
from okr.transfer import export_quarter, import_quarter

QUARTERS = sorted((Path(__file__).resolve().parents[2] / "evals" / "data" / "risk-dev")
                  .glob("q0[0-9].json"))



@pytest.mark.parametrize("path", QUARTERS, ids=lambda p: p.stem)
def test_each_quarter_file_exports_exactly_as_imported(store: Store, path: Path) -> None:
    quarter = load_quarter(path)
    import_quarter(store, "org", quarter)
    assert dump_quarter(export_quarter(store, "org", quarter.cycle.name)) == path.read_text()


def test_all_six_quarters_in_one_organisation_each_export_exactly(store: Store) -> None:
    for path in QUARTERS:
        import_quarter(store, "org", load_quarter(path))
    for path in QUARTERS:
        name = load_quarter(path).cycle.name
        assert dump_quarter(export_quarter(store, "org", name)) == path.read_text()


def test_reimporting_a_cycle_replaces_it_instead_of_duplicating(store: Store) -> None:
    quarter = load_quarter(QUARTERS[0])
    import_quarter(store, "org", quarter)
    first = store.counts("org")
    import_quarter(store, "org", quarter)
    again = store.counts("org")
    assert {k: v for k, v in again.items() if k != "history"} == \
        {k: v for k, v in first.items() if k != "history"}
    assert dump_quarter(export_quarter(store, "org", quarter.cycle.name)) == \
        QUARTERS[0].read_text()


def test_file_ids_are_kept_and_clashing_ids_get_the_cycle_prefix(store: Store) -> None:
    q1, q2 = load_quarter(QUARTERS[0]), load_quarter(QUARTERS[1])
    import_quarter(store, "org", q1)
    import_quarter(store, "org", q2)
    assert store.get_key_result("org", "kr-1").objective_id == "o-1"
    second = store.get_key_result("org", f"{q2.cycle.name}/kr-1")
    assert second.objective_id == f"{q2.cycle.name}/o-1"


def test_numbers_keep_their_literal_form(store: Store) -> None:
    text = QUARTERS[0].read_text().replace('"baseline": 42,', '"baseline": 42.0,', 1)
    quarter = parse_quarter(text)
    import_quarter(store, "org", quarter)
    kr = store.get_key_result("org", quarter.key_results[0].id)
    assert isinstance(kr.baseline, float)
    assert dump_quarter(export_quarter(store, "org", quarter.cycle.name)) == text


def test_imported_check_ins_are_marked_as_imports_and_set_current(store: Store) -> None:
    quarter = load_quarter(QUARTERS[0])
    import_quarter(store, "org", quarter)
    source = quarter.key_results[0]
    kr = store.get_key_result("org", source.id)
    assert {c.source for c in kr.check_ins} == {CheckInSource.IMPORT}
    assert kr.current == source.check_ins[-1].value
    assert [c.confidence for c in kr.check_ins] == [c.confidence for c in source.check_ins]


def test_check_in_after_import_moves_as_of_so_the_export_stays_valid(store: Store) -> None:
    quarter = load_quarter(QUARTERS[0])
    import_quarter(store, "org", quarter)
    store.add_check_in("org", quarter.key_results[0].id, 44, 0.8, "later")
    exported = export_quarter(store, "org", quarter.cycle.name)
    assert exported.as_of > quarter.as_of
    assert exported.key_results[0].check_ins[-1].value == 44
