"""Relevance pre-filter: Korea-Japan trade stories pass, near misses do not."""

from __future__ import annotations

import pytest

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD
from tradewatch.nlp.relevance import TOPICS, score_relevance

THRESHOLD = DEFAULT_RELEVANCE_THRESHOLD

EXPORT_CONTROLS = (
    "Japan tightens chip material exports to South Korea",
    "SEOUL, July 1 (Yonhap) -- Japan said Monday it will tighten exports to South Korea of "
    "three materials vital to making chips and displays, in what Seoul sees as retaliation "
    "over a court ruling on wartime forced labor.\n\n"
    "From Thursday, Japanese suppliers of photoresist, hydrogen fluoride and fluorinated "
    "polyimide will need individual export licenses for each shipment to South Korea, a "
    "process that can take up to 90 days.\n\n"
    "Samsung Electronics and SK Hynix rely on Japan for most of their high-purity hydrogen "
    "fluoride, industry data show.",
)
WHITE_LIST = (
    "Tokyo removes Seoul from list of trusted trading partners",
    "TOKYO, Aug. 2 (Kyodo) -- Japan's Cabinet on Friday approved dropping South Korea from "
    "its so-called white list of countries that enjoy simplified export procedures, "
    "deepening a trade row between the two neighbors.\n\n"
    "The change, effective Aug. 28, means Korean buyers of many Japanese goods that could be "
    "diverted to military use will face catch-all controls.",
)
WTO_CASE = (
    "Seoul files WTO complaint over Tokyo's export curbs",
    "South Korea on Wednesday filed a complaint with the World Trade Organization over "
    "Japan's export restrictions on key chip materials, calling them discriminatory.\n\n"
    "Trade Minister Yoo Myung-hee said Seoul had requested bilateral consultations with "
    "Tokyo, the first step in the WTO dispute settlement process.",
)
BOYCOTT = (
    "Sales of Japanese beer plunge as Korean boycott spreads",
    "SEOUL -- Imports of Japanese beer into South Korea fell 97 percent in September from a "
    "year earlier as consumers shunned Japanese brands in protest at Tokyo's export curbs.\n\n"
    "Uniqlo stores across the country reported sharply lower sales amid the boycott, and "
    "bookings for flights to Japan dropped.",
)
NORMALIZATION = (
    "Yoon, Kishida agree to restore trade ties at Tokyo summit",
    "TOKYO, March 16 (Yonhap) -- South Korean President Yoon Suk Yeol and Japanese Prime "
    "Minister Fumio Kishida agreed on Thursday to normalize their countries' relations, "
    "with Japan lifting its export restrictions on three chip materials to South Korea.\n\n"
    "Seoul, in turn, said it would withdraw its WTO complaint over the curbs. The leaders "
    "also agreed to resume shuttle diplomacy.",
)
LOCALIZATION = (
    "Korean chipmakers cut reliance on Japanese etching gas",
    "SK Materials said Monday it has begun mass production of ultra-pure hydrogen fluoride "
    "gas, part of South Korea's push to localize chip materials after Japan's 2019 export "
    "curbs.\n\n"
    "Soulbrain has also expanded capacity, and imports of Japanese hydrogen fluoride have "
    "dropped by more than half since the restrictions took effect.",
)
POSITIVES = {
    "export_controls": EXPORT_CONTROLS,
    "white_list": WHITE_LIST,
    "wto_dispute": WTO_CASE,
    "boycott": BOYCOTT,
    "normalization_summit": NORMALIZATION,
    "localization_supply_chain": LOCALIZATION,
}

