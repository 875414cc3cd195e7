"""Japanese entities and quotes with the real ginza pipeline, on sentences written here in
the style of NHK's and Kyodo's Japanese news."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from tradewatch.models import EntityMention, Quote
from tradewatch.nlp.gazetteer import load_gazetteer
from tradewatch.nlp.ja import analyze
from tradewatch.nlp.ja.entities import extract_entities
from tradewatch.nlp.ja.model import GAZETTEER_COMPONENT, load_model, person_surnames


def entities(text: str) -> list[EntityMention]:
    [(found, _)] = analyze([text])
    return found


def quotes(text: str) -> list[Quote]:
    [(_, found)] = analyze([text])
    for quote in found:
        assert text[quote.start_char : quote.end_char] == quote.quote
    return found


def canonical(text: str, label: str) -> list[str]:
    return [m.canonical for m in entities(text) if m.label == label]


def test_gazetteer_names_carry_their_english_canonical() -> None:
    text = (
        "経済産業省は、サムスン電子向けのフッ化水素の輸出を許可したと"
        "西村康稔経済産業大臣が明らかにした。"
    )
    found = {(m.label, m.canonical) for m in entities(text)}
    assert {
        ("ORG", "Ministry of Economy, Trade and Industry"),
        ("ORG", "Samsung Electronics"),
        ("MATERIAL", "hydrogen fluoride"),
        ("PERSON", "Yasutoshi Nishimura"),
    } <= found


def test_another_countrys_ministry_is_not_the_japanese_one() -> None:
    found = entities("中国外務省の報道官は会見で反発した。外務省は冷静に対応するとしている。")
    ministries = [m.canonical for m in found if m.label == "ORG"]
    assert ministries.count("Ministry of Foreign Affairs") == 1


def test_a_surname_later_resolves_to_the_full_name_given_first() -> None:
    text = "岸田文雄首相は東京で会見した。その後、岸田首相は記者団の質問に答えた。"
    assert canonical(text, "PERSON") == ["Fumio Kishida", "Fumio Kishida"]


def test_a_person_not_in_the_gazetteer_keeps_the_name_as_written() -> None:
    text = "山本一郎社長は横浜で記者会見を開いた。山本氏は新工場について説明した。"
    assert canonical(text, "PERSON") == ["山本一郎", "山本一郎"]


def test_names_ending_in_an_organisation_word_are_organisations() -> None:
    assert "東京電力" in canonical("東京電力は処理水の放出計画を発表した。", "ORG")


def test_a_named_subject_before_the_quote_is_the_speaker() -> None:
    [quote] = quotes(
        "西村康稔経済産業大臣は記者会見で「韓国との対話を続けていきたい」と述べました。"
    )
    assert quote.quote == "韓国との対話を続けていきたい"
    assert (quote.speaker, quote.speaker_kind, quote.cue) == (
        "Yasutoshi Nishimura",
        "named",
        "述べ",
    )
    assert quote.speaker_text == "西村康稔経済産業大臣"


def test_a_described_person_is_a_descriptor_without_what_hides_the_name() -> None:
    [first, second] = quotes(
        "経済産業省の担当者は「手続きは適切に進めている」と話しています。"
        "匿名を条件に取材に応じた政府関係者は「交渉は長引く」と語った。"
    )
    assert (first.speaker, first.speaker_kind) == ("経済産業省の担当者", "descriptor")
    assert (second.speaker, second.speaker_kind) == ("政府関係者", "descriptor")


def test_an_organisation_states_its_position() -> None:
    [quote] = quotes("経済産業省は「国内企業への影響を注視していく」としています。")
    assert (quote.speaker, quote.speaker_kind) == (
        "Ministry of Economy, Trade and Industry",
        "organisation",
    )


def test_a_pronoun_resolves_to_the_person_quoted_before() -> None:
    _, second = quotes(
        "岸田文雄首相は「日韓関係を前に進めたい」と述べた。同氏は「対話を重ねる」とも語った。"
    )
    assert (second.speaker, second.speaker_kind, second.speaker_text) == (
        "Fumio Kishida",
        "pronoun",
        "同氏",
    )


def test_a_sentence_without_a_subject_speaks_for_the_one_before() -> None:
    [quote] = quotes(
        "山本一郎社長は横浜で記者会見を開いた。「新工場で供給網を強化する」と強調した。"
    )
    assert (quote.speaker, quote.attribution) == ("山本一郎", "previous_sentence")


def test_a_stance_shown_is_a_quote() -> None:
    [quote] = quotes("林芳正官房長官は「輸出管理は安全保障上の措置だ」との認識を示しました。")
    assert quote.cue == "認識" and quote.speaker_kind == "named"


def test_the_speaker_may_follow_the_quote() -> None:
    [quote] = quotes("「強国の要求に屈しない」と大統領は述べた。")
    assert (quote.speaker, quote.speaker_kind) == ("大統領", "descriptor")


def test_a_quoted_term_is_not_a_quote() -> None:
    assert quotes("政府は韓国を「ホワイト国」から除外する政令を決定した。") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "「倉沢被告が受け取った」とする検察側の主張を裁判長は退けた。",
        "当事者が「名誉を傷つけられた」と申し立てればコメントなしに訂正する。",
    ],
)
def test_quoted_words_nobody_states_are_not_quotes(sentence: str) -> None:
    assert quotes(sentence) == []


def test_who_the_article_has_the_quote_from() -> None:
    [quote] = quotes("共同通信によると、韓国の担当者は「協議は前進した」と話した。")
    assert quote.reported_by == "共同通信"
    assert quote.speaker == "韓国の担当者"


def test_a_surname_with_an_official_title_is_the_gazetteer_official() -> None:
    found = entities("西村経済産業大臣は閣議後に会見した。林氏も出席した。")
    people = [(m.text, m.canonical, m.title) for m in found if m.label == "PERSON"]
    assert people == [("西村", "Yasutoshi Nishimura", "経済産業大臣"), ("林", "林", "氏")]


def test_japan_korea_is_a_relation_not_a_place() -> None:
    assert "日韓" not in [m.text for m in entities("日韓の対立は4年ぶりに解消された。")]


def test_a_name_ending_in_an_organisation_word_is_one_organisation() -> None:
    found = entities(
        "日本化学工業協会は、米国商務省と中国外務省の発表を受けて、LG化学との協議を始めた。"
    )
    orgs = [m.text for m in found if m.label == "ORG"]
    assert orgs == ["日本化学工業協会", "米国商務省", "中国外務省", "LG化学"]
    assert [m.text for m in found if m.label == "GPE"] == []


def test_a_chinese_province_is_a_place_not_a_ministry() -> None:
    found = entities("同社は中国河北省に新工場を建設し、日本企業3社と契約した。")
    assert ("河北省", "GPE") in [(m.text, m.label) for m in found]
    assert [m.text for m in found if m.label == "ORG"] == []


def test_a_name_the_dictionary_knows_as_no_person_is_not_one() -> None:
    """ginza calls these persons; Sudachi knows the first as a proper noun that is no
    name, the second as a place with a common noun after it."""
    found = entities("国際通貨基金は韓国経済の見通しを上方修正した。")
    assert [(m.text, m.label) for m in found if m.text == "国際通貨基金"] == [
        ("国際通貨基金", "ORG")
    ]
    found = entities("前橋競輪場で開かれた大会で、岡田氏は輸出管理の見直しを説明した。")
    assert [m.text for m in found if m.label == "PERSON"] == ["岡田"]


def test_a_place_that_begins_a_longer_name_is_not_the_place() -> None:
    """大阪|万博 and 東京|支店 name an event and an office; 香川県|出身 and the dateline
    【ソウル共同】 are still the places."""
    found = entities("大阪万博の開幕を前に、東京支店の担当者が準備状況を説明した。")
    assert [m.text for m in found if m.label in ("GPE", "LOC")] == []
    found = entities("【ソウル共同】香川県出身の社長は、来月の訪問を予定している。")
    assert [m.text for m in found if m.label in ("GPE", "LOC")] == ["ソウル", "香川県"]


def test_a_country_with_a_team_party_or_army_word_is_an_organisation() -> None:
    found = entities("日本代表は初戦に勝ち、メキシコ社会党とフランス陸軍も祝意を示した。")
    orgs = [m.text for m in found if m.label == "ORG"]
    assert orgs == ["日本代表", "メキシコ社会党", "フランス陸軍"]
    assert [m.text for m in found if m.label in ("GPE", "LOC")] == []


def test_a_station_or_a_disaster_is_not_a_place() -> None:
    found = entities("新潟駅の周辺では、中越地震の後に再建された商店街がにぎわっている。")
    assert [m.text for m in found if m.label in ("GPE", "LOC")] == []


def test_places_written_one_after_another_are_one_address() -> None:
    found = entities("同社は岐阜県揖斐郡池田町に倉庫を持つ。")
    assert [m.text for m in found if m.label in ("GPE", "LOC")] == ["岐阜県揖斐郡池田町"]


def test_a_word_the_dictionary_knows_as_a_place_is_one_unless_part_of_a_name() -> None:
    """ginza calls 静岡県浜松市 a province, 愛知県豊田市 something else; a city in a
    team's name (シカゴ・ブルズ) is no place."""
    found = entities("新工場は愛知県豊田市に建設され、シカゴ・ブルズの選手も訪れた。")
    assert [m.text for m in found if m.label in ("GPE", "LOC")] == ["愛知県豊田市"]


