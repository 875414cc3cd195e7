"""Korean word lists the entity and quote rules share: titles, surnames, institution words.

Korean news writes a person as name + (organisation) + title ("안덕근 산업통상자원부 장관")
and refers back by surname + title ("안 장관"); organisations end in an institution word
(산업통상자원부, 관세청, 한국무역협회); speakers are named, described (관계자, 당국자),
organisations, documents or media. The lists are the words of Yonhap-style copy; the
rules in ``entities`` and ``speakers`` decide where they apply.
"""

from __future__ import annotations

import re

__all__ = [
    "ADMINISTRATIVE_ENDS",
    "ADMINISTRATIVE_WORDS",
    "AUTHORITY_NOUNS",
    "COMMITTEE_ENDS",
    "COMPANY_SUFFIXES",
    "COMPANY_WORDS",
    "DESCRIPTOR_NOUNS",
    "DOCUMENT_NOUNS",
    "FACILITY_SUFFIXES",
    "FACILITY_WORDS",
    "GENERIC_ORGANISATIONS",
    "INSTITUTION_SUFFIXES",
    "LANDMARK_SUFFIXES",
    "LOCAL_OFFICES",
    "LONG_NATURAL_FEATURES",
    "MEDIA_SUFFIXES",
    "NATURAL_FEATURES",
    "NOT_NAMES",
    "NOT_ORGANISATIONS",
    "NOT_ORGANISATION_ACRONYMS",
    "NOT_TEAM_NAMES",
    "ORGANISATION_CUES",
    "ORGANISATION_NOUNS",
    "OUTLET_WORDS",
    "PRONOUNS",
    "ROLE_ENDS",
    "SCHOOL_WORDS",
    "SINGULAR_PRONOUNS",
    "SURNAMES",
    "TITLE_END",
    "TITLE_MODIFIERS",
]

