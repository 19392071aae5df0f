"""Product feeds: Merchant fields, column mapping, encodings, and one clear reason per bad row."""
import codecs
import json
import tracemalloc
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creative.feeds import FeedError, ProductRecord, RowError, count_rows, read_feed

HEADER = "id,title,description,price,sale_price,image_link,additional_image_link,brand,product_type,custom_label_0,title:zh-CN\n"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


def items(path, **kw):
    return list(read_feed(path, **kw))


def test_merchant_fields_sale_price_and_locales(tmp_path):
    p = write(tmp_path, "f.csv", HEADER +
              '1,Espresso Cup,"Hand glazed, two cups",29.99 USD,19.99 USD,a.jpg,"b.jpg, c.jpg",Caffè,Home > Cups,kitchen,浓缩咖啡杯\n'
              "2,Plain Mug,,USD 12,,m.jpg,,,,,\n")
    a, b = items(p)
    assert isinstance(a, ProductRecord) and a.line == 2
    assert (a.price, a.original_price, a.currency) == (Decimal("19.99"), Decimal("29.99"), "USD")
    assert a.additional_images == ("b.jpg", "c.jpg") and a.labels == ("kitchen",)
    assert a.text("title", "zh-CN") == "浓缩咖啡杯" and a.text("title", "en-US") == "Espresso Cup"
    assert a.text("title", "zh-TW") == "Espresso Cup"
    assert (b.price, b.original_price, b.currency, b.brand) == (Decimal("12"), None, "USD", None)


def test_bom_and_column_mapping_and_aliases(tmp_path):
    p = write(tmp_path, "f.csv", "\ufeffSKU,Product Name,Cost,Image\nA1,Teapot,40,t.jpg\n")
    (rec,) = items(p, columns={"title": "Product Name", "price": "Cost"}, currency="eur")
    assert (rec.id, rec.title, rec.price, rec.currency, rec.image) == ("A1", "Teapot", Decimal("40"), "EUR", "t.jpg")


def test_missing_required_column_is_one_feed_error(tmp_path):
    p = write(tmp_path, "f.csv", "id,name_of_thing,price\n1,x,2\n")
    with pytest.raises(FeedError, match=r"f\.csv: required columns title, image_link missing \(columns: id, name_of_thing, price\)"):
        read_feed(p)
    with pytest.raises(FeedError, match="column 'Nope' \\(mapped to title\\) is not in the header"):
        read_feed(p, columns={"title": "Nope"})
    with pytest.raises(FeedError, match="unknown field 'colour_name'"):
        read_feed(p, columns={"colour_name": "x"})


@pytest.mark.parametrize("row,reason", [
    ("3,,,5,,c.jpg,,,,,", "empty title"),
    (",Nameless,,5,,c.jpg,,,,,", "empty id"),
    ("3,Cup,,abc,,c.jpg,,,,,", "bad price 'abc'"),
    ("3,Cup,,-4,,c.jpg,,,,,", "bad price '-4'"),
    ("3,Cup,,5,,,,,,,", "no image"),
    ("3,Cup,,5,9,c.jpg,,,,,", "sale_price 9 is above price 5"),
    ("3,Cup,,5 USD,4 EUR,c.jpg,,,,,", "different currencies: EUR, USD"),
    ("3,Cup,,5", "row has 4 cells, the header has 11"),
    ("3," + "T" * 250 + ",,5,,c.jpg,,,,,", "title is 250 characters"),
])
def test_bad_rows_are_reported_with_line_and_reason(tmp_path, row, reason):
    p = write(tmp_path, "f.csv", HEADER + "1,Good,,5 USD,,a.jpg,,,,,\n" + row + "\n4,Also good,,6 USD,,d.jpg,,,,,\n")
    got = items(p)
    assert [type(g).__name__ for g in got] == ["ProductRecord", "RowError", "ProductRecord"]
    err = got[1]
    assert err.line == 3 and reason in err.reason
    assert str(err).startswith(f"{p}:3")


def test_duplicate_ids_blank_lines_and_multiline_fields_keep_line_numbers(tmp_path):
    p = write(tmp_path, "f.csv", HEADER + '1,"Two\nlines",,5 USD,,a.jpg,,,,,\n\n\n1,Again,,5 USD,,b.jpg,,,,,\n7,Fine,,5 USD,,c.jpg,,,,,\n')
    a, dup, c = items(p)
    assert a.title == "Two lines" and a.line == 2
    assert isinstance(dup, RowError) and dup.line == 6 and "duplicate id '1' (first on line 2)" in dup.reason
    assert c.line == 7