def test_a_name_with_sha_is_a_company_even_when_ginza_sees_a_person() -> None:
    assert [(m.text, m.label) for m in entities("ケスラー社は工場を閉鎖した。")] == [
        ("ケスラー社", "ORG")
    ]


def test_a_cabinet_or_a_faction_named_after_a_person_is_an_organisation() -> None:
    found = entities("第2次岸田内閣の発足後、田中派の議員が反発した。")
    assert [(m.text, m.label) for m in found] == [("岸田内閣", "ORG"), ("田中派", "ORG")]


def test_a_law_or_a_bare_legal_form_is_no_organisation() -> None:
    found = entities("一般社団法人日本鉄鋼連盟は、会社更生法の改正を求めた。")
    assert [m.text for m in found if m.label == "ORG"] == ["日本鉄鋼連盟"]


def test_a_carmaker_ginza_calls_a_car_is_an_organisation() -> None:
    found = entities("ボルボは電気自動車の生産を増やす。")
    assert [(m.text, m.label) for m in found] == [("ボルボ", "ORG")]


def _tagged(text: str, ents: list[tuple[int, int, str]]) -> list[EntityMention]:
    """Entities of ``text`` after ginza without the gazetteer, with ginza's own entities
    replaced by ``ents`` (token start, token end, ginza label): its mistakes, reproduced."""
    nlp = load_model()
    with nlp.select_pipes(disable=[GAZETTEER_COMPONENT]):
        doc = nlp(text)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return extract_entities(doc, load_gazetteer(), person_surnames(nlp))