NEAR_MISSES = {
    "korea_us_trade": (
        "Seoul, Washington agree on auto tariff deal",
        "South Korea and the United States agreed on Thursday to cut U.S. tariffs on Korean "
        "cars to 15 percent, Seoul's trade ministry said, after weeks of talks in Washington.\n\n"
        "The deal mirrors one Japan reached with Washington in July, officials said. Korean "
        "automakers exported 1.4 million vehicles to the U.S. last year.",
    ),
    "korea_china_trade": (
        "S. Korea, China hold talks on urea supply",
        "South Korea and China held talks in Beijing on Tuesday on stabilizing the supply of "
        "urea, after Chinese export checks caused shortages of diesel exhaust fluid in Korea.\n\n"
        "Seoul asked Beijing to speed up customs clearance for urea shipments.",
    ),
    "japan_china_trade": (
        "China suspends imports of Japanese seafood",
        "BEIJING -- China said Thursday it will suspend all imports of Japanese seafood, "
        "a blow to Japan's fishing industry.\n\n"
        "Tokyo called the ban unjustified and urged Beijing to lift its trade restrictions.",
    ),
    "us_japan_trade": (
        "Tokyo and Washington sign trade pact on farm goods",
        "Japan and the United States signed a limited trade agreement on Monday under which "
        "Tokyo will cut tariffs on U.S. beef and pork.\n\n"
        "U.S. officials said the deal would help American farmers hit by the trade war with "
        "China.",
    ),
    "us_chip_controls_china": (
        "U.S. widens chip export controls on China",
        "WASHINGTON -- The United States on Friday expanded export controls on advanced "
        "chips and chipmaking tools to China.\n\n"
        "Japan and the Netherlands, home to key equipment makers, are expected to adopt "
        "similar curbs. Samsung Electronics and SK Hynix, which run plants in China, received "
        "one-year waivers from the U.S. Commerce Department.",
    ),
    "comfort_women": (
        "Seoul urges Tokyo to address comfort women issue",
        "South Korea on Wednesday urged Japan to take responsibility for the sexual slavery "
        "of Korean women during World War II, as survivors marked the anniversary.\n\n"
        "Japan's Foreign Ministry said the issue was settled by a 2015 agreement.",
    ),
    "dokdo": (
        "S. Korea protests Japan's renewed claim to Dokdo",
        "South Korea summoned a senior Japanese diplomat on Tuesday to protest Tokyo's "
        "renewed claim to the Dokdo islets in its annual defense white paper.\n\n"
        "Japan calls the islets Takeshima.",
    ),
    "fukushima_water": (
        "Japan begins releasing Fukushima treated water",
        "Japan began discharging treated radioactive water from the Fukushima nuclear plant "
        "into the Pacific on Thursday. South Korean activists protested in Seoul.\n\n"
        "Seoul said its own analysis found the plan met international safety standards.",
    ),
    "culture": (
        "K-pop band wraps sold-out Japan tour",
        "Korean boy band BTS wrapped up a sold-out dome tour in Japan on Sunday, drawing more "
        "than 400,000 fans in Tokyo and Osaka.\n\n"
        "The concert film will open in Korean theaters next month.",
    ),
    "sports": (
        "Japan beats Korea 4-2 in baseball classic",
        "TOKYO -- Japan beat South Korea 4-2 in the World Baseball Classic on Friday.\n\n"
        "Korean manager Lee Kang-chul said his team would regroup before facing China.",
    ),
    "korea_japan_face_us_tariffs": (
        "Japan, South Korea brace for U.S. auto tariffs",
        "Japan and South Korea, the two biggest Asian exporters of cars to the United States, "
        "are bracing for 25 percent U.S. tariffs, officials in Tokyo and Seoul said.\n\n"
        "Washington said the tariffs would protect American jobs.",
    ),
    "dateline_only_korea": (
        "China halts imports of Japanese seafood",
        "SEOUL, Aug. 24 (Yonhap) -- China said Thursday it has suspended all imports of "
        "Japanese seafood, a blow to Japan's fishing exports.",
    ),
    "memory_market": (
        "DRAM prices rebound as AI demand lifts chipmakers",
        "Samsung Electronics and SK Hynix posted stronger quarterly earnings as DRAM prices "
        "rebounded, while Japan's Kioxia said NAND demand was recovering.\n\n"
        "Analysts expect memory prices to rise further in the fourth quarter.",
    ),
}


@pytest.mark.parametrize("topic", sorted(POSITIVES))
def test_trade_stories_pass_with_their_topic(topic: str) -> None:
    title, text = POSITIVES[topic]
    result = score_relevance(title, text)
    assert result.score >= THRESHOLD, result.evidence
    assert topic in result.topics
    assert result.evidence


@pytest.mark.parametrize("case", sorted(NEAR_MISSES))
def test_near_misses_are_rejected(case: str) -> None:
    title, text = NEAR_MISSES[case]
    result = score_relevance(title, text)
    assert result.score < THRESHOLD, (result.score, result.evidence)


