"""Korean direct quotes and their speakers, on Yonhap-style sentences written for these tests.

The gazetteer is a small one written for these tests (tests/kogazetteer.py), so they do
not move when the project's Korean aliases grow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kogazetteer import use_test_gazetteer
from tradewatch.models import Quote
from tradewatch.nlp.ko import analyze
from tradewatch.nlp.ko.quotes import quoted_spans


@pytest.fixture(autouse=True)
def ko_gazetteer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_test_gazetteer(tmp_path, monkeypatch)


def quotes(text: str) -> list[Quote]:
    found = analyze([text])[0][1]
    for q in found:
        assert text[q.start_char : q.end_char] == q.quote
    return found


def test_named_speaker_before_the_quote() -> None:
    [q] = quotes(
        "안덕근 산업통상자원부 장관은 15일 정부세종청사에서 열린 브리핑에서 "
        '"일본의 수출규제는 자유무역 원칙에 어긋난다"고 말했다.'
    )
    assert q.quote == "일본의 수출규제는 자유무역 원칙에 어긋난다"
    assert q.speaker == "Ahn Duk-geun"
    assert q.speaker_canonical == "Ahn Duk-geun"
    assert q.speaker_kind == "named"
    assert q.speaker_text == "안덕근 산업통상자원부 장관"
    assert q.cue == "말했다"
    assert q.attribution == "cue"


def test_speaker_after_the_quote_by_surname_and_title() -> None:
    text = (
        "안덕근 산업통상자원부 장관은 이날 업계 간담회를 주재했다.\n\n"
        '"대화의 문은 여전히 열려 있다"라고 안 장관은 강조했다.'
    )
    [q] = quotes(text)
    assert q.speaker == "Ahn Duk-geun"
    assert q.speaker_text == "안 장관"
    assert q.cue == "강조했다"


def test_quotes_joined_by_ramyeo_share_speaker_and_verb() -> None:
    found = quotes(
        '니시무라 야스토시 일본 경제산업상은 "한국의 수출 관리를 계속 지켜보겠다"며 '
        "“협의는 국장급에서 이어간다”고 밝혔다."
    )
    assert [q.quote for q in found] == [
        "한국의 수출 관리를 계속 지켜보겠다",
        "협의는 국장급에서 이어간다",
    ]
    assert {q.speaker for q in found} == {"Yasutoshi Nishimura"}
    assert {q.cue for q in found} == {"밝혔다"}


def test_pronoun_resolves_to_the_last_named_speaker() -> None:
    text = (
        '안덕근 산업통상자원부 장관은 "피해 기업을 돕겠다"고 말했다. '
        '그는 "필요하면 세계무역기구 제소도 검토하겠다"고 덧붙였다.'
    )
    second = quotes(text)[1]
    assert second.speaker_kind == "pronoun"
    assert second.speaker_text == "그"
    assert second.speaker == "Ahn Duk-geun"
    assert second.cue == "덧붙였다"


def test_zero_subject_takes_the_speaker_of_the_sentence_before() -> None:
    text = (
        '안덕근 산업통상자원부 장관은 "피해 기업을 돕겠다"고 말했다.\n\n'
        '이어 "정부는 모든 수단을 동원할 것"이라고 설명했다.'
    )
    second = quotes(text)[1]
    assert second.speaker == "Ahn Duk-geun"
    assert second.attribution == "previous_sentence"
    assert second.cue == "설명했다"


def test_descriptor_drops_the_clause_that_hides_the_name() -> None:
    [q] = quotes('익명을 요구한 정부 관계자는 "화이트리스트 복원은 시간문제"라고 전했다.')
    assert q.speaker_kind == "descriptor"
    assert q.speaker == "정부 관계자"
    assert q.speaker_text == "정부 관계자"


def test_descriptors_with_a_determiner_and_with_do() -> None:
    found = quotes(
        '서울 명동에서 만난 한 소비자는 "일본 제품은 당분간 사지 않겠다"고 말했다. '
        '업계 관계자도 "재고가 석 달 치밖에 없다"고 우려했다.'
    )
    # 한 is the indefinite article: the descriptor drops it, speaker_text keeps it
    assert [q.speaker for q in found] == ["소비자", "업계 관계자"]
    assert [q.speaker_text for q in found] == ["한 소비자", "업계 관계자"]
    assert {q.speaker_kind for q in found} == {"descriptor"}
    assert found[1].cue == "우려했다"


def test_topic_after_the_last_comma_is_the_speaker() -> None:
    [q] = quotes(
        '수출 물량은 지난해보다 줄었으며, 한 무역업계 관계자는 "하반기에는 회복될 것"'
        "이라고 내다봤다."
    )
    assert q.speaker_text == "한 무역업계 관계자"
    assert q.cue == "내다봤다"


def test_organisations_speak_under_their_canonical_when_known() -> None:
    found = quotes(
        '산업부는 보도자료에서 "수출 허가 절차를 간소화하겠다"고 밝혔다. '
        '정부는 "추가 협의를 이어가겠다"고 설명했다.'
    )
    assert [(q.speaker, q.speaker_kind) for q in found] == [
        ("Ministry of Trade, Industry and Energy", "organisation"),
        ("정부", "organisation"),
    ]
    assert found[0].speaker_text == "산업부"


def test_documents_and_media() -> None:
    found = quotes(
        "보고서는 “공급망 다변화가 시급하다”고 지적했다.\n\n"
        "교도통신은 “일본 정부가 규제 완화를 검토하고 있다”고 보도했다."
    )
    assert (found[0].speaker_kind, found[0].speaker) == ("document", "보고서")
    assert (found[1].speaker_kind, found[1].speaker) == ("media", "Kyodo News")
    assert found[1].cue == "보도했다"


def test_single_quotes_inside_belong_to_the_quote() -> None:
    [q] = quotes("정부는 “‘화이트리스트’ 복원은 양국 신뢰의 문제”라고 밝혔다.")
    assert q.quote == "‘화이트리스트’ 복원은 양국 신뢰의 문제"


def test_quoted_terms_and_unattributed_phrases_are_not_quotes() -> None:
    assert not quotes('일본이 한국을 "화이트리스트"에서 제외한 뒤 "보복 조치"라는 비판이 이어졌다.')


def test_a_quoted_name_is_not_a_quote() -> None:
    assert not quotes("“황금 노선”이라 불리는 항로가 다시 열렸다.")


def test_a_quote_standing_alone_after_a_quote_inherits_its_speaker() -> None:
    text = (
        '안덕근 산업통상자원부 장관은 "협상은 계속된다"고 말했다.\n\n"다음 회의는 도쿄에서 열린다."'
    )
    second = quotes(text)[1]
    assert second.quote == "다음 회의는 도쿄에서 열린다."
    assert second.speaker == "Ahn Duk-geun"
    assert second.attribution == "inherited"
    assert second.cue is None


def test_a_quote_without_quotative_or_quote_before_is_not_a_quote() -> None:
    assert not quotes('"다음 회의는 도쿄에서 열린다." 정부는 일정을 공개하지 않았다.')


def test_quote_marks_do_not_pair_across_paragraphs() -> None:
    text = '관계자는 "회의가 길어졌다\n\n산업부는 "일정을 다시 잡겠다"고 밝혔다.'
    [q] = quotes(text)
    assert q.quote == "일정을 다시 잡겠다"
    assert [text[s.start : s.end] for s in quoted_spans(text)] == ["일정을 다시 잡겠다"]


def test_mismatched_curly_and_straight_marks_close_a_quote() -> None:
    [q] = quotes('그는“수출 규제는 곧 풀릴 것"이라고 말했다.')
    assert q.quote == "수출 규제는 곧 풀릴 것"
    assert q.speaker_text == "그"


def test_genitive_belongs_to_the_descriptor_but_anonymity_does_not() -> None:
    found = quotes(
        '삼성전자의 한 임원은 "감광액 재고가 충분하다"고 말했다. '
        '익명의 정부 관계자는 "협상 타결이 임박했다"고 전했다.'
    )
    assert [q.speaker for q in found] == ["삼성전자의 한 임원", "정부 관계자"]
    assert {q.speaker_kind for q in found} == {"descriptor"}


def test_appositive_belongs_to_the_phrase_and_the_name_is_the_speaker() -> None:
    [q] = quotes('산업연구원 연구위원인 이철수 박사는 "부품 국산화가 빨라질 것"이라고 분석했다.')
    assert q.speaker_text == "산업연구원 연구위원인 이철수 박사"
    assert (q.speaker_kind, q.speaker) == ("named", "이철수")
    assert q.cue == "분석했다"


def test_a_foreign_name_mecab_cannot_read_is_still_the_subject() -> None:
    # mecab cuts 피킨스는 into 피/킨/스/는 with no subject particle
    [q] = quotes('피킨스는 기자회견에서 "소재 수입선이 다변화됐다"고 밝혔다.')
    assert (q.speaker_text, q.speaker_kind) == ("피킨스", "named")
    assert q.attribution == "cue"


def test_a_transliterated_name_mecab_files_as_a_noun_is_named() -> None:
    [q] = quotes('메르켈은 "대화가 이어졌다"고 밝혔다.')
    assert (q.speaker, q.speaker_kind) == ("메르켈", "named")


def test_subject_marked_by_ttohan_instead_of_a_particle() -> None:
    found = quotes(
        '니시무라 야스토시 일본 경제산업상은 "한국과 대화하겠다"고 말했다. '
        '하야시 요시마사 관방장관 또한 "관계 개선을 기대한다"고 밝혔다.'
    )
    assert found[1].speaker_text == "하야시 요시마사 관방장관"
    assert found[1].speaker == "하야시 요시마사"


def test_an_organisation_after_the_quote_may_take_eseoneun() -> None:
    [q] = quotes('"수입 규제를 풀어야 한다"라고 경제단체에서는 주장했다.')
    assert q.speaker_text == "경제단체"
    assert q.cue == "주장했다"


def test_a_plural_pronoun_names_nobody_in_particular() -> None:
    text = '안덕근 장관은 공장을 찾았다. 그들은 "일자리를 지켜 달라"고 외쳤다.'
    [q] = quotes(text)
    assert (q.speaker_kind, q.speaker_text, q.speaker) == ("pronoun", "그들", None)


@pytest.mark.parametrize(
    ("text", "relay"),
    [
        (
            '교도통신에 따르면 니시무라 야스토시 경제산업상은 "한국과의 협의를 계속하겠다"고 '
            "말했다.",
            "교도통신",
        ),
        (
            'NHK 보도에 따르면 니시무라 야스토시 경제산업상은 "수출 관리 운용을 재검토한다"고 '
            "밝혔다.",
            "NHK",
        ),
        (
            '니시무라 야스토시 경제산업상은 "한국과의 협의를 계속하겠다"고 말했다고 교도통신이 '
            "전했다.",
            "교도통신",
        ),
        (
            '니시무라 야스토시 경제산업상은 "한국과의 협의를 계속하겠다"고 말했다.',
            None,
        ),
        (
            "교도통신에 따르면 일본 정부는 이날 각의에서 수출관리 운용 재검토를 결정했으며, "
            '니시무라 야스토시 경제산업상은 "한국과의 협의를 계속하겠다"고 말했다.',
            None,
        ),
    ],
)
def test_a_second_hand_quote_names_whom_the_article_has_it_from(
    text: str, relay: str | None
) -> None:
    [q] = quotes(text)
    assert q.speaker == "Yasutoshi Nishimura"
    assert q.reported_by == relay