def test_a_word_the_dictionary_knows_as_a_name_is_a_person_ginza_missed() -> None:
    found = _tagged("ジェシカは記者会見で、マイケルと輸出の拡大を協議したと明らかにした。", [])
    assert [(m.text, m.label) for m in found] == [("ジェシカ", "PERSON"), ("マイケル", "PERSON")]


def test_a_name_in_a_title_is_no_person() -> None:
    assert entities("同社の新作映画「ロザリンド」は来月公開される。") == []


def test_a_katakana_name_runs_across_its_dots_a_list_of_kanji_names_does_not() -> None:
    found = _tagged("会見にはヘルベルト・ブレンナー・ジュニア氏が同席した。", [(3, 4, "Person")])
    assert [m.text for m in found] == ["ヘルベルト・ブレンナー・ジュニア"]
    found = entities("佐藤健太・鈴木一郎の両氏が出席した。")
    assert [m.text for m in found if m.label == "PERSON"] == ["佐藤健太", "鈴木一郎"]


def test_a_place_or_organisation_ginza_sees_in_peoples_names_is_a_person() -> None:
    found = _tagged("ソクラテスは女川で新作を発表した。", [(0, 1, "City"), (2, 3, "City")])
    assert [(m.text, m.label) for m in found] == [("ソクラテス", "PERSON"), ("女川", "GPE")]
    found = _tagged("指揮はヘルベルト・カラヤンが務めた。", [(2, 5, "Show_Organization")])
    assert [(m.text, m.label) for m in found] == [("ヘルベルト・カラヤン", "PERSON")]


def test_a_japanese_family_name_ginza_calls_a_place_stays_a_place() -> None:
    """Sudachi reads 利根川 as a family name too: ginza's place stands."""
    found = _tagged("利根川で水位が上がった。", [(0, 1, "River")])
    assert [(m.text, m.label) for m in found] == [("利根川", "LOC")]


def test_a_country_or_katakana_place_ginza_calls_a_person_is_a_place() -> None:
    """A Japanese family name may be written as a place (女川); a country or a katakana
    place (コリントス) may not."""
    text = "ブータンの政府は女川とコリントスに調査団を送った。"
    found = _tagged(text, [(0, 1, "Person"), (4, 5, "Person"), (6, 7, "Person")])
    assert [(m.text, m.label) for m in found] == [
        ("ブータン", "GPE"),
        ("女川", "PERSON"),
        ("コリントス", "GPE"),
    ]


def test_a_river_or_a_lake_is_a_place() -> None:
    found = _tagged("大雨で利根川と琵琶湖の水位が上がった。", [(2, 4, "River"), (5, 6, "Lake")])
    assert [(m.text, m.label) for m in found] == [("利根川", "LOC"), ("琵琶湖", "LOC")]


def test_a_place_takes_the_word_for_its_kind_of_land() -> None:
    found = _tagged("同社はユトランド半島に新工場を建設する。", [(2, 3, "Continental_Region")])
    assert [(m.text, m.label) for m in found] == [("ユトランド半島", "LOC")]


def test_a_katakana_name_with_a_division_word_is_a_place() -> None:
    found = entities("同社はヴェルテンハイム地区に倉庫を持つ。")
    assert [(m.text, m.label) for m in found] == [("ヴェルテンハイム地区", "GPE")]


