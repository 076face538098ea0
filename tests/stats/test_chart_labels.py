"""A chart's labels fit their column: English unit names whole, a long one cut with its full
name in the tooltip, and the bars start after the longest label."""
import re

from app.stats.charts import bar_chart, text_width


def test_english_unit_names_are_shown_whole():
    svg = str(bar_chart([("Transport Bureau", 12), ("Yangming Subdistrict", 7)], "Volume"))
    labels = re.findall(r"<title>[^<]*</title>([^<]*)</text>", svg)
    assert labels == ["Transport Bureau", "Yangming Subdistrict"]


def test_a_label_too_long_is_cut_and_kept_whole_in_its_tooltip():
    name = "Human Resources and Social Security Bureau of Yuyao City, Employment Services Office"
    svg = str(bar_chart([(name, 3)], "Volume"))
    shown = re.search(r"<title>([^<]*)</title>([^<]*)</text>", svg)
    assert shown.group(1) == name and shown.group(2).endswith("…")
    assert text_width(shown.group(2)) <= 280


def test_the_bars_start_after_the_labels():
    svg = str(bar_chart([("阳明街道", 5)], "Volume"))
    x = float(re.search(r'<rect x="([\d.]+)"', svg).group(1))
    assert x >= text_width("阳明街道")
