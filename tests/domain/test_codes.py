"""Receipt codes: unambiguous, grouped, self-checking, random."""
from hypothesis import given
from hypothesis import strategies as st

from app.domain import codes

bodies = st.text(alphabet=codes.ALPHABET, min_size=codes.BODY_LENGTH, max_size=codes.BODY_LENGTH)


@given(bodies, st.integers(0, codes.BODY_LENGTH), st.sampled_from(codes.ALPHABET))
def test_every_single_wrong_character_is_caught(body, position, replacement):
    code = body + codes.check_character(body)
    assert codes.is_valid(code)
    if code[position] != replacement:
        typo = code[:position] + replacement + code[position + 1:]
        assert not codes.is_valid(typo)


@given(bodies, st.integers(0, codes.BODY_LENGTH - 1))
def test_every_swap_of_neighbours_is_caught(body, position):
    code = body + codes.check_character(body)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    if swapped != code:
        assert not codes.is_valid(swapped)


def test_codes_avoid_look_alike_characters():
    for ch in "01OIL":
        assert ch not in codes.ALPHABET
    for _ in range(200):
        code = codes.new_receipt_code()
        assert codes.is_valid(code) and not set(code) & set("01OIL")


def test_codes_are_not_sequential():
    drawn = [codes.new_receipt_code() for _ in range(1000)]
    assert len(set(drawn)) == 1000
    # Consecutive codes share no long common prefix, unlike a counter.
    shared = sum(a[:4] == b[:4] for a, b in zip(drawn, drawn[1:]))
    assert shared < 3


def test_typed_codes_are_normalised_and_shown_grouped():
    code = codes.new_receipt_code()
    shown = codes.grouped(code)
    assert shown.count("-") == 2 and len(shown) == 11
    assert codes.normalise(" " + shown.lower().replace("-", " ") + " ") == code


def test_tokens_and_pins_are_stable_per_form_and_distinct_across_forms():
    key, other = codes.new_submission_key(), codes.new_submission_key()
    assert codes.tracking_token("s", key) == codes.tracking_token("s", key)
    assert codes.tracking_token("s", key) != codes.tracking_token("s", other)
    token = codes.tracking_token("s", key)
    assert codes.TOKEN_PATTERN.match(token) and len(token) * 6 >= 128
    assert codes.pin("s", key).isdigit() and len(codes.pin("s", key)) == 6
    assert codes.tracking_token("another secret", key) != token


def test_normalise_takes_full_width_and_every_dash_and_space():
    for typed in ("ＮＺ３-ＵＧＥ-ＮＹＦ", "ｎｚ３－ｕｇｅ－ｎｙｆ", "nz3—uge–nyf", "NZ3−UGE‐NYF", "NZ3　UGE・NYF", " nz3 uge nyf "):
        assert codes.normalise(typed) == "NZ3UGENYF", typed


def test_a_client_is_its_ipv6_64_and_its_mark_needs_the_key():
    from app.domain.codes import client_mark, client_of

    assert client_of("2001:db8:1:2::a") == client_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_of("2001:db8:1:3::a") != client_of("2001:db8:1:2::a")
    assert client_of("::ffff:198.51.100.7") == client_of("198.51.100.7") == "198.51.100.7"
    assert client_mark("k", "198.51.100.7") == client_mark("k", "::ffff:198.51.100.7")
    assert client_mark("k", "198.51.100.7") != client_mark("other key", "198.51.100.7")
    assert "198.51.100.7" not in client_mark("k", "198.51.100.7") and len(client_mark("k", "198.51.100.7")) == 32
