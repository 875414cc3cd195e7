"""Entities of a Japanese article, in the project's labels and canonical names.

ginza's 189 labels (Extended Named Entity hierarchy) map onto PERSON, ORG, GPE, LOC and
NORP; the rest (positions, dates, products, food...) are dropped. Names the gazetteer
knows carry its English canonical, so 経済産業省 and 경제산업성 count as one entity with
"Ministry of Economy, Trade and Industry". A person the gazetteer does not know keeps the
name as written; a later mention by surname (西村氏, 岸田首相) resolves to the full name
the article gave first. ginza often cuts a name at the family name (西村 of 西村康稔) or
keeps its title (菅官房長官): the given name is added back and the title stripped, and
kept in ``title``. Places are checked against Sudachi's words: a place name ginza missed
is added, one that begins a longer name (東京|支店, 大阪|万博) is not the place.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from tradewatch.models import EntityMention
from tradewatch.nlp.gazetteer import Gazetteer
from tradewatch.nlp.ja.model import FOREIGN_BEFORE

__all__ = ["LABELS", "ORG_ENDINGS", "ORG_HEADS", "TITLES", "extract_entities"]

LABELS = {
    "Person": "PERSON",
    "Company": "ORG",
    "Company_Group": "ORG",
    "Corporation_Other": "ORG",
    "Government": "ORG",
    "International_Organization": "ORG",
    "Political_Organization_Other": "ORG",
    "Political_Party": "ORG",
    "Organization_Other": "ORG",
    "Public_Institution": "ORG",
    "Research_Institute": "ORG",
    "Military": "ORG",
    "Cabinet": "ORG",
    "Newspaper": "ORG",
    "Pro_Sports_Organization": "ORG",
    "Sports_League": "ORG",
    "Sports_Organization_Other": "ORG",
    "Show_Organization": "ORG",
    "Car": "ORG",  # a carmaker more often than a model: ボルボ
    "Country": "GPE",
    "Province": "GPE",
    "City": "GPE",
    "County": "GPE",
    "GPE_Other": "GPE",
    "GPE": "GPE",
    "Location_Other": "LOC",
    "Region_Other": "LOC",
    "Continental_Region": "LOC",
    "Domestic_Region": "LOC",
    "Island": "LOC",
    "Sea": "LOC",
    "River": "LOC",
    "Lake": "LOC",
    "Bay": "LOC",
    "Nationality": "NORP",
    "Ethnic_Group_Other": "NORP",
}
# Titles written after a name: 西村康稔経済産業大臣, 岸田首相, 菅官房長官, 西村氏.
TITLES = re.compile(
    r"(?:経済産業大臣|経済産業相|経産相|外務大臣|外相|財務大臣|財務相|官房長官|総理大臣|首相|"
    r"大統領|大臣|長官|次官|局長|審議官|大使|知事|市長|議員|代表|幹事長|総裁|委員長|議長|"
    r"社長|会長|副社長|専務|常務|取締役|理事長|所長|報道官|担当者|選手|投手|監督|騎手|"
    r"氏|さん|容疑者|被告)$"
)
# Words that end an organisation's name: 日本玩具|協会, 九州|電力, ホワイトチャペル|社.
ORG_HEADS = frozenset(
    {
        *("株式会社", "有限会社", "合同会社", "ホールディングス", "HD", "グループ", "社", "公社"),
        *("商事", "物産", "商会", "商店", "工業", "重工業", "重工", "産業", "興業", "建設"),
        *("製作所", "製薬", "製紙", "製鉄", "製鋼", "化学", "化成", "化学工業", "電機", "電気"),
        *("電子", "電力", "電工", "電鉄", "電灯", "鉄道", "交通", "航空", "汽船", "海運"),
        *("自動車", "汽車", "通信", "通信社", "新聞", "新聞社", "放送", "テレビ"),
        *("出版", "銀行", "証券", "保険", "生命", "信託", "財団", "機構", "協会", "連盟"),
        *("連合", "連合会", "組合", "協議会", "委員会", "評議会", "議会", "学会", "会", "団"),
        *("集団", "楽団", "劇団", "球団", "FC", "SC", "大学", "学院", "研究所", "省", "庁"),
        *("局", "党", "軍", "海軍", "陸軍", "空軍", "部隊", "艦隊", "司令部", "内閣"),
        *("代表", "政権", "派"),
        *("会社", "事務所", "プロダクション", "エンターテインメント", "インターナショナル"),
        *("スタジオ", "レコード", "リーグ", "クラブ", "選手団", "合唱団", "軍団", "連隊"),
        *("戦隊", "警察", "公司", "製菓", "日報", "新報", "大學", "書房", "書店", "百貨店"),
    }
)
# One proper-noun word ending in one of them is an organisation too (東京電力, 名古屋大学).
ORG_ENDINGS = re.compile("(?:" + "|".join(sorted(ORG_HEADS, key=len, reverse=True)) + ")$")
# Titles anyone may carry: a surname with one of them is not a particular official.
_PLAIN_TITLES = frozenset(
    {"氏", "さん", "容疑者", "被告", "担当者", "代表", "選手", "投手", "監督", "騎手"}
)
# 日韓, 韓日: "Japan-Korea", a relation, not a place.
_PAIRS = frozenset({"日韓", "韓日", "日韓両国"})
_GIVEN_NAME = "名詞-固有名詞-人名-名"
_SURNAME = "名詞-固有名詞-人名-姓"
_PERSON_NAME = "名詞-固有名詞-人名"
_PROPER_NOUN = "名詞-固有名詞-一般"
# ginza's kinds of a proper noun that is no organisation: times, events, works, routes,
# facilities, vessels, sports, ranks.
_NOT_ORG_KINDS = (
    *("Date", "Era", "Time", "Period", "Day_Of_Week", "Game", "Conference", "Occasion"),
    *("Event", "War", "Book", "Movie", "Music", "Show", "Broadcast", "Award", "Station"),
    *("Railroad", "Road", "Line", "Rule", "Title", "Language", "National_Language"),
    *("Facility", "Sports_Facility", "Ship", "Sport", "Rank", "Ordinal_Number"),
)
_FOREIGN_NAME = "名詞-固有名詞-人名-一般"
_COUNTRY = "名詞-固有名詞-地名-国"
_NAME_DOT = frozenset({"・", "＝", "="})
# Words after a name that leave it a person: ジェシカ|ら, マイケル|たち.
_PEOPLE_SUFFIXES = frozenset({"ら", "たち", "達", "等", "自身", "本人"})
# Words that end an organisation's name only after a proper noun (ニトリ|…|会社), not
# after common words, even katakana ones (家具|会社, テニス|クラブ).
_PROPER_NAME_HEADS = frozenset({"会社", "クラブ", "リーグ"})
# Short organisation words that follow the name itself: ホワイトチャペル社, not 日本企業3社.
_NAME_ONLY_HEADS = frozenset({"社", "会", "団", "派"})
_LEGAL_FORMS = frozenset({"株式会社", "有限会社", "合同会社"})
# 田中義一陸軍中将 is a general, not an army; one word ending in 大会 an event.
_PERSON_HEADS = frozenset({"軍", "海軍", "陸軍", "空軍", "代表"})
_NOT_ORG_ENDINGS = (
    "神社",
    "大社",
    "本社",
    "支社",
    "会社",
    "大会",
    "博覧会",
    "展覧会",
    "展示会",
    "応援団",
)
_COMPOUND_TAGS = (
    "名詞-固有名詞",
    "名詞-普通名詞-一般",
    "名詞-普通名詞-サ変",
    "名詞-普通名詞-助数詞可能",
    "名詞-数詞",
    "接頭辞",
    "接尾辞-名詞的",
)
_KATAKANA_WORD = re.compile(r"[ァ-ヺー]+")
_KATAKANA = re.compile(r"[ァ-ヺ]")
_FOREIGN_SCRIPT = re.compile(r"[ァ-ヺA-Za-zＡ-Ｚａ-ｚ]")
_PLACES = frozenset({"GPE", "LOC"})
# Words after a place that leave it a place: 香川県|出身, 韓国|側, 中国|北部, 東京|都内.
_PLACE_WORDS = frozenset(
    {
        *("出身", "在住", "側", "本土", "国", "国内", "国外", "全土", "全域", "全国", "各地"),
        *("地区", "地域", "地方", "一帯", "周辺", "近郊", "郊外", "沿岸", "大陸", "内", "間"),
        *("東部", "西部", "南部", "北部", "中部", "東海岸", "西海岸", "中心", "中心部"),
        *("市", "府", "県", "州", "省", "郡", "区", "町", "村", "都", "道", "各県", "特別区"),
        *("市内", "都内", "県内", "府内", "州内", "区内", "町内", "市民", "県民", "国民"),
        *("向け", "経由", "発", "着", "産", "製", "初", "最大", "最古", "最高峰", "以外"),
        *("時代", "王国", "王政", "自体", "進出", "独立", "訪問", "入り", "滞在", "旅行"),
        *("人", "系", "型", "式", "流", "風", "選挙区", "区間", "公開", "上場", "成立", "移転"),
        *("交渉", "映画", "政策", "経済", "市場", "企業", "社会", "文化", "国籍"),
        *("共同", "時事"),  # datelines: 【ソウル共同】
        *("南端", "北端", "東端", "西端", "最南端", "最北端", "上流", "中流", "下流"),
        *("付近", "方面", "中心街", "麓", "山麓", "畔", "湖畔", "沖", "沿い", "近海", "上空"),
    }
)
# Kinds of land, water or state written after a place's name: ユトランド|半島, ナミブ|砂漠.
_FEATURES = frozenset(
    {
        *("島", "半島", "諸島", "列島", "群島", "川", "河", "湖", "湾", "海", "海峡", "運河"),
        *("山", "山脈", "山地", "岳", "高原", "平野", "盆地", "砂漠", "岬", "峠", "渓谷"),
        *("帝国", "王国", "公国", "共和国", "連邦", "植民地"),
    }
)
# Divisions and features written after a name: コロンバス|市, ヴェルテンハイム|地区.
_PLACE_SUFFIXES = frozenset(
    {"市", "州", "県", "郡", "区", "地区", "村", "町", "郡区", "島", "諸島", "半島", "川", "湖"}
)
# Katakana words that end a venue's name, not a team's: …・アリーナ, …・パーク.
_VENUE_WORDS = frozenset(
    {"アリーナ", "パーク", "センター", "スタジアム", "ホール", "サーキット", "アベニュー"}
)
# Old and foreign divisions written after a place's name: 尾張|国, 加納|藩.
_DIVISIONS = frozenset({"国", "藩", "府", "道", "省", "自治区", "特別区"})
_NOT_ORG_NAMES = ("場", "館", "法", "駅", "公園", "空港", "地区", "墓地", "法人")
_NAME_PART_TAGS = ("名詞-普通名詞", "名詞-固有名詞-一般", "接尾辞-名詞的")
# Written on to a place, an adjectival noun begins a longer name: 横浜|高等|技芸学校.
# (A prefix does not: 福島|第|一|原発 still says where the plant is.)
_NAME_OPENERS = ("形状詞",)
# A "place" ending in one of these is a facility, a line or an event: 東京駅, 東日本大震災.
_NOT_PLACE_ENDINGS = (
    *("駅", "空港", "飛行場", "競馬場", "球場", "競技場", "公園", "工場", "事業所"),
    *("発電所", "ビルディング", "線", "IC", "震災", "地震", "事件", "事故"),
)


def extract_entities(
    doc: Doc, gazetteer: Gazetteer, surnames: dict[str, set[str]]
) -> list[EntityMention]:
    """The doc's entities in text order, each with its canonical name; ``surnames`` maps
    the gazetteer's Japanese family names to their people (``model.person_surnames``)."""
    mentions: list[EntityMention] = []
    people: list[tuple[str, str]] = []  # (full name as written, canonical), in text order
    for ent in doc.ents:
        label = _label(ent)
        if label is None:
            continue
        if ent.ent_id_:  # the gazetteer's: its canonical
            mentions.append(_mention(ent, label, ent.ent_id_))
            if label == "PERSON":
                people.append((ent.text, ent.ent_id_))
            continue
        if label == "PERSON":
            mention = _person(doc, ent.start, ent.end, gazetteer, people, surnames)
            if mention is not None:
                mentions = _with_person(mentions, mention)
            continue
        text = ent.text.strip()
        if text in _PAIRS:
            continue
        foreign = label == "ORG" and FOREIGN_BEFORE.search(
            doc.text, max(0, ent.start_char - 5), ent.start_char
        )
        known = None if foreign else gazetteer.lookup(text)
        mentions.append(_mention(ent, label, known.canonical if known else text))
    for person in _titled_surnames(doc, mentions, gazetteer, people, surnames):
        mentions = _with_person(mentions, person)
    mentions += _name_words(doc, mentions, gazetteer, people, surnames)
    mentions = _organisations(doc, sorted(mentions, key=lambda m: m.start_char))
    mentions = sorted(mentions + _proper_noun_orgs(doc, mentions), key=lambda m: m.start_char)
    mentions = sorted(mentions + _place_words(doc, mentions), key=lambda m: m.start_char)
    mentions = [_with_feature(doc, m) for m in mentions]
    mentions = sorted(mentions + _suffixed_places(doc, mentions), key=lambda m: m.start_char)
    return _joined_places([m for m in mentions if _kept(doc, m)])


