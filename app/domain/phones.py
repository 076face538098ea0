"""Citizens' phone numbers: mainland mobiles and landlines with their area code.

An elderly citizen, or a hotline caller whom staff register, may have only a landline, so a
number is either an 11-digit mobile (13812345678) or a landline: its area code (010, 02x, or
0 and three digits such as 0574) and a 7- or 8-digit local number that starts with 2-9
(0574-62345678). Stored as digits only (the area code is told by its first digits: 010 and
02x have three, every other four), shown with a dash, masked as 0574****5678.
"""
import re
import unicodedata

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