def test_common_words_ginza_calls_a_person_are_none_unless_titled() -> None:
    """少佐 and 正義 are words of the dictionary; 希望 with さん after it is someone."""
    found = _tagged("現地の少佐は正義を語った。", [(2, 3, "Person"), (4, 5, "Person")])
    assert found == []
    found = _tagged("希望さんは会見した。", [(0, 1, "Person")])
    assert [(m.text, m.label) for m in found] == [("希望", "PERSON")]


def test_a_place_before_an_adjectival_noun_begins_a_longer_name() -> None:
    """横浜|高等|技芸学校 is a school; 福島 of 福島|第|一|原発 still says where the plant is."""
    found = _tagged("横浜高等技芸学校と福島第一原発を視察した。", [(0, 1, "City"), (5, 6, "City")])
    assert [(m.text, m.label) for m in found] == [("福島", "GPE")]


def test_a_place_dotted_to_a_katakana_name_is_a_team_not_a_list() -> None:
    text = "ミルウォーキー・ファルコンズはエストニア・キプロスで合宿を行った。"
    found = _tagged(text, [(0, 1, "City"), (4, 5, "Country"), (6, 7, "Country")])
    assert [(m.text, m.label) for m in found] == [
        ("ミルウォーキー・ファルコンズ", "ORG"),
        ("エストニア", "GPE"),
        ("キプロス", "GPE"),
    ]


def test_a_place_with_a_word_for_a_part_of_it_is_still_the_place() -> None:
    found = _tagged("大雨で利根川上流の水位が上がった。", [(2, 3, "River")])
    assert [(m.text, m.label) for m in found] == [("利根川", "LOC")]


def test_common_words_ginza_calls_a_place_are_none() -> None:
    found = _tagged("首相は郊外の住宅地区を視察した。", [(2, 3, "City"), (4, 6, "Province")])
    assert found == []


def test_a_name_the_dictionary_knows_as_no_place_is_an_organisation() -> None:
    """Sudachi knows ニトリ as a proper noun but no place's name; 品川駅 stays no place."""
    found = _tagged("ニトリは品川駅で新作を発表した。", [(0, 1, "City"), (2, 3, "City")])
    assert [(m.text, m.label) for m in found] == [("ニトリ", "ORG")]


def test_a_place_after_a_katakana_word_ends_a_name_not_the_place() -> None:
    assert entities("会見はリバーサイドホテル大阪で開かれた。") == []


def test_a_proper_noun_alone_that_names_no_person_or_place_is_an_organisation() -> None:
    """ginza tagged nothing here; in news a proper noun Sudachi knows as no person's or
    place's name, standing alone, is mostly a firm. One in Latin letters is as often a
    product's, one in 「」 a work's title."""
    found = _tagged("ニトリはExcelの新版に合わせ「ニトリ」を出す。", [])
    assert [(m.text, m.label) for m in found] == [("ニトリ", "ORG")]


def test_more_words_end_an_organisations_name() -> None:
    """A common katakana word before 会社 or クラブ names no particular one."""
    found = entities("ミネルバ・エンターテインメントは、大阪府警察と協議した。")
    orgs = [m.text for m in found if m.label == "ORG"]
    assert orgs == ["ミネルバ・エンターテインメント", "大阪府警察"]
    found = entities("瀋陽航空機製造公司は新型機を公開した。")
    assert [(m.text, m.label) for m in found] == [("瀋陽航空機製造公司", "ORG")]
    assert entities("同社は家具会社と提携した。") == []


def test_common_words_ginza_calls_a_name_are_an_organisation_if_they_end_in_one() -> None:
    found = _tagged("国民義勇軍が村を守った。", [(0, 2, "Person")])
    assert [(m.text, m.label) for m in found] == [("国民義勇軍", "ORG")]


def test_an_address_ginza_calls_a_firm_is_a_place_one_place_word_may_be_a_team() -> None:
    text = "同社は尾張国丹羽郡に工場を持ち、横浜と提携した。"
    found = _tagged(text, [(2, 5, "Company"), (10, 11, "Pro_Sports_Organization")])
    assert [(m.text, m.label) for m in found] == [("尾張国丹羽郡", "GPE"), ("横浜", "ORG")]


def test_a_katakana_word_with_a_title_after_it_is_a_person() -> None:
    """Sudachi does not know ドゥブラフカ; 大統領 written on after it says who it is."""
    found = entities("ドゥブラフカ大統領は会見した。")
    assert [(m.text, m.label, m.title) for m in found] == [("ドゥブラフカ", "PERSON", "大統領")]


def test_a_family_name_ginza_left_out_makes_one_person_with_the_given_name() -> None:
    found = _tagged("開発は佐藤健太が担当した。", [(3, 4, "Person")])
    assert [(m.text, m.label) for m in found] == [("佐藤健太", "PERSON")]
