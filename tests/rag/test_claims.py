"""Claim analysis of single sentences: each signal the conflict detector relies on."""

import pytest

from rag.claims import (
    analyze,
    dates_conflict,
    entity_key,
    format_quantity,
    quantities_differ,
    same_entity,
    skeleton,
    split_clauses,
    stem,
)

pytestmark = pytest.mark.unit


def _q(text: str, i: int = 0):
    qs = analyze(text).quantities
    assert len(qs) > i, f"Test requires at least {i + 1} quantities in {text!r}, found {[q.text for q in qs]}"
    return qs[i]


# -- quantities -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, metres",
    [
        ("it penetrated 2km into its airspace", 2000.0),
        ("it penetrated 2 km into its airspace", 2000.0),
        ("it penetrated two kilometers into its airspace", 2000.0),
        ("the wreckage was found 9.5 kilometers from the border", 9500.0),
        ("a distance of 1.24 miles", 1995.58656),
        ("about 300 m from the road", None),  # '300 m' (spaced, ambiguous) is not read as metres
        ("a 300m strip", 300.0),
    ],
)
def test_lengths_are_normalised_to_metres(text, metres):
    qs = [q for q in analyze(text).quantities if q.dimension == "length"]
    if metres is None:
        assert not qs, f"'m' after a space is ambiguous and should not be a length: {qs}"
    else:
        assert qs and qs[0].base_value == pytest.approx(metres)


def test_unit_conversion_makes_km_and_miles_agree():
    km, mi = _q("penetrated 2km"), _q("a distance of 1.24 miles")
    assert km.dimension == mi.dimension == "length"
    assert quantities_differ(km, mi) == 0.0, "2 km and 1.24 miles are the same distance"
    assert quantities_differ(km, _q("crashed 9.5km inside its territory")) == 1.0


def test_hedges_and_bounds_widen_agreement():
    about = _q("about twenty militants")
    assert about.approx and about.value == 20 and about.counted == stem("militant") and about.noun == "militants"
    assert format_quantity(about) == "about 20 militants", "shown as written, not as its stem"
    assert quantities_differ(about, _q("22 militants")) == 0.0, "'about twenty' covers 22"
    more = _q("more than 30,000 migrants")
    assert more.bound == "min" and more.value == 30000
    assert quantities_differ(more, _q("32,500 migrants")) == 0.0
    assert quantities_differ(more, _q("20,000 migrants")) > 0


def test_counts_only_compare_the_same_noun():
    assert quantities_differ(_q("twenty militants"), _q("ten children")) == 0.0
    assert quantities_differ(_q("six drones"), _q("four drones")) > 0


def test_money_percent_and_rates():
    money = _q("revenue of $10.4 billion in Q1 2021")
    assert (money.dimension, money.value) == ("money:usd", 10.4e9)
    assert format_quantity(money) == "$10.4 billion"
    assert _q("an 81 percent increase").dimension == "percent"
    assert _q("earned $5 per hour").dimension == "money:usd/hour"


def test_years_codes_and_times_are_not_quantities():
    c = analyze("In 2024, drone TZ-98D took off at 6:00 in Q1.")
    assert c.quantities == []
    assert [d.year for d in c.dates] == [2024]


# -- dates ----------------------------------------------------------------


def test_absolute_dates():
    c = analyze("The strike on August 25, 2024 followed talks in January 2024 and a closure on Monday, April 7.")
    got = [(d.year, d.month, d.day, d.weekday) for d in c.dates]
    assert (2024, 8, 25, None) in got
    assert (2024, 1, None, None) in got
    assert (None, 4, 7, None) in got
    assert (None, None, None, 0) in got, "'Monday' is a weekday mention"


def test_day_month_order_and_relative_weekday():
    c = analyze("The final was played on 13 July 2014. On Sunday, Mali responded.")
    got = [(d.year, d.month, d.day, d.weekday) for d in c.dates]
    assert (2014, 7, 13, None) in got and (None, None, None, 6) in got


