"""CSV import: the documented columns, row-numbered errors, all rows or none."""

from __future__ import annotations

import pytest

from okr.errors import ValidationError
from okr.models import Direction, KRKind
from okr.store import Store
from okr.transfer import import_csv

HEADER = "team,cycle,objective,key result,baseline,target,unit,owner email,parent\n"
GOOD = HEADER + (
    "Company,2024-Q1,Grow revenue,,,,,ceo@acme.test,\n"
    "Sales,2024-Q1,Win mid-market,ARR from $2M to $3M,2,3,$M,ana@acme.test,Grow revenue\n"
    "Sales,2024-Q1,Win mid-market,Win rate 20% to 30%,20,30.0,%,ana@acme.test,Grow revenue\n"
    "Support,2024-Q1,Answer faster,First response 8h to 2h,8,2,h,bo@acme.test,\n"
)


def test_good_sheet_creates_teams_cycle_objectives_and_key_results(store: Store) -> None:
    result = import_csv(store, "acme", GOOD)
    assert (result.teams, result.objectives, result.key_results) == (3, 3, 3)
    cycle = store.get_cycle("acme", "2024-Q1")
    assert (str(cycle.start), str(cycle.end)) == ("2024-01-01", "2024-03-31")
    objectives = {o.title: o for o in store.list_objectives("acme", "2024-Q1")}
    krs = {k.text: k for k in objectives["Win mid-market"].key_results}
    assert krs["Win rate 20% to 30%"].kind is KRKind.PERCENT
    assert krs["Win rate 20% to 30%"].target == 30.0
    assert isinstance(krs["ARR from $2M to $3M"].baseline, int)
    support = objectives["Answer faster"].key_results[0]
    assert support.direction is Direction.DECREASE
    emails = {p.email for p in store.list_people("acme")}
    assert emails == {"ceo@acme.test", "ana@acme.test", "bo@acme.test"}


def test_parent_column_links_objectives(store: Store) -> None:
    import_csv(store, "acme", GOOD)
    objectives = {o.title: o.id for o in store.list_objectives("acme")}
    links = {(a.child_id, a.parent_id) for a in store.alignments("acme")}
    assert links == {(objectives["Win mid-market"], objectives["Grow revenue"])}


def test_importing_the_same_sheet_twice_does_not_duplicate(store: Store) -> None:
    import_csv(store, "acme", GOOD)
    again = import_csv(store, "acme", GOOD)
    assert (again.teams, again.objectives, again.key_results) == (0, 0, 0)
    assert store.counts("acme")["key_results"] == 3


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(store: Store) -> None:
    sheet = HEADER + (
        "Sales,2024-Q1,Win,ARR,2,3,$M,ana@acme.test,\n"
        "Sales,2024-Q1,Win,Win rate,twenty,30,%,ana@acme.test,\n"
        ",2024-Q1,Ship,Deploys,1,5,,not-an-email,\n"
    )
    with pytest.raises(ValidationError) as err:
        import_csv(store, "acme", sheet)
    problems = err.value.problems
    assert any(p.startswith("row 3, column 'baseline'") and "twenty" in p for p in problems)
    assert any(p.startswith("row 4, column 'team'") for p in problems)
    assert any(p.startswith("row 4, column 'owner email'") for p in problems)
    assert not any(p.startswith("row 2") for p in problems)
    assert store.list_organisations() == []


def test_unknown_parent_fails_the_whole_import(store: Store) -> None:
    sheet = HEADER + "Sales,2024-Q1,Win,ARR,2,3,$M,ana@acme.test,No such objective\n"
    store.create_organisation("acme")
    with pytest.raises(ValidationError, match="row 2, column 'parent'"):
        import_csv(store, "acme", sheet)
    assert store.counts("acme")["objectives"] == 0
    assert store.list_teams("acme") == []


def test_cycle_that_is_neither_known_nor_a_period_name_is_refused(store: Store) -> None:
    sheet = HEADER + "Sales,Spring push,Win,ARR,2,3,$M,ana@acme.test,\n"
    with pytest.raises(ValidationError, match="row 2, column 'cycle'"):
        import_csv(store, "acme", sheet)


def test_missing_columns_are_named(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        import_csv(store, "acme", "team,cycle,objective\nSales,2024-Q1,Win\n")
    assert "missing column 'owner email'" in err.value.problems


def test_header_spelling_is_forgiving(store: Store) -> None:
    sheet = ("Team,Cycle,Objective,Key_Result,Baseline,Target,Unit,Owner-Email,Parent,Direction\n"
             "Sales,2024-H1,Win,Churn,5,5,%,ana@acme.test,,decrease\n")
    import_csv(store, "acme", sheet)
    kr = store.list_objectives("acme")[0].key_results[0]
    assert kr.direction is Direction.DECREASE
    assert store.get_cycle("acme", "2024-H1").end.isoformat() == "2024-06-30"
