"""JSON log lines with a request id; phones, tokens and secrets never reach a line."""
import json
import logging
import re

from app.core.logs import JsonFormatter, RedactFilter, redact
from tests.ops.logscan import find_leaks
from tests.web.staff_helpers import signed_in


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


def _request_lines(capsys) -> list[dict]:
    return [line for line in _lines(capsys) if line["logger"] == "yima.request"]


def test_each_request_is_one_json_line_with_an_id_echoed_in_the_response(client, capsys):
    capsys.readouterr()
    response = client.get("/submit")
    [line] = _request_lines(capsys)
    assert response.headers["X-Request-ID"] == line["request_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert {"time", "level", "logger", "message", "method", "path", "status", "duration_ms"} <= set(line)
    assert (line["method"], line["path"], line["status"], line["level"]) == ("GET", "/submit", 200, "INFO")


def test_a_valid_incoming_request_id_is_kept_a_bad_one_replaced(client, capsys):
    capsys.readouterr()
    assert client.get("/", headers={"X-Request-ID": "lb-7f3a9c12"}).headers["X-Request-ID"] == "lb-7f3a9c12"
    forged = client.get("/", headers={"X-Request-ID": "x\"}{injected: 1"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)
    assert [line["request_id"] for line in _request_lines(capsys)] == ["lb-7f3a9c12", forged]


def test_tracking_tokens_and_query_strings_stay_out_of_the_request_line(client, make_receipt, capsys):
    token = make_receipt().token
    capsys.readouterr()
    client.get(f"/t/{token}?from=13812345678")
    err = capsys.readouterr().err
    assert token not in err and "13812345678" not in err
    assert '"path": "/t/…"' in err


def test_a_staff_request_names_the_user(app, staff, capsys):
    client = signed_in(app, "yangming")
    capsys.readouterr()
    client.get("/staff/")
    [line] = _request_lines(capsys)
    assert isinstance(line["user_id"], int)


def _formatted(message, *args, exc=None) -> str:
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, message, args, exc)
    RedactFilter().filter(record)
    return JsonFormatter().format(record)


def test_the_filter_masks_phones_tokens_and_secret_fields_in_messages_and_tracebacks():
    phone = "1" + "3812345678"  # never a literal phone in the source, so the scan cannot be fooled by it
    try:
        raise ValueError(f"INSERT failed [parameters: ('张三', '{phone}')]")
    except ValueError as error:
        line = _formatted("failed on %s for %s", "/t/" + "A" * 32, f"password={phone[:6]}x pin: 4821",
                          exc=(type(error), error, error.__traceback__))
    assert phone not in line and "A" * 32 not in line and "4821" not in line and phone[:6] + "x" not in line
    assert "138****5678" in line and "/t/…" in line and "password=***" in line
    assert find_leaks([line]) == []


def test_redaction_leaves_ordinary_numbers_alone():
    assert redact("case 12345 at 2026-12-01, 23 items, id 123456789012") == \
        "case 12345 at 2026-12-01, 23 items, id 123456789012"
    assert redact("电话 " + "1" + "5912345678" + "。") == "电话 159****5678。"


def test_the_scan_flags_every_kind_of_leak():
    phone = "1" + "3912345678"
    assert find_leaks([f"citizen phone {phone}"])
    assert find_leaks(["GET /t/" + "x" * 32])
    assert find_leaks(["form pin=123456"])
    assert find_leaks(["signed in with hunter2"], secrets=("hunter2",))
    assert not find_leaks(["citizen phone 139****5678 at /t/…, password=***"])


def test_a_tracking_token_is_redacted_whatever_the_paths_shape():
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    for path in (f"/t/{token}", f"//t//{token}/qr.svg", f"/t/{token}/rate", f"/static/../t/{token}",
                 f"https://yima.example.gov.cn/t/{token}", f"/x/{token}/qr.png"):
        assert token not in redact(f"GET {path} 200"), path
    request_id = "0123456789abcdef0123456789abcdef"
    assert redact(f"request {request_id} done") == f"request {request_id} done"  # not a path segment


def test_redaction_masks_landlines_too():
    landline = "0574" + "62345678"  # built, never a literal
    assert redact(f"座机 {landline[:4]}-{landline[4:]}，或 {landline}。") == "座机 0574****5678，或 0574****5678。"
    assert find_leaks([f"citizen phone {landline}"]) and find_leaks([f"phone 010-{'6234567'}"])


# Built, never literal: the run's own leak scan reads this file's log lines, not its source.
_MOBILE = "1" + "3812345678"
_TYPED = [
    "138 1234 5678", "138  1234  5678", "138.1234.5678", "138/1234/5678", "138\n1234\n5678", "(138)1234-5678",
    "１３８１２３４５６７８", "١٣٨١٢٣٤٥٦٧٨", "幺三八一二三四五六七八", "壹叁捌壹贰叁肆伍陆柒捌", "+86 138 1234 5678",
    "138\u200b1234\u200b5678", "0574 6234 5678", "(0574)62345678", "０５７４－６２３４５６７８",
]


def test_the_filter_masks_a_phone_however_it_is_typed_as_redaction_does():
    from app.domain import phones

    for typed in _TYPED:
        line = _formatted("citizen wrote %s today", typed)
        assert phones.find_in_text(typed), typed  # the one pattern sees it ...
        assert not phones.find_in_text(line) and find_leaks([line]) == [], (typed, line)  # ... and none is left
        assert "****5678" in line, line


def test_the_scan_sees_what_the_old_narrow_pattern_missed():
    for typed in ("138 1234 5678", "138-1234-5678", "幺三八 1234 5678", "0574 6234 5678"):
        assert find_leaks([f"citizen phone {typed}"]), typed


def test_digits_inside_a_request_id_or_a_hex_token_are_kept():
    for request_id in (f"9f{_MOBILE}abcdef0123456789ab", f"{_MOBILE}deadbeefcafe0000",
                       f"9f{_MOBILE[:6]}-{_MOBILE[6:]}-4abc-8def-0123456789ab"):
        assert redact(f"request {request_id} done") == f"request {request_id} done", request_id
        assert find_leaks([f"request {request_id} done"]) == []
    assert redact("at 0x7f" + _MOBILE) == "at 0x7f" + _MOBILE  # a memory address in a traceback
    assert redact("Tel" + _MOBILE) == "Tel138****5678"  # letters before it are no token
    stamp = "2026-12-07T13:45:12.123+00:00"  # a log line's own time never reads as a number
    assert redact(stamp) == stamp and find_leaks([stamp]) == []