def test_ordinal_days_beside_a_month_are_dates():
    got = lambda t: [(d.year, d.month, d.day) for d in analyze(t).dates]  # noqa: E731
    assert got("She was born on the 1st February.") == [(None, 2, 1)]
    assert got("It opened on February 1st, 1972.") == [(1972, 2, 1)]
    assert got("The fair began on the 2nd of March 1990.") == [(1990, 3, 2)]
    assert got("They won 3 of March's games.") == [(None, 3, None)]  # 'of' alone makes no day of a count


def test_date_conflicts():
    d = lambda t: analyze(t).dates[0]  # noqa: E731
    assert dates_conflict(d("on August 25, 2024"), d("on August 26, 2024"))
    assert not dates_conflict(d("on August 25, 2024"), d("in August 2024"))
    assert dates_conflict(d("in January 2024"), d("on January 2, 2025"))
    # April 7, 2025 was a Monday
    assert not dates_conflict(d("on Monday"), d("on April 7, 2025"))
    assert dates_conflict(d("on Tuesday"), d("on April 7, 2025"))


def test_dateline_dates_are_ignored():
    c = analyze("Nov 8, 2017 ... Asher Angel will play Billy Batson.")
    assert c.body_start > 0 and c.dates == []


# -- negation and denial ----------------------------------------------------


def test_not_and_never_with_scope():
    c = analyze("Technical data confirmed it never left Malian airspace.")
    (n,) = c.negations
    assert n.cue == "never" and n.kind == "negation"
    assert {stem("leave"), stem("airspace")} <= set(n.scope_stems), "'left' is the irregular form of 'leave'"


def test_denial_of_a_claim_targets_the_that_clause_and_party():
    c = analyze(
        "On Sunday, Mali's Security Minister described the incident as hostile, "
        "rejecting Algeria's claim that the unmanned drone had illegally entered Algerian airspace."
    )
    (n,) = c.negations
    assert n.kind == "denial" and n.denied_party == "Algeria"
    assert {stem("drone"), stem("entered"), stem("airspace")} <= set(n.scope_stems)


def test_denies_and_contrary_to():
    c = analyze("Mali, however, maintains that the drone crashed 9.5km inside its territory and denies any airspace violation.")
    assert [(n.cue, n.scope) for n in c.negations] == [("denies", "any airspace violation")]
    c = analyze(
        "Contrary to the Algerian army's assertions, the drone was not shot down by its forces "
        "but rather fell near the border after being brought down by the Azawad Liberation Front."
    )
    kinds = {n.kind: n for n in c.negations}
    assert kinds["dispute"].denied_party == "Algerian army"
    assert kinds["negation"].actions == ["down"]


def test_phrases_that_are_not_negation():
    for text in ("It is not only a drone.", "No fewer than eleven cities applied.", "World No. 1 Ashleigh Barty won."):
        assert analyze(text).negations == [], text


def test_dismissing_accusations_has_no_factual_scope():
    (n,) = analyze("These accusations were dismissed by Algeria as lacking in seriousness.").negations
    assert n.scope_stems == [], "denying 'accusations' says nothing about which facts are denied"


# -- actions and agents -----------------------------------------------------


@pytest.mark.parametrize(
    "text, agent_key, negated",
    [
        ("Algeria deliberately shot down a drone belonging to Mali's armed forces.", "algeria", False),
        ("The drone was downed by Algerian army near the border.", "algerian", False),
        ("The drone fell after being brought down by the Azawad Liberation Front.", "azawadliberationfront", False),
        ("Mali accused Algeria of downing the drone.", "algeria", False),
        ("The Algerian army claimed to have shot down a Malian drone.", "algerian", False),
        ("Contrary to the Algerian army's assertions, the drone was not shot down by its forces.", "algerian", True),
    ],
)
def test_agent_of_the_action(text, agent_key, negated):
    acts = [a for a in analyze(text).actions if a.key == "down"]
    assert acts, f"Test requires a 'down' action in {text!r}"
    assert acts[0].agent_key == agent_key
    assert acts[0].negated is negated


