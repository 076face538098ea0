"""Redaction: what is masked before a citizen's words (or a unit's answer) may be read in public.

`redact(text, citizen_name=..., staff_names=...)` masks mobiles and landlines, ID-card numbers,
e-mail addresses, QQ and WeChat ids, licence plates (app/domain/handles.py), house numbers, the
citizen's own name, "王先生 / 欧阳女士 / 李主任" forms, a name told ("我叫张三", "联系人：李四") and
staff names, and returns the masked text with the spans it masked, so a lead sees original and
redacted side by side. Masking keeps the length (each masked character becomes ＊), so a span
names the same characters in both texts, and the words around a house number (南雷南路, 单元, 室)
stay readable: the public learns the street, never the door.

Numbers are found as people type them: app/domain/numerals.py reads the text one character for
one, every digit set and Chinese numeral a digit and any run of separators or line breaks a gap,
so 幺三八.一二三四.五六七八, 138/1234/5678, a number split over lines, ٠٥٧٤ ٦٢٣٤٥٦٧٨ or an ID
number in numerals are found, and a span found in that view is the same span of the original.
Phones are app/domain/phones.py's find_in_text, the one pattern the logs and exports use too.
A known name (the citizen's, a staff member's) is found with separators between its characters
(王 小 明).

ID-card numbers: an 18-character number is masked when its date of birth is a real date *or*
its GB 11643 check character is right. Requiring both would fail open: a citizen who mistypes
one digit of their own ID still publishes 17 correct digits of it. Requiring neither would mask
long order or account numbers that are not about a person; few of those carry a valid date.

Ordinary numbers stay: dates (2026年11月3日, 11月3号), times, counts (3栋楼, 200米, 5个路灯), years
and money. A building number is masked only where it leads to a door (3幢2单元501室), a number
with 号 only after a street word (南雷南路123号), never after a month (11月3号). Chinese numerals
count only inside a whole phone or ID number: 十一月三日, 一两个, 三五成群 stay.

What cannot be told for sure is flagged for the lead instead (`flags`): a run of more than six
digits or numerals left in clear, a name-like word after 我是 or before 说.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.domain import handles, phones
from app.domain.numerals import DIGIT, GAP, GAPS, HARD, digits, long_runs, spaced, view

MASK = "＊"

_FOLD = {0xFF21 + i: ord("A") + i for i in range(26)}
_FOLD.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FOLD.update({ord(c): ord("-") for c in "‐‑‒–—―−－"})
_FOLD.update({0x3000: ord(" "), 0xFF0B: ord("+"), 0xFF08: ord("("), 0xFF09: ord(")"), 0xFF0E: ord("."),
              0xFF20: ord("@")})

_ID_CARD = re.compile("(?<!" + HARD + ")(" + spaced("[1-9]") + "(?:" + GAPS + DIGIT + "){16}" + GAPS
                      + "(?:" + DIGIT + "|[Xx]))(?![0-9A-Za-z])")
# The first-generation card, still in old files: 6 area digits, YYMMDD, 3 more; masked when its
# date is real (no check character to go by).
_OLD_ID_CARD = re.compile("(?<!" + HARD + ")(" + spaced("[1-9]") + "(?:" + GAPS + DIGIT + "){14})(?!" + HARD + ")")

_NUM = r"[0-9]+(?:-[0-9]+)*"
_STREET = r"(?:路|街|大道|巷|弄|村|社区|小区|花园|公寓|新村|苑|府|城|广场)"
_DOOR = (r"(?:" + _NUM + r"(?:幢|栋|号楼|座|楼)" + r"(?:" + _NUM + r"单元)?(?:" + _NUM + r"(?:室|号)?)?"
         r"|" + _NUM + r"单元(?:" + _NUM + r"室?)?|" + _NUM + r"室)")
_ADDRESSES = (
    # a street word, then a number: 南雷南路123号, 新建路45弄6号302室, 阳光小区5-302
    re.compile(_STREET + r"(" + _NUM + r"(?:弄|号)(?:" + _NUM + r"号)?(?:" + _DOOR + r")?|" + _NUM
               + r"(?=[^0-9年月日号点时分秒个米元岁人栋幢楼层天周次条辆家户块棵根盏路班级期]|$))"),
    # a door: 3幢2单元501室, 5号楼302室, 2单元601 (a building alone, 3栋楼, is a count); a
    # number starts where its digits (and dashes) start, else 5000 digits are tried 5000 times
    re.compile(r"((?<![0-9-])" + _NUM + r"(?:幢|栋|号楼|座)" + _NUM + r"单元(?:" + _NUM + r"室?)?"
               r"|(?<![0-9-])" + _NUM + r"(?:幢|栋|号楼|座)" + _NUM + r"室?(?=[^0-9楼层米个]|$)"
               r"|(?<![0-9-])" + _NUM + r"单元" + _NUM + r"室?|[0-9]{3,4}室)"),
)

# The hundred commonest surnames and the compound ones: a "王先生" is a person, a "卖菜阿姨" not.
_SURNAMES = ("(?:欧阳|司马|诸葛|上官|东方|皇甫|慕容|夏侯|令狐|公孙|长孙|宇文|尉迟|澹台|公冶|南宫|西门|独孤|钟离|"
             "端木|申屠|太史|闻人|轩辕|呼延|赫连|万俟|百里|东郭|濮阳|司徒|司空|"
             "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
             "柴洪鲍施岑褚虞俞应竺楼])")
# What a person is called by; not 总 or 工 (何总是, 施工 are no one), nor 哥 and 姐 alone.
_TITLES = ("先生|女士|小姐|师傅|阿姨|大爷|大妈|大叔|大姐|大哥|大伯|老师|奶奶|爷爷|同志|老板|主任|书记|科长|局长|"
           "所长|站长|队长|村长|镇长|组长|经理|主管|警官|医生|律师")
_HONORIFIC = re.compile(r"(" + _SURNAMES + r")(?=\s*(?:" + _TITLES + "))")
# A name told: "我叫张三", "姓名：李四", "联系人 王小明" (the surname makes it a name, not a word).
_TOLD = re.compile(r"(?:我叫|名叫|叫做|姓名|联系人|经办人|署名|本人)[\s:：]*(" + _SURNAMES + r"[\u4e00-\u9fa5]{1,2})")
# What may be a name, flagged and not masked: "我是王小明", "王小明说".
_MAYBE_NAME = re.compile(r"(?:(?<=我是)|(?<=工作人员)|(?<=同志))(" + _SURNAMES + r"[\u4e00-\u9fa5]{1,2})"
                         r"|(" + _SURNAMES + r"[\u4e00-\u9fa5]{1,2})(?=说|表示|告诉|答复|回复|称)")
# 2026-11-03, 2026.11.3, 2026-11-03 14:30(:00): a date, perhaps with its time, is no one's number
_DATE = re.compile(DIGIT + "{4}" + GAP + DIGIT + "{1,2}" + GAP + DIGIT + "{1,2}(?:" + GAP + "+" + DIGIT + "{1,2}[:：]"
                   + DIGIT + "{2}(?:[:：]" + DIGIT + "{2})?)?")
# Eleven digits or numerals with at most one other character between each two (1啊3啊8…): a number
# typed to slip past; not a date and time written out (2026年11月3日14时30分).
_SCATTERED = re.compile(DIGIT + "(?:(?:" + GAPS + "|[^0-9０-９" + GAP + "年月日时分秒号点])" + DIGIT + "){10,}")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # 1,500,000 is money


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the original text that were masked, and why (phone, id_card,
    email, qq, wechat, plate, address, name), or flagged (digits, name)."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redacted:
    """The masked text (as long as the original) and the spans masked in it, in order."""

    text: str
    spans: tuple[Span, ...]


def fold(text: str) -> str:
    """Full-width letters, spaces and dashes as ASCII and every Unicode digit (full-width,
    Arabic-Indic, Devanagari …) as an ASCII digit, one character for one."""
    return "".join(_folded(c) for c in text)


def _folded(char: str) -> str:
    decimal = unicodedata.decimal(char, None)
    return str(decimal) if decimal is not None else chr(_FOLD.get(ord(char), ord(char)))


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of an ID number's first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def looks_like_id(digits: str) -> bool:
    """Whether 18 characters (no separators) read as an ID: a real birth date or a right check."""
    return _real_date(digits[6:14]) or id_check_char(digits[:17]) == digits[17].upper()


def _real_date(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def _names(viewed: str, names: list[str], kind: str) -> list[Span]:
    spans = []
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:  # one character is everyone's
        chars = [c for c in view(name) if c != GAP]
        if len(chars) >= 2:
            pattern = GAPS.join(re.escape(c) for c in chars)  # 王 小 明 and 王·小明 are 王小明
            spans += [Span(m.start(), m.end(), kind) for m in re.finditer(pattern, viewed)]
    return spans


def find_spans(text: str, citizen_name: str | None = None, staff_names: list[str] = ()) -> list[Span]:
    """What redact() masks in `text`: overlapping findings merged, in order."""
    folded, viewed = fold(text), view(text)
    found = [Span(start, end, "phone") for start, end in phones.find_in_text(text)]
    found += [Span(m.start(1), m.end(1), "id_card") for m in _ID_CARD.finditer(viewed)
              if looks_like_id(digits(m.group(1)) + ("X" if m.group(1)[-1] in "Xx" else ""))]
    found += [Span(m.start(1), m.end(1), "id_card") for m in _OLD_ID_CARD.finditer(viewed)
              if _real_date("19" + digits(m.group(1))[6:12])]
    found += [Span(start, end, kind) for start, end, kind in handles.find(text, folded)]
    found += [Span(m.start(1), m.end(1), "address") for pattern in _ADDRESSES for m in pattern.finditer(folded)]
    found += [Span(m.start(1), m.end(1), "name") for pattern in (_HONORIFIC, _TOLD) for m in pattern.finditer(folded)]
    found += _names(viewed, [citizen_name or "", *staff_names], "name")
    return list(_merged(found))


def _masked(piece: str, kind: str) -> str:
    if kind in ("name", "plate"):
        return MASK * len(piece)
    if kind == "email":
        return "".join(c if c in "@.＠。" or c.isspace() else MASK for c in piece)
    # Separators and the words of an address stay, so "3幢2单元501室" reads "＊幢＊单元＊＊＊室".
    return "".join(MASK if v.isdigit() or v.isascii() and v.isalpha() else c for c, v in zip(piece, view(piece)))


def flags(text: str) -> tuple[Span, ...]:
    """What in an already redacted `text` may still name a person, for the lead to look at: a run
    of more than six digits or numerals in clear, or eleven with one other character between
    each two ("digits"; not a date and time, not grouped money), a name-like word after 我是 or
    before 说 ("name")."""
    viewed, folded = view(text), fold(text)
    runs = long_runs(text) + [m.span() for m in _SCATTERED.finditer(viewed)]
    found = [Span(start, end, "digits") for start, end in runs
             if not _DATE.fullmatch(viewed[start:end]) and not _GROUPED.fullmatch(folded[start:end])]
    found += [Span(m.start(m.lastindex), m.end(m.lastindex), "name") for m in _MAYBE_NAME.finditer(folded)]
    return _merged(found)


def marked(text: str, masked: tuple[Span, ...], flagged: tuple[Span, ...] = ()) -> list[tuple[str, str, str]]:
    """`text` cut into (piece, "masked" / "flag" / "", kind) for a page to mark what was masked
    and what is flagged; a flag overlapping a masked span gives way to it."""
    spans = sorted([(s, "masked") for s in masked] + [(s, "flag") for s in flagged], key=lambda p: p[0].start)
    out, at = [], 0
    for span, how in spans:
        if span.start < at:
            continue
        if span.start > at:
            out.append((text[at:span.start], "", ""))
        out.append((text[span.start:span.end], how, span.kind))
        at = span.end
    if at < len(text):
        out.append((text[at:], "", ""))
    return out


def redact(text: str, citizen_name: str | None = None, staff_names: list[str] = ()) -> Redacted:
    """Mask what identifies a person in `text`; redacting a redacted text changes nothing.

    Masking one thing can uncover another (an ID number running into a house number's digit
    stands alone once that digit is masked), so the text is searched again until a pass masks
    nothing new; masking keeps the length, so every pass's spans are the original's places."""
    found: list[Span] = []
    current = text
    while True:
        spans = find_spans(current, citizen_name, staff_names)
        masked = _mask(current, spans)
        if masked == current:
            return Redacted(current, _merged(found))
        found += spans
        current = masked


def _mask(text: str, spans: list[Span]) -> str:
    out, at = [], 0
    for span in spans:
        out += [text[at:span.start], _masked(text[span.start:span.end], span.kind)]
        at = span.end
    out.append(text[at:])
    return "".join(out)


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    """The spans in order, overlapping ones as one (the first one's kind)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.kind)
        else:
            merged.append(span)
    return tuple(merged)