# Titles after a name. A title word may carry its ministry or office (관방장관,
# 통상교섭본부장, 경제부총리), so a title is matched at the end of the word.
_TITLES = (
    "경제산업상|경산상|외무상|방위상|재무상|법무상|총무상|환경상|문부과학상|후생노동상|"
    "농림수산상|국토교통상|경제재생상|경제안보상|관방장관|부총리|총리|대통령|부통령|"
    "장관|차관보|차관|대변인|부대변인|회장|부회장|사장|부사장|대표이사|대표|의원|대사|"
    "공사|영사|본부장|위원장|부위원장|위원|교수|총재|부총재|총장|총무|실장|수석|비서관|"
    "국장|과장|청장|처장|원장|소장|센터장|단장|팀장|부장|지사|시장|군수|구청장|"
    "검사|판사|변호사|검찰총장|의장|부의장|당수|최고경영자|이사장|이사|"
    "감독|코치|선수|박사|연구원|연구위원|애널리스트|특파원|기자|"
    "주석|국왕|왕세자|총통|수반|서기장|사무총장|사무차장|상원의원|하원의원|지명자|후보|"
    "후보자|당선인|당선자|상무|전무|차장|대리|주임|사무장|기장|선장|간호사|교사|목사|"
    "경사|경위|경장|순경|경감|경정|총경|이병|일병|상병|병장|하사|중사|상사|원사|소위|"
    "중위|대위|소령|중령|대령|준장|중장|대장|대법관|재판관|감독관|원내대표"
)
TITLE_END = re.compile(rf"(?:{_TITLES})$")
# Words between a name and its title that are neither organisation nor place ("김 전 장관",
# "홍 부총리 겸 기획재정부 장관").
TITLE_MODIFIERS = frozenset({"전", "현", "前", "現", "신임", "초대", "겸", "고", "故", "당시"})
# Family names, for "김 장관" and "박모씨"; single syllables only (두 글자 성씨 are rare in
# copy and would clash with given names).
SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유홍전고문양손배백허남심노하곽성차주우구민진"
    "나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예"
    "경봉사부라"
)
# Two-to-four syllable nouns that stand before a title but are not names ("해당 장관",
# "이날 회장은", "통상 장관").
NOT_NAMES = frozenset(
    {"해당", "관련", "주무", "담당", "부처", "당시", "이날", "현재", "전임", "후임", "신임"}
    | {"초대", "차기", "역대", "명예", "상임", "수석", "공동", "단독", "최고", "현지", "양국"}
    | {"양측", "정부", "여당", "야당", "회사", "그룹", "외교", "국방", "통일", "법무", "재무"}
    | {"경제", "산업", "통상", "무역", "행정", "교육", "환경", "노동", "국토", "복지", "문화"}
    | {"주한", "주일", "주미", "주중", "한편", "또한", "특히", "이어", "지난해", "올해"}
    | {"내년", "작년", "그룹", "기업", "업체", "협회", "연구소", "대학", "대학교", "학교"}
    | {"한국", "일본", "미국", "중국", "북한", "국회", "상원", "하원", "대통령", "총리"}
    | {"장관", "차관", "위원", "기자", "각국", "각부", "부처별", "대리", "직무", "권한"}
    | {"사무", "정책", "기획", "전략", "연구", "조사", "분석", "금융", "투자", "마케팅"}
    | {"홍보", "영업", "생산", "개발", "기술", "공장", "지점", "본부", "센터", "지역"}
    | {"국제", "국내", "해외", "중앙", "지방", "주요", "다른", "모든", "여러", "일부"}
    | {"최근", "사건", "결과", "출신", "소속", "산하", "직속", "휘하", "측", "당국", "현역"}
)
# Institution words an organisation's name ends in (산업통상자원부, 관세청, 한국무역협회).
INSTITUTION_SUFFIXES = (
    "위원회",
    "연합회",
    "협의회",
    "대사관",
    "영사관",
    "공사",
    "공단",
    "은행",
    "그룹",
    "전자",
    "화학",
    "증권",
    "통신",
    "협회",
    "재단",
    "연구원",
    "연구소",
    "대학교",
    "경찰서",
    "소방서",
    "보건소",
    "사업소",
    "세관",
    "경찰청",
    "검찰청",
    "지검",
    "지법",
    "고법",
    "법원",
    "본부",
    "거래소",
    "재판소",
    "회의소",
    "연맹",
    "중앙회",
    "진흥회",
    "연합",
    "노조",
    "노총",
    "구조대",
    "닷컴",
    "당",
    "부",
    "청",
    "처",
    "원",
)
# Endings of a person's role that end like an institution (논설위원, 보좌관실 직원):
# a member, not the body.
ROLE_ENDS = ("위원", "의원", "요원", "대원", "직원", "회원", "공무원", "승무원")
# Short forms of a committee's name: 위원회 cut to 위 (정보|위, 산자위) or 특위 (무역구제|특위).
COMMITTEE_ENDS = frozenset({"위", "특위"})
# Common nouns that end like an institution (공급처, 직원, 일부, 식당); checked against
# the word's last morphemes, so 국정원 is not taken for 정원 "garden".
NOT_ORGANISATIONS = frozenset(
    {"거래처", "공급처", "수출처", "수입처", "판매처", "사용처", "조달처", "구매처", "납품처"}
    | {"투자처", "연락처", "근무처", "대체처", "수요처", "출처", "피난처"}
    | {"직원", "회원", "인원", "위원", "의원", "요원", "사원", "전원", "자원", "재원", "지원"}
    | {"공원", "정원", "차원", "기원", "민원", "동원", "복원", "증원", "감원", "교원", "단원"}
    | {"팀원", "선원", "대원", "당원", "구성원", "공무원", "임직원", "종업원", "승무원"}
    | {"승조원", "상담원", "관리원", "조사원", "안내원", "판매원", "조합원", "선임연구원"}
    | {"책임연구원", "수석연구원", "상원의원", "하원의원"}
    | {"특파원", "노조원", "전투원", "유치원", "병원", "학원", "한의원", "요양원", "부대원"}
    | {"소방대원", "홀인원", "넘버원", "출원"}
    | {"전체", "대부", "일부", "내부", "외부", "세부", "간부", "남부", "북부", "동부", "서부"}
    | {"중부", "상부", "하부", "흉부", "대퇴부", "도입부", "위안부", "무승부", "반정부"}
    | {"전부", "안부", "여부", "부부", "두부", "복부", "치부", "장부", "학부", "신부"}
    | {"해당", "담당", "상당", "식당", "정당", "강당", "사당", "명당", "주당", "인당", "의사당"}
    | {"동북부", "북동부", "동남부", "남동부", "서북부", "북서부", "서남부", "남서부", "중북부"}
    | {"중남부", "중동부", "중서부", "지도부", "고모부", "이모부", "명승부"}
    | {"경호원", "수도원", "수목원", "식물원", "동물원", "보육원", "양로원", "고아원"}
    | {"걸그룹", "보이그룹", "항공사", "시공사", "저축은행", "대학", "신청", "국회의원"}
    | {"요청", "초청", "수당"}
    | {"총괄공사", "정무공사", "경제공사", "공사", "신용카드", "체크카드", "교통카드"}
)
# Endings of company, outlet, school and hospital names, which count only after a proper
# noun (롯데|마트, 한겨레|신문, 서울|대, 모스크바|대학) because the same endings make common
# nouns (신용카드, 대형마트, 대학, 병원).
COMPANY_SUFFIXES = (
    "대학교",
    "대학",
    "병원",
    "의료원",
    "학회",
    "공사",
    "엔터테인먼트",
    "중공업",
    "자동차",
    "백화점",
    "홀딩스",
    "컴퍼니",
    "미디어",
    "투데이",
    "건설",
    "실업",
    "항공",
    "제약",
    "생명",
    "화재",
    "카드",
    "마트",
    "철강",
    "제철",
    "물산",
    "상사",
    "해운",
    "식품",
    "학원",
    "유업",
    "제분",
    "맥주",
    "바이오",
    "신문",
    "일보",
    "뉴스",
    "방송",
    "타임스",
    "포스트",
    "저널",
    "닷컴",
    "차",
    "대",
)
# Endings of facility names, which count only after a proper noun or place (서울|역,
# 인천|국제공항, 정부세종|청사); facilities are LOC.
FACILITY_SUFFIXES = (
    "국제공항",
    "분기점",
    "나들목",
    "휴게소",
    "해수욕장",
    "박물관",
    "미술관",
    "경기장",
    "스타디움",
    "아레나",
    "공항",
    "청사",
    "광장",
    "타워",
    "빌딩",
    "호텔",
    "대교",
    "터널",
    "구장",
    "성당",
    "교회",
    "신사",
    "공원",
    "역",
    "궁",
    "항",
)
# Natural features after their name in one word (백두|산, 아마존|강, 시나이|반도); after a
# common noun only the longer ones, which no everyday word ends in.
NATURAL_FEATURES = frozenset({"산", "강", "섬"})
LONG_NATURAL_FEATURES = frozenset(
    {"산맥", "반도", "열도", "해협", "사막", "고원", "평야", "호수", "계곡", "폭포"}
)
# Local offices named by the place before them ("김포 경찰서", "인천 세관"): bare, no
# organisation of their own.
LOCAL_OFFICES = frozenset({"경찰서", "소방서", "보건소", "교육청", "세관", "지검", "지법"})
# Company words written as a word of their own after its name ("씨제스 엔터테인먼트",
# "브래번 캐피털", "CJ 홀딩스"); not 그룹, which follows kinds too ("아이돌 그룹").
COMPANY_WORDS = frozenset({"엔터테인먼트", "홀딩스", "캐피털", "캐피탈", "컴퍼니"})
# University written as a word of its own after its home ("보스턴 대학").
SCHOOL_WORDS = frozenset({"대학", "대학교"})
# Loanwords that end like a team's plural name (양키스, 자이언츠) but name no team, nor
# does a word ending in one (베이비|박스, 베벌리|힐스).
NOT_TEAM_NAMES = frozenset(
    {"시리즈", "비즈니스", "서비스", "캠퍼스", "하우스", "클래스", "오피스", "플러스"}
    | {"스페이스", "레이스", "페이스", "박스", "코스", "센스", "시스템즈", "바이러스", "크로스"}
    | {"힐스", "콘퍼런스", "컨퍼런스"}
)
# Facilities written as a word of their own after their name ("메이지 신사", "트라팔가 광장").
FACILITY_WORDS = frozenset({"광장", "공항", "국제공항", "신사", "극장", "경기장", "성당", "사원"})
# Endings of an administrative unit after a name: 둥관|시, 장쑤|성, 캐년|시티, 난지|지구,
# 오카야마 현. In a word,
# not 주 (삼성|주 is a share), 군 (소련|군 is an army) or 구 (mecab cuts 구 out of verbs).
ADMINISTRATIVE_ENDS = frozenset({"시", "성", "현", "시티", "지구"})
# The same, written as a word of their own ("캘리포니아 주"); not 시 ("한국 시" is a poem).
ADMINISTRATIVE_WORDS = frozenset({"주", "성", "현"})
# Facility endings that make a place after any name, proper noun or not (창경궁, 망향|휴게소).
LANDMARK_SUFFIXES = frozenset(
    {"해수욕장", "국제공항", "광장", "궁", "빌딩", "분기점", "나들목", "휴게소"}
)
# Words after an organisation's name that only an organisation takes ("애플 관계자",
# "MBC 소속", "구글 최고경영자").
ORGANISATION_CUES = frozenset(
    {"관계자", "관계자들", "소속", "최고경영자", "CEO", "본사", "임직원", "사옥", "주가", "노조"}
)
# Organisations a common noun stands for ("정부는", "의회는"): they speak, so they are
# organisations to the quote rules, but say no more than the country already tagged
# (정부 is the actor of nearly every trade sentence), so they are no entity.
GENERIC_ORGANISATIONS = frozenset(
    {"정부", "당국", "의회", "내각", "여당", "야당", "정부측", "사측"}
)
# Police, prosecutors and courts: common nouns too, but an article that has them is about
# an arrest or a ruling, which analysts filter on. An authority with its field (보건당국,
# "군 당국") is one as well; 당국 alone is as generic as 정부.
AUTHORITY_NOUNS = frozenset({"경찰", "검찰", "법원", "재판부", "검경"})
# Organisations named by one common noun ("국방부는", "유엔은").
ORGANISATION_NOUNS = (
    GENERIC_ORGANISATIONS
    | AUTHORITY_NOUNS
    | frozenset(
        {"국회", "대법원", "헌법재판소", "해경", "국방부", "외교부", "유엔", "백악관", "크렘린"}
        | {"유럽연합", "나토", "아세안", "국제통화기금", "세계은행", "국제원자력기구", "오펙"}
        | {"육군", "해군", "공군", "국군", "미군", "주한미군", "주일미군", "북한군", "일본군"}
        | {"중국군", "러시아군", "정부군", "반군", "연합군", "인민군", "해병대", "자위대"}
        # mecab files 한전 (Korea Electric Power) as a place
        | {"한전"}
    )
)
# Latin-script words that are not organisations (an acronym in Korean copy usually is).
NOT_ORGANISATION_ACRONYMS = frozenset(
    {"TV", "CCTV", "SNS", "CEO", "CFO", "IT", "ICT", "AI", "TF", "FTA", "MC", "FA", "PD"}
    | {"VR", "AR", "ATM", "DJ", "KTX", "SRT", "LTE", "ID", "PDF", "RFID", "GDP", "GNI"}
    | {"CPI", "PPI", "LNG", "LPG", "EUV", "OLED", "LCD", "NAND", "DRAM", "HBM", "PC"}
    | {"USB", "SUV", "EV", "ESG", "IPO", "PER", "ETF", "CPTPP", "RCEP", "IPEF", "NLL"}
    | {"DMZ", "UAE", "MOU", "QR", "GPS", "OS", "APP", "SW", "HW", "IoT", "IP", "CD"}
    | {"DVD", "MP", "TPP", "OEM", "ODM", "B2B", "B2C", "KS", "ISO", "PCR", "MERS"}
    | {"SARS", "DNA", "HIV", "VIP", "PR", "CF", "MV", "OST", "MVP", "MLB", "NBA", "NFL"}
    | {"PGA", "II", "III", "HD", "UHD", "SF", "CG", "VS", "PPT", "API", "CPU", "GPU"}
    | {"PCB", "MLCC", "CIS", "SoC", "D", "A", "B", "C", "K", "X", "Q"}
    # display resolutions and diseases, like HD and MERS above
    | {"FHD", "QHD", "WQHD", "ALS", "SFTS", "AIDS", "COPD", "ADHD", "PTSD"}
)
# Described speakers: heads of "정부 관계자", "업계 관계자", "한 소비자".
DESCRIPTOR_NOUNS = frozenset(
    {"관계자", "당국자", "소식통", "관리", "관료", "전문가", "분석가", "애널리스트"}
    | {"연구원", "연구위원", "교수", "소비자", "시민", "주민", "상인", "직원", "근로자"}
    | {"대변인", "임원", "간부", "인사", "측근", "목격자", "피해자", "유족", "학생"}
    | {"학부모", "기업인", "사업가", "업계", "경영자", "최고경영자", "이코노미스트"}
    | {"참석자", "의원", "장관", "차관", "대사", "외교관", "고위관리", "고위급", "당직자"}
    | {"변호사", "검사", "판사", "의사", "기자", "특파원", "논평가", "평론가", "사람"}
    | {"남성", "여성", "회원", "팬", "선수", "감독", "코치", "노동자", "운전자", "농민"}
    | {"투자자", "트레이더", "딜러", "수입업자", "수출업자", "업자", "점주", "대표", "회장"}
    | {"사장", "주민들", "관계자들", "전문가들", "시민들"}
)
# Documents that "say" something (성명, 보고서, 보도자료).
DOCUMENT_NOUNS = frozenset(
    {"성명", "성명서", "보고서", "보도자료", "발표문", "논평", "서한", "편지", "담화"}
    | {"담화문", "자료", "문서", "공문", "결의안", "판결문", "백서", "사설", "공고"}
    | {"현수막", "게시물", "트윗", "글", "메시지", "입장문", "회의록", "조사"}
)
# Outlets written as a word of their own after their name ("니시니혼 신문", "홋카이도 신문").
OUTLET_WORDS = frozenset({"신문", "신문사", "통신", "통신사", "일보", "포스트", "저널"})
# Outlets by their name's ending (교도통신, 요미우리신문, 뉴욕타임스, 조선일보).
MEDIA_SUFFIXES = re.compile(
    r"(?:통신|통신사|신문|일보|뉴스|방송|타임스|타임즈|포스트|저널|데일리|TV|tv|채널|매체|언론)$"
)
# Pronouns a speaker phrase can be; a singular one is resolved to the last named person.
PRONOUNS = frozenset({"그", "그녀", "그분", "그들", "이들"})
SINGULAR_PRONOUNS = frozenset({"그", "그녀", "그분"})