def test_passive_without_agent_and_infinitive_have_no_agent():
    (a,) = analyze("Algeria said the drone was shot down after it penetrated its airspace.").actions
    assert a.passive and a.agent is None
    acts = analyze("Simona Halep thrashed Serena Williams to win the title.").actions
    assert all(x.agent_key != "serenawilliams" for x in acts), "the subject of 'to win' is not the object before it"


# -- attribution ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, who, key",
    [
        ("Algeria said the drone penetrated 2km into its airspace.", "Algeria", "algeria"),
        ("According to Algeria's defense ministry, the drone penetrated our airspace.", "Algeria's defense ministry", "algeria"),
        ("Mali, however, maintains that the drone crashed inside its territory.", "Mali", "mali"),
        ("These accusations were dismissed by Algeria as lacking in seriousness.", "Algeria", "algeria"),
        ("On Sunday, Mali's Security Minister, General Daoud Aly Mohammedine, described the incident as hostile.", "Mali's Security Minister", "mali"),
        ("Pope Francis, the head of the Catholic Church in Vatican City, Italy, has suggested a change.", "Pope Francis", "popefrancis"),
    ],
)
def test_attribution(text, who, key):
    c = analyze(text.replace("'", "\u2019") if "Security" in text else text)
    assert c.attributed_to.replace("\u2019", "'") == who
    assert c.attribution_key == key


def test_contrasting_speakers_split_into_clauses():
    text = (
        'According to Jeune Afrique, while Bamako authorities claim the airstrikes targeted about twenty militants '
        'they labeled as "terrorists," local and humanitarian sources\u2014supported by the Algerian narrative\u2014insist '
        "that most of the victims were civilians, including around ten children."
    )
    first, second = split_clauses(text)
    assert first.attributed_to == "Bamako authorities"
    assert second.attributed_to == "local and humanitarian sources"
    assert "twenty militants" in text[first.start : first.end]
    assert text[second.start : second.end].startswith("local and humanitarian sources")
    assert split_clauses("Algeria said the drone was shot down.") == []


# -- names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Tinzaoutin", "Tinzaouaten"),
        ("Tinzaoutin", "Tin Zaouatine"),
        ("Tinzaouaten", "Tin Zaouatine"),
        ("Algeria", "Algerian"),
        ("Mali", "Malian"),
        ("Keïta", "Keita"),
        ("Tebboune", "Abdelmadjid Tebboune"),
        ("Tuareg", "Tuaregs"),
    ],
)
def test_spelling_variants_match(a, b):
    assert same_entity(a, b)


@pytest.mark.parametrize("a, b", [("Niger", "Nigeria"), ("Mali", "Morocco"), ("Austria", "Australia"), ("Algeria", "Algiers")])
def test_different_names_do_not_match(a, b):
    assert not same_entity(a, b)


def test_entity_key_groups_transliterations():
    assert skeleton("Tin Zaouatine") == skeleton("Tinzaoutin") == "tnztn"
    assert entity_key("Tinzaouaten") == entity_key("Tin Zaouatine")


def test_stem_unifies_verb_and_noun():
    assert stem("violated") == stem("violation") == stem("violating") == stem("violate")
    assert stem("shot") == stem("shoot") and stem("brought") == stem("bring") and stem("Left") == stem("leaves")


# -- names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, names",
    [
        # "X of the Y" is one name: the court, not the union it belongs to
        ("Cases go to the Court of Appeal of the Northern Circuit each spring.", ["Court of Appeal of the Northern Circuit"]),
        ("The Bank of the Lakes lent the money.", ["Bank of the Lakes"]),
        # a capitalised preposition opening the sentence is no part of a name
        ("Beyond the Harbour Board, the Port Office has some autonomy.", ["Harbour Board", "Port Office"]),
        ("Within Kestrel County, roads are paved.", ["Kestrel County"]),
        ("Though Ada was born in Kestrel, she moved.", ["Ada", "Kestrel"]),  # a conjunction opening the sentence
        # but "of the" before a common word ends the name
        ("The Mayor of Kestrel spoke of the harbour.", ["Mayor of Kestrel"]),
    ],
)
def test_names_are_whole_runs_of_capitalised_words(text, names):
    assert [e.text for e in analyze(text).entities] == names
