import xml.etree.ElementTree as ET
from decimal import Decimal

from services.portal.domain.charts import RADAR_SIZE, THIN_OUT_FROM, bar_chart, line_chart, radar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_scale_to_the_maximum_and_labels_are_escaped():
    svg = parsed(bar_chart([("Sở Tài chính", Decimal("883.5")), ("<script>", 441.75)], maximum=1000,
                           title="Tổng điểm", locale="vi"))
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Tổng điểm"
    first, second = (float(rect.get("width").removesuffix("%")) for rect in svg.iter(f"{SVG}rect"))
    assert first == 2 * second
    assert any(text.text == "<script>" for text in svg.iter(f"{SVG}text"))  # escaped, so parsed back as text


def test_the_radar_has_one_vertex_per_group_at_its_share_of_the_maximum():
    axes = [(str(code), f"Nhóm {code}", 50, 100) for code in range(1, 7)]
    chart = parsed(radar_chart(axes, title="Điểm theo nhóm", locale="vi"))
    [area] = [p for p in chart.iter(f"{SVG}polygon") if p.get("class") == "chart__area"]
    assert len(area.get("points").split()) == 6
    assert sum(1 for p in chart.iter(f"{SVG}polygon") if p.get("class") == "chart__grid") == 4


def test_the_radar_marks_each_axis_by_its_code_and_its_key_names_it_with_its_points():
    chart = parsed(radar_chart([("1", "Môi trường chính sách", Decimal("135.33"), 150), ("2", "<b>", 0, 100),
                                ("3", "Hạ tầng số", 90, 150)], title="Điểm theo nhóm", locale="vi"))
    [drawing] = chart.iter(f"{SVG}svg")
    assert drawing.get("width") == drawing.get("height") == str(RADAR_SIZE)  # CSS pixels: never scaled up or down
    assert [text.text for text in drawing.iter(f"{SVG}text")] == ["1", "2", "3"]
    key = ["".join(item.itertext()) for item in chart.iter("li")]
    assert key == ["1 Môi trường chính sách 135,33 / 150", "2 <b> 0 / 100", "3 Hạ tầng số 90 / 150"]  # decimal comma


def test_the_line_goes_through_each_year():
    svg = parsed(line_chart([("2024", 700), ("2025", 760.5), ("2026", 883)], maximum=1000, title="Tổng điểm",
                            locale="vi"))
    segments = list(svg.iter(f"{SVG}line"))[2:]  # after the maximum's and the floor's
    ys = [float(segments[0].get("y1"))] + [float(segment.get("y2")) for segment in segments]
    assert ys[0] > ys[1] > ys[2]  # higher totals are drawn higher
    assert [c.find(f"{SVG}title").text for c in svg.iter(f"{SVG}circle")] == ["2024: 700", "2025: 760,5", "2026: 883"]
    assert [c.get("cx") for c in svg.iter(f"{SVG}circle")] == ["16.67%", "50.00%", "83.33%"]  # across any width
    assert svg.get("aria-label") == "Tổng điểm: 2024: 700; 2025: 760,5; 2026: 883"  # its text alternative
    assert [text.text for text in svg.iter(f"{SVG}text")][0] == "1.000"  # the maximum, its thousands grouped


def test_an_english_chart_writes_a_decimal_point():
    svg = parsed(line_chart([("2024", Decimal("700.00")), ("2025", Decimal("760.50"))], maximum=1000,
                            title="Total points", locale="en"))
    assert svg.get("aria-label") == "Total points: 2024: 700; 2025: 760.5"
    assert [text.text for text in svg.iter(f"{SVG}text")][0] == "1,000"


def test_a_long_line_leaves_every_other_label_to_a_wide_screen_and_always_shows_the_last_year():
    years = [(str(year), 600 + year % 10) for year in range(2021, 2021 + THIN_OUT_FROM)]
    svg = parsed(line_chart(years, maximum=1000, title="Tổng điểm", locale="vi"))
    minor = {text.text for text in svg.iter(f"{SVG}text") if "chart__minor" in text.get("class")}
    assert minor == {year for year, _ in years[-2::-2]} | {str(total) for _, total in years[-2::-2]}
    assert str(2021 + THIN_OUT_FROM - 1) not in minor
    few = parsed(line_chart(years[1:], maximum=1000, title="Tổng điểm", locale="vi"))
    assert not [text for text in few.iter(f"{SVG}text") if "chart__minor" in text.get("class")]
