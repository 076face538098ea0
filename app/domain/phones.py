"""Citizens' phone numbers: mainland mobiles and landlines with their area code.

An elderly citizen, or a hotline caller whom staff register, may have only a landline, so a
number is either an 11-digit mobile (13812345678) or a landline: its area code (010, 02x, or
0 and three digits such as 0574) and a 7- or 8-digit local number that starts with 2-9
(0574-62345678). Stored as digits only (the area code is told by its first digits: 010 and
02x have three, every other four), shown with a dash, masked as 0574****5678.

In free text (a citizen's words, a log line, a message body, an export's text column) a number
is found by `find_in_text`, the one pattern every reader of free text uses: redaction before
publishing, the log filter, the outbox page, masked exports and the log-leak test. It reads the
text as app/domain/numerals.py does (any digit set, Chinese numerals, any run of separators), and
a local number without its area code (6234 5678) counts once a word such as 电话 stands before it.
"""
import re
import unicodedata

from app.domain.numerals import DIGIT, GAPS, HARD, digits, spaced, view

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})([2-9]\d{6,7})$")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−－().（）]")


def normalise(typed: str | None) -> str:
    """Digits only, full-width digits and every dash allowed, a +86/0086 prefix dropped.

    What comes back is a number only if is_phone() says so; anything else is what was
    typed, squeezed, for the form to refuse.
    """
    squeezed = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed or ""))
    international = re.match(r"^(?:\+|00)86(\d+)$", squeezed) or re.match(r"^86(1\d{10})$", squeezed)
    if international:
        national = international.group(1)
        # Dialled from abroad, a landline drops its leading 0 (+86 574 62345678).
        return national if MOBILE.match(national) or national.startswith("0") else "0" + national
    return squeezed


def is_phone(number: str | None) -> bool:
    """Whether a normalised number is a mobile or a landline with its area code."""
    return bool(number and (MOBILE.match(number) or LANDLINE.match(number)))


def is_mobile(number: str | None) -> bool:
    """Whether a normalised number can receive an SMS: a mainland mobile, not a landline."""
    return bool(number and MOBILE.match(number))


def shown(number: str | None) -> str:
    """As staff read it: 13812345678, or 0574-62345678 with the area code apart."""
    landline = LANDLINE.match(number or "")
    return f"{landline.group(1)}-{landline.group(2)}" if landline else (number or "")


def masked(number: str | None) -> str:
    """What staff see until they reveal it: 138****5678, 0574****5678 (the area code and the
    last four digits, so a unit can tell a local caller without reading the number)."""
    if not number:
        return ""
    landline = LANDLINE.match(number)
    head = landline.group(1) if landline else number[:3]
    return head + "****" + number[-4:]


_AREA = "(?:" + "|".join(spaced(a) for a in ("010", "02[0-9]", "0[3-9][0-9][0-9]")) + ")"
_ABROAD = "(?:" + spaced("00") + GAPS + ")?" + spaced("86") + GAPS  # +86 / 0086 / 86 (the + is a gap)
_LOCAL = spaced("[2-9]") + "(?:" + GAPS + DIGIT + "){6,7}"
_NO_DATE = "(?!(?:19|20)[0-9]{2}_+[0-9]{1,2}_+[0-9]{1,2}(?![0-9]))"  # 热线 2026-11-03 is a date
_ALONE = "(?<!" + HARD + ")", "(?!" + HARD + ")"  # a number does not run into more digits
_IN_TEXT = re.compile("|".join((
    # a mobile, perhaps dialled from abroad
    _ALONE[0] + "(?:" + _ABROAD + ")?" + spaced("1[3-9]") + "(?:" + GAPS + DIGIT + "){9}" + _ALONE[1],
    # a landline with its area code, or dialled from abroad without the area code's 0
    _ALONE[0] + "(?:" + _AREA + "|" + _ABROAD + spaced("[1-9]") + "(?:" + GAPS + DIGIT + "){1,2})" + GAPS
    + _LOCAL + _ALONE[1],
    # a local number (7 or 8 digits) told as a phone: 电话 6234 5678, 座机：6234567
    "(?i:电话|手机|座机|固话|号码|联系|热线|致电|拨打|来电|tel|phone|call)[^0-9０-９]{0,6}?(" + _NO_DATE + _LOCAL + ")"
    + _ALONE[1],
)))
# A long run of hex digits with a letter (a request id, a hash, a uuid) or a 0x address is
# no number someone typed: a phone's digits inside it stay (a log line keeps its request id).
_HEX_TOKEN = re.compile(r"[0-9A-Fa-f_-]{16,}|0[xX][0-9A-Fa-f]+")
_WORD = re.compile(r"[0-9A-Za-z_-]+")


def _in_token(text: str, at: int) -> bool:
    for word in _WORD.finditer(text, max(0, at - 64), at + 64):
        if word.start() <= at < word.end():
            return bool(_HEX_TOKEN.fullmatch(word.group())) and any(c.isalpha() for c in word.group())
    return False


def _whole(text: str, start: int, end: int) -> tuple[int, int]:
    """The span with the + or bracket it opens with and the marks of its last digit (1️⃣)."""
    if start and text[start - 1] in "+＋(（[［【":
        start -= 1
    while end < len(text) and unicodedata.category(text[end]) in ("Mn", "Me", "Cf"):
        end += 1
    return start, end


def find_in_text(text: str) -> list[tuple[int, int]]:
    """Where `text` holds a phone number, however it is typed: [start, end) of each, in order.

    138 1234 5678, 幺三八.一二三四.五六七八, (0574)6234-5678, +86 574 62345678, a number split by
    line breaks or slashes, in any digit set; digits inside a longer run of digits (an order
    number) or inside a hex request id are not a phone."""
    viewed = view(text)
    found = []
    for match in _IN_TEXT.finditer(viewed):
        start, end = match.span(match.lastindex) if match.lastindex else match.span()
        if not (_in_token(text, start) or _in_token(text, end - 1)):
            found.append(_whole(text, start, end))
    return found


def _number(piece: str) -> str:
    typed = digits(piece)
    number = normalise(typed)
    # "+86 574 …" lost its + to the gaps: a number starting 86 that is no phone as it stands
    # is one dialled from abroad.
    return number if is_phone(number) or not typed.startswith("86") else normalise("+" + typed)


def mask_in_text(text: str) -> str:
    """`text` with every phone number in it as staff see one masked (138****5678, 0574****5678),
    whatever its digit set or separators."""
    out, at = [], 0
    for start, end in find_in_text(text):
        number = _number(text[start:end])
        out += [text[at:start], masked(number) if is_phone(number) else "****" + number[-4:]]
        at = end
    out.append(text[at:])
    return "".join(out)
