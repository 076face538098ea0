"""A chart's labels fit their column: English unit names whole (a long one on two lines, its row
taller), a label longer than two lines cut with its full name in the tooltip, and the bars start
after the longest label."""
import re

from app.stats.charts import LABEL_MAX, bar_chart, text_width


def _labels(svg: str) -> list[tuple[str, list[str]]]:
    """Each bar's (tooltip, the lines shown)."""
    return [(title, re.findall(r"<tspan[^>]*>([^<]*)</tspan>", spans))
            for title, spans in re.findall(r"<text[^>]*><title>([^<]*)</title>((?:<tspan[^>]*>[^<]*</tspan>)+)</text>",
                                           svg)]


def test_english_unit_names_are_shown_whole():
    svg = str(bar_chart([("Transport Bureau", 12), ("Yangming Subdistrict", 7)], "Volume"))
    assert _labels(svg) == [("Transport Bureau", ["Transport Bureau"]),
                            ("Yangming Subdistrict", ["Yangming Subdistrict"])]


def test_a_long_english_name_wraps_whole_onto_two_lines_instead_of_being_cut():
    law = "Comprehensive Administrative Law Enforcement Bureau"
    farm = "Agriculture and Rural Affairs Bureau"
    svg = str(bar_chart([(law, 9), (farm, 4), ("Transport Bureau", 2)], "Volume"))
    shown = dict(_labels(svg))
    assert " ".join(shown[law]) == law and len(shown[law]) == 2
    assert " ".join(shown[farm]) == farm
    assert "…" not in svg
    assert all(text_width(line) <= LABEL_MAX - 10 for lines in shown.values() for line in lines)
    # A two-line row is taller: the next row's label starts below its second line.
    ys = [float(y) for y in re.findall(r'<tspan x="[\d.]+" y="([\d.]+)"', svg)]
    assert ys == sorted(ys) and min(b - a for a, b in zip(ys, ys[1:])) >= 13
    bars = [float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', svg)]
    assert min(b - a for a, b in zip(bars, bars[1:])) >= 18  # no bar over another
    height = float(re.search(r'viewBox="0 0 \d+ ([\d.]+)"', svg).group(1))
    assert max(ys) < height and max(bars) + 18 < height


def test_a_label_too_long_for_two_lines_is_cut_and_kept_whole_in_its_tooltip():
    name = "Human Resources and Social Security Bureau of Yuyao City, Employment Services Office"
    [(title, lines)] = _labels(str(bar_chart([(name, 3)], "Volume")))
    assert title == name and len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line) <= LABEL_MAX for line in lines)


def test_a_long_chinese_name_breaks_between_characters():
    name = "余姚市人力资源和社会保障局就业服务中心（人才市场）"
    [(title, lines)] = _labels(str(bar_chart([(name, 3)], "受理量")))
    assert "".join(lines) == name and len(lines) == 2


def test_the_bars_start_after_the_labels():
    svg = str(bar_chart([("阳明街道", 5)], "Volume"))
    x = float(re.search(r'<rect x="([\d.]+)"', svg).group(1))
    assert x >= text_width("阳明街道")
