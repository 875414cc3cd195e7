"""Korean signals for the relevance score (the scoring itself is in ``relevance``).

Korean copy glues particles to nouns (일본의, 한국에, 규제를), so patterns match inside
words rather than at word boundaries; they are written to be specific enough for that.
In Korean papers "정부", "국내" and "우리나라" mean Korea, so they count as Korea signals
unless a word comes right before them ("일본 정부", "바이든 정부"). 한일/한·일 names both
countries at once. Short names are matched only with a title or given name ("스가 총리",
not the 스가 of "뉴스가"); headline hanja count too (韓, 日). Trade sentences about North
Korea are third-country trade. Latin-script terms (WTO, SK하이닉스) are matched
lower-cased, as in English.
"""

from __future__ import annotations

import re

from tradewatch.nlp.relevance import Topic, Vocabulary, Words

__all__ = ["VOCABULARY"]

_PAIR = r"한[·ㆍ\-‧・]일|한일(?![본요])|일[·ㆍ\-‧・]한|韓日|日韓"
_HOME = r"(?<![가-힣])(?<![가-힣] )정부|우리\s?정부|우리나라|국내"
_MEASURE = (
    r"(?:수출\s?규제|수출\s?통제|수출\s?관리|규제|제재|금지|보복|관세|화이트\s?리스트|"
    r"백색\s?국가|허가|쿼터|반덤핑|세이프가드|금수)"
)

VOCABULARY = Vocabulary(
    korea=Words(
        rf"한국|대한민국|韓|서울(?!대)|세종시|청와대|대통령실|{_PAIR}|{_HOME}|"
        r"산업통상자원부|산업부|통상교섭본부|외교부|기획재정부|기재부|관세청|통계청|한국은행|"
        r"코트라|kotra|산업연구원|"
        r"윤석열|이재명|문재인|안덕근|이창양|성윤모|유명희|여한구|박진\s?(?:외교부\s?)?장관|조태열|"
        r"삼성전자|sk\s?하이닉스|lg디스플레이|lg\s?디스플레이|솔브레인|동진쎄미켐|sk머티리얼즈|"
        r"한국무역협회|무역협회|전경련|한국경제인협회|대한상공회의소|대한상의"
    ),
    north_korea=Words(r"북한|북측|평양|조선민주주의인민공화국"),
    japan=Words(
        rf"일본|日|도쿄|{_PAIR}|경제산업성|경산성|총리\s?관저|"
        r"기시다|이시바|다카이치|스가\s?(?:요시히데|총리|전\s?총리)|아베\s?(?:신조|총리|전\s?총리)|"
        r"니시무라\s?(?:야스토시|경제산업상|경산상|대신)|세코\s?(?:히로시게|경제산업상)|"
        r"가지야마\s?(?:히로시|경제산업상)|무토\s?요지|하야시\s?요시마사|"
        r"스텔라\s?케미파|모리타\s?화학|jsr|도쿄\s?오카|신에쓰|쇼와\s?덴코|게이단렌|경단련"
    ),
    third_party=Words(
        r"미국|미\s?정부|미\s?상무부|워싱턴|바이든|트럼프|중국|베이징|시진핑|유럽연합|eu|"
        r"대만|네덜란드|asml|화웨이|베트남|인도(?!네시아)|러시아|美|中國|북한"
    ),
    trade=Words(
        r"무역|수출|수입|통상|관세|규제|제재|보복|불매|공급망|화이트\s?리스트|백색\s?국가|"
        r"wto|세계무역기구|포토\s?레지스트|감광액|불화\s?수소|불산|에칭\s?가스|"
        r"폴리이미드|통화\s?스와프|경제\s?안보|국산화"
    ),
    distractors=Words(
        r"위안부|독도|다케시마|야스쿠니|후쿠시마|오염수|처리수|방류|교과서|식민\s?지배|"
        r"케이팝|k팝|k-pop|bts|애니메이션|드라마|콘서트|관광객|축구|야구|올림픽|월드컵|"
        r"메모리\s?가격|d램\s?가격|낸드\s?가격|실적\s?발표|분기\s?실적|영업이익"
    ),
    # "일본의 한국에 대한 수출규제", "정부의 일본산 수산물 수입 금지": one country's measure
    # aimed at the other, in Korean word order (the target before the measure).
    directed_measure=Words(
        rf"(?:일본|도쿄)[^.]{{0,40}}?(?:한국|우리나라)\s?(?:에\s?대한|을\s?겨냥한|을\s?상대로|"
        rf"에\s?대해|에)[^.]{{0,30}}?{_MEASURE}|(?:한국|정부|우리나라)[^.]{{0,40}}?"
        rf"일본(?:산|제|\s?제품|에\s?대한|을\s?겨냥한)[^.]{{0,30}}?{_MEASURE}"
    ),
    topics=(
        Topic(
            "export_controls",
            Words(
                r"수출\s?규제|수출\s?통제|수출\s?관리|수출\s?제한|수출\s?심사|개별\s?허가|"
                r"포괄\s?허가|캐치\s?올"
            ),
            1.0,
            3,
        ),
        Topic(
            "white_list",
            Words(r"화이트\s?리스트|백색\s?국가|그룹\s?a|우대\s?국|수출\s?우대"),
            1.2,
            3,
        ),
        Topic(
            "wto_dispute",
            Words(
                r"(?:wto|세계무역기구)[^.]{0,60}?(?:제소|분쟁|패널|소송|협의|판정|상소)|"
                r"(?:제소|분쟁|소송)[^.]{0,40}?(?:wto|세계무역기구)"
            ),
            1.2,
            3,
        ),
        Topic(
            "semiconductor_materials",
            Words(
                r"포토\s?레지스트|감광액|불화\s?수소|불산|에칭\s?가스|플루오린\s?폴리이미드|"
                r"불화\s?폴리이미드|반도체\s?소재|핵심\s?소재|소재[·ㆍ]\s?부품"
            ),
            1.2,
            3,
        ),
        Topic("boycott", Words(r"불매|노\s?재팬|no\s?japan|노노\s?재팬"), 1.0, 3),
        Topic(
            "normalization_summit",
            Words(r"정상화|셔틀\s?외교|정상\s?회담|관계\s?개선|해빙"),
            0.5,
            2,
            trade=False,
        ),
        Topic(
            "forced_labor_ruling_link",
            Words(r"징용|강제\s?동원|배상\s?판결|대법원\s?판결|제3자\s?변제|제삼자\s?변제"),
            0.4,
            2,
            trade=False,
        ),
        Topic(
            "economic_security", Words(r"경제\s?안보|공급망\s?(?:안정|안보|리스크|위기)"), 0.6, 2
        ),
        Topic("currency_swap", Words(r"통화\s?스와프"), 0.8, 2),
        Topic(
            "localization_supply_chain",
            Words(
                r"국산화|자립|자급|공급망|공급처\s?다변화|다변화|대일\s?의존|일본\s?의존|일본산\s?의존"
            ),
            0.7,
            3,
        ),
    ),
    # "(서울=연합뉴스) 김민준 기자 =": the bureau, not the story's countries.
    dateline=re.compile(r"^\s*\([^()=]{1,12}=[^()]{1,12}\)\s*(?:[^=\n]{1,30}?기자\s*=\s*)?"),
    sentences=re.compile(r"(?<=[.!?])[\"”’']?\s+|\n+"),
)
