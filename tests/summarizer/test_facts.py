from typing import Any

import pytest

from summarizer.clean import from_html, from_text
from summarizer.facts import Fact, extract_facts
from summarizer.facts.extract import read_facts
from summarizer.facts.learned import FigureModel, bundled_model
from summarizer.facts.lists import line_label, money_column
from summarizer.numbers import find_quantities


def _reading_orders() -> FigureModel:
    """The bundled figure model at 0.7, where it reads orders the rules do not ("a 30-plane 787 order"); shipped, at
    the threshold cross-validation chose (0.9), it reads fewer. These tests are about owners, which are the rules'."""
    model = bundled_model()
    assert model is not None
    return FigureModel(weights=model.weights, threshold=0.7)


def as_expected(fact: Fact) -> dict[str, Any]:
    keys = ("who", "country_code", "quantity", "approx", "unit", "where")
    return {key: getattr(fact, key) for key in keys}


def expected_facts(expected: dict[str, Any]) -> list[dict[str, Any]]:
    keys = ("who", "country_code", "quantity", "approx", "unit", "where")
    return [{key: fact[key] for key in keys} for fact in expected["facts"]]


@pytest.mark.parametrize("kind", ["html", "text"])
def test_sample_article_gives_exactly_its_troop_facts(
    kind: str, seed_html: str, seed_text: str, expected: dict[str, Any]
) -> None:
    article = from_html(seed_html) if kind == "html" else from_text(seed_text)
    facts = extract_facts(article.text, article.language)
    assert [as_expected(f) for f in facts] == expected_facts(expected)
    for fact, wanted in zip(facts, expected["facts"], strict=True):
        assert wanted["evidence"] in fact.evidence
        assert fact.category == "troops"
        assert fact.part_of == wanted.get("part_of")
    nato = facts[-1]
    assert nato.quantity is None and nato.quantity_text == "hundreds"


def test_figures_that_are_not_troops_are_ignored(seed_html: str) -> None:
    facts = extract_facts(from_html(seed_html).text)
    assert {f.quantity for f in facts} == {130, 27, 70, 140, None}  # no 30 (km), 18 (miles), 35, 5000, 312


@pytest.mark.parametrize(
    ("sentence", "who", "code", "quantity", "where"),
    [
        ("Spain keeps 350 personnel in Iraq.", "Spain", "ES", 350, "Iraq"),
        ("About 300 Dutch soldiers are based in Lithuania.", "Netherlands", "NL", 300, "Lithuania"),
        ("The Pentagon said 2,500 troops would remain in Iraq.", "United States", "US", 2500, "Iraq"),
        ("Ottawa has sent 200 trainers to Ukraine.", "Canada", "CA", 200, "Ukraine"),
        ("Britain's 900 troops in Estonia lead the battlegroup.", "United Kingdom", "GB", 900, "Estonia"),
        ("A contingent of 1,200 peacekeepers from Ghana arrived in Mali.", "Ghana", "GH", 1200, "Mali"),
    ],
)
def test_attribution(sentence: str, who: str, code: str, quantity: int, where: str) -> None:
    (fact,) = extract_facts(sentence)
    assert (fact.who, fact.country_code, fact.quantity, fact.where) == (who, code, quantity, where)


def test_the_country_refers_back_to_the_last_country_named() -> None:
    text = "Norway's defence minister spoke on Monday.\nHe said 60 soldiers the country has in Mali would stay."
    (fact,) = extract_facts(text)
    assert (fact.country_code, fact.where) == ("NO", "Mali")


@pytest.mark.parametrize(
    "sentence",
    [
        "The base lies 30km (18 miles) north of Baghdad.",
        "The war began in 2003 and lasted 8 years.",
        "Turnout was 45 percent.",
        "The article drew 312 comments.",
    ],
)
def test_non_counts(sentence: str) -> None:
    assert extract_facts(sentence) == []


def test_other_languages_give_no_facts_yet() -> None:
    assert extract_facts("Rund 130 deutsche Soldaten sind im Irak.", language="de") == []


def test_a_change_is_one_labelled_figure() -> None:
    from summarizer.aggregate import group_facts

    facts = extract_facts("France will cut its force in the Sahel from 5,100 to 2,500 troops by early next year.")
    assert [(f.quantity, f.role) for f in facts] == [(5100, "before"), (2500, "after")]
    (group,) = group_facts(facts)
    assert group.line() == "from 5,100 to 2,500 troops in Sahel"


def test_total_and_part_are_labelled() -> None:
    from summarizer.aggregate import group_facts

    text = (
        "About 4,000 German soldiers are to be stationed in Lithuania, including roughly 200 already based in Vilnius."
    )
    (group,) = group_facts(extract_facts(text))
    assert group.line() == "~4,000 soldiers in Lithuania (~200 in Vilnius)"


def test_each_gives_one_fact_per_country() -> None:
    facts = extract_facts("Latvia, Lithuania and Estonia each pledged 100 soldiers to the new force.")
    assert [(f.country_code, f.quantity) for f in facts] == [("LV", 100), ("LT", 100), ("EE", 100)]


def test_x_led_is_not_x_owning_the_troops() -> None:
    (fact,) = extract_facts("The German-led battlegroup in Lithuania numbers around 1,600 troops.")
    assert (fact.country_code, fact.where) == (None, "Lithuania")


def test_money_and_casualties() -> None:
    (money,) = extract_facts("Germany pledged €1.5bn in humanitarian aid to Ukraine.")
    assert (money.category, money.unit, money.quantity, money.country_code, money.where) == (
        "money", "EUR", 1_500_000_000, "DE", "Ukraine"
    )  # fmt: skip
    killed, wounded = extract_facts("At least 12 people were killed and 30 wounded in a bombing in Kabul.")
    assert (killed.category, killed.unit, killed.bound, killed.where) == ("casualties", "people killed", "min", "Kabul")
    assert (wounded.quantity, wounded.unit, wounded.where) == (30, "people wounded", "Kabul")


@pytest.mark.parametrize(
    ("sentence", "line"),
    [
        ("Germany pledged €1.5bn in humanitarian aid to Ukraine.", "€1.5bn for Ukraine"),
        ("The US approved $90m in military financing for Taiwan.", "$90m for Taiwan"),
        ("Australia will spend A$85 million on patrol boats.", "A$85m"),
        ("Britain’s £25,000 grant was paid.", "£25,000"),
    ],
)
def test_money_reads_as_news_writes_it(sentence: str, line: str) -> None:
    from summarizer.aggregate import group_facts

    (group,) = group_facts(extract_facts(sentence))
    assert group.line() == line


def owners(facts: list[Any], category: str) -> dict[str | None, float | None]:
    return {fact.country_code or fact.who: fact.quantity for fact in facts if fact.category == category}


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("Here are the main contributors to the mission:\nBritain: 9,500\nGermany: 4,341\nItaly: 2,795",
         "troops", {"GB": 9500, "DE": 4341, "IT": 2795}),
        ("Here is a breakdown of African contributions to the force:\n- NIGERIA: 900 men\n- BENIN: 650 men\n"
         "- BURKINA FASO: about 660 men", "troops", {"NG": 900, "BJ": 650, "BF": 660}),
        ("Troops in the mission by country\nCountry | Troops\nGermany | 4,341\nFrance | 3,000",
         "troops", {"DE": 4341, "FR": 3000}),
        ("Here are figures for foreign military deaths since the intervention began in 2001:\n"
         "United States 1,974\nBritain 414\nCanada 158", "casualties", {"US": 1974, "GB": 414, "CA": 158}),
        ("Other large contingents are from Britain (8,300 troops), Germany (3,650), Canada (2,850).",
         "troops", {"GB": 8300, "DE": 3650, "CA": 2850}),
        ("The donors pledged to Syria:\nKuwait: $300 million.\nUnited States: $155 million.",
         "money", {"KW": 300_000_000, "US": 155_000_000}),
    ],
)  # fmt: skip
def test_lists_and_tables_take_their_category_from_their_heading(
    text: str, category: str, expected: dict[str, float]
) -> None:
    facts = extract_facts(text)
    assert owners(facts, category) == expected
    assert not [f for f in facts if f.category != category and f.quantity in expected.values()]


@pytest.mark.parametrize(
    "sentence",
    [
        "Sterling was last trading at $1.2925, while the yen strengthened.",
        "Brent crude futures fell 0.18% to $77.23 a barrel.",
        "The retailer earned $2.53 per diluted share.",
        "Beijing wants Trump to eliminate the tariffs on about $125 billion worth of Chinese goods.",
        "Disney's $6.99-a-month service is stocked with films.",
        "The company's shares were up 9.7% to $6 by the end of the day.",
    ],
)
def test_prices_rates_and_volumes_are_not_money_facts(sentence: str) -> None:
    assert [f for f in extract_facts(sentence) if f.category == "money"] == []


