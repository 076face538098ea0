"""Handles that reach a person as surely as a phone: e-mail addresses, QQ numbers, WeChat ids and
licence plates, found however typed (app/domain/numerals.py's view: any digit set, Chinese
numerals, separators between characters). Redaction (app/domain/redaction.py) masks them.

E-mail: the usual form, a full-width ＠, and the forms typed to dodge a scraper (zhang#qq.com,
zhang (at) qq (dot) com, zhang at qq.com). QQ: QQ, 扣扣, 企鹅 or Q号 before 5 to 11 digits.
WeChat: 微信, V信, vx, wx, weixin or wechat before an id (a letter, then 5 or more letters, digits,
_ or -) or a number. Plates: a province, its city letter and five or six letters and digits,
with any separators between (浙B 12345, 浙 B·D1234 5, 浙B1234学).
"""
import re

from app.domain.numerals import DIGIT, GAPS, HARD, spaced, view

_AT = r"(?:\s*@\s*|\s*#\s*|\s*[(\[（【<]\s*(?i:at)\s*[)\]）】>]\s*|\s+(?i:at)\s+)"
_DOT = r"(?:\s*[.。]\s*|\s*[(\[（【<]\s*(?i:dot)\s*[)\]）】>]\s*|\s+(?i:dot)\s+)"
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*" + _AT + r"[A-Za-z0-9-]+(?:" + _DOT
                    + r"[A-Za-z0-9-]+)*" + _DOT + r"[A-Za-z]{2,}(?![A-Za-z])")
_FILLER = "(?:号码|号|账号|是|为|id|ID|Id|[:：=]|_)*"  # on the view, where a space is a gap
_NUMBER = spaced("[1-9]") + "(?:" + GAPS + DIGIT + "){4,10}(?!" + HARD + ")"
_WECHAT_WORD = r"(?<![A-Za-z])(?i:微信|威信|薇信|v信|vx|wx|weixin|wechat)"
_QQ = re.compile(r"(?<![A-Za-z])(?i:qq|扣扣|企鹅|q号)" + _FILLER + "(" + _NUMBER + ")")
_WECHAT_NUMBER = re.compile(_WECHAT_WORD + _FILLER + "(" + _NUMBER + ")")
_WECHAT_ID = re.compile(_WECHAT_WORD + r"(?:号码|号|账号|是|为|id|ID|Id|[:：=\s])*([A-Za-z][-_A-Za-z0-9]{5,})")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_X = "[A-Za-z0-9]"
_PLATE = re.compile("[" + _PROVINCES + "]" + GAPS + "[A-Za-z]" + GAPS + "(?:" + _X + "(?:" + GAPS + _X
                    + "){4,5}(?![A-Za-z0-9])|" + _X + "(?:" + GAPS + _X + "){3}" + GAPS + "[挂学警港澳])")


def find(text: str, folded: str) -> list[tuple[int, int, str]]:
    """The handles in `text` ([start, end), kind: email, qq, wechat or plate); `folded` is the
    text folded one character for one (app/domain/redaction.py's fold)."""
    viewed = view(text)
    found = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(folded)]
    found += [(m.start(1), m.end(1), kind) for kind, pattern in (("qq", _QQ), ("wechat", _WECHAT_NUMBER))
              for m in pattern.finditer(viewed)]
    found += [(m.start(1), m.end(1), "wechat") for m in _WECHAT_ID.finditer(folded)]
    found += [(m.start(), m.end(), "plate") for m in _PLATE.finditer(viewed)]
    return found
