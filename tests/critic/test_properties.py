"""Invariants of the critic on arbitrary text (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from okr.quality import OKRInput, Severity, critique
from okr.quantities import parse_kr

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)
kr_text = st.one_of(words, st.builds(lambda a, b, c: f"{a} from {b} to {c}", words,
                                     st.floats(0, 1e6), st.floats(0, 1e6)))


@settings(max_examples=150, deadline=None)
@given(text=kr_text)
def test_parsing_never_fails_on_any_text(text: str) -> None:
    assert parse_kr(text).text == text


@settings(max_examples=100, deadline=None)
@given(objective=words.filter(bool), krs=st.lists(kr_text, max_size=8))
def test_score_is_0_to_100_and_publishable_means_no_error(objective: str,
                                                         krs: list[str]) -> None:
    c = critique(OKRInput.model_validate({"id": "p", "objective": objective,
                                          "key_results": [{"text": t} for t in krs]}))
    no_error = not any(f.severity is Severity.ERROR for f in c.findings)
    assert 0 <= c.score <= 100 and c.publishable == no_error


@settings(max_examples=100, deadline=None)
@given(text=kr_text)
def test_a_not_measurable_kr_has_no_other_finding(text: str) -> None:
    c = critique(OKRInput.model_validate({
        "id": "p", "objective": "Get new customers to value faster",
        "key_results": [{"text": text}, {"text": "NPS from 1 to 2"}]}))
    kr0 = {f.code.value for f in c.findings if f.target == "kr:0"}
    assert "kr_not_measurable" not in kr0 or kr0 == {"kr_not_measurable"}
