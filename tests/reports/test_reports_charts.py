"""The inline SVG charts: valid markup, escaped labels, sizes that follow the numbers."""

from xml.etree import ElementTree

from pengaduan.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return ElementTree.fromstring(str(svg))


def test_it_draws_bars_proportional_to_the_values():
    root = parse(charts.bar_chart([("Pungutan liar", 4), ("Jalan <rusak> & berlubang", 2), ("Nol", 0)],
                                  title="Per kategori"))
    assert root.find(f"{SVG}title").text == "Per kategori" and root.get("role") == "img"
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert "Jalan <rusak> & berlubang" in [t.text for t in root.iter(f"{SVG}title")]


def test_it_draws_columns_per_month_and_series():
    root = parse(charts.column_chart(["Okt", "Nov", "Des"], [("Diterima", [0, 4, 1]), ("Dijawab", [0, 2, 1])],
                                     title="Per bulan"))
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert len(bars) == 6 and [bar.find(f"{SVG}title").text for bar in bars][1] == "Nov: Diterima 4"


def test_it_leaves_a_gap_in_a_line_where_a_month_has_no_value():
    root = parse(charts.line_chart(["a", "b", "c", "d"], [50, None, 100, 75], title="Tepat waktu", name="SOP"))
    assert len(list(root.iter(f"{SVG}circle"))) == 3 and len(list(root.iter(f"{SVG}polyline"))) == 1
