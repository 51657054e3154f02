import xml.etree.ElementTree as ET
from decimal import Decimal

from services.portal.domain.charts import bar_chart, line_chart, radar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_scale_to_the_maximum_and_labels_are_escaped():
    svg = parsed(bar_chart([("Sở Tài chính", Decimal("883.5")), ("<script>", 441.75)], maximum=1000,
                           title="Tổng điểm"))
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Tổng điểm"
    first, second = (float(rect.get("width").removesuffix("%")) for rect in svg.iter(f"{SVG}rect"))
    assert first == 2 * second
    assert any(text.text == "<script>" for text in svg.iter(f"{SVG}text"))  # escaped, so parsed back as text


def test_the_radar_has_one_vertex_per_group_at_its_share_of_the_maximum():
    axes = [(f"Nhóm {code}", 50, 100) for code in range(1, 7)]
    svg = parsed(radar_chart(axes, title="Điểm theo nhóm"))
    [area] = [p for p in svg.iter(f"{SVG}polygon") if p.get("class") == "chart__area"]
    assert len(area.get("points").split()) == 6
    assert sum(1 for p in svg.iter(f"{SVG}polygon") if p.get("class") == "chart__grid") == 4


def test_the_line_goes_through_each_year():
    svg = parsed(line_chart([("2024", 700), ("2025", 760.5), ("2026", 883)], maximum=1000, title="Tổng điểm"))
    [line] = svg.iter(f"{SVG}polyline")
    ys = [float(pair.split(",")[1]) for pair in line.get("points").split()]
    assert ys[0] > ys[1] > ys[2]  # higher totals are drawn higher
    assert [c.find(f"{SVG}title").text for c in svg.iter(f"{SVG}circle")] == ["2024: 700", "2025: 760.5", "2026: 883"]