def test_latin1_line_is_one_row_error_and_encoding_option_reads_it(tmp_path):
    data = (HEADER + "1,Café,,5 USD,,a.jpg,,,,,\n").encode("latin-1") + "2,Tea,,5 USD,,b.jpg,,,,,\n".encode()
    p = write(tmp_path, "f.csv", data)
    bad, good = items(p)
    assert isinstance(bad, RowError) and "not UTF-8 text (byte 0xE9)" in bad.reason and "latin-1" in bad.reason
    assert good.title == "Tea"
    p2 = write(tmp_path, "g.csv", (HEADER + "1,Café,,5 USD,,a.jpg,,,,,\n").encode("latin-1"))
    (rec,) = items(p2, encoding="latin-1")
    assert rec.title == "Café"


def test_utf16_with_bom_and_tsv_and_semicolons(tmp_path):
    p = write(tmp_path, "f.csv", codecs.BOM_UTF16_LE + "id,title,image_link,price\n1,Über,a.jpg,5 EUR\n".encode("utf-16-le"))
    (rec,) = items(p)
    assert rec.title == "Über"
    t = write(tmp_path, "f.tsv", "id\ttitle\timage_link\n1\tA, with comma\ta.jpg\n")
    assert items(t)[0].title == "A, with comma"
    s = write(tmp_path, "s.csv", "id;title;image_link;price\n1;Pot;a.jpg;3,50 EUR\n")
    assert items(s)[0].price == Decimal("3.50")


def test_jsonl_rows(tmp_path):
    lines = [
        {"id": "a", "title": "Lamp", "price": 30, "image_link": "l.jpg", "additional_image_link": ["x.jpg", "y.jpg"]},
        {"id": "b", "image_link": "m.jpg"},
        "not an object",
        {"sku": "c", "name": "Chair", "image": "c.jpg", "price": "12.5 GBP"},
    ]
    text = "\n".join(json.dumps(x) for x in lines) + "\n{broken json\n\n"
    p = write(tmp_path, "f.jsonl", text)
    got = items(p, currency="USD")
    assert got[0].price == Decimal("30") and got[0].currency == "USD" and got[0].additional_images == ("x.jpg", "y.jpg")
    assert isinstance(got[1], RowError) and got[1].reason == "missing field title" and got[1].id == "b"
    assert isinstance(got[2], RowError) and "expected a JSON object" in got[2].reason
    assert (got[3].id, got[3].title, got[3].currency) == ("c", "Chair", "GBP")
    assert isinstance(got[4], RowError) and got[4].line == 5 and "not valid JSON" in got[4].reason
    assert len(got) == 5


@pytest.mark.parametrize("name,content,needle", [
    ("f.json", "[]", "JSON array cannot be streamed"),
    ("f.xlsx", "x", "unknown feed type '.xlsx'"),
    ("empty.csv", "\n\n", "the feed is empty"),
])
def test_unusable_feeds(tmp_path, name, content, needle):
    p = write(tmp_path, name, content)
    with pytest.raises(FeedError, match=needle):
        read_feed(p)


def test_missing_file(tmp_path):
    with pytest.raises(FeedError, match="feed file not found"):
        read_feed(tmp_path / "nope.csv")


def test_100k_rows_are_streamed_not_loaded(tmp_path):
    p = tmp_path / "big.csv"
    with p.open("w", encoding="utf-8") as fh:
        fh.write("id,title,price,image_link\n")
        for i in range(100_000):
            fh.write(f"SKU-{i:06d},Product number {i} with a reasonably long title,{i % 500}.99 USD,img/{i}.jpg\n")
    assert count_rows(p) == 100_000
    # Reading the first 2,000 rows keeps only their id digests (for duplicates): a fraction of a
    # megabyte, where loading the file would cost its 9 MB plus every parsed row.
    tracemalloc.start()
    it = read_feed(p)
    for _, rec in zip(range(2_000), it):
        assert isinstance(rec, ProductRecord)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 3 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert 2_000 + sum(1 for r in it if isinstance(r, ProductRecord)) == 100_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400), header=st.sampled_from([b"id,title,image_link,price\n", b"", b"\xef\xbb\xbfid,title,image_link\n"]))
def test_fuzz_csv_never_crashes(tmp_path, body, header):
    p = tmp_path / "fuzz.csv"
    p.write_bytes(header + body)
    try:
        got = list(read_feed(p))
    except FeedError:
        return
    assert all(isinstance(g, (ProductRecord, RowError)) for g in got)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.dictionaries(st.sampled_from(["id", "title", "price", "image_link", "sale_price", "brand"]),
                                     st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=True), st.none(),
                                               st.lists(st.text(max_size=4), max_size=2))), max_size=6))
def test_fuzz_jsonl_never_crashes(tmp_path, rows):
    p = tmp_path / "fuzz.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    got = list(read_feed(p, currency="USD"))
    assert all(isinstance(g, (ProductRecord, RowError)) for g in got)
    assert len(got) == len(rows)  # one product or one reported error per line