def test_a_conversion_in_brackets_is_not_a_second_amount() -> None:
    facts = extract_facts("Alibaba is set to raise up to $12.9bn (£10bn) from its listing in Hong Kong.")
    assert [f.quantity for f in facts if f.category == "money"] == [12_900_000_000]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The battlegroup in Estonia includes 690 Danes and 150 Estonians, NATO said.", {"DK": 690, "EE": 150}),
        ("253 Canadians are involved in the NATO mission.", {"CA": 253}),
    ],
)
def test_demonyms_as_the_counted_noun_are_troops_in_military_news(sentence: str, expected: dict[str, int]) -> None:
    assert owners(extract_facts(sentence), "troops") == expected


def test_demonyms_counted_among_the_dead_stay_casualties() -> None:
    facts = extract_facts("Since 2001, 2,215 foreign soldiers have died in Afghanistan, including 1,385 Americans.")
    assert not [f for f in facts if f.category == "troops" and f.quantity == 1385]


@pytest.mark.parametrize(
    ("sentence", "category", "figures"),
    [
        ("The death toll from the typhoon that hit the islands over Christmas has climbed to 47, officials said.",
         "casualties", {47}),
        ("The death toll rose to 45 from 30, officials said.", "casualties", {45, 30}),
        ("The U.S. plans to cut the number of forces in the country from about 13,000 to 8,600.",
         "troops", {13000, 8600}),
        ("A drawdown order will reduce the American presence from 4,500 to 2,500 in Afghanistan.",
         "troops", {4500, 2500}),
    ],
)  # fmt: skip
def test_changes_whose_noun_came_earlier(sentence: str, category: str, figures: set[int]) -> None:
    assert {f.quantity for f in extract_facts(sentence) if f.category == category} >= figures


@pytest.mark.parametrize(
    ("sentence", "owner", "amount"),
    [
        ("Alibaba is set to raise up to $12.9bn from its listing in Hong Kong.", "Alibaba", 12_900_000_000),
        ("Shell has agreed to pay fines worth over $150 million after a deal with regulators.", "Shell", 150_000_000),
        ("Paris: Airbus said it has secured an order worth $49.5 billion.", "Airbus", 49_500_000_000),
    ],
)
def test_money_belongs_to_the_company_its_sentence_names(sentence: str, owner: str, amount: int) -> None:
    """The rules' owners, before the owner judge decides which to show."""
    (fact,) = [f for f in read_facts(sentence, bundled_model()) if f.category == "money"]
    assert (fact.who, fact.country_code, fact.quantity) == (owner, None, amount)


def test_money_nobody_is_said_to_own_is_not_a_key_fact() -> None:
    assert extract_facts("The order is valued at $8.8 billion at list prices.") == []


def test_a_force_of_several_nations_keeps_its_figure_without_an_owner() -> None:
    (fact,) = extract_facts("The German-led battlegroup in Lithuania numbers around 1,600 troops from eight allies.")
    assert (fact.who, fact.quantity, fact.category) == (None, 1600, "troops")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the actor a passage is about owns the figures of later sentences that name nobody
        ("SAMAWAH, Iraq — Japanese troops arrived Monday in southern Iraq.\n"
         "An advance party of about 35 soldiers arrived at the camp.", [("Japan", 35)]),
        # a dateline is where the report was filed, and a capital named as a place is no actor
        ("Bagram, Afghanistan; 3 April 2002 -- Two planes flew in, 30 kilometers north of the Afghan capital, Kabul.\n"
         "The passengers were 120 troops from a commando unit.", []),
        # an owner after the figure: "that Britain is sending"
        ("They are the first of 1,700 elite troops that Britain is sending.", [("United Kingdom", 1700)]),
        # a labelled list line owns its figures
        ("ROMANIA: To keep its 498 troops in place in 2009.", [("Romania", 498)]),
        # parallel clauses carry the noun: "Ethiopia will contribute 2500"
        ("Uganda is allotted 4500 troops, Ethiopia will contribute 2500, while Egypt will bring 1091 troops.",
         [("Uganda", 4500), ("Ethiopia", 2500), ("Egypt", 1091)]),
        # the dead of a place belong to its country; "10 in Tanzania" is more of the same
        ("Fatalities occurred where 298 people were declared dead in Somalia, 10 in Tanzania.",
         [("Somalia", 298), ("Tanzania", 10)]),
    ],
)  # fmt: skip
def test_owners_a_passage_implies(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Denmark's roughly 130-strong force will stay in Iraq.", {"DK": 130}),
        ("Bulgaria (516), Hungary (502) and Romania (400) sent troops to the mission.",
         {"BG": 516, "HU": 502, "RO": 400}),
        ("There are 35,000 US; 4,365 Germans; over 3,000 from France; 2,800 Canadians in the force.",
         {"US": 35000, "DE": 4365, "FR": 3000, "CA": 2800}),
        ("The extra troops pledged included: Britain, 1,200; Turkey, 60; Poland, 100.",
         {"GB": 1200, "TR": 60, "PL": 100}),
    ],
)  # fmt: skip
def test_the_issues_troop_forms(text: str, expected: dict[str, int]) -> None:
    assert owners(extract_facts(text), "troops") == expected


def test_a_list_of_one_countrys_troops_abroad_names_the_hosts() -> None:
    text = (
        "Largest contingents of U.S. troops around the world include:\n\n"
        "Afghanistan — 66,000\n\nJapan — 50,937\n\nGermany — 47,761"
    )
    assert [(f.who, f.quantity, f.where) for f in extract_facts(text)] == [
        ("United States", 66000, "Afghanistan"), ("United States", 50937, "Japan"), ("United States", 47761, "Germany")
    ]  # fmt: skip
    contributors = "Troops contributed to the mission:\nAfghanistan — 600\nJapan — 500"
    assert [f.who for f in extract_facts(contributors)] == ["Afghanistan", "Japan"]


def test_a_datelines_city_owns_nothing() -> None:
    """ "NATO-led" names the force's owner when nothing else does; the city the report was filed from is no one."""
    text = (
        "WASHINGTON, Aug. 11, 2010 — The NATO-led International Security Assistance Force in Afghanistan now has "
        "almost 120,000 troops from 47 different countries."
    )
    assert [(f.who, f.quantity) for f in extract_facts(text)] == [("NATO", 120000)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a headline "A – B:" labels no line: its figures are nobody's
        ("Israel – Gaza: Airstrikes killed 500 people overnight. The UN said 1.9 million people have been displaced.",
         [("casualties", None, 500, None), ("displaced", None, 1_900_000, None)]),
        # one shared item is no list: the sender keeps its troops
        ("Britain will send troops to Estonia and Poland (800 each).", [("troops", "United Kingdom", 800, "Estonia")]),
        # an introduction that names others besides one country's troops abroad is no list of that country's
        ("Besides the 90,000 U.S. troops stationed in Afghanistan, allied contributions include:\nBritain: 9,500\n"
         "Germany: 4,500", [("troops", "United States", 90000, "Afghanistan"),
                            ("troops", "United Kingdom", 9500, "Afghanistan"),
                            ("troops", "Germany", 4500, "Afghanistan")]),
        # a name in a which-clause that owns nothing leaves the figure to the antecedent
        ("The US thanked Poland, which along with Italy will send 300 troops.", [("troops", "Poland", 300, None)]),
        # "the defence minister of Germany": "its" is Germany's
        ("Britain said the defence minister of Germany would raise its contingent to 1,000 troops.",
         [("troops", "Germany", 1000, None)]),
    ],
)  # fmt: skip
def test_cases_the_second_review_found(text: str, expected: list[tuple[str, str | None, int, str | None]]) -> None:
    assert [(f.category, f.who, f.quantity, f.where) for f in extract_facts(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In one month, five French soldiers lost their lives in Mali.", [("FR", 5)]),
        ("The army gave a toll of 80 soldiers killed, following the deaths on Monday of five troops.",
         [(None, 80), (None, 5)]),
        ("The deaths bring the number of Canadian service members killed in war-torn Afghanistan to 103 since "
         "Ottawa deployed forces there in 2002.", [("CA", 103)]),
        ("A fifth was killed on Saturday, bringing the total number of Israeli soldiers killed in the Gaza Strip to "
         "144.", [("IL", 144)]),
        ("The attack killed over 180 people, including 13 American service members.", [(None, 180), ("US", 13)]),
    ],
)  # fmt: skip
def test_soldiers_who_died_are_casualties_not_a_force(text: str, expected: list[tuple[str | None, int]]) -> None:
    facts = extract_facts(text)
    assert [(f.country_code, f.quantity) for f in facts] == expected
    assert {f.category for f in facts} == {"casualties"}


