"""Values the session cookie carries sealed: encrypted and authenticated (AES-GCM, from the
`cryptography` package) with a key derived from SECRET_KEY.

Flask's session cookie is signed, not secret: anyone holding the phone can read it. The PINs a
receipt shows again and a counter slip's token and PIN ride in it, so they are sealed; a cookie
sealed under another key (or tampered with) reads as nothing.
"""
import base64
import hashlib
import json
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_CONTEXT = b"yima sealed session values v1"


@lru_cache(maxsize=4)  # a tracking page reads the PINs on every view: derive the key once
def _key(secret_key: str) -> bytes:
    return hashlib.sha256(_CONTEXT + secret_key.encode("utf-8")).digest()


def seal(value: Any, secret_key: str) -> str:
    """`value` (anything JSON can hold) as an opaque string only this secret key opens."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(secret_key)).encrypt(nonce, json.dumps(value).encode("utf-8"), _CONTEXT)
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(blob: Any, secret_key: str, default: Any = None) -> Any:
    """What seal() sealed; `default` for anything else (absent, tampered, another key)."""
    if not isinstance(blob, str):
        return default
    try:
        raw = base64.urlsafe_b64decode(blob.encode("ascii"))
        return json.loads(AESGCM(_key(secret_key)).decrypt(raw[:12], raw[12:], _CONTEXT))
    except (ValueError, InvalidTag, UnicodeError):
        return default
