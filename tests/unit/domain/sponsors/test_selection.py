"""Step 1's rules (Django's ``SponsorshipsBenefitsForm.clean``) over a small catalogue, and the cookie that
carries a selection to step 2 (anything a visitor may have changed in it is read defensively)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pydotorg.db.models import SponsorshipBenefit, SponsorshipPackage, SponsorshipProgram
from pydotorg.domain.sponsors import forms
from pydotorg.domain.sponsors.services import Catalogue


def _catalogue(*, a_la_carte_allowed: bool = True) -> Catalogue:
    program = SponsorshipProgram(id=1, name="Foundation", order=0)
    gold = SponsorshipPackage(id=10, name="Gold", slug="gold", sponsorship_amount=100, year=2026,
                              allow_a_la_carte=a_la_carte_allowed)  # fmt: skip
    silver = SponsorshipPackage(id=11, name="Silver", slug="silver", sponsorship_amount=50, year=2026,
                                allow_a_la_carte=True)  # fmt: skip

    def benefit(pk: int, **flags: object) -> SponsorshipBenefit:
        values = {"package_only": False, "unavailable": False, "standalone": False, "capacity": None,
                  "soft_capacity": False, **flags}  # fmt: skip
        return SponsorshipBenefit(id=pk, name=f"B{pk}", program_id=1, year=2026, **values)

    benefits = [
        benefit(1),  # in gold and silver
        benefit(2, package_only=True),  # gold only, only with a package
        benefit(3),  # a la carte
        benefit(4),  # a la carte, conflicts with 5
        benefit(5),  # a la carte
        benefit(6, standalone=True),
        benefit(7, capacity=0),  # a la carte, full
        benefit(8, capacity=0, soft_capacity=True),  # a la carte, full but soft
        benefit(9, unavailable=True),  # a la carte, withdrawn
    ]
    return Catalogue(2026, [program], [gold, silver], benefits, {10: {1, 2}, 11: {1}}, {4: {5}, 5: {4}})


CATALOGUE = _catalogue()


@pytest.mark.parametrize(
    ("selection", "errors"),
    [
        (forms.Selection(10, [1, 2]), []),
        (forms.Selection(10, [1, 2], a_la_carte=[3, 8]), []),
        (forms.Selection(None, standalone=[6]), []),
        (forms.Selection(), [forms.NO_BENEFITS]),
        (forms.Selection(None, [1]), [forms.NEEDS_PACKAGE]),
        (forms.Selection(10, [1], standalone=[6]), [forms.NO_STANDALONE_WITH_PACKAGE]),
        (forms.Selection(10, [1], a_la_carte=[4, 5]), [forms.CONFLICTS]),
        (forms.Selection(None, [2]), [forms.NEEDS_PACKAGE, forms.PACKAGE_ONLY]),
        (forms.Selection(11, [1, 2]), [forms.PACKAGE_ONLY_OTHER]),
        (forms.Selection(10, [1], a_la_carte=[7]), [forms.NO_CAPACITY]),
        (forms.Selection(10, [1], a_la_carte=[9]), [forms.NO_CAPACITY]),
        # ids from the wrong field, or not in the catalogue at all
        (forms.Selection(10, [3]), [forms.UNKNOWN]),
        (forms.Selection(10, [1], a_la_carte=[1]), [forms.UNKNOWN]),
        (forms.Selection(None, standalone=[3]), [forms.UNKNOWN]),
        (forms.Selection(10, [999]), [forms.UNKNOWN]),
    ],
)
def test_selection_rules(selection: forms.Selection, errors: list[str]) -> None:
    assert forms.check_selection(selection, CATALOGUE) == errors


def test_a_package_without_a_la_carte_refuses_additions() -> None:
    offer = _catalogue(a_la_carte_allowed=False)
    assert forms.check_selection(forms.Selection(10, [1, 2], a_la_carte=[3]), offer) == [forms.NO_A_LA_CARTE]


def test_the_cookie_round_trips() -> None:
    selection = forms.Selection(10, [1, 2], [3], [])
    assert forms.Selection.from_cookie(selection.to_cookie()) == selection


@given(st.one_of(st.text(max_size=200), st.builds(json.dumps, st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["package", "benefits", "a_la_carte_benefits", "standalone_benefits", "x"]), inner, max_size=4),
    max_leaves=10))))  # fmt: skip
def test_any_cookie_is_a_selection_or_none(raw: str) -> None:
    selection = forms.Selection.from_cookie(raw)
    if selection is not None:
        assert all(isinstance(b, int) for b in selection.benefit_ids)
        # and it is checked against the catalogue like any posted choice, never trusted
        forms.check_selection(selection, CATALOGUE)