def test_a_population_column_is_no_fact_and_people_who_fled_at_home_are_that_countrys() -> None:
    table = (
        "Top Host Countries for Refugees in 2016\n\n"
        "Rank | Host Country | Total Refugees | Total Population\n"
        "1 | Turkey | 2,869,421 | 80,745,020\n"
        "2 | Pakistan | 1,352,560 | 197,015,955\n"
        "3 | Lebanon | 1,012,969 | 6,082,357"
    )
    assert [(f.category, f.quantity, f.where) for f in extract_facts(table)] == [
        ("displaced", 2_869_421, "Turkey"),
        ("displaced", 1_352_560, "Pakistan"),
        ("displaced", 1_012_969, "Lebanon"),
    ]
    fled = extract_facts("GENEVA Some 16,400 people fled their homes in eastern Ukraine in the past week.")
    assert [(f.category, f.who, f.quantity) for f in fled] == [("displaced", "Ukraine", 16_400)]


def test_a_line_labelled_with_a_dash_is_its_countrys() -> None:
    text = (
        "Here are the official figures per country:\n"
        "INDONESIA – Officially, 45,268 people died.\n"
        "SRI LANKA – The number of dead is 22,799."
    )
    assert [(f.country_code, f.quantity) for f in extract_facts(text)] == [("ID", 45268), ("LK", 22799)]
    assert line_label("WASHINGTON — The Pentagon said") is None  # a dateline labels no line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "its" is the clause subject's, not the name after "from"
        ("Sydney - Australia on Wednesday answered a call from the US White House and pledged to increase its "
         "military personnel in Afghanistan from 1,100 to 1,550.", [("AU", 1100, "before"), ("AU", 1550, "after")]),
        ("Germany said France would increase its troops in Mali to 3,000.", [("FR", 3000, None)]),
        ("Britain asked Germany to double its contingent to 1,000 soldiers.", [("DE", 1000, None)]),
        # a which-clause that names its own owner is not its antecedent's
        ("The UK has over 900 military personnel based in Estonia, which means that the possible increase will bring "
         "the British contingent there to over 1,800 troops.", [("GB", 900, None), ("GB", 1800, None)]),
        # after the figure, "their" is the troops' own, not the last country named: the passage's owner stays
        ("The Pentagon will increase the number of U.S. troops in Iraq to about 150,000, the highest level since the "
         "U.S. occupation of Iraq began. It will require that about 10,400 troops remain in Iraq beyond their "
         "expected return dates.", [("US", 150000, None), ("US", 10400, None)]),
    ],
)  # fmt: skip
def test_its_troops_are_the_subjects(text: str, expected: list[tuple[str, int, str | None]]) -> None:
    assert [(f.country_code, f.quantity, f.role) for f in extract_facts(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "each from" gives the figure to every country of the group, in a sentence and in an inline list
        ("The dead included 12 soldiers each from France, Italy and Spain.", [("FR", 12), ("IT", 12), ("ES", 12)]),
        ("Citizens of 35 countries are among the 157 people killed in the crash.\n"
         "The victims include nine Ethiopians; eight each from China, the United States and Italy; seven each from "
         "France and Britain; six from Egypt; three each from Russia and Sweden and two each from Spain and Poland.",
         [(None, 157), ("ET", 9), ("CN", 8), ("US", 8), ("IT", 8), ("FR", 7), ("GB", 7), ("EG", 6), ("RU", 3),
          ("SE", 3), ("ES", 2), ("PL", 2)]),
        ("The dead included eight each from China, the United States and Italy.", [("CN", 8), ("US", 8), ("IT", 8)]),
        ("The crash killed 150 people. There were two victims each from Australia, Argentina and Iran.",
         [(None, 150), ("AU", 2), ("AR", 2), ("IR", 2)]),
        # "A, B, C, two each" in an inline list: the figure for every country of its clause
        ("Soldiers killed in the war: Italy, 27; Ukraine, 18; Denmark, El Salvador, Estonia, two each.",
         [("IT", 27), ("UA", 18), ("DK", 2), ("SV", 2), ("EE", 2)]),
        # without "each", the first country after "from" alone
        ("The dead included 12 soldiers from France, and Italy mourned.", [("FR", 12)]),
    ],
)  # fmt: skip
def test_each_from_a_group_of_countries(text: str, expected: list[tuple[str | None, int]]) -> None:
    assert [(f.country_code, f.quantity) for f in extract_facts(text) if f.category == "casualties"] == expected


def test_a_change_with_its_noun_before_the_figures() -> None:
    facts = extract_facts("Germany will reduce its troops from 5,100 to 2,500.")
    assert [(f.country_code, f.quantity) for f in facts if f.category == "troops"] == [("DE", 5100), ("DE", 2500)]


def test_a_pledge_list_reads_its_currencies_and_skips_conversions() -> None:
    text = ("The donors pledged to Syria:\nKuwait: $300 million.\nUnited Kingdom: 50 million pounds ($78.8 million).\n"
            "Canada: 25 million Canadian dollars ($24.9 million).")  # fmt: skip
    facts = [f for f in extract_facts(text) if f.category == "money"]
    assert [(f.country_code, f.quantity, f.unit) for f in facts] == [
        ("KW", 300_000_000, "USD"), ("GB", 50_000_000, "GBP"), ("CA", 25_000_000, "CAD")
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "A deadline nears for a potential new round of US tariffs on another $200bn of Chinese goods.",
        "Beijing wants relief from the 25% tariffs imposed on an earlier, $250 billion list of consumer goods.",
        "Airbus will supply 430 jets to US firm Indigo Partners, at a list price of US$49.5 billion (S$67 billion).",
        "Indonesia’s flag airline is cancelling orders.\n"
        "Garuda Indonesia wished to cancel its order for 49 Max jets.",
    ],
)  # fmt: skip
def test_business_figures_that_belong_to_no_country_are_left_out(text: str) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.country_code] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Some 368,000 people have fled abroad from the fighting in Ukraine, the UN refugee agency said.",
         [("Ukraine", 368000)]),
        ("KUWAIT CITY (AP) — Kuwait, which is hosting the conference, pledged aid.\n"
         "The civil war has killed at least 220,000 people and displaced 11 million, according to the Syrian "
         "conflict's monitors.", [("Syria", 11000000)]),
    ],
)  # fmt: skip
def test_displaced_people_belong_to_the_country_they_fled(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.category == "displaced"] == expected


def test_a_factbox_total_and_its_other_nations_row_are_facts_without_an_owner() -> None:
    text = "Foreign military deaths in Afghanistan:\nUnited States 467\nBritain 84\nOther nations 60\nTOTAL: 733"
    facts = [(f.who, f.quantity, f.category) for f in extract_facts(text)]
    assert facts == [("United States", 467, "casualties"), ("United Kingdom", 84, "casualties"),
                     (None, 60, "casualties"), (None, 733, "casualties")]  # fmt: skip


def test_a_list_of_refugees_per_country_counts_them_where_they_are_unless_it_says_where_from() -> None:
    hosts = (
        "More than 600,000 people, most of them ethnic Albanians, have left Kosovo since March.\n"
        "The whereabouts of the refugees, according to the UNHCR:\nAlbania 363,100\nMacedonia 135,200"
    )
    rows = [(f.who, f.quantity, f.where) for f in extract_facts(hosts) if f.evidence != hosts.splitlines()[0]]
    assert rows == [("Kosovo", 363_100, "Albania"), ("Kosovo", 135_200, "North Macedonia")]
    unnamed = "The whereabouts of the refugees, according to the UNHCR:\nAlbania 363,100\nMacedonia 135,200"
    assert [(f.who, f.where) for f in extract_facts(unnamed)] == [(None, "Albania"), (None, "North Macedonia")]
    origins = "Refugees by country of origin:\nSyria 6.6 million\nAfghanistan 2.7 million"
    assert [(f.who, f.where) for f in extract_facts(origins)] == [("Syria", None), ("Afghanistan", None)]


