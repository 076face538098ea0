"""Redaction: what is masked before a citizen's words (or a unit's answer) may be read in public.

`redact(text, citizen_name=..., staff_names=...)` masks mobiles and landlines, ID-card numbers,
licence plates, house numbers, the citizen's own name, "王先生 / 李阿姨" forms and staff names,
and returns the masked text with the spans it masked, so a lead sees original and redacted
side by side. Masking keeps the length (each masked character becomes ＊), so a span names the
same characters in both texts, and the words around a house number (南雷南路, 单元, 室) stay
readable: the public learns the street, never the door.

Matching runs on a folded copy of the text (full-width digits and letters, ideographic spaces
and every dash made ASCII, one character for one), so ０５７４－６２３４５６７８ is a landline.

ID-card numbers: an 18-character number is masked when its date of birth is a real date *or*
its GB 11643 check character is right. Requiring both would fail open: a citizen who mistypes
one digit of their own ID still publishes 17 correct digits of it. Requiring neither would mask
long order or account numbers that are not about a person; few of those carry a valid date.

Ordinary numbers stay: dates (2026年11月3日, 11月3号), times, counts (3栋楼, 200米, 5个路灯), years
and money. A building number is masked only where it leads to a door (3幢2单元501室), a number
with 号 only after a street word (南雷南路123号), never after a month (11月3号).
"""
import re
from dataclasses import dataclass
from datetime import date

MASK = "＊"

_FOLD = {0xFF10 + i: ord("0") + i for i in range(10)}
_FOLD.update({0xFF21 + i: ord("A") + i for i in range(26)})
_FOLD.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FOLD.update({ord(c): ord("-") for c in "‐‑‒–—―−－"})
_FOLD.update({0x3000: ord(" "), 0xFF0B: ord("+"), 0xFF08: ord("("), 0xFF09: ord(")"), 0xFF0E: ord(".")})

_SEP = r"[ \-]?"  # a space or a dash between any two digits: 138 1234 5678, 0574-6234-5678
_NOT_AFTER_DIGIT = r"(?<![0-9])(?<![0-9][ \-])"
_NOT_BEFORE_DIGIT = r"(?![ \-]?[0-9])"
_MOBILE = re.compile(_NOT_AFTER_DIGIT + r"(?:(?:\+|00)?86" + _SEP + r")?1[3-9](?:" + _SEP + r"[0-9]){9}"
                     + _NOT_BEFORE_DIGIT)
_LANDLINE = re.compile(_NOT_AFTER_DIGIT + r"\(?(?:010|02[0-9]|0[3-9][0-9]{2})\)?" + _SEP
                       + r"[2-9](?:" + _SEP + r"[0-9]){6,7}" + _NOT_BEFORE_DIGIT)
_ID_CARD = re.compile(_NOT_AFTER_DIGIT + r"([1-9](?:" + _SEP + r"[0-9]){16}" + _SEP + r"[0-9Xx])(?![0-9A-Za-z])")

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# 浙B·12345, 浙B12345, 浙B D12345 (new energy: six characters after the city letter), 浙B1234学.
_PLATE = re.compile(r"[" + _PROVINCES + r"][A-Za-z][ ·•・.\-]?(?:[A-Za-z0-9]{6}|[A-Za-z0-9]{5}|[A-Za-z0-9]{4}[挂学警港澳])"
                    r"(?![A-Za-z0-9])")

_NUM = r"[0-9]+(?:-[0-9]+)*"
_STREET = r"(?:路|街|大道|巷|弄|村|社区|小区|花园|公寓|新村|苑|府|城|广场)"
_DOOR = (r"(?:" + _NUM + r"(?:幢|栋|号楼|座|楼)" + r"(?:" + _NUM + r"单元)?(?:" + _NUM + r"(?:室|号)?)?"
         r"|" + _NUM + r"单元(?:" + _NUM + r"室?)?|" + _NUM + r"室)")
_ADDRESSES = (
    # a street word, then a number: 南雷南路123号, 新建路45弄6号302室, 阳光小区5-302
    re.compile(_STREET + r"(" + _NUM + r"(?:弄|号)(?:" + _NUM + r"号)?(?:" + _DOOR + r")?|" + _NUM
               + r"(?=[^0-9年月日号点时分秒个米元岁人栋幢楼层天周次条辆家户块棵根盏路班级期]|$))"),
    # a door: 3幢2单元501室, 5号楼302室, 2单元601 (a building alone, 3栋楼, is a count)
    re.compile(r"(" + _NUM + r"(?:幢|栋|号楼|座)" + _NUM + r"单元(?:" + _NUM + r"室?)?"
               r"|" + _NUM + r"(?:幢|栋|号楼|座)" + _NUM + r"室?(?=[^0-9楼层米个]|$)"
               r"|" + _NUM + r"单元" + _NUM + r"室?|[0-9]{3,4}室)"),
)

# The hundred commonest surnames and a few compound ones: a "王先生" is a person, a "卖菜阿姨" not.
_SURNAMES = ("(?:欧阳|司马|诸葛|上官|东方|皇甫|慕容|"
             "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
             "柴洪鲍施岑褚虞俞应竺楼])")
_HONORIFIC = re.compile(r"(" + _SURNAMES + r")(?=先生|女士|小姐|师傅|阿姨|大爷|大妈|大叔|大姐|老师)")


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of the original text that were masked, and why (phone, id_card,
    plate, address, name)."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redacted:
    """The masked text (as long as the original) and the spans masked in it, in order."""

    text: str
    spans: tuple[Span, ...]


def fold(text: str) -> str:
    """Full-width digits, letters, spaces and dashes as ASCII, one character for one."""
    return text.translate(_FOLD)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of an ID number's first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def looks_like_id(digits: str) -> bool:
    """Whether 18 characters (no separators) read as an ID: a real birth date or a right check."""
    try:
        born = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        born = None
    real_date = born is not None and 1900 <= born.year <= 2100
    return real_date or id_check_char(digits[:17]) == digits[17].upper()


def _names(text: str, names: list[str], kind: str) -> list[Span]:
    spans = []
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:  # one character is everyone's
        spans += [Span(m.start(), m.end(), kind) for m in re.finditer(re.escape(name), text)]
    return spans


def find_spans(text: str, citizen_name: str | None = None, staff_names: list[str] = ()) -> list[Span]:
    """What redact() masks in `text`: overlapping findings merged, in order."""
    folded = fold(text)
    found = [Span(m.start(), m.end(), "phone") for pattern in (_MOBILE, _LANDLINE) for m in pattern.finditer(folded)]
    found += [Span(m.start(1), m.end(1), "id_card") for m in _ID_CARD.finditer(folded)
              if looks_like_id(re.sub(r"[ \-]", "", m.group(1)))]
    found += [Span(m.start(), m.end(), "plate") for m in _PLATE.finditer(folded)]
    found += [Span(m.start(1), m.end(1), "address") for pattern in _ADDRESSES for m in pattern.finditer(folded)]
    found += [Span(m.start(1), m.end(1), "name") for m in _HONORIFIC.finditer(folded)]
    found += _names(folded, [fold(citizen_name or "")], "name") + _names(folded, [fold(n) for n in staff_names], "name")
    return list(_merged(found))


def _masked(piece: str, kind: str) -> str:
    if kind in ("name", "plate"):
        return MASK * len(piece)
    # Separators and the words of an address stay, so "3幢2单元501室" reads "＊幢＊单元＊＊＊室".
    return "".join(MASK if f.isdigit() or f.isascii() and f.isalpha() else c for c, f in zip(piece, fold(piece)))


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
