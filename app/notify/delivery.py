"""What every sender shares: the failure a sender reports, and one HTTP POST of JSON."""
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request


class Undelivered(Exception):
    """A delivery failed; the worker tries the message again later (app/notify/worker.py)."""


def post_json(url: str, payload: dict, timeout: float, headers: dict | None = None) -> tuple[int, bytes]:
    """POST `payload` as UTF-8 JSON; the status and body of a 2xx answer, else Undelivered."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return post_bytes(url, body, timeout, headers)


def post_bytes(url: str, body: bytes, timeout: float, headers: dict | None = None) -> tuple[int, bytes]:
    """POST a JSON body exactly as given (a signature covers these bytes)."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "Yima-notify", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        raise Undelivered(f"HTTP {error.code} from {_host(url)}") from None
    # Refused, timed out, a bad URL, or an answer that is not HTTP (http.client's errors are
    # not OSErrors): each is a failed delivery to try again, never a crash of the worker.
    except http.client.HTTPException as error:
        raise Undelivered(f"{_host(url)}: not an HTTP answer ({type(error).__name__})") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise Undelivered(f"{_host(url)}: {reason}") from None
    except http.client.HTTPException as error:  # a garbled or cut answer (not an OSError)
        raise Undelivered(f"{_host(url)}: {type(error).__name__}") from None


def _host(url: str) -> str:
    """A URL's host, for an error: never its query, which may carry a robot's access token."""
    return urllib.parse.urlsplit(url).netloc or "?"


def answer_json(body: bytes) -> dict:
    """A JSON answer, or Undelivered if it is not one."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeError, ValueError):
        raise Undelivered("the answer was not JSON") from None
    if not isinstance(answer, dict):
        raise Undelivered("the answer was not a JSON object")
    return answer