def test_every_figure_of_a_table_row_is_counted_by_its_column_heading() -> None:
    text = ("Dead and missing in the tsunami\nCountry | dead | missing | total | population\n"
            "Indonesia | 126,473 | 93,943 | 220,416 | 230,000,000\nSomalia | 298 | - | 298 | 9,000,000\n"
            "Rank | Country | Personnel\n1 | Nepal | 6,247")  # fmt: skip
    facts = [(f.who, f.quantity, f.unit) for f in extract_facts(text)]
    assert facts[:4] == [("Indonesia", 126_473, "dead"), ("Indonesia", 93_943, "missing"),
                         ("Indonesia", 220_416, "total"), ("Somalia", 298, "dead")]  # fmt: skip
    assert all(quantity != 230_000_000 for _, quantity, _ in facts)  # a population is no key fact


def test_a_table_of_money_in_millions_is_scaled_and_read_once() -> None:
    text = "The countries that owe the most, in millions of dollars:\nU.S.: $ 1,070\nJapan: 114\nUkraine: 110"
    assert [(f.who, f.quantity) for f in extract_facts(text)] == [
        ("United States", 1_070_000_000), ("Japan", 114_000_000), ("Ukraine", 110_000_000)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a demonym before a troop noun says whose troops, even after "for"
        (
            "The mandate reduced the ceiling for German troop levels in Afghanistan from 4,400 to 3,300.",
            [("Germany", 4400, "before"), ("Germany", 3300, "after")],
        ),
        (
            "The German contingent in Mali is to be increased from a maximum of 450 to 600 soldiers.",
            [("Germany", 450, "before"), ("Germany", 600, "after")],
        ),
        (
            "The US military will reach 2,172,100 troops by 2024, down from the 2,186,500 planned.",
            [("United States", 2_172_100, "after"), ("United States", 2_186_500, "before")],
        ),
        # an airline's order, past an aside that names its country, and "finalized"/"firmed up"
        (
            "IndiGo, India’s largest airline by market share, placed a firm order for 500 A320 family aircraft.",
            [("IndiGo", 500, None)],
        ),
        ("Air India finalized an order for up to 290 new Boeing jets.", [("Air India", 290, None)]),
        # a company named with its acronym is "the company" after; "compared with" gives the figure before
        (
            "KARACHI: Millat Tractors Limited (MTL) on Friday reported a 72 percent drop in its net profit.\n"
            "The company said its revenue dropped to Rs13.375 billion, compared with Rs20.046 billion a year earlier.",
            [("Millat Tractors", 13_375_000_000, "after"), ("Millat Tractors", 20_046_000_000, "before")],
        ),
        # "one death", "one person", bodies found: counts, each elided country its own
        (
            "One death was reported in Jamaica, 11 in Cuba and one in the Bahamas.",
            [("Jamaica", 1, None), ("Cuba", 11, None), ("Bahamas", 1, None)],
        ),
        # the new figure first: "to 26,271 from 41,000", "to 12,500 troops from 7,000"
        (
            "Iran has revised down the number killed in the Bam earthquake to 26,271 from 41,000.",
            [("Iran", 26_271, "after"), ("Iran", 41_000, "before")],
        ),
        (
            "The Security Council voted to increase the UN force in South Sudan to 12,500 troops from 7,000.",
            [("UN", 12_500, "after"), ("UN", 7_000, "before")],
        ),
        # "reduce that number to": the figure before is the level it changes; a thousands figure before a month is
        # no day of it; "bringing the total to" follows what was added, not what was there before
        (
            "Currently, Poland has 2,500 troops committed to Operation Iraqi Freedom, but would reduce that number to "
            "1,500 January 2005, the spokesman said.",
            [("Poland", 2500, "before"), ("Poland", 1500, "after")],
        ),
        (
            "Belgium would provide 302 troops and could eventually lift the number to nearly 400.",
            [("Belgium", 302, "before"), ("Belgium", 400, "after")],
        ),
        (
            "Britain sent 100 more troops, bringing the total to 400.",
            [("United Kingdom", 100, None), ("United Kingdom", 400, None)],
        ),
        ("Poland said on 5 January that 300 Polish soldiers would stay.", [("Poland", 300, None)]),
        # an ethnic group is no state
        ("Many of Kosovo's 1.8 million ethnic Albanians were already displaced.", [(None, 1_800_000, None)]),
        # "which it acquired": the buyer pays, not the company bought
        ("WeWork is cutting jobs at Meetup, which it acquired for $200 million in 2017.", []),
    ],
)
def test_changes_owners_and_what_owns_nothing(text: str, expected: list[tuple[str | None, int, str | None]]) -> None:
    assert [(f.who, f.quantity, f.role) for f in extract_facts(text)] == expected


def test_a_factbox_total_belongs_to_the_one_mission_its_introduction_names() -> None:
    text = ("The military operation in Chad (Eufor) has 2924 soldiers, by nationality:\nAustria 160\nFrance 1503\n"
            "Ireland 500\nTOTAL 2924")  # fmt: skip
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.quantity == 2924] == [("EU", 2924)]
    two = "Soldiers of NATO and the EU in Kosovo:\nAustria 160\nFrance 1503\nIreland 500\nTOTAL 2163"
    assert [(f.who, f.quantity) for f in extract_facts(two) if f.quantity == 2163] == [(None, 2163)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thirty of the 120 German soldiers in Iraq will be sent to Jordan.",
         [("Germany", 120, None), ("Germany", 30, 120)]),
        ("Canada has 850 military personnel in Iraq, including 250 as part of the NATO mission.",
         [("Canada", 850, None), ("Canada", 250, 850)]),
        ("Britain is the second biggest foreign military contingent, with 9,500.", [("United Kingdom", 9500, None)]),
        ("With about 90,000 troops, the United States is the biggest contributor.", [("United States", 90000, None)]),
    ],
)  # fmt: skip
def test_troop_structures_the_issue_names(text: str, expected: list[tuple[str, int, int | None]]) -> None:
    assert [(f.who, f.quantity, f.part_of) for f in extract_facts(text) if f.category == "troops"] == expected


def test_respectively_pairs_each_figure_with_its_country() -> None:
    troops = extract_facts("Britain and France have sent 500 and 300 troops respectively.")
    assert [(f.who, f.quantity) for f in troops] == [("United Kingdom", 500), ("France", 300)]
    refugees = extract_facts("Pakistan saw most of Afghanistan's refugees.\nAustria and Greece took around 46,600 and "
                             "41,200 people respectively.")  # fmt: skip
    assert [(f.who, f.quantity, f.where) for f in refugees] == [("Afghanistan", 46600, "Austria"),
                                                                ("Afghanistan", 41200, "Greece")]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the noun and verb of the first figure are elided; the country after the same preposition changes
        (
            "About 330,000 Syrians have fled to Lebanon, 320,000 to Jordan and around 43,500 to Egypt.",
            [
                ("displaced", "Syria", 330_000, "Lebanon"),
                ("displaced", "Syria", 320_000, "Jordan"),
                ("displaced", "Syria", 43_500, "Egypt"),
            ],
        ),
        # the dead of a country named as the place: each later country owns its own
        (
            "Fatalities occurred in Africa, where 298 people were declared dead in Somalia, 10 in Tanzania and one in "
            "Kenya.",
            [
                ("casualties", "Somalia", 298, None),
                ("casualties", "Tanzania", 10, None),
                ("casualties", "Kenya", 1, None),
            ],
        ),
        # a different preposition is no continuation of the first figure
        (
            "About 330,000 Syrians have fled to Lebanon, 320,000 of them in camps.",
            [("displaced", "Syria", 330_000, "Lebanon")],
        ),
        # "one" counts when a counted noun follows, never as "the one in"
        (
            "Austria and Georgia have just one soldier each in ISAF.",
            [("troops", "Austria", 1, None), ("troops", "Georgia", 1, None)],
        ),
        ("The Czech mission in Mali is growing, while the one in Iraq stays; one in Kosovo closes.", []),
        # names news uses that ISO does not: "Ivory Coast", "Luxemburg"; "Northern Ireland" is no Ireland
        (
            "Ivory Coast sent 200 soldiers and Luxemburg 2.",
            [("troops", "Ivory Coast", 200, None), ("troops", "Luxembourg", 2, None)],
        ),
        ("Northern Ireland sent 40 police officers.", [("troops", "United Kingdom", 40, None)]),
    ],
)
def test_elided_figures_ones_and_common_country_names(
    text: str, expected: list[tuple[str, str | None, int, str | None]]
) -> None:
    # the rules' own reading: what the learned figure model adds is tested in test_learned_facts.py
    assert [(f.category, f.who, f.quantity, f.where) for f in read_facts(text)] == expected


