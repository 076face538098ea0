"""Similar suggestions: on labelled pairs of Yuyao citizens' texts, the same matter at the same
place is told apart from the same place with another matter and the same matter elsewhere."""
import json
from pathlib import Path

import pytest

from app.domain.similarity import (THRESHOLD, place_grams, profile, signature, signature_similarity,
                                   similar, similarity)

DATA = Path(__file__).parent / "data"


def _pairs(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))["pairs"]


def _precision_recall(pairs: list[dict]) -> tuple[float, float]:
    said = [(similar(profile(p["a"]), profile(p["b"])), p["same"]) for p in pairs]
    tp = sum(1 for s, same in said if s and same)
    fp = sum(1 for s, same in said if s and not same)
    fn = sum(1 for s, same in said if not s and same)
    return tp / (tp + fp), tp / (tp + fn)


def test_the_labelled_set_has_every_kind_of_pair():
    pairs = _pairs("similar_pairs.json")
    kinds = {p["kind"] for p in pairs}
    assert len(pairs) >= 300 and kinds == {"near_duplicate", "same_place_other_matter",
                                           "same_matter_other_place", "unrelated"}
    assert all(p["same"] == (p["kind"] == "near_duplicate") and p["a"] != p["b"] for p in pairs)


def test_precision_and_recall_at_the_threshold_on_the_labelled_set():
    precision, recall = _precision_recall(_pairs("similar_pairs.json"))
    assert precision >= 0.9 and recall >= 0.8, (precision, recall, THRESHOLD)


def test_on_pairs_never_used_to_tune_the_measure_precision_holds():
    # Written after the synonyms and the threshold were fixed; keep it unseen: add new held-out
    # pairs rather than tuning on these. Matters outside the synonym list are what recall misses.
    precision, recall = _precision_recall(_pairs("similar_holdout.json"))
    assert precision >= 0.9 and recall >= 0.75, (precision, recall)


def test_full_width_characters_and_punctuation_do_not_change_the_score():
    half = "南雷南路和新建北路路口的路灯不亮了, 已经7天!"
    full = "南雷南路和新建北路路口的路灯不亮了，已经７天！"
    other = "新建北路南雷南路交叉口那几盏路灯坏了好多天。"
    assert similarity(profile(half), profile(other)) == similarity(profile(full), profile(other))


def test_the_same_poster_stands_for_a_place_the_texts_do_not_name():
    a, b = profile("这里的路灯晚上不亮，黑乎乎的看不清路。"), profile("门口路灯坏了好多天了，请派人来修。")
    assert not similar(a, b) and similar(a, b, same_place=True)


def test_another_matter_at_the_same_poster_is_not_similar():
    a, b = profile("这里的路灯晚上不亮，黑乎乎的看不清路。"), profile("站台上天天停满电动车，上车都挤不过去。")
    assert not similar(a, b, same_place=True)


@pytest.mark.parametrize("place", ["南雷南路", "南雷南路新建北路口"])
def test_a_case_location_counts_as_a_place_named(place):
    a = profile("路灯一个星期不亮了", place)
    b = profile("南雷南路新建北路路口的路灯坏了一个礼拜，晚上很黑。")
    assert similar(a, b) and not similar(profile("路灯一个星期不亮了", "胜山路"), b)


def test_a_poster_label_adds_to_the_places_a_signature_names():
    asked = profile("南雷南路路灯不亮，晚上很黑")
    stored = signature(profile("路灯坏了好多天，晚上很黑"))
    assert signature_similarity(asked, *stored, also_place=place_grams("南雷南路公交站")) == similarity(
        asked, profile("路灯坏了好多天，晚上很黑", "南雷南路公交站")) >= THRESHOLD


def test_a_signature_scores_as_its_profile_wherever_it_can_reach_the_threshold():
    pairs = _pairs("similar_pairs.json")
    for p in pairs[::7]:
        asked, theirs = profile(p["a"]), profile(p["b"])
        score = signature_similarity(asked, *signature(theirs))
        assert score == similarity(asked, theirs) or score == 0.0 and similarity(asked, theirs) < THRESHOLD
