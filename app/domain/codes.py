"""Receipt codes, tracking tokens, PINs and poster codes.

A receipt code is read aloud over the phone and typed by elderly citizens, so its
alphabet drops the look-alikes 0/O and 1/I/L. What is left has 31 symbols, a prime:
a weighted check character over a prime modulus catches every single wrong
character and every swap of two neighbours (the weights differ, and no non-zero
difference of weights or values is a multiple of 31).
"""
import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
MODULUS = len(ALPHABET)  # 31, prime
BODY_LENGTH = 8
GROUP = 3
RECEIPT_PATTERN = re.compile(rf"^[{ALPHABET}]{{{BODY_LENGTH + 1}}}$")


def check_character(body: str) -> str:
    """Return the character that makes sum(position * value) a multiple of 31."""
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(body))
    weight = len(body) + 1
    # Solve total + weight * x == 0 (mod 31) for x; weight is invertible as 31 is prime.
    x = (-total * pow(weight, -1, MODULUS)) % MODULUS
    return ALPHABET[x]


def is_valid(code: str) -> bool:
    """Tell whether a normalised code has the right shape and check character."""
    if not RECEIPT_PATTERN.match(code):
        return False
    return sum((i + 1) * _VALUE[c] for i, c in enumerate(code)) % MODULUS == 0


def new_receipt_code() -> str:
    """Draw a random (never sequential) receipt code, normalised, check character included."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


_SEPARATORS = frozenset("_.·・\u2212")  # and every space and dash (Unicode's Zs, Pd), below


def normalise(typed: str) -> str:
    """Turn what a person typed ('k7m-4xp 9qc', full-width 'ＫＴＭ－４ＸＰ') into the stored form.

    NFKC first, so full-width letters and digits become ASCII; then every space and every
    kind of dash goes, and the letters are upper-cased ('K7M4XP9QC').
    """
    text = unicodedata.normalize("NFKC", typed or "")
    return "".join(ch for ch in text
                   if not (ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch) == "Pd")).upper()


def grouped(code: str) -> str:
    """Show a code in groups of three for reading aloud: 'K7M-4XP-9QC'."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def new_poster_code(length: int = 6) -> str:
    """Draw a short random poster code from the same unambiguous alphabet."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def derive_secret(secret_key: str, purpose: str, submission_key: str) -> bytes:
    """HMAC the form's submission key so a retried form yields the very same receipt."""
    message = f"yima:{purpose}:{submission_key}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).digest()


def tracking_token(secret_key: str, submission_key: str) -> str:
    """A 192-bit URL-safe tracking token, derived from the one-time submission key."""
    raw = derive_secret(secret_key, "token", submission_key)[:24]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pin(secret_key: str, submission_key: str) -> str:
    """A six-digit PIN, derived like the token so a retry shows the same one."""
    raw = derive_secret(secret_key, "pin", submission_key)
    return f"{int.from_bytes(raw[:8], 'big') % 1_000_000:06d}"


def hash_secret(value: str) -> str:
    """Hash a token or PIN for storage; only hashes ever reach the database."""
    return hashlib.sha256(value.encode()).hexdigest()


def client_of(address: str) -> str:
    """The client an address stands for: an IPv6 address's /64, an IPv4(-mapped) address itself.

    A phone or a home network is given a whole IPv6 /64 and its privacy addresses change
    within it at will, so counting single addresses would let one person count as many."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an address (a test client, a socket path): as given
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def client_mark(secret_key: str, address: str) -> str:
    """A client (client_of) as kept with a case: keyed, so the column names no address (IPv4 is
    small enough to hash every one of them without the key), yet equal for equal clients."""
    return hmac.new(secret_key.encode(), f"client:{client_of(address)}".encode(), hashlib.sha256).hexdigest()[:32]


def new_submission_key() -> str:
    """A random one-time key put in each form, 128 bits."""
    return secrets.token_urlsafe(16)


SUBMISSION_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