def test_a_toll_around_the_world_and_a_count_of_cities_are_nobodys() -> None:
    text = ("India suffered badly from air pollution. In 2015 there were 9 million premature deaths from it around the "
            "world. At least 106 protesters in 21 cities have been killed.")  # fmt: skip
    assert [(f.who, f.quantity) for f in extract_facts(text)] == [(None, 9_000_000), (None, 106)]


def test_vehicles_count_as_equipment_only_in_war() -> None:
    assert [f.quantity for f in extract_facts("Russian losses include 8,656 unmanned aerial vehicles.")] == [8656]
    assert extract_facts("Toyota said vehicle sales fell to 8,971,864 vehicles.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a conversion's further currencies, and a sum in a state's currency, own nothing of that state
        ("Net income rose from 2.1733 trillion Japanese yen ($18.1bn; £11.7bn), up from 1.8231tn yen.", []),
        # a company its country describes ("Switzerland's biggest", "the Chinese technology juggernaut")
        ("The bank, Switzerland's biggest by market capitalization, posted a net profit of 319 million francs.", []),
        ("The Chinese technology juggernaut said it would lead an US$863 million investment in Vipshop.", []),
        ("Although the Swiss bank pleaded guilty and agreed to pay $2.6 billion, concern remains.", []),
        # the fined company, though a regulator is named first
        (
            "Superintendent Benjamin Lawsky fined German company Commerzbank $1.45 billion for violating sanctions.",
            [("Commerzbank", "$1.45 billion")],
        ),
        # prices: a price target, a barrel's price written in words
        ("Analyst Michael Walkley raised his price target for Apple from $135 to $145 per share.", []),
        ("Oil prices hit 147 dollars a barrel last July.", []),
        # cars sold are no military equipment
        ("Toyota said vehicle sales fell to 8,971,864 vehicles.", []),
        # prices, wages and weights are no sums anyone has
        ("At B&H, shoppers can save $100 on the retail systems.", []),
        ("Regular FIRE is someone whose spending is around $60,000 a year.", []),
        ("They detected 5,200 pounds of water vapor being released from Europa per second.", []),
        # "the Emirates fleet" is the airline's
        ("Clark revealed plans to expand the Emirates fleet by 30 jets.", []),
        # an Indian agency's dateline owns nothing; the buyer that "picked up" a stake pays
        (
            "New Delhi, Sep 9 (PTI) US private equity firm Silver Lake Partners picked up a stake for Rs 7,500 crore.",
            [("Silver Lake Partners", "Rs 7,500 crore")],
        ),
    ],
)
def test_business_figures_that_belong_to_no_country(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.who, f.quantity_text) for f in extract_facts(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a fine belongs to the company it is imposed on, not to the state that imposes it
        ("German prosecutors said they are handing carmaker Daimler a fine of 870 million euros.",
         [("Daimler", 870_000_000)]),
        ("Chinese authorities on Saturday decided to fine Alibaba Group 18.2 billion yuan.",
         [("Alibaba Group", 18_200_000_000)]),
        # a country that names a thing owns no money; a brand is no country
        ("It took a charge as a result of the US tax reform and US$650 million of costs.", []),
        ("Oil major Saudi Aramco has signed a $7 billion deal to take a stake.", [("Saudi Aramco", 7_000_000_000)]),
        # what the market says a stake is worth is no sum anyone holds
        ("SoftBank's stake, worth about $4 billion, will be sold.", []),
        # a company named in an earlier sentence is "the world's largest retailer" in the next
        ("Walmart Inc. agreed to buy a controlling stake in Flipkart.\n"
         "The world's largest retailer will acquire a 77% holding for $16 billion.", [("Walmart", 16_000_000_000)]),
    ],
)  # fmt: skip
def test_business_money_belongs_to_the_company_that_moves_it(text: str, expected: list[tuple[str, int]]) -> None:
    """The rules' owners, before the owner judge (tests/summarizer/test_trust.py) decides which to show."""
    assert [(f.who, f.quantity) for f in read_facts(text, bundled_model()) if f.category == "money"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Germany plans to boost its defence budget.\n"
         "The defence budget will rise by 1.2 billion euros in 2016 to 34.2 billion.", [1_200_000_000, 34_200_000_000]),
        ("The Defence Ministry's budget was allocated ₹5.94 lakh crore.", [5_940_000_000_000]),
    ],
)  # fmt: skip
def test_money_figures_as_budgets_write_them(text: str, expected: list[int]) -> None:
    assert [f.quantity for f in extract_facts(text) if f.category == "money"] == expected


def test_years_are_never_counted() -> None:
    facts = extract_facts("By the end of 2019, 79.5 million people had been forcibly displaced, the UN said.")
    assert [f.quantity for f in facts] == [79_500_000]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative clause's figure is its antecedent's
        ("Italy is committed to the UN Interim Force in Lebanon (UNIFIL), which will be enlarged to 15,000 troops "
         "from the current 2,000.", [("UN", 15000), ("UN", 2000)]),
        # bracketed figures after a figure are its parts
        ("The United States has more than 100,000 soldiers in the country split between the NATO force (90,000) and "
         "Operation Enduring Freedom (10,000).", [("United States", 100000), ("United States", 90000),
                                                 ("United States", 10000)]),
        # police deployed abroad count as troops (the guide of tests/data/facts-real)
        ("Another 200 Kenyan police officers land in Haiti.", [("Kenya", 200)]),
    ],
)  # fmt: skip
def test_troop_owners_and_parts_in_clauses(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.category == "troops"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Norway has 36 total Leopard 2 tanks and has pledged them.", [("Norway", 36)]),
        ("Emirates has placed an order for an additional 65 Boeing 777-9 aircraft.", [("Emirates", 65)]),
        ("Qantas confirmed that it has placed an order for 12 Airbus A350-1000s.", [("Qantas", 12)]),
        ("The Latvian ministry reported on 28 April that the ships arrived.", []),
    ],
)  # fmt: skip
def test_model_numbers_and_dates_are_no_counts(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.category == "other"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 500 may have died in the quake in Turkey.", [("Turkey", 500)]),
        ("Germany sent a contingent of 2000 soldiers to Lithuania.", [("Germany", 2000)]),
        ("The dead were mostly elderly, officials said, while Germany keeps 300 soldiers in Mali.", [("Germany", 300)]),
        ("On Tuesday Britain sent 500 troops to Estonia.", [("United Kingdom", 500)]),
        ("Shell paid $1 billion while BP raised $2 billion.", [("Shell", 1_000_000_000), ("BP", 2_000_000_000)]),
        ("Alibaba raised $1.255 billion in its listing.", [("Alibaba", 1_255_000_000)]),
        ("Poland sent 14 tanks to Ukraine.", [("Poland", 14)]),
        ("Germany keeps 300 soldiers in Mali. Germany also keeps 300 soldiers in Niger.",
         [("Germany", 300), ("Germany", 300)]),
        ("Kenya sent 300 soldiers, and the injured are in hospital.", [("Kenya", 300)]),
    ],
)  # fmt: skip
def test_cases_a_review_found(text: str, expected: list[tuple[str, int]]) -> None:
    """The rules' readings, before the owner judge decides which sums to show."""
    assert [(f.who, f.quantity) for f in read_facts(text, bundled_model())] == expected


def test_the_cost_of_one_sentence_is_bounded() -> None:
    """A run-on "sentence" (a flattened table, a pasted CSV) is read only so far, figure by figure."""
    facts = extract_facts("Contributions: " + ", ".join(f"Britain {n} troops" for n in range(1, 500)))
    assert 0 < len(facts) <= 40
    assert extract_facts("| 1 " * 3000) == []


def test_kosovo_is_a_country_under_its_user_assigned_code() -> None:
    (fact,) = extract_facts("Some 444,600 Kosovo Albanian refugees are in Albania.")
    assert (fact.who, fact.country_code, fact.quantity, fact.category) == ("Kosovo", "XK", 444600, "displaced")


def test_a_second_refugee_table_keeps_the_origin_its_crisis_heading_named() -> None:
    text = (
        "Refugees/IDPs from Kosovo\nCountry | Total Refugees\nAlbania | 363,100\nMacedonia | 135,200\n"
        "UNHCR Humanitarian Evacuations\nReceiving Country | Number of Refugees\nAustria | 645\nGermany | 9,974\n"
        "TOTAL | 10,619"
    )
    found = {(f.quantity, f.who, f.where) for f in extract_facts(text) if f.category == "displaced"}
    assert found == {
        (363100, "Kosovo", "Albania"), (135200, "Kosovo", "North Macedonia"), (645, "Kosovo", "Austria"),
        (9974, "Kosovo", "Germany"), (10619, "Kosovo", None),
    }  # fmt: skip


