"""How alike two citizens' suggestions are: the same matter at the same place, in other words.

Two texts are near-duplicates when they name the same place *and* the same matter. Character
bigrams alone cannot tell that apart from "same place, other matter" (the place name is most of
what two texts share) or "same matter, other place" (路灯不亮 at two roads): on the labelled pairs
in tests/domain/data/similar_pairs.json, bigram Jaccard and bigram or trigram TF-IDF cosine stay
below 0.6 precision at their best F1 (bench/similar.py prints the table), and word Jaccard after
rjieba segmentation, measured once, did no better (precision 0.50 at recall 0.91), so no
segmenter is a dependency. So a text is read in two parts:

- the place: runs that end in a place word (…路, …村, …小区, …菜场, …中学) and the case's
  location or poster label, as character bigrams; compared by overlap (one text may name
  "湖山路", the other "牟山镇湖山路");
- the matter: the rest, with civic synonyms folded to one word (噪音/扰民/吵 → 噪声, 窨井盖 → 井盖,
  电瓶车 → 电动车), as character unigrams and bigrams (Dice) and as the set of matter words found
  (Jaccard).

The score is the smaller of the two: both must agree. Everything is exact set arithmetic on a
few dozen short strings (a few microseconds a pair); MinHash would only approximate the
Jaccard of the bigram sets, which is the measure that does not separate the classes, and an
index narrows candidates to hundreds before any text is compared (app/services/similar.py).
"""
import functools
import re
import unicodedata
from dataclasses import dataclass

# The score at or above which two cases are offered as the same matter (precision and recall
# at this threshold are asserted by tests/domain/test_similarity.py and printed by bench/similar.py).
THRESHOLD = 0.25

# Only cases filed this many days back are offered as the same matter (issue 17: "me too").
WINDOW_DAYS = 30

# A place known from outside the text (the same poster) counts as fully shared; a text naming
# no place at all is half-sure, so its matter alone must be close.
_UNKNOWN_PLACE = 0.5

# Civic matter words and what citizens write for them; the first word is the one kept.
_SYNONYMS = (
    ("噪声", "噪音|吵闹|吵得|太吵|很吵|扰民|声音太响|声音很大|声音特别大|轰隆隆"),
    ("路灯", "路灯|灯"),
    ("停车", "停放|停满|违停|乱停|停车位|车位|停车场|停着|停在"),
    ("电动车", "电瓶车|电动自行车|非机动车|电驴"),
    ("厕所", "公厕|卫生间|公共厕所|洗手间"),
    ("候车亭", "雨棚|候车棚|遮雨的棚|遮雨棚|车棚"),
    ("斑马线", "人行横道|过街设施|过马路|横穿"),
    ("井盖", "窨井盖|下水道井盖|窨井"),
    ("积水", "汪洋|淹|倒灌|排水|雨水井|排不掉|下水道|下水|堵塞|堵了|疏通|冒水|污水"),
    ("坑", "坑洼|坑坑洼洼|破损|颠"),
    ("摊贩", "摊位|摊点|摆摊|小摊|占道经营|摊主"),
    ("学位", "招生|入学|划片|学区"),
    ("垃圾", "垃圾桶|垃圾房|生活垃圾|清运"),
    ("菜场", "菜市场"),
    ("班次", "一班|班车|末班车|直达|专线|线路"),
    ("排队", "排长队|窗口|挂号"),
    ("拉客", "黑车|揽客|非法营运|拒载"),
    ("油烟", "烟味|熏|排烟"),
    ("秸秆", "稻草|焚烧"),
    ("健身器材", "健身器械|健身路径|器材"),
    ("指示牌", "路牌|指引标志|标识|指示"),
    ("电线", "网线|线缆|飞线|通信线"),
    ("狗", "犬只|流浪狗"),
    ("水压", "出水|没水|放不出水|用水困难"),
    ("电梯", "加装电梯"),
    ("食堂", "助餐点|长者食堂|老年食堂"),
    ("认证", "刷脸|人脸识别|资格认证"),
    ("备案", "异地就医"),
    ("超速", "车速太快|开得特别快|开得飞快|减速"),
    ("渣土", "撒泥|掉土|抛洒|黄泥|泥巴"),
    ("单车", "共享单车"),
    ("红绿灯", "红绿灯|信号灯|绿灯|红灯"),
    ("排污", "偷排|发黑|发臭|水质|油污"),
    ("施工", "打桩|工地|装修|电钻"),
)
_FOLDS = sorted(((alt, word) for word, alts in _SYNONYMS for alt in alts.split("|")), key=lambda p: -len(p[0]))
_FOLD_MAP = dict(_FOLDS)
_FOLD_RE = re.compile("|".join(re.escape(alt) for alt, _ in _FOLDS))
_MATTER_WORDS = sorted({word for word, _ in _SYNONYMS}, key=len, reverse=True)

