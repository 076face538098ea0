"""Numbers as people really type them: any digit set, Chinese numerals, any run of separators.

A citizen who does not want a number read by a machine (or who simply types as they speak)
writes 幺三八 1234 5678, 138.1234.5678, 138/1234/5678, (0574)6234-5678, a number split over two
lines, in full-width, Arabic-Indic or circled digits, or in capital numerals (壹叁捌). Patterns
for numbers therefore run on `view(text)`: the same text one character for one, where every
digit is an ASCII digit, every Chinese numeral a full-width digit and every separator is GAP, so
a span found in the view names the same characters of the original, and a pattern allows
`GAPS` between two digits (`spaced`). A Chinese numeral stays apart from a digit in the view
because only a digit (HARD) ends a number: 13812345678一直没人接 holds a phone, 138123456789 not.

Digit-like: every Unicode digit (unicodedata.digit: full-width, Arabic-Indic, Devanagari,
mathematical, superscript, circled ①, keycap 1️⃣ with its marks as separators) and the Chinese
numerals 〇零一二三四五六七八九, 幺 (1, as a phone number is read aloud), 两 (2), 洞 (0) and
拐 (7) of the radio read-out, and the capital forms 壹贰叁肆伍陆柒捌玖 (and their traditional
forms). 十, 百, 千 are positional, never digits of a number read out one by one.
Separator: any whitespace or line break, every dash, dots, slashes, brackets, commas, plus
signs, and the invisible characters (zero-width spaces, joiners, combining marks) that can
be slipped between two digits. Not the colon: a time (13:45:12.123+00:00) would read as a number.

Whether a run of digit-likes *is* a number is for the pattern: a mobile needs eleven of them
starting 1[3-9], so 十一月三日, 一两个 or 三五成群 never are.
"""
import re
import unicodedata

GAP = "_"
GAPS = GAP + "*"  # put between two digits of a pattern run on view()
DIGIT = "[0-9０-９]"  # a digit or a numeral
HARD = "[0-9]"  # a digit of any digit set, not a numeral: what a number may not run into
_SOFT = str.maketrans("0123456789", "０１２３４５６７８９")
_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")

CHINESE = {**{c: str(i) for i, c in enumerate("〇一二三四五六七八九")}, "零": "0", "幺": "1", "两": "2",
           "兩": "2", "洞": "0", "拐": "7",
           **{c: str(i + 1) for i, c in enumerate("壹贰叁肆伍陆柒捌玖")},
           **{c: str(i + 1) for i, c in enumerate("壹貳參肆伍陸柒捌玖")}}
_SEPARATORS = frozenset(".．。·•・‧∙⋅/／\\＼|｜()（）[]［］【】〔〕{}｛｝<>＜＞〈〉《》,，、;；+＋_＿~～'\"‘’“”`")
_FOLD = {0x3000: " ", 0xFF20: "@"}
_FOLD.update({0xFF21 + i: chr(ord("A") + i) for i in range(26)})
_FOLD.update({0xFF41 + i: chr(ord("a") + i) for i in range(26)})


def _viewed(char: str) -> str:
    if char in CHINESE:
        return CHINESE[char].translate(_SOFT)
    value = unicodedata.digit(char, None)
    if value is not None:
        return str(value)
    if char in _SEPARATORS or char.isspace() or unicodedata.category(char) in ("Pd", "Cf", "Mn", "Me"):
        return GAP
    return _FOLD.get(ord(char), char)


_CACHE: dict[str, str] = {}


def view(text: str) -> str:
    """`text` one character for one: digits as ASCII digits, Chinese numerals as full-width
    digits, separators as GAP, full-width letters as ASCII, everything else as it is."""
    out = []
    for char in text:
        viewed = _CACHE.get(char)
        if viewed is None:
            viewed = _CACHE.setdefault(char, _viewed(char)) if len(_CACHE) < 65536 else _viewed(char)
        out.append(viewed)
    return "".join(out)


def digits(text: str) -> str:
    """The digits of a number however it was typed: 幺三八 1234-5678 → 13812345678."""
    return "".join(c for c in view(text) if c.isdigit()).translate(_ASCII)


def is_digit_like(char: str) -> bool:
    """Whether a character counts as a digit: any digit set or a Chinese numeral."""
    return view(char).isdigit()


def spaced(pattern: str) -> str:
    """A pattern of digits (classes and literals, each one character) that a numeral matches
    too, with GAPS allowed between any two of them: spaced("1[3-9]") reads [1１]_*[3-9３-９]."""
    tokens = re.findall(r"\[[^\]]*\]|.", pattern)
    return GAPS.join("[" + t.strip("[]") + t.strip("[]").translate(_SOFT) + "]" for t in tokens)


# A colon is no gap in a number (a time would be one), but a reader should see 138:1234:5678.
_RUN = re.compile(DIGIT + "(?:[" + GAP + ":：]*" + DIGIT + ")*")


def long_runs(text: str, longer_than: int = 6) -> list[tuple[int, int]]:
    """Where `text` holds more than `longer_than` digit-likes in a row (separators and colons
    between them allowed): what a reader should look at before a text goes public."""
    viewed = view(text)
    return [(m.start(), m.end()) for m in _RUN.finditer(viewed)
            if sum(c.isdigit() for c in m.group()) > longer_than]