def test_export_controls_article_scores_high_and_explains_itself() -> None:
    result = score_relevance(*EXPORT_CONTROLS)
    assert result.score > 0.9
    assert {"export_controls", "semiconductor_materials"} <= set(result.topics)
    assert "forced_labor_ruling_link" in result.topics
    assert any("photoresist" in e for e in result.evidence)
    assert any(e.startswith("title:") for e in result.evidence)


def test_title_counts_more_than_body() -> None:
    sentence = "Japan drops South Korea from its white list of trusted trade partners"
    filler = "Officials met on Friday. The weather in the capital was mild."
    in_title = score_relevance(sentence, filler)
    in_body = score_relevance("Officials meet", f"{filler} {sentence}.")
    assert in_title.score > in_body.score


def test_missing_japan_signal_is_capped_and_explained() -> None:
    result = score_relevance(*NEAR_MISSES["korea_china_trade"])
    assert result.score <= 0.2
    assert any("gate: no Japan" in e for e in result.evidence)


def test_north_korea_is_not_a_korea_signal() -> None:
    result = score_relevance(
        "Japan tightens export controls on North Korea",
        "Tokyo extended its ban on all exports to North Korea and imports from Pyongyang.",
    )
    assert result.score < THRESHOLD
    assert any("no Korea" in e for e in result.evidence)


def test_korea_japan_diplomacy_without_trade_fails_gate() -> None:
    result = score_relevance(
        "Foreign ministers of S. Korea, Japan meet in Seoul",
        "South Korean Foreign Minister Park Jin and his Japanese counterpart discussed "
        "North Korea's missile launches over dinner in Seoul.",
    )
    assert result.score < THRESHOLD


def test_third_country_penalty_is_reported() -> None:
    title, text = NEAR_MISSES["korea_us_trade"]
    result = score_relevance(title, text)
    assert any(e.startswith("penalty: third-country") for e in result.evidence)


@pytest.mark.parametrize(
    ("title", "text"),
    [(None, ""), ("", "   "), (None, "Japan. Korea. Trade.")],
)
def test_degenerate_input_stays_in_range(title: str | None, text: str) -> None:
    result = score_relevance(title, text)
    assert 0.0 <= result.score <= 1.0
    assert set(result.topics) <= set(TOPICS)


def test_every_topic_is_reachable() -> None:
    texts = [*POSITIVES.values()]
    texts.append(
        (
            "Seoul, Tokyo restore currency swap deal amid economic security push",
            "South Korea and Japan agreed to restore a $10 billion currency swap, and both "
            "said economic security cooperation on chip supply chains would deepen.",
        )
    )
    seen = {t for title, text in texts for t in score_relevance(title, text).topics}
    assert seen == set(TOPICS)


def test_matching_ignores_case_the_way_python_re_does() -> None:
    """Patterns run on lowercased text for speed; a character that ``re`` folds to an
    ASCII letter but ``str.lower`` does not (long s, dotless i, Kelvin sign) still counts
    as that letter, and the evidence quotes the text as written."""
    sentence = "{k} and {j}'s government traded accusations over export curbs."
    plain = score_relevance(None, sentence.format(k="Seoul", j="Kishida"))
    assert plain.score > 0.2
    for korea, japan in (
        ("\u017feoul", "Kishida"),
        ("Seoul", "K\u0131shida"),
        ("\u212aorea", "KISHIDA"),
    ):
        found = score_relevance(None, sentence.format(k=korea, j=japan))
        assert found.score == plain.score, (korea, japan)
        assert any(korea in line and japan in line for line in found.evidence), (korea, japan)


def test_case_sensitive_abbreviations_stay_case_sensitive() -> None:
    """ "ROK" and "US" are country signals only in capitals: "rok" or "us" is not."""
    sentence = "{k} and Japan traded accusations over export curbs on chip materials."
    assert score_relevance(None, sentence.format(k="ROK")).score > 0.2
    assert score_relevance(None, sentence.format(k="rok")).score <= 0.2
    third = "South Korea and Japan discussed chip trade, {u} officials said."
    assert "third-country" in " ".join(score_relevance(None, third.format(u="US")).evidence)
    assert "third-country" not in " ".join(score_relevance(None, third.format(u="us")).evidence)