# A place: two to six characters that are not function words, then a place word.
_NOT_PLACE = "的了在和与及是我你他她这那就都也还有请望议映诉到去从往向把被让给前边旁里外上下近靠条家个"
_PLACE = re.compile(r"[^\W\d" + _NOT_PLACE + r"][^\W" + _NOT_PLACE + r"]{1,5}"
                    r"(?:街道|镇|乡|村|社区|小区|新城|路|街|菜场|广场|中学|小学|卫生院|医院|汽车站|火车站"
                    r"|公交站|站|景区|工业区|园区|遗址|湖)")
_STOP = set("的了是在我们你他这那很都就也还有和与及请希望建议反映一下个能不要说好")


@dataclass(frozen=True)
class Profile:
    """What is compared of a text: its place bigrams, matter grams and matter words."""

    place: frozenset[str]
    matter: frozenset[str]
    words: frozenset[str]


def normalise(text: str) -> str:
    """Full-width as half-width, lower case, and civic synonyms folded to one word."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], folded)


def _bigrams(text: str) -> set[str]:
    grams = set()
    for run in re.split(r"[^\w]+", text):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def profile(text: str, place: str = "") -> Profile:
    """A text's Profile; `place` (a case's location or its poster's label) adds to the places named."""
    text = normalise(text)
    places = _PLACE.findall(text) + ([normalise(place)] if place else [])
    rest = _PLACE.sub("，", text)
    matter = _bigrams(rest) | {c for c in rest if "\u4e00" <= c <= "\u9fff" and c not in _STOP}
    return Profile(frozenset(g for p in places for g in _bigrams(p)), frozenset(matter),
                   frozenset(w for w in _MATTER_WORDS if w in text))


def signature(found: Profile) -> tuple[str, str, str]:
    """A Profile as three strings to store (grams hold no space: they are word characters)."""
    return " ".join(sorted(found.place)), " ".join(sorted(found.matter)), " ".join(sorted(found.words))


def place_grams(place: str) -> frozenset[str]:
    """The place bigrams a case's location or its poster's label adds to what its text names."""
    return frozenset(_bigrams(normalise(place))) if place else frozenset()


def _overlap(a: frozenset, b: frozenset) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _dice(a: frozenset, b: frozenset) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def place_score(a: Profile, b: Profile) -> float:
    """How surely two profiles name the same place: 0..1, half when either names none."""
    return _overlap(a.place, b.place) if a.place and b.place else _UNKNOWN_PLACE


def matter_score(a: Profile, b: Profile) -> float:
    """How alike two profiles' matters are: 0..1."""
    grams = _dice(a.matter, b.matter)
    if not (a.words and b.words):
        return grams
    return (grams + len(a.words & b.words) / len(a.words | b.words)) / 2


def similarity(a: Profile, b: Profile, same_place: bool = False) -> float:
    """0..1: the smaller of place and matter agreement; `same_place` when a poster says so."""
    return min(1.0 if same_place else place_score(a, b), matter_score(a, b))


@functools.lru_cache(maxsize=4096)
def _stored(place: str, matter: str, words: str) -> Profile:
    """A stored signature() read back. Kept by its strings: a hint compares the same few hundred
    open cases of a busy poster on every filing, and splitting their strings into sets again
    was most of its Python time (bench/inprocess.py's submission row). 4,096 cases' sets are
    a few MB at most."""
    return Profile(frozenset(place.split()), frozenset(matter.split()), frozenset(words.split()))


def signature_similarity(asked: Profile, place: str, matter: str, words: str,
                         also_place: frozenset[str] = frozenset(), same_place: bool = False) -> float:
    """similarity() of `asked` and a stored signature() (`also_place`: place_grams of the case's
    poster label), without comparing the matter of a case whose place
    already rules it out (most cases of a busy matter are elsewhere): at most 0 below THRESHOLD."""
    stored = _stored(place, matter, words)
    places = stored.place | also_place if also_place else stored.place
    where = 1.0 if same_place else (_overlap(asked.place, places) if asked.place and places else _UNKNOWN_PLACE)
    if where < THRESHOLD:
        return 0.0
    return min(where, matter_score(asked, stored))


def similar(a: Profile, b: Profile, same_place: bool = False) -> bool:
    """Whether two profiles are close enough to be offered as the same matter."""
    return similarity(a, b, same_place) >= THRESHOLD
