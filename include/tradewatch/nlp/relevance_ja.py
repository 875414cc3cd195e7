"""Japanese signals for the relevance score (the scoring itself is in ``relevance``).

Japanese copy has no spaces, so patterns match inside the text rather than at word
boundaries. In Japanese papers "政府" and "国内" mean Japan, so they count as Japan signals
unless a country is named right before them ("韓国政府"); 日韓/韓日 names both countries
at once. The US is 米 only in its compounds (米国, 日米, 米中...), never the rice of 米価.
Trade sentences about North Korea are third-country trade. Latin-script terms (WTO, JSR)
are matched lower-cased, as in English.
"""

from __future__ import annotations

import re

from tradewatch.nlp.relevance import Topic, Vocabulary, Words

__all__ = ["VOCABULARY"]

_PAIR = r"日韓|韓日"
_HOME = r"(?<!韓国)(?<!中国)(?<!米国)(?<!米)(?<!台湾)(?<!北朝鮮)(?<!各国)政府|国内"
_MEASURE = (
    r"(?:輸出規制|輸出管理|規制|制裁|禁止|禁輸|報復|関税|ホワイト国|許可|輸入停止|"
    r"厳格化|除外)"
)

VOCABULARY = Vocabulary(
    korea=Words(
        rf"韓国|大韓民国|ソウル|{_PAIR}|産業通商資源部|青瓦台|大統領府|"
        r"尹錫悦|李在明|文在寅|安徳根|李昌洋|成允模|兪明希|朴振|趙兌烈|"
        r"サムスン|サムスン電子|skハイニックス|sk\s?hynix|lgディスプレー|lgディスプレイ|"
        r"韓国貿易協会|全国経済人連合会|全経連|韓経協"
    ),
    north_korea=Words(r"北朝鮮|朝鮮民主主義人民共和国|平壌"),
    japan=Words(
        rf"日本|{_PAIR}|東京|{_HOME}|経済産業省|経産省|財務省|日銀|ジェトロ|jetro|首相官邸|"
        r"官房長官|岸田|石破|高市|菅義偉|菅首相|安倍|西村康稔|西村経産相|西村経済産業相|"
        r"世耕|梶山|武藤容治|林芳正|"
        r"ステラケミファ|森田化学|jsr|東京応化|信越化学|昭和電工|経団連"
    ),
    third_party=Words(
        r"米国|アメリカ|日米|米中|米韓|訪米|米政府|米商務省|ワシントン|バイデン|トランプ|"
        r"中国|北京|習近平|欧州連合|eu|台湾|オランダ|asml|ファーウェイ|華為|ベトナム|"
        r"インド(?!ネシア)|ロシア|北朝鮮"
    ),
    trade=Words(
        r"貿易|輸出|輸入|通商|関税|規制|制裁|報復|不買|サプライチェーン|供給網|ホワイト国|"
        r"グループa|wto|世界貿易機関|レジスト|フッ化水素|エッチングガス|ポリイミド|"
        r"通貨スワップ|経済安全保障|経済安保|国産化"
    ),
    distractors=Words(
        r"慰安婦|竹島|独島|靖国|福島|処理水|汚染水|放出|教科書|植民地支配|"
        r"k-pop|kポップ|bts|アニメ|ドラマ|コンサート|観光客|サッカー|野球|五輪|オリンピック|"
        r"ワールドカップ|メモリー価格|dram価格|決算|四半期|営業利益"
    ),
    # "日本政府による韓国向けの輸出管理の厳格化", "韓国による日本産水産物の輸入禁止": one
    # country's measure aimed at the other.
    directed_measure=Words(
        rf"(?:日本|政府|経済産業省|経産省)[^。]{{0,40}}?韓国(?:向け|に対する|への|を対象とした|を)"
        rf"[^。]{{0,30}}?{_MEASURE}|韓国[^。]{{0,40}}?日本(?:産|製|に対する|への|向け)"
        rf"[^。]{{0,30}}?{_MEASURE}"
    ),
    topics=(
        Topic(
            "export_controls",
            Words(r"輸出規制|輸出管理|輸出制限|輸出審査|個別許可|包括許可|キャッチオール"),
            1.0,
            3,
        ),
        Topic("white_list", Words(r"ホワイト国|グループa|輸出優遇国|優遇対象国|優遇措置"), 1.2, 3),
        Topic(
            "wto_dispute",
            Words(
                r"(?:wto|世界貿易機関)[^。]{0,60}?(?:提訴|紛争|パネル|協議|上級委|申し立て)|"
                r"(?:提訴|紛争)[^。]{0,40}?(?:wto|世界貿易機関)"
            ),
            1.2,
            3,
        ),
        Topic(
            "semiconductor_materials",
            Words(
                r"フォトレジスト|レジスト|フッ化水素|エッチングガス|フッ化ポリイミド|"
                r"半導体材料|半導体素材|半導体関連素材"
            ),
            1.2,
            3,
        ),
        Topic("boycott", Words(r"不買運動|不買|ノージャパン|no\s?japan"), 1.0, 3),
        Topic(
            "normalization_summit",
            Words(r"正常化|シャトル外交|首脳会談|関係改善|雪解け"),
            0.5,
            2,
            trade=False,
        ),
        Topic(
            "forced_labor_ruling_link",
            Words(r"徴用工|元徴用工|強制動員|賠償判決|大法院判決|第三者弁済|肩代わり"),
            0.4,
            2,
            trade=False,
        ),
        Topic(
            "economic_security",
            Words(r"経済安全保障|経済安保|サプライチェーンの強靱化|供給網の強靱化"),
            0.6,
            2,
        ),
        Topic("currency_swap", Words(r"通貨スワップ"), 0.8, 2),
        Topic(
            "localization_supply_chain",
            Words(r"国産化|脱日本|供給網|サプライチェーン|調達先の多様化|多角化|日本依存|依存度"),
            0.7,
            3,
        ),
    ),
    # "【ソウル共同】" or "（ソウル＝共同）": the bureau, not the story's countries.
    dateline=re.compile(r"^\s*(?:【[^】]{1,20}】|[（(][^（）()]{1,12}[＝=][^（）()]{1,12}[）)])"),
    sentences=re.compile(r"(?<=[。！？])[」』]?\s*|\n+"),
)