def test_refugees_listed_by_nationality_keep_their_own_origin() -> None:
    text = (
        "There are at present 247,000 South Sudanese refugees in the country.\n"
        "They are followed by Somalis (245,000) and Eritreans (99,000)."
    )
    assert owners(extract_facts(text), "displaced") == {"SS": 247000, "SO": 245000, "ER": 99000}


def test_each_belongs_to_the_countries_joined_to_it_only() -> None:
    text = (
        "Switzerland donated EUR 5.9 million, with Norway EUR 4.1 million, and Austria, Sweden and the United States"
        " each pledging EUR 2 million."
    )
    two_million = {f.who for f in extract_facts(text) if f.quantity == 2_000_000}
    assert two_million == {"Austria", "Sweden", "United States"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The attack killed 40 and wounded 120.", [(40, "people killed"), (120, "people wounded")]),
        ("A magnitude 7.9 quake in Peru killed 67,000 and affected 3.2 million.", [(67000, "people killed")]),
    ],
)
def test_a_figure_right_after_a_verb_of_harm_is_a_casualty(sentence: str, expected: list[tuple[int, str]]) -> None:
    facts = extract_facts(sentence)
    assert [(f.quantity, f.unit) for f in facts] == expected
    assert all(f.category == "casualties" for f in facts)


def test_labelled_rows_with_commentary_between_them_are_one_list() -> None:
    text = (
        "Here are the details of the participating African countries:\nNigeria : 1200 men\n"
        "On January 17, fifty Nigerians arrived in Bamako on the quota promised by Abuja.\nTogo : 540 men\n"
        "Benin : 300 men"
    )
    troops = owners(extract_facts(text), "troops")
    assert troops["NG"] == 1200 and troops["TG"] == 540 and troops["BJ"] == 300


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a list's total is a mission's only when a troop list names it
        (
            "NATO leaders met in Vilnius on Tuesday.\nThe war's toll so far, by country:\nUkraine 31,000 killed\n"
            "Russia 120,000 killed\nTotal 151,000",
            [("Ukraine", 31_000, None), ("Russia", 120_000, None), (None, 151_000, None)],
        ),
        (
            "The Pentagon said 2,000 National Guard troops were deployed to Washington.",
            [("United States", 2000, "Washington")],
        ),
        # a list of the countries refugees come from
        (
            "The top five countries producing refugees, according to UNHCR:\nSyria 6.8 million\n"
            "Afghanistan 2.7 million",
            [("Syria", 6_800_000, None), ("Afghanistan", 2_700_000, None)],
        ),
        # a column of shares counts nothing
        (
            "Refugees by country:\nCountry | Refugees | Share of refugees (%)\nLebanon | 1,500,000 | 25\n"
            "Jordan | 700,000 | 12",
            [("Lebanon", 1_500_000, None), ("Jordan", 700_000, None)],
        ),
        # a source quoted is no deployment
        ("One German soldier said the unit had run out of ammunition.", []),
        (
            "The price of oil rose 3%, and Saudi Arabia pledged $10 billion to Egypt.",
            [("Saudi Arabia", 10_000_000_000, "Egypt")],
        ),
        ("Germany will deliver 40 Marder infantry fighting vehicles to Ukraine.", [("Germany", 40, "Ukraine")]),
        # "40 to Nasser" goes on from "200 were taken to", not from the dead; a hospital is no country
        ("The attack killed 30 people, and 200 were taken to Al-Shifa hospital, 40 to Nasser.", [(None, 30, None)]),
    ],
)
def test_what_the_review_of_the_new_rules_found(text: str, expected: list[tuple[str | None, int, str | None]]) -> None:
    # the rules' own reading: what the learned figure model adds is tested in test_learned_facts.py
    assert [(f.who, f.quantity, f.where) for f in read_facts(text)] == expected


def test_a_cleaned_html_table_is_read_by_its_headings_not_by_the_rule_under_them() -> None:
    html = ("<html><body><article><h1>Toll</h1><p>The dead and wounded of the war, by country, as the ministry "
            "counts them in its latest report on the fighting.</p><table><tr><th>Country</th><th>Dead</th>"
            "<th>Wounded</th></tr><tr><td>Ukraine</td><td>300</td><td>1,200</td></tr><tr><td>Russia</td>"
            "<td>500</td><td>2,000</td></tr></table><p>More fighting is expected in the coming weeks, officials "
            "said on Monday in the capital.</p></article></body></html>")  # fmt: skip
    facts = [(f.who, f.quantity, f.unit) for f in extract_facts(from_html(html).text)]
    assert facts == [("Ukraine", 300, "dead"), ("Ukraine", 1200, "wounded"), ("Russia", 500, "dead"),
                     ("Russia", 2000, "wounded")]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two owners' or places' figures side by side are no change; "a year earlier" makes one
        ("Germany has 1,200 troops in Mali, compared with 5,100 for France.", [("Germany", 1200, None)]),
        ("Nigeria deployed 5,000 troops against 3,000 Boko Haram fighters.", [("Nigeria", 5000, None)]),
        (
            "Microsoft earned $20 billion, against $16 billion a year earlier.",
            [("Microsoft", 20_000_000_000, "after"), ("Microsoft", 16_000_000_000, "before")],
        ),
        # "from 40 countries" counts countries, not troops before
        ("The UN mission will grow to 12,500 troops from 40 countries.", [("UN", 12_500, None)]),
        # a toll's "to N" is the first figure after it, never money, never past a clause
        ("Officials put the death toll at 40, and said 300 people were taken to 5 hospitals.", [(None, 40, None)]),
        ("The state raised the toll on the bridge to $5 for 40,000 cars a day.", []),
        # a noun that modifies another counts nothing; bodies count when found; a source is no casualty
        ("Iran handed down 20 death sentences last year.", []),
        ("Officials said 15 government bodies would review the deployment.", []),
        ("Rescuers recovered 12 bodies from the rubble.", [(None, 12, None)]),
        ("One person familiar with the matter said 3 soldiers were killed in the attack.", [(None, 3, None)]),
        # a name inside the aside is the subject; an aside before "had finalized" is skipped
        (
            "Its largest shareholder, the Qatar Investment Authority, invested $2 billion in the fund.",
            [("Qatar Investment Authority", 2_000_000_000, None)],
        ),
        (
            "Boeing said on Tuesday that Air India, the Tata-owned carrier, had finalized an order for 250 jets.",
            [("Air India", 250, None)],
        ),
    ],
)
def test_what_the_second_review_found(text: str, expected: list[tuple[str | None, int, str | None]]) -> None:
    # the rules' own reading: what the learned figure model adds is tested in test_learned_facts.py
    assert [(f.who, f.quantity, f.role) for f in read_facts(text)] == expected


def test_a_row_that_names_the_host_gives_the_troops_to_their_sender() -> None:
    text = (
        "US forces in the region:\n"
        "Bahrain: More than 7,000 US troops, mostly naval forces, are there.\n"
        "Kuwait: Over 13,000 American troops are stationed in Kuwait.\n"
        "Estonia: 1,000 troops"
    )
    assert [(f.who, f.quantity, f.where) for f in extract_facts(text)] == [
        ("United States", 7000, "Bahrain"), ("United States", 13000, "Kuwait"), ("Estonia", 1000, None)]  # fmt: skip