def _with_person(mentions: list[EntityMention], person: EntityMention) -> list[EntityMention]:
    """``mentions`` with ``person`` in place of the parts of its name ginza tagged one by
    one (ヘルベルト|・|ブレンナー), or without it when an earlier mention holds it whole."""
    if any(m.start_char <= person.start_char and person.end_char <= m.end_char for m in mentions):
        return mentions
    inside = [
        m for m in mentions if person.start_char <= m.start_char and m.end_char <= person.end_char
    ]
    return [m for m in mentions if m not in inside] + [person]


def _with_feature(doc: Doc, mention: EntityMention) -> EntityMention:
    """A place with the word for what kind of land or water it is written on to it:
    ユトランド|半島, 利根|川, ナミブ|砂漠 are one place, not a name the place begins."""
    if mention.label not in _PLACES or mention.canonical != mention.text:
        return mention
    after = doc.char_span(mention.end_char, mention.end_char + 1, alignment_mode="expand")
    if after is None or after.start_char != mention.end_char or after.text not in _FEATURES:
        return mention
    text = mention.text + after.text
    return EntityMention(
        text=text,
        label=mention.label,
        canonical=text,
        start_char=mention.start_char,
        end_char=after.end_char,
    )


def _suffixed_places(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """A katakana name Sudachi does not know as a place, with a word for a division or a
    feature of land after it: コロンバス|市, ヴェルテンハイム|地区."""
    taken = [(m.start_char, m.end_char) for m in mentions]
    found: list[EntityMention] = []
    for token in doc:
        if token.i + 1 >= len(doc) or doc[token.i + 1].text not in _PLACE_SUFFIXES:
            continue
        start = _katakana_name_start(token)
        if start is None:
            continue
        span = doc[start : token.i + 2]
        if any(s < span.end_char and span.start_char < e for s, e in taken):
            continue
        if start > 0 and _written_on(doc[start - 1], doc[start]):
            continue
        found.append(_mention(span, "GPE", span.text))
    return found


def _katakana_name_start(token: Token) -> int | None:
    """Where the katakana name ending at ``token`` begins (ヴェルテン|ハイム, …|・|…), if
    ``token`` is a katakana word that is no place word of Sudachi's already."""
    if "地名" in token.tag_ or not _is_katakana_noun(token):
        return None
    start = token.i
    doc = token.doc
    while start > 0:
        before = doc[start - 1]
        if _is_katakana_noun(before) and _joined(before, doc[start]):
            start -= 1
        elif start > 1 and before.text in _NAME_DOT and _is_katakana_noun(doc[start - 2]):
            start -= 2
        else:
            break
    return start


def _is_katakana_noun(token: Token) -> bool:
    return token.tag_.startswith("名詞") and _KATAKANA_WORD.fullmatch(token.text) is not None


def _joined(before: Token, after: Token) -> bool:
    """Whether ``after`` is written directly after ``before``, with no space between."""
    return before.idx + len(before) == after.idx


def _written_on(before: Token, token: Token) -> bool:
    """Whether ``before`` is a noun or a name's dot written directly before ``token``."""
    return _joined(before, token) and (
        before.tag_.startswith(_COMPOUND_TAGS) or before.text in _NAME_DOT
    )


def _kept(doc: Doc, mention: EntityMention) -> bool:
    """Not a place that is no place (``_is_place``), nor an organisation of ginza's that
    is a facility, a law or a bare legal form (山形工場, 会社更生法, 公益財団法人)."""
    if mention.label in _PLACES:
        return _is_place(doc, mention)
    return (
        mention.label != "ORG"
        or mention.canonical != mention.text
        or not mention.text.endswith(_NOT_ORG_NAMES)
    )


def _proper_noun_orgs(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """A proper noun Sudachi knows as no person's or place's name, standing alone (no noun
    written on either side, not in a 「title」), that ginza tagged no time, event, work,
    route or station: in news, mostly a firm or a body (ニトリ). One in Latin letters
    alone is as often a product's (Excel), so is left out."""
    found: list[EntityMention] = []
    for token in doc:
        if (
            token.tag_ == _PROPER_NOUN
            and not token.text.isascii()
            and not token.ent_type_.startswith(_NOT_ORG_KINDS)
            and not token.text.endswith(_NOT_PLACE_ENDINGS)
            and not any(
                m.start_char < token.idx + len(token) and token.idx < m.end_char for m in mentions
            )
            and not _in_title(token)
            and not (token.i > 0 and _written_on(doc[token.i - 1], token))
            and not (token.i + 1 < len(doc) and _noun_after(token))
        ):
            found.append(_mention(doc[token.i : token.i + 1], "ORG", token.text))
    return found


def _noun_after(token: Token) -> bool:
    """Whether a noun, a suffix or a name's dot is written directly after ``token``."""
    after = token.doc[token.i + 1]
    return _joined(token, after) and (
        after.tag_.startswith(("名詞", "接尾辞")) or after.text in _NAME_DOT
    )


def _place_words(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """Words Sudachi knows as place names (静岡県浜松市 is one) that ginza left out or
    called something else, when they stand alone: not in a name like シカゴ・ブルズ,
    FC東京 or ゆめタウン久留米."""
    places = {m.end_char for m in mentions if m.label in _PLACES}
    found: list[EntityMention] = []
    for token in doc:
        if (
            "地名" in token.tag_
            and token.text not in _PAIRS
            and not token.text.isascii()
            and not any(
                m.start_char < token.idx + len(token) and token.idx < m.end_char for m in mentions
            )
            and not _in_a_name(token, places)
        ):
            found.append(_mention(doc[token.i : token.i + 1], "GPE", token.text))
            places.add(token.idx + len(token))
    return found


def _in_a_name(token: Token, places: set[int]) -> bool:
    """A word written on to a name word before it (not a place) or with ・ after it."""
    doc = token.doc
    if token.i + 1 < len(doc) and doc[token.i + 1].text in _NAME_DOT:
        return True
    if token.i == 0:
        return False
    return token.idx not in places and _written_on(doc[token.i - 1], token)


def _is_place(doc: Doc, place: EntityMention) -> bool:
    """Whether a GPE or LOC mention names the place itself (see ``_begins_a_name`` and
    ``_ends_a_name``)."""
    return (
        not place.text.endswith(_NOT_PLACE_ENDINGS)
        and not _begins_a_name(doc, place)
        and not _ends_a_name(doc, place)
    )


def _ends_a_name(doc: Doc, place: EntityMention) -> bool:
    """A place written after a katakana or Latin word that is no place ends a team's or a
    hotel's name (…ホテル|大阪, …FC|東京), not a place."""
    first = doc.char_span(place.start_char, place.end_char, alignment_mode="expand")
    if first is None or first.start == 0:
        return False
    before = doc[first.start - 1]
    return (
        before.idx + len(before) == place.start_char
        and before.tag_.startswith("名詞")
        and "地名" not in before.tag_
        and _FOREIGN_SCRIPT.fullmatch(before.text[-1]) is not None
    )


def _joined_places(mentions: list[EntityMention]) -> list[EntityMention]:
    """Places written one after the other are one address: 福岡県|八女郡|広川町, 長春|市."""
    joined: list[EntityMention] = []
    for mention in mentions:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.label in _PLACES
            and mention.label in _PLACES
            and last.end_char == mention.start_char
            and last.canonical == last.text
            and mention.canonical == mention.text
        ):
            joined[-1] = EntityMention(
                text=last.text + mention.text,
                label=last.label,
                canonical=last.text + mention.text,
                start_char=last.start_char,
                end_char=mention.end_char,
            )
        else:
            joined.append(mention)
    return joined


def _begins_a_name(doc: Doc, place: EntityMention) -> bool:
    """A place written together with more nouns names something else, an event's,
    facility's or team's name (東京|オリンピック, 大阪|府立|…センター, 韓国|シリーズ),
    unless the words after it are about the place (香川県|出身, 中国|北部) or a title
    (米国|国務|長官)."""
    following = doc.char_span(place.end_char, place.end_char + 1, alignment_mode="expand")
    if not following or following.start_char != place.end_char:
        return False
    after = following[0]
    if after.tag_.startswith(_NAME_OPENERS) or _dotted_name_after(after):
        return True
    if not after.tag_.startswith(_NAME_PART_TAGS):
        return False
    last = after
    while last.i + 1 < len(doc) and doc[last.i + 1].tag_.startswith(_NAME_PART_TAGS):
        last = doc[last.i + 1]
    return not any(
        t.text in _PLACE_WORDS or TITLES.search(t.text) is not None for t in (after, last)
    )


def _dotted_name_after(dot: Token) -> bool:
    """A ・ after a place that joins it to a word in katakana or Latin letters that is no
    place: the name of a team or a firm (…|・|パドレス), not a list of places (エストニア・
    キプロス)."""
    doc = dot.doc
    if dot.text not in _NAME_DOT or dot.i + 1 >= len(doc):
        return False
    word = doc[dot.i + 1]
    return (
        word.tag_.startswith("名詞")
        and "地名" not in word.tag_
        and _FOREIGN_SCRIPT.match(word.text) is not None
    )


def _organisations(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """Names ending in an organisation word, as ORG (``_org_compounds``). They replace
    what ginza made of their parts (十条 as a city, 日本 of 日本玩具協会 as a country); the
    gazetteer's organisations and people, and resolved names, stay."""
    spans = _org_compounds(doc)
    taken = spans + _person_spans(doc, mentions)
    spans += [d for d in _dotted_orgs(doc) if not any(_spans_overlap(d, t) for t in taken)]
    found = [_mention(span, "ORG", span.text) for span in spans]
    if not found:
        return mentions
    taken = [m for m in mentions if m.canonical != m.text and m.label not in _PLACES]
    found = [f for f in found if not any(_overlap(t, f) for t in taken)]
    kept = [m for m in mentions if m in taken or not any(_overlap(f, m) for f in found)]
    return sorted(kept + found, key=lambda m: m.start_char)


def _person_spans(doc: Doc, mentions: list[EntityMention]) -> list[Span]:
    spans = (doc.char_span(m.start_char, m.end_char) for m in mentions if m.label == "PERSON")
    return [span for span in spans if span is not None]


def _spans_overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _dotted_orgs(doc: Doc) -> list[Span]:
    """A place joined by ・ to katakana or Latin words that are no place: a team's or a
    firm's name after its home (…|・|ファルコンズ), not a list of places nor a venue (…|・|
    アリーナ)."""
    found = []
    i = 0
    while i < len(doc) - 2:
        token = doc[i]
        end = i + 1
        while end < len(doc) and _dotted_name_after(doc[end]):
            end += 2
        if (
            end > i + 1
            and "地名" in token.tag_
            and not (i > 0 and _written_on(doc[i - 1], token))
            and doc[end - 1].text not in _VENUE_WORDS
        ):
            found.append(doc[i:end])
            i = end
        else:
            i += 1
    return found


def _org_compounds(doc: Doc) -> list[Span]:
    """In each run of nouns, the stretch from its first name-like word to its last
    organisation word: 日本|玩具|協会, LG|化学, 九州電力 of 九州電力|東京|支社, トヨタ自動車 of
    トヨタ自動車|社長. A run without a name (外務省, 同社, 美術部) is no particular one."""
    found = []
    i = 0
    while i < len(doc):
        end = i
        while end < len(doc) and _in_compound(doc[end]):
            end += 1
        if end == i:
            i += 1
            continue
        span = _org_in_run(doc[i:end])
        if span is not None:
            found.append(span)
        i = end
    return found


def _org_in_run(run: Span) -> Span | None:
    """The organisation a run of nouns names, if any (see ``_org_compounds``)."""
    doc = run.doc
    names = [t.i for t in run if _name_like(t)]
    if not names:
        return None
    for head in reversed(run):
        if _single_name_org(head):
            return doc[min(names[0], head.i) : head.i + 1]
        if names[0] >= head.i or not _org_word(head):
            continue
        before = doc[head.i - 1]
        if head.text in _NAME_ONLY_HEADS and not _name_like(before):
            continue
        if head.text == "省" and "地名" in before.tag_:  # 江蘇|省: a province
            continue
        if head.text in _PROPER_NAME_HEADS and not _has_proper_noun(doc[names[0] : head.i]):
            continue
        if head.text in _PERSON_HEADS and "人名" in before.tag_:  # 田中義一|内閣
            continue
        return doc[names[0] : head.i + 1]
    if run[0].text in _LEGAL_FORMS and names[0] == run.start + 1:  # 株式会社|クレハ
        return run
    return None


def _has_proper_noun(span: Span) -> bool:
    return any("固有名詞" in token.tag_ for token in span)


def _org_word(token: Token) -> bool:
    """An organisation word, alone (協会) or ending a longer common noun (外務省)."""
    if token.text in ORG_HEADS:
        return True
    ending = ORG_ENDINGS.search(token.text)
    return (
        ending is not None
        and ending.group() not in _NAME_ONLY_HEADS  # 同社, 国会
        and not token.text.endswith(_NOT_ORG_ENDINGS)
        and token.tag_.startswith("名詞-普通名詞")
    )


def _single_name_org(token: Token) -> bool:
    """One proper-noun word ending in an organisation word: 九州電力, 三菱UFJ銀行 (not
    the places 河北省 or 大阪府)."""
    return (
        "固有名詞" in token.tag_
        and "人名" not in token.tag_
        and "地名" not in token.tag_
        and len(token.text) > 2
        and not token.text.endswith("省")  # 河北省 (see ``_label``)
        and ORG_ENDINGS.search(token.text) is not None
        and not token.text.endswith(_NOT_ORG_ENDINGS)
    )


def _in_compound(token: Token) -> bool:
    """A word that can be part of a name written as one noun compound."""
    if token.text in _NAME_DOT:
        return 0 < token.i < len(token.doc) - 1
    return token.tag_.startswith(_COMPOUND_TAGS)


def _name_like(token: Token) -> bool:
    """A proper noun, or a word in katakana or Latin letters, that is not itself an
    organisation word (グループ)."""
    if token.text in ORG_HEADS:
        return False
    return "固有名詞" in token.tag_ or bool(_FOREIGN_SCRIPT.search(token.text))


def _overlap(a: EntityMention, b: EntityMention) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


def _label(ent: Span) -> str | None:
    if ent.ent_id_:
        return ent.label_
    if len(ent) == 1 and "固有名詞" in ent[0].tag_ and ent.text.endswith("省"):
        return "GPE"  # 河北省, 広東省: Sudachi's ministries (外務省) are common nouns
    label = LABELS.get(ent.label_)
    if label == "PERSON":
        return _not_a_person(ent)
    if label in _PLACES:
        return _not_a_place(ent, label)
    if label == "ORG" and _an_address(ent):
        return "GPE"
    return "PERSON" if label is not None and _written_as_a_person(ent, label) else label


def _an_address(ent: Span) -> bool:
    """Place words one after another, with their division words (尾張|国|丹羽郡): an
    address ginza took for a firm or a team; one place word alone may well be a team's
    (横浜)."""
    words = [t for t in ent if t.text not in _NAME_DOT]
    return len(words) > 1 and all(
        "地名" in t.tag_ or t.text in _PLACE_SUFFIXES or t.text in _DIVISIONS for t in words
    )


def _not_a_place(ent: Span, label: str) -> str | None:
    """ginza's place, unless Sudachi's dictionary knows its words as something else:
    common words (郊外, 住宅地区) are no place, names it knows but as no place's nor
    person's (ニトリ) an organisation (a station or a line stays for
    ``_is_place`` to drop)."""
    tags = [t.tag_ for t in ent]
    if not any("固有名詞" in tag for tag in tags):
        return _common_words_org(ent) if _common_words(ent) else label
    if any("地名" in tag or "人名" in tag for tag in tags):
        return "PERSON" if _written_as_a_person(ent, label) else label
    return label if ent.text.endswith(_NOT_PLACE_ENDINGS) else "ORG"


def _written_as_a_person(ent: Span, label: str) -> bool:
    """ginza's place or organisation that is written all in people's names: a foreign name
    Sudachi knows (ソクラテス as a city), or given and family name together (ヘルベルト・
    カラヤン, 佐藤健太 as a company); one Japanese family name may be a place's."""
    words = [t for t in ent if t.text not in _NAME_DOT]
    if label in _PLACES:
        return all(t.tag_ == _FOREIGN_NAME for t in words)
    return (
        len(words) > 1
        and any(t.tag_.startswith(_PERSON_NAME) for t in words)
        and all(
            t.tag_.startswith(_PERSON_NAME)
            or (t.tag_.startswith("名詞-普通名詞") and _KATAKANA_WORD.fullmatch(t.text))
            for t in words
        )
    )


def _not_a_person(ent: Span) -> str | None:
    """ginza's person, unless Sudachi's dictionary knows its words as something else: a
    name it knows but not as a person's (国際通貨基金) is an organisation, a place with
    more words (前橋競輪場) no person, a lone place word a place unless it may be a family
    name (``_no_family_name``)."""
    tags = [token.tag_ for token in ent]
    if any("人名" in tag for tag in tags):
        return "PERSON"
    if any("固有名詞" in tag and "地名" not in tag for tag in tags):
        return "ORG"
    if len(ent) > 1 and any("地名" in tag for tag in tags):
        return None
    if len(ent) == 1 and _no_family_name(ent[0]):
        return "GPE"
    if not any("固有名詞" in tag for tag in tags) and _common_words(ent):
        return _common_words_org(ent)
    return "PERSON"


def _common_words_org(ent: Span) -> str | None:
    """Common words ginza took for a name are an organisation when they end in an
    organisation word (国民|義勇軍), else nothing."""
    text = ent.text
    if len(ent) > 1 and ORG_ENDINGS.search(text) and not text.endswith(_NOT_ORG_ENDINGS):
        return "ORG"
    return None


def _common_words(ent: Span) -> bool:
    """Words of the dictionary's common vocabulary in kanji, kana or Latin letters (少佐,
    正義) with no title after them: no name. A katakana word Sudachi does
    not know is often a foreign name it files as a common noun, so is left alone."""
    if _KATAKANA.search(ent.text):
        return False
    doc = ent.doc
    return ent.end >= len(doc) or TITLES.search(doc[ent.end].text) is None


def _no_family_name(token: Token) -> bool:
    """A place word no Japanese family name is written as: a country (ブータン) or a
    place in katakana (コリントス); 女川 or 福島 may be a person's."""
    return token.tag_ == _COUNTRY or (
        "地名" in token.tag_ and _KATAKANA_WORD.fullmatch(token.text) is not None
    )


def _mention(ent: Span, label: str, canonical: str, title: str | None = None) -> EntityMention:
    return EntityMention(
        text=ent.text,
        label=label,
        canonical=canonical,
        start_char=ent.start_char,
        end_char=ent.end_char,
        title=title,
    )


def _titled_surnames(
    doc: Doc,
    mentions: list[EntityMention],
    gazetteer: Gazetteer,
    people: list[tuple[str, str]],
    surnames: dict[str, set[str]],
) -> list[EntityMention]:
    """Family names followed by a given name or a title that ginza did not take for a
    person (it calls 世耕経済産業大臣 a position)."""
    found = []
    for token in doc:
        if token.tag_ != _SURNAME or token.i + 1 >= len(doc):
            continue
        if any(m.start_char <= token.idx < m.end_char for m in mentions if m.label == "PERSON"):
            continue
        after = doc[token.i + 1]
        if after.tag_ == _GIVEN_NAME or TITLES.search(after.text):
            mention = _person(doc, token.i, token.i + 1, gazetteer, people, surnames)
            if mention is not None:
                found.append(mention)
    return found


def _name_words(
    doc: Doc,
    mentions: list[EntityMention],
    gazetteer: Gazetteer,
    people: list[tuple[str, str]],
    surnames: dict[str, set[str]],
) -> list[EntityMention]:
    """Words Sudachi's dictionary knows as people's names (ソクラテス, ジェシカ) that
    ginza tagged nothing or something it has no label for, when they stand as a name: not
    written on to another noun (ガリレオ|衛星) nor a proper noun before them."""
    found: list[EntityMention] = []
    taken = [(m.start_char, m.end_char) for m in mentions]
    i = 0
    while i < len(doc):
        token = doc[i]
        if not _lone_name_word(token, taken):
            i += 1
            continue
        mention = _person(doc, i, i + 1, gazetteer, people, surnames)
        if mention is None or any(
            s < mention.end_char and mention.start_char < e for s, e in taken
        ):
            i += 1
            continue
        found.append(mention)
        taken.append((mention.start_char, mention.end_char))
        i = doc.char_span(mention.start_char, mention.end_char).end
    return found


def _lone_name_word(token: Token, taken: list[tuple[int, int]]) -> bool:
    """A person-name word of Sudachi's, outside every mention and every 「title」, that is
    no lone character (often a cut of a longer name) nor in Latin letters (a title's
    word), and not inside a compound."""
    if (
        not (token.tag_.startswith(_PERSON_NAME) or _titled_katakana(token))
        or len(token) < 2
        or token.text.isascii()
        or any(s < token.idx + len(token) and token.idx < e for s, e in taken)
        or _in_title(token)
    ):
        return False
    return not _compound_before(token) and not _compound_after(token)


def _titled_katakana(token: Token) -> bool:
    """A katakana word Sudachi does not know as a name, with a person's title written on
    after it: ドゥブラフカ|大統領, ペトレンコ|氏 (not 担当者 or 代表, which follow anything)."""
    doc = token.doc
    if token.i + 1 >= len(doc) or _KATAKANA_WORD.fullmatch(token.text) is None:
        return False
    after = doc[token.i + 1]
    return (
        token.tag_.startswith("名詞-普通名詞")
        and _joined(token, after)
        and TITLES.fullmatch(after.text) is not None
        and after.text not in _PLAIN_TITLES - {"氏", "さん"}
    )


def _in_title(token: Token) -> bool:
    """Inside 「…」 or 『…』 with no sentence punctuation: a work's title (「ロザリンド」),
    not a quote."""
    before = token.doc.text[: token.idx]
    opened = max(before.rfind("「"), before.rfind("『"))
    if opened < max(before.rfind("」"), before.rfind("』")):
        return False
    return opened >= 0 and not any(mark in before[opened:] for mark in "、。")


def _compound_before(token: Token) -> bool:
    """A noun written on before the name, which makes it part of a compound: a proper
    noun always (ガリレオ|…), a common noun unless it is a role (哲学者|ソクラテス)."""
    if token.i == 0:
        return False
    before = token.doc[token.i - 1]
    if not _joined(before, token):
        return False
    if before.tag_.startswith("名詞-固有名詞"):
        return True
    return (
        before.tag_.startswith("名詞-普通名詞")
        and before.ent_type_ != "Position_Vocation"
        and TITLES.search(before.text) is None
    )


def _compound_after(token: Token) -> bool:
    """Whether the words after a name (past its given name, ・ parts) make it part of
    a longer noun: ケプラー|式, ジェシカ|家, not マイケル|首相."""
    doc = token.doc
    end = token.i + 1
    while end < len(doc) and (doc[end].tag_.startswith(_PERSON_NAME) or doc[end].text in _NAME_DOT):
        end += 1
    if end >= len(doc):
        return False
    after = doc[end]
    return (
        after.tag_.startswith(("名詞", "接尾辞"))
        and TITLES.search(after.text) is None
        and after.text not in _PEOPLE_SUFFIXES
    )


def _name_part(token: Token, beside: Token) -> bool:
    """A katakana word that continues a katakana name across ・ or ＝, a person-name word
    or one Sudachi does not know (ヘルベルト|・|ブレンナー); kanji names with ・ between
    them are a list (佐藤健太・鈴木一郎)."""
    return (
        token.tag_.startswith((_PERSON_NAME, "名詞-普通名詞"))
        and _KATAKANA_WORD.fullmatch(token.text) is not None
        and _KATAKANA_WORD.fullmatch(beside.text) is not None
    )


def _person(
    doc: Doc,
    start: int,
    end: int,
    gazetteer: Gazetteer,
    people: list[tuple[str, str]],
    surnames: dict[str, set[str]],
) -> EntityMention | None:
    """A person's span with the given name added back and a title moved to ``title``."""
    # 西村|康稔: the given name ginza left out; ノ|・|ジファン: a name written with a dot.
    while end < len(doc) and (
        doc[end].tag_ == _GIVEN_NAME
        or (
            doc[end].text in _NAME_DOT
            and end + 1 < len(doc)
            and _name_part(doc[end + 1], doc[end - 1])
        )
    ):
        end += 2 if doc[end].text in _NAME_DOT else 1
    while start > 1 and doc[start - 1].text in _NAME_DOT and _name_part(doc[start - 2], doc[start]):
        start -= 2
    title = None
    while end - start > 1 and TITLES.search(doc[end - 1].text):
        title = doc[end - 1].text if title is None else doc[end - 1].text + title
        end -= 1
    if end < len(doc) and TITLES.search(doc[end].text) and title is None:
        title = doc[end].text
    name = doc[start:end].text
    if not name or TITLES.fullmatch(name):
        return None
    known = gazetteer.lookup(name)
    if known is not None:
        canonical = known.canonical
        people.append((name, canonical))
    else:
        earlier = (c for written, c in people if written != name and written.startswith(name))
        official = title is not None and title not in _PLAIN_TITLES
        official_name = surnames.get(name, set()) if official else set()
        canonical = next(earlier, None) or (
            next(iter(official_name)) if len(official_name) == 1 else None
        )
        if canonical is None:
            canonical = name
            people.append((name, name))
    span = doc[start:end]
    return EntityMention(
        text=span.text,
        label="PERSON",
        canonical=canonical,
        start_char=span.start_char,
        end_char=span.end_char,
        title=title,
    )
