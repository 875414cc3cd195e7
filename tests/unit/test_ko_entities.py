"""Korean entity rules (mecab-ko + gazetteer), on sentences written for these tests.

The gazetteer is a small one written for these tests (tests/kogazetteer.py), so they do
not move when the project's Korean aliases grow.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kogazetteer import use_test_gazetteer
from tradewatch.models import EntityMention
from tradewatch.nlp.ko import analyze


@pytest.fixture(autouse=True)
def ko_gazetteer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_test_gazetteer(tmp_path, monkeypatch)


def ents(text: str) -> list[EntityMention]:
    found = analyze([text])[0][0]
    for m in found:
        assert text[m.start_char : m.end_char] == m.text
    return found


def by_text(text: str) -> dict[str, EntityMention]:
    return {m.text: m for m in ents(text)}


def test_gazetteer_names_take_particles_and_give_the_english_canonical() -> None:
    found = by_text(
        "삼성전자는 SK하이닉스와 함께 포토레지스트 재고를 점검했고 산업부는 화이트리스트 "
        "복원을 요구했다."
    )
    assert found["삼성전자"].canonical == "Samsung Electronics"
    assert found["삼성전자"].label == "ORG"
    assert found["SK하이닉스"].canonical == "SK Hynix"
    assert found["포토레지스트"].label == "MATERIAL"
    assert found["산업부"].canonical == "Ministry of Trade, Industry and Energy"
    # mecab reads 화이트리스트 as a person's name; the gazetteer knows better
    assert found["화이트리스트"].label == "POLICY"
    assert found["화이트리스트"].canonical == "white list"


def test_gazetteer_name_does_not_start_inside_a_word() -> None:
    # 산업부 must not be found inside 수산업부문 ("the fisheries sector")
    found = ents("정부는 수산업부문 수출 지원책을 내놓았다.")
    assert all(m.canonical != "Ministry of Trade, Industry and Energy" for m in found)


def test_latin_acronym_from_the_gazetteer_is_a_whole_word() -> None:
    found = by_text("JSR은 감광액 생산을 늘리기로 했다.")
    assert found["JSR"].canonical == "JSR"
    assert not any(m.text == "JSR" for m in ents("JSRX 시리즈 제품이 출시됐다."))


def test_name_before_an_organisation_and_a_title() -> None:
    found = by_text("안덕근 산업통상자원부 장관은 15일 정부세종청사에서 브리핑을 열었다.")
    assert found["안덕근"].canonical == "Ahn Duk-geun"
    assert found["안덕근"].title == "장관"
    assert found["산업통상자원부"].label == "ORG"


def test_name_before_a_country_and_a_japanese_title() -> None:
    found = by_text("니시무라 야스토시 일본 경제산업상은 도쿄에서 기자회견을 열었다.")
    assert found["니시무라 야스토시"].canonical == "Yasutoshi Nishimura"
    assert found["니시무라 야스토시"].title == "경제산업상"
    assert found["일본"].label == "GPE"


def test_adjacent_name_parts_are_one_person_kept_as_written() -> None:
    found = by_text("모리 마사코 일본 법무상은 이날 기자회견을 열었다.")
    assert found["모리 마사코"].label == "PERSON"
    assert found["모리 마사코"].canonical == "모리 마사코"
    assert found["모리 마사코"].title == "법무상"


def test_a_word_mecab_does_not_know_as_a_name_counts_before_a_title() -> None:
    found = by_text("가토 관방장관은 정례 기자회견에서 같은 입장을 밝혔다.")
    assert found["가토"].label == "PERSON"
    assert found["가토"].title == "관방장관"


def test_common_nouns_before_titles_are_not_people() -> None:
    found = ents("해당 장관은 사건 담당 검사와 통화했고 최근 국가대표로 뽑힌 선수도 만났다.")
    assert not [m for m in found if m.label == "PERSON"]


def test_surname_and_title_resolve_to_the_full_name_given_first() -> None:
    text = (
        "안덕근 산업통상자원부 장관은 이날 업계 간담회를 주재했다.\n\n"
        "안 장관은 공급망 점검을 지시했다."
    )
    later = [m for m in ents(text) if m.text == "안"]
    assert len(later) == 1
    assert later[0].canonical == "Ahn Duk-geun"
    assert later[0].title == "장관"


def test_surname_of_a_person_the_gazetteer_lacks_resolves_to_the_hangul_name() -> None:
    text = (
        "추경호 경제부총리 겸 기획재정부 장관은 대외경제장관회의를 주재했다. "
        "추 부총리는 수출 동향 점검을 지시했다."
    )
    people = [m for m in ents(text) if m.label == "PERSON"]
    assert [m.text for m in people] == ["추경호", "추"]
    assert {m.canonical for m in people} == {"추경호"}
    assert people[0].title == "경제부총리"


def test_surname_that_is_an_everyday_word_needs_an_earlier_person() -> None:
    # 양 장관 is "both ministers", 한 관계자 "an official" here
    found = ents("양 장관은 회담 직후 공동 발표문을 냈다. 한 관계자는 회의가 길어졌다고 전했다.")
    assert not [m for m in found if m.label == "PERSON"]


def test_surname_with_mo_and_age_before_ssi() -> None:
    found = by_text("경찰에 따르면 김모(45)씨는 지난 3일 밀수 혐의로 체포됐다.")
    assert found["김"].label == "PERSON"
    assert found["김"].canonical == "김모씨"


def test_latin_initial_with_age_and_sex_before_ssi() -> None:
    found = by_text("A(37·여)씨와 이모(42)씨는 관세법 위반 혐의로 입건됐다.")
    assert found["A"].label == "PERSON"
    assert found["A"].canonical == "A씨"
    assert found["이"].canonical == "이모씨"


def test_institution_words_make_organisations() -> None:
    found = by_text("관세청은 산업연구원과 함께 보고서를 냈고 국방부도 자료를 공개했다.")
    assert found["관세청"].canonical == "Korea Customs Service"
    assert found["산업연구원"].label == "ORG"
    assert found["국방부"].label == "ORG"
    assert found["국방부"].canonical == "국방부"


def test_company_endings_count_after_a_proper_noun_and_acronyms_are_companies() -> None:
    found = by_text("LG화학과 TSMC는 신용카드 결제 시스템을 바꿨다.")
    assert found["LG화학"].label == "ORG"
    assert found["TSMC"].label == "ORG"
    assert "신용카드" not in found


def test_a_proper_noun_before_gwangyeja_is_an_organisation() -> None:
    found = by_text("트위터 관계자는 계정 정지 조치를 확인했다.")
    assert found["트위터"].label == "ORG"


def test_a_place_before_an_organisation_stays_a_place() -> None:
    found = by_text("부산 동부경찰서는 일본 정부에 수사 협조를 요청했다.")
    assert found["동부경찰서"].label == "ORG"
    assert found["부산"].label == "GPE"
    assert found["일본"].canonical == "Japan"
    assert "정부" not in found


def test_police_prosecutors_and_courts_are_organisations_the_government_is_not() -> None:
    found = by_text(
        "경찰과 검찰은 반도체 소재 밀수 조직을 적발했고 법원은 정부 요청에 따라 "
        "구속영장을 발부했다."
    )
    assert {found[w].label for w in ("경찰", "검찰", "법원")} == {"ORG"}
    assert "정부" not in found  # the actor of nearly every trade sentence


def test_an_authority_with_its_field_is_an_organisation_alone_it_is_not() -> None:
    found = by_text(
        "세관 당국은 보건당국과 함께 일본산 수산물 검사를 강화했고 당국은 결과를 공개했다."
    )
    assert found["세관 당국"].label == "ORG"
    assert found["보건당국"].label == "ORG"
    assert "당국" not in found


def test_a_place_before_an_organisation_goes_into_its_name() -> None:
    found = by_text("일본 경찰은 부산 동부경찰서에 밀수 사범의 신병을 넘겼다.")
    assert found["경찰"].canonical == "일본 경찰"
    assert found["동부경찰서"].canonical == "부산 동부경찰서"
    assert found["일본"].canonical == "Japan"
    assert found["부산"].label == "GPE"


def test_common_nouns_with_institution_endings_are_not_organisations() -> None:
    found = ents("일부 공급처는 FTA 혜택을 받지 못했고 노조원들이 항의했다.")
    assert not [m for m in found if m.label == "ORG"]


def test_countries_mecab_calls_names_are_places_and_regions_are_loc() -> None:
    found = by_text(
        "베트남과 프랑스, 동남아 시장을 찾는 일본인 관광객이 인천국제공항을 거쳐 출국했다."
    )
    assert found["베트남"].label == "GPE"
    assert found["프랑스"].label == "GPE"  # mecab-ko files 프랑스 as a person's name
    assert found["동남아"].label == "LOC"
    assert found["인천국제공항"].label == "LOC"
    # a nationality is not the country
    assert not any(m.canonical == "Japan" for m in found.values())


def test_adjacent_places_are_one_place() -> None:
    found = by_text("경기도 평택시 공장에서 화재가 났다.")
    assert found["경기도 평택시"].label == "GPE"


def test_dateline_and_byline_are_no_entities() -> None:
    found = by_text("(도쿄=연합뉴스) 이재훈 특파원 = 니시무라 야스토시 경제산업상이 서울을 찾는다.")
    assert set(found) == {"니시무라 야스토시", "서울"}  # no 도쿄, 연합뉴스 or 이재훈


def test_entities_come_in_text_order_across_paragraphs() -> None:
    text = "삼성전자는 도쿄에 사무소를 열었다.\n\n안덕근 장관은 일본을 방문했다."
    starts = [m.start_char for m in ents(text)]
    assert starts == sorted(starts)
    assert len(starts) >= 4


def test_analyze_is_safe_from_threads() -> None:
    texts = ["안덕근 산업통상자원부 장관은 도쿄를 방문했다."] * 8
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: analyze([t])[0][0], texts))
    assert all(r == results[0] for r in results)


def test_korean_analysis_loads_neither_spacy_nor_airflow() -> None:
    code = (
        "import sys\n"
        "from tradewatch.nlp.ko import analyze\n"
        "analyze(['안덕근 장관은 \"수출 규제는 부당하다\"고 말했다.'])\n"
        "assert 'spacy' not in sys.modules, 'spacy imported'\n"
        "assert 'airflow' not in sys.modules, 'airflow imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_brackets_and_middle_dots_part_words() -> None:
    found = by_text(
        "서울중앙지법 형사1부(홍성준 부장판사)는 수출입 업체가 몰린 부산·울산·경남 지역의 "
        "피해를 인정했다. 교육·행정당국도 조사에 나섰다."
    )
    assert found["홍성준"].title == "부장판사"
    assert {found[p].label for p in ("부산", "울산", "경남")} == {"GPE"}
    assert found["행정당국"].label == "ORG"


def test_a_bracketed_gloss_names_the_same_entity() -> None:
    found = by_text(
        "시진핑(習近平) 중국 국가주석은 광저우(廣州)를 찾았고 유럽연합(EU)은 "
        "세계무역기구(WTO)에 제소했다."
    )
    assert found["習近平"].label == "PERSON"
    assert found["習近平"].canonical == found["시진핑"].canonical == "시진핑"
    assert found["廣州"].canonical == "광저우"
    assert found["EU"].canonical == found["유럽연합"].canonical


def test_a_gloss_the_gazetteer_knows_gives_the_name_its_canonical() -> None:
    found = by_text("일본 감광액 업체 제이에스알화학(JSR)은 생산을 늘렸다.")
    assert found["제이에스알화학"].canonical == "JSR"


def test_a_word_between_a_name_and_its_title_is_the_employer() -> None:
    found = by_text("박준형 전 한빛소재 대표는 불화수소 수입선을 바꿨다고 말했다.")
    assert found["박준형"].title == "대표"
    assert found["한빛소재"].label == "ORG"


def test_before_a_title_with_the_copula_stands_an_organisation() -> None:
    found = by_text("소재부품연대 공동대표인 이정민 교수는 일본산 의존도를 지적했다.")
    assert found["소재부품연대"].label == "ORG"
    assert found["이정민"].label == "PERSON"


def test_schools_hospitals_and_compound_proper_nouns_with_company_endings() -> None:
    found = by_text(
        "모스크바대학 연구진과 연세대 교수들은 베트남전력공사와 함께 한국무역학회 세미나를 "
        "열었고 대우건설과 서울대병원도 참여했다."
    )
    for name in ("모스크바대학", "연세대", "베트남전력공사", "한국무역학회", "대우건설"):
        assert found[name].label == "ORG", name
    assert found["서울대병원"].label == "ORG"
    assert "모스크바" not in found and "베트남" not in found


def test_the_rest_of_an_address_after_a_known_place_is_one_place() -> None:
    found = by_text("일본 홋카이도 삿포로시에서 한일 수산물 회의가 열렸다.")
    assert found["일본"].canonical == "Japan"
    assert found["홋카이도 삿포로"].label == "GPE"


def test_a_common_noun_before_a_title_with_the_copula_is_no_organisation() -> None:
    found = by_text("유가족 대표인 김형렬 씨는 정부 지원을 요구했다.")
    assert [m.label for m in found.values()] == ["PERSON"]


def test_a_name_mecab_does_not_know_before_ssi_is_a_person() -> None:
    found = by_text("수입상 짜바릿 씨와 장남 재국씨는 아저씨 솜씨를 칭찬했다.")
    assert found["짜바릿"].label == "PERSON"
    assert found["재국"].label == "PERSON"
    assert [m.label for m in found.values()] == ["PERSON", "PERSON"]


def test_a_headquarters_named_by_its_field_is_an_organisation() -> None:
    found = by_text(
        "수출입안전관리본부는 일본산 수산물 검역을 강화했고 해양오염방제본부도 대응에 나섰다. "
        "본부는 지침을 내렸다."
    )
    assert found["수출입안전관리본부"].label == "ORG"
    assert found["해양오염방제본부"].label == "ORG"
    assert "본부" not in found


def test_short_forms_of_committees_are_organisations() -> None:
    found = by_text(
        "국회 산자위는 일본 수출규제 대응 예산을 의결했고 외통위와 무역구제특위도 회의를 "
        "열었다. 위법행위는 오차범위 안에서 줄었다."
    )
    for name in ("산자위", "외통위", "무역구제특위"):
        assert found[name].label == "ORG", name
    assert "위법행위" not in found and "오차범위" not in found


def test_the_noun_after_a_legal_form_mark_is_an_organisation() -> None:
    found = by_text("㈜한빛소재와 (주)대성케미칼은 일본산 불화수소 대체품을 공급하기로 했다.")
    assert found["한빛소재"].label == "ORG"
    assert found["대성케미칼"].label == "ORG"  # mecab reads 대성케미 as a person's name


def test_company_and_outlet_names_by_a_part_no_common_word_has() -> None:
    found = by_text(
        "한빛코리아와 소재엔터테인먼트는 일본 거래처를 잃었고 통상데일리와 데일리무역, "
        "소재닷컴도 이를 보도했다."
    )
    for name in ("한빛코리아", "소재엔터테인먼트", "통상데일리", "데일리무역", "소재닷컴"):
        assert found[name].label == "ORG", name


def test_landmark_endings_make_places_after_common_nouns() -> None:
    found = by_text(
        "창경궁과 시청앞광장에서는 일본 수출규제를 규탄하는 집회가 열렸고 일본산 부품을 실은 "
        "화물차가 여주분기점과 망향휴게소 사이에서 멈췄다."
    )
    for name in ("창경궁", "시청앞광장", "여주분기점", "망향휴게소"):
        assert found[name].label == "LOC", name
    assert by_text("관광객이 만리포해수욕장에 몰렸다.")["만리포해수욕장"].label == "LOC"


def test_a_name_and_a_facility_word_after_it_are_one_place() -> None:
    found = by_text("일본 총리는 메이지 신사를 찾았고 국제 공항과 실내 경기장은 붐볐다.")
    assert found["메이지 신사"].label == "LOC"
    assert set(found) == {"일본", "메이지 신사"}


def test_place_names_mecab_reads_as_names_inside_a_word_are_places() -> None:
    found = by_text("프랑스법인과 캐나다지사의 수출이 늘었다.")
    assert found["프랑스"].label == "GPE"
    assert found["캐나다"].label == "GPE"
    assert not [m for m in found.values() if m.label == "PERSON"]


def test_no_station_in_a_word_the_ending_only_ends() -> None:
    assert "아시아지역" not in by_text("아시아지역 수출이 늘었다.")


def test_pairs_of_countries_and_everyday_words_inside_a_word_are_no_places() -> None:
    found = by_text("정부는 일본 내부사정과 남북관계를 점검했다.")
    assert set(found) == {"일본"}


def test_everyday_words_mecab_files_as_places_are_no_places() -> None:
    found = by_text("소재업체 연합(이하 한국소재연합)은 가죽 내장 시트와 유흥 업소를 조사했다.")
    assert "이하" not in found and "유흥" not in found
    assert found["한국소재연합"].label == "ORG"


def test_common_nouns_roles_and_rates_with_institution_endings_are_no_organisations() -> None:
    found = ents(
        "일본 동북부 수출업체 지도부와 경호원, 신문사 논설위원이 시간당 임금을 놓고 "
        "수목원에서 만났고 소재통합당은 논평을 냈다."
    )
    assert [m.text for m in found if m.label == "ORG"] == ["소재통합당"]


def test_a_proper_noun_and_an_outlet_word_after_it_are_one_organisation() -> None:
    found = by_text("니시니혼 신문은 일본 정부의 수출규제 강화를 보도했다. 피의자 신문은 길어졌다.")
    assert found["니시니혼 신문"].label == "ORG"  # mecab reads 니시니혼 as a person's name
    assert "피의자 신문" not in found  # 신문 "questioning"


def test_a_proper_noun_in_brackets_after_a_person_is_the_affiliation() -> None:
    found = by_text(
        "회의에는 오세진(닛산) 상무와 박지훈(스미토모) 부장이 참석했고 이정민(서울) 교수와 "
        "홍길동(사진) 대표도 왔다."
    )
    assert found["닛산"].label == "ORG"
    assert found["스미토모"].label == "ORG"  # mecab reads it as a person's name
    assert found["서울"].label == "GPE"  # a hometown stays a place
    assert found["오세진"].label == "PERSON"
    assert not any(m.label == "ORG" and m.text == "사진" for m in found.values())


def test_a_name_mecab_reads_as_a_person_before_a_facility_word_is_one_place() -> None:
    found = by_text("폭설로 산티아고 국제공항은 한때 폐쇄됐다.")
    assert found["산티아고 국제공항"].label == "LOC"
    assert not [m for m in found.values() if m.label == "PERSON"]


def test_a_proper_noun_with_an_administrative_ending_is_a_place() -> None:
    found = by_text("린이시 당국은 오카야마 현에서 들여온 부품을 조사했다.")
    assert found["린이시"].label == "GPE"
    assert found["오카야마 현"].label == "GPE"
    assert not [m for m in found.values() if m.label == "PERSON"]


def test_current_before_a_title_is_no_prefecture() -> None:
    found = by_text("김수호 현 지사는 수출 지원을 약속했다.")
    assert found["김수호"].label == "PERSON"
    assert "김수호 현" not in found


def test_a_bare_state_or_current_word_makes_no_place() -> None:
    found = by_text("미국 주 정부들은 관세 환급을 요구했다.")
    assert "미국 주" not in found


def test_cities_and_provinces_mecab_does_not_know_are_places() -> None:
    found = by_text("거제와 통영의 조선소는 랴오닝과 앨라배마로 선박을 수출했다.")
    for name in ("거제", "통영", "랴오닝", "앨라배마"):
        assert found[name].label == "GPE", name


def test_place_names_that_are_everyday_words_stay_words() -> None:
    found = by_text("기장은 기후 변화로 강진이 잦아 세부 지침을 달성했다고 말했다.")
    assert not [m for m in found.values() if m.label in ("GPE", "LOC")]


def test_the_archaic_vowel_typed_for_a_middle_dot_separates_words() -> None:
    text = "김철수(서울ᆞ강원) 의원과 존 스미스(공화ᆞ앨라배마) 상원의원이 만났다."
    found = by_text(text)
    assert found["앨라배마"].label == "GPE"
    assert found["강원"].label == "GPE"
    assert text[found["앨라배마"].start_char - 1] == "\u119e"  # offsets index the text as written


def test_a_listed_place_mecab_cuts_wrongly_is_found_in_the_word_as_written() -> None:
    found = by_text("상하이시 당국은 광저우행 화물기와 랴오닝성 공장을 점검했다.")
    assert found["상하이시"].label == "GPE"
    assert found["광저우"].label == "GPE"
    assert found["랴오닝성"].label == "GPE"


def test_a_word_that_starts_like_a_place_is_no_place() -> None:
    found = by_text("고양이를 키우던 직원은 이천만 원을 기부했다.")
    assert not [m for m in found.values() if m.label in ("GPE", "LOC")]


def test_a_home_city_and_a_plural_loanword_name_a_team() -> None:
    found = by_text("류현수는 시카고 레이더스와 계약했고 두산 베어스는 시리즈를 내줬다.")
    assert found["시카고 레이더스"].label == "ORG"
    assert found["두산 베어스"].label == "ORG"
    assert "시카고" not in found


def test_a_first_name_before_a_surname_in_s_and_a_country_are_no_team() -> None:
    found = by_text("로버트 게이츠 전 장관은 미국 폭스뉴스에 출연해 한국 시리즈를 언급했다.")
    assert found["로버트 게이츠"].label == "PERSON"
    assert found["미국"].label == "GPE"
    assert not [m for m in found.values() if m.text.startswith(("미국 ", "한국 "))]


def test_a_university_or_school_by_its_short_form_is_an_organisation() -> None:
    found = by_text("단국대 교수와 명덕고 학생들은 아동학대 예방 교육을 같은 시간대에 받았다.")
    assert found["단국대"].label == "ORG"
    assert found["명덕고"].label == "ORG"
    assert set(found) == {"단국대", "명덕고"}


def test_a_proper_noun_before_an_academy_or_outlet_word_is_an_organisation() -> None:
    found = by_text("목동학원은 리버턴 포스트에 입시 전망을 냈다.")
    assert found["목동학원"].label == "ORG"
    assert found["리버턴 포스트"].label == "ORG"


def test_shipbuilding_is_no_place() -> None:
    found = by_text("조선 경기가 살아나자 한빛조선은 수주를 늘렸다.")
    assert not [m for m in found.values() if m.label in ("GPE", "LOC")]


def test_a_home_city_before_united_or_a_university_word_is_one_organisation() -> None:
    found = by_text("리버풀 유나이티드와 부천유나이티드는 콜로라도 대학 연구팀과 협약했다.")
    assert found["리버풀 유나이티드"].label == "ORG"
    assert found["부천유나이티드"].label == "ORG"
    assert found["콜로라도 대학"].label == "ORG"
    assert not [m for m in found.values() if m.label in ("GPE", "LOC")]


def test_a_university_word_after_a_country_is_no_organisation() -> None:
    found = by_text("미국 대학 등록금이 올랐다.")
    assert found["미국"].label == "GPE"
    assert "미국 대학" not in found


def test_a_plural_proper_noun_mecab_gives_no_class_is_an_organisation() -> None:
    found = by_text("다저스는 트윈스를 꺾었고 베이비박스 앞 콘퍼런스는 취소됐다.")
    assert found["다저스"].label == "ORG"
    assert found["트윈스"].label == "ORG"
    assert set(found) == {"다저스", "트윈스"}


def test_a_request_or_an_invitation_is_no_agency() -> None:
    found = by_text("검찰은 수사요청 대상자를 불렀고 명사초청 강연은 미뤄졌다.")
    assert "수사요청" not in found and "명사초청" not in found


def test_a_news_site_in_net_is_an_organisation_but_the_internet_is_not() -> None:
    found = by_text("신화넷은 초고속인터넷 보급이 늘었다고 보도했다.")
    assert found["신화넷"].label == "ORG"
    assert set(found) == {"신화넷"}


def test_a_name_and_a_natural_feature_in_one_word_are_one_place() -> None:
    found = by_text("탐사대는 백두산과 로키산맥을 거쳐 아마존강에 닿았다.")
    for name in ("백두산", "로키산맥", "아마존강"):
        assert found[name].label == "LOC", name


def test_a_local_office_after_its_place_is_an_organisation_named_with_it() -> None:
    found = by_text("김포 경찰서와 인천 세관, 원주 중앙소방서는 합동 단속을 벌였다.")
    assert found["경찰서"].label == "ORG"
    assert found["경찰서"].canonical == "김포 경찰서"
    assert found["세관"].canonical == "인천 세관"
    assert found["중앙소방서"].label == "ORG"
    assert found["김포"].label == "GPE"
    assert "경찰서" not in by_text("그는 경찰서에 신고했다.")


def test_an_institution_mecab_cut_at_a_misread_particle_is_found_as_written() -> None:
    found = by_text("목포 해양경찰서는 교육과학기술부와 함께 시·도교육청에 공문을 보냈다.")
    assert found["해양경찰서"].canonical == "목포 해양경찰서"
    assert found["교육과학기술부"].label == "ORG"
    assert "도교육청" not in found


def test_a_name_mecab_reads_as_a_person_with_a_city_or_district_ending_is_a_place() -> None:
    found = by_text("캐년시티 경찰은 난지지구에서 수색을 벌였다.")
    assert found["캐년시티"].label == "GPE"
    assert not [m for m in found.values() if m.label == "PERSON"]


def test_facilities_by_a_guessed_name_a_stadium_ending_or_a_known_compound() -> None:
    found = by_text("라가디아 공항과 다저스타디움, 신라호텔 주변 교통이 통제됐다.")
    for name in ("라가디아 공항", "다저스타디움", "신라호텔"):
        assert found[name].label == "LOC", name


def test_labour_federations_and_kepco_are_organisations() -> None:
    found = by_text("한국노총과 민주노총은 한전 본사 앞에서 집회를 열었다.")
    for name in ("한국노총", "민주노총", "한전"):
        assert found[name].label == "ORG", name


def test_resolution_and_disease_acronyms_are_no_organisations() -> None:
    found = by_text("QHD 화면을 단 신제품은 ALS 환자와 SFTS 감염 우려를 다룬 광고로 알려졌다.")
    assert not [m for m in found.values() if m.label == "ORG"]


def test_a_proper_noun_before_a_company_word_is_one_organisation() -> None:
    found = by_text("브래번 캐피털은 아이돌 그룹 기획사 지분을 사들였다.")
    assert found["브래번 캐피털"].label == "ORG"
    assert "아이돌 그룹" not in found