def test_a_league_table_of_companies_gives_each_sum_to_the_company_not_its_country() -> None:
    listed = (
        "The banks with the biggest fines this year were:\n"
        "- Goldman Sachs, US – $3.97 billion\n- Westpac, Australia – $900.9 million\n"
        "- SEB bank, Sweden – $112.53 million"
    )
    assert [(f.who, f.quantity) for f in extract_facts(listed)] == [
        ("Goldman Sachs", 3_970_000_000), ("Westpac", 900_900_000), ("SEB bank", 112_530_000)]  # fmt: skip
    pledges = "Pledges at the conference:\n- Britain, UK – $30 million\n- Germany: $20 million"
    assert [(f.who, f.quantity) for f in extract_facts(pledges)] == [
        ("United Kingdom", 30_000_000),
        ("Germany", 20_000_000),
    ]
    table = (
        "Finance companies fined the most\n"
        "Rank | Company | HQ Country | Fine Count | Total Amount Penalised\n"
        "1 | Bank of America | United States | 124 | $60,627,451,587\n"
        "2 | NatWest Group PLC | United Kingdom | 30 | $13,463,546,857"
    )
    assert [(f.who, f.quantity) for f in extract_facts(table)] == [
        ("Bank of America", 60_627_451_587), ("NatWest Group", 13_463_546_857)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Boeing won a 30-plane 787 order from Korean Air Lines.", [("Korean Air Lines", 30)]),
        ("Boeing won an order for 50 jets from Ryanair.", [("Ryanair", 50)]),
        ("Airbus ordered 300 engines from Rolls-Royce.", []),  # "ordered … from" names the seller: no order of jets
    ],
)
def test_an_order_from_a_buyer_is_the_buyers(text: str, expected: list[tuple[str, int]]) -> None:
    """The rules' owners, before the owner judge decides which to show (the figures are the figure model's)."""
    assert [(f.who, f.quantity) for f in read_facts(text, _reading_orders())] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a sale is the buyer's, as an order is
        ("Airbus used the show to unveil a firmed-up $17 billion sale to Qatar Airways.",
         [("money", "Qatar Airways", 17_000_000_000)]),
        ("Rite Aid Corp said it would sell 865 stores to Fred's Inc for $950 million.",
         [("money", "Fred's", 950_000_000)]),
        ("Airbus has secured an order to supply 430 A320 aircraft to US investment firm Indigo Partners, at a "
         "catalogue price of US$49.5 billion.", [("other", "Indigo Partners", 430), ("money", "Indigo Partners",
                                                                                      49_500_000_000)]),
        # each sum with its own deal: the sale's buyer does not take the next clause's order
        ("Airbus unveiled a $17 billion sale to Qatar Airways and a $10 billion order from US Airways.",
         [("money", "Qatar Airways", 17_000_000_000), ("money", "US Airways", 10_000_000_000)]),
        # a country that only describes the company acting owns nothing
        ("Mexico's state-run oil company Pemex reported a loss of 167.5 billion pesos.",
         [("money", "Pemex", 167_500_000_000)]),
        ("Germany's Olaf Scholz pledged 1 billion euros to Ukraine.", [("money", "Germany", 1_000_000_000)]),
        ("Irish payment processing platform Stripe has secured over $6.5 billion in a funding round.",
         [("money", "Stripe", 6_500_000_000)]),
        ("Irish lessor Avolon ordered 40 Boeing 737 MAX airplanes.", [("other", "Avolon", 40)]),
        ("Federal regulators fined megabank Wells Fargo $1 billion.", [("money", "Wells Fargo", 1_000_000_000)]),
        ("The European Union has sent Ukraine 1 billion euros of assistance.", [("money", "EU", 1_000_000_000)]),
        ("Saudi Arabian Airlines, the national flag carrier of Saudi Arabia, expanded its order to 100 aircraft.", []),
        ("Domino's Pizza reported a profit of $100 million.", [("money", "Domino's Pizza", 100_000_000)]),
        ("Hosiery firm Rupa and Company reported a net profit of Rs 58.3 crore.",
         [("money", "Rupa and Company", 583_000_000)]),  # "and Company" is the name's, not a second company
        ("Microsoft invested $10 billion in the company.", [("money", "Microsoft", 10_000_000_000)]),
        ("Musk sold $4 billion of Tesla shares to fund his Twitter bid.", [("money", "Musk", 4_000_000_000)]),
        ("Intel sold its memory business to SK Hynix for $9 billion.", [("money", "SK Hynix", 9_000_000_000)]),
        ("Apple said its sales to Asian customers rose to $25 billion.", [("money", "Apple", 25_000_000_000)]),
        ("The UN Security Council granted Russia's request to deploy 500 troops.", [("troops", "Russia", 500)]),
        ("Warren Buffett’s Berkshire Hathaway agreed to buy the firm for around $37.2 billion.",
         [("money", "Berkshire Hathaway", 37_200_000_000)]),
        ("German Chancellor Angela Merkel pledged 500 million euros to Ukraine.", [("money", "Germany", 500_000_000)]),
        # a fine is the fined company's, "the" or not; a branch of a company is no company
        ("The regulator fined the ICBC $30 million for failing to correct deficiencies.",
         [("money", "ICBC", 30_000_000)]),
        ("The bank and its New York branch agreed to pay $32.4 million in penalties.", []),
        # a company "in" a country orders, not the country
        ("Starlux in Taiwan ordered 10 Airbus jets.", [("other", "Starlux", 10)]),
        ("Including orders from those two airlines and Kuwaiti aircraft financing company ALAFCO, Airbus clinched a "
         "total of 114 deals for the A350 XWB.", []),  # "Including" names no company
    ],
)  # fmt: skip
def test_business_owners_are_who_buys_and_who_acts(text: str, expected: list[tuple[str, str, int]]) -> None:
    """The rules' owners, before the owner judge decides which to show."""
    assert [(f.category, f.who, f.quantity) for f in read_facts(text, _reading_orders())] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Emirates has placed an order for 90 777X airplanes, including 55 777-9 and 35 777-8 jets.",
        "Emirates is buying five more 787 jets, growing its 787 backlog to 35.",
        "Linde signed a deal to create a $65 billion industrial gases group.",
        "Stripe said it had internally reduced its valuation to $63 billion in January.",
        "The unit posted net asset value at HK$3.3 billion.",
        "Airbus also said Qatar Airways had ordered $17 billion worth of aircraft.",
    ],
)
def test_models_sizes_and_valuations_give_no_count_and_no_wrong_sum(text: str) -> None:
    facts = extract_facts(text)
    assert not [f for f in facts if f.quantity in (35_777, 777, 787, 65e9, 63e9, 3.3e9)]
    assert not [f for f in facts if f.category != "money" and f.quantity_text.startswith("$")]


def test_grouped_thousands_stop_before_a_model_number() -> None:
    assert [q.value for q in find_quantities("55 777-9 and 35 777-8 jets; 600 000 people; a 5 000-strong force")][
        :4
    ] == [55, 777, 35, 777]
    assert 600_000 in [q.value for q in find_quantities("600 000 people fled")]
    assert 5_000 in [q.value for q in find_quantities("a 5 000-strong force")]
    assert [q.value for q in find_quantities("5 000-6 000 troops")][:1] == [5_000]  # a range stays a range
    assert [q.value for q in find_quantities("€1 500m in aid")] == [1_500_000_000]  # and a scale stays its own


def test_a_column_of_sums_takes_its_currency_and_scale_from_its_heading() -> None:
    """ "Billions of dollars": every figure under it is a sum; the "Per Cent" column beside it is no key fact."""
    text = ("What do Nato members spend on defence?\nCountry | Per Cent | Billions of dollars\n"
            "United States | 3.58 | 683\nGreece | 2.32 | 4.5\nEstonia | 2.14 | 0.5")  # fmt: skip
    assert [(f.category, f.who, f.quantity, f.unit) for f in extract_facts(text)] == [
        ("money", "United States", 683_000_000_000, "USD"), ("money", "Greece", 4_500_000_000, "USD"),
        ("money", "Estonia", 500_000_000, "USD")]  # fmt: skip


def test_a_sum_keeps_the_digits_its_cell_wrote_under_a_scaled_heading() -> None:
    text = ("Relief aid reported:\n | October 1983-September 1984 (US $ million) | (£ million)\n"
            "Ethiopia | 16.894 | 12.069\nSudan | 36.456 | 26.044")  # fmt: skip
    sums = [(f.who, f.quantity, f.unit) for f in extract_facts(text)]
    assert ("Ethiopia", 16_894_000, "USD") in sums and ("Sudan", 26_044_000, "GBP") in sums


def test_a_company_table_reads_the_sums_its_heading_names_and_no_rank_or_change() -> None:
    text = ("Top companies: Fastest growing\n"
            "Rank | Company | Global 500 Rank | Profits % change from 2009 | 2010 Profits ($ millions)\n"
            "1 | Bridgestone | 287 | 10,014.6 | 1,127.3\n2 | Franz Haniel | 242 | 4,966.2 | 422.5")  # fmt: skip
    assert [(f.who, f.quantity) for f in extract_facts(text)] == [
        ("Bridgestone", 1_127_300_000), ("Franz Haniel", 422_500_000)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Safaricom announced on Wednesday that its net profit for the year ended March grew to Sh55.3 billion.",
            [("Safaricom", 55_300_000_000)],
        ),
        ("Home Depot reported first-quarter net profit of $2.8 billion.", [("Home Depot", 2_800_000_000)]),
        ("Net profit fell to 62.48 billion riyals after zakat and tax.", []),  # "Net" is no company
        ("Full-year profit at BHP rose to $8.9 billion.", [("BHP", 8_900_000_000)]),  # BHP's, not "Full-year"'s
        ("Germany on Saturday announced 2.7 billion euro of military aid to Ukraine.", [("Germany", 2_700_000_000)]),
    ],
)
def test_a_companys_results_are_its_sums(text: str, expected: list[tuple[str, int]]) -> None:
    """The rules' owners, before the owner judge decides which to show."""
    assert [(f.who, f.quantity) for f in read_facts(text, bundled_model()) if f.category == "money"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pakistan provides the largest contingent in the 35-nation, 30,800-member UN military operation",
            [("UN", 30_800)],
        ),
        ("The German infantry will form part of a 1,200-strong NATO multinational battalion.", [("NATO", 1_200)]),
        ("After the invasion, coalition forces included 300,000 troops from 38 countries.", [("coalition", 300_000)]),
        ("At its peak in June 1995, UNMIH deployed over 6,000 military personnel.", [("UN", 6_000)]),
        ("The Security Council passed a resolution cutting the UN force in Rwanda to 270.", [("UN", 270)]),
        ("Britain sent a 500-strong German-trained battalion.", [("United Kingdom", 500)]),
    ],
)
def test_a_force_of_several_nations_is_its_alliances(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.category == "troops"] == expected


def test_refugees_listed_by_host_are_the_fled_countrys_and_the_host_is_where() -> None:
    text = (
        "Since clashes started in Mali on January 17, neighbouring countries have reported a steady influx of "
        "refugees. More than 18,000 are in Mauritania, 18,000 in Niger and over 8,000 in Burkina Faso."
    )
    facts = [(f.who, f.quantity) for f in extract_facts(text) if f.category == "displaced"]
    assert facts and all(who == "Mali" for who, _ in facts)  # never Mauritania, where the first of them are
    assert 8_000 in [quantity for _, quantity in facts]


@pytest.mark.parametrize(
    "text",
    [
        "More than 44,000 people have fled the month-long violence in northern Mali.",
        "Since violence erupted in Mali, 44,000 people have fled.",
    ],
)
def test_the_country_people_flee_may_be_named_with_its_region_or_its_violence_erupting(text: str) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.category == "displaced"] == [("Mali", 44_000)]


def test_migrants_who_fled_a_country_are_not_said_to_be_its_people() -> None:
    text = "Since violence erupted in Libya, more than 606,800 migrants have fled to neighbouring countries."
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.category == "displaced"] == [(None, 606_800)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Spain and Turkey lost two nationals each. Portugal, Switzerland, all lost one citizen.",
            [("Spain", 2), ("Turkey", 2), ("Portugal", 1), ("Switzerland", 1)],
        ),
        (
            "Kenya lost the most citizens in the crash, with 32 killed. Canada lost 18 and Ethiopia lost nine.",
            [("Kenya", 32), ("Canada", 18), ("Ethiopia", 9)],
        ),
        (
            "Foreigners confirmed dead, missing\nGermany: 60 dead. 1,000+ missing.",
            [("Germany", 60), ("Germany", 1_000)],
        ),
    ],
)
def test_victims_counted_the_way_tallies_write_them(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(f.who, f.quantity) for f in extract_facts(text) if f.category == "casualties"] == expected


def test_troops_and_tanks_from_a_country_are_both_its() -> None:
    text = "They are supported by 2,000 troops and 14 tanks from the United Arab Emirates and 750 Belgian infantry."
    assert [(f.who, f.quantity, f.category) for f in extract_facts(text)] == [
        ("UAE", 2_000, "troops"),
        ("UAE", 14, "other"),
        ("Belgium", 750, "troops"),
    ]


def test_a_lists_rows_are_where_its_introduction_puts_them() -> None:
    text = (
        "Here is a table by country of military forces in Iraq.\nUnited States | 150,000\nBritain | 8,930\n\n"
        "Contributions to the missions in Iraq and Afghanistan:\nGermany: 1,200\nItaly: 900"
    )
    assert [(f.who, f.where) for f in extract_facts(text)] == [
        ("United States", "Iraq"),
        ("United Kingdom", "Iraq"),
        ("Germany", None),  # two countries named: no one place
        ("Italy", None),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a data row whose figure follows a sign is no heading row
        (
            "Troops in Afghanistan:\n\nCountry | Troops | Dead\nGermany | 4,500 | 20\nFrance | <10 | n/a\n"
            "Italy | 3,000 | 9",
            [("Germany", 4_500), ("Germany", 20), ("France", 10), ("Italy", 3_000), ("Italy", 9)],
        ),
        ("Country | Refugees\nTurkey | ~3,000,000\nLebanon | >1,000,000\nJordan | 650,000", None),
        # a heading's scale: the cell's own figure, spaced thousands and all, and never over the cell's own scale
        (
            "Country | Aid (€m)\nGermany | 1 250\nFrance | 2 400",
            [("Germany", 1_250_000_000), ("France", 2_400_000_000)],
        ),
        ("Country | Aid ($m)\nGermany | 1.2bn\nFrance | 95", [("Germany", 1_200_000_000), ("France", 95_000_000)]),
        # a weight, a price, a wage and a person's wealth are no sums of a country
        ("Country | Exports (million pounds)\nBrazil | 120\nArgentina | 95", []),
        ("Country | Petrol ($/litre)\nNorway | 2.1\nFrance | 1.9", []),
        ("Country | Minimum wage (€ a month)\nGermany | 1,584\nFrance | 1,398", []),
        (
            "Rank | Name | Country | Net worth ($bn)\n1 | Carlos Slim | Mexico | 74\n2 | Bill Gates | US | 5",
            [],
        ),
        # "all of which" is no "each"; a market or a team that lost is no country's dead
        ("Officials said Kenya, Uganda and Tanzania, all of which sent troops, had 4,000 soldiers in Somalia.", None),
        ("At least 30 people died in the attack. On the markets the Nikkei lost 120 to close at 9,800.", [(None, 30)]),
        ("At least 30 people died in the attack. Manchester United lost 2 to 1 at home.", [(None, 30)]),
    ],
)
def test_what_the_review_of_the_column_and_results_rules_found(
    text: str, expected: list[tuple[str, int]] | None
) -> None:
    facts = [(f.who, f.quantity) for f in extract_facts(text)]
    if expected is not None:
        assert facts == expected
    elif "Lebanon" in text:
        assert ("Lebanon", 1_000_000) in facts
    else:
        assert [who for who, quantity in facts if quantity == 4_000] == ["Tanzania"]


@pytest.mark.parametrize(
    ("heading", "sign"),
    [("Aid (NZ$m)", "NZ$"), ("Aid (R$ bn)", "R$"), ("(Canadian dollars, millions)", "C$"), ("USD million", "$")],
)
def test_a_columns_currency_is_the_one_its_heading_names(heading: str, sign: str) -> None:
    assert money_column(heading) == (sign, 1_000_000_000 if "bn" in heading else 1_000_000)


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("Reuters said profits at Barclays fell to £1 billion.", "Barclays"),
        ("Microsoft said revenue at LinkedIn rose to $3 billion.", "LinkedIn"),
        ("Barclays said Kenya Airways' losses for the year were Sh26 billion.", "Kenya Airways"),
        ("Tourism revenues rose to $5 billion.", None),
        ("The firm posted a net loss of USD 84 million in the year-ago period.", None),
    ],
)
def test_results_belong_to_the_company_they_are_of(text: str, owner: str | None) -> None:
    """The rules' owners, before the owner judge decides which to show."""
    assert [f.who for f in read_facts(text, bundled_model()) if f.category == "money"] == ([owner] if owner else [])


def test_shillings_are_not_kenyas_unless_the_paper_says_so() -> None:
    assert [f.unit for f in extract_facts("Tanzania's budget for 2015/16 is Sh22.5 trillion.")] == ["Sh"]
    assert find_quantities("the sh 3 fee") == [] or find_quantities("the sh 3 fee")[0].currency is None


def test_a_donors_list_gives_where_the_money_goes() -> None:
    text = (
        "The top contributors supporting relief in the Philippines:\n"
        "United Kingdom $32,258,065\nAustralia $28,690,029\nUnited States $26,980,302"
    )
    assert {(f.who, f.where) for f in extract_facts(text)} == {
        ("United Kingdom", "Philippines"),
        ("Australia", "Philippines"),
        ("United States", "Philippines"),
    }
