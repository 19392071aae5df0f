from decimal import Decimal

import pytest

from creative.content import Content, parse_price
from creative.errors import UsageError
from creative.sizes import STANDARD_SIZES, aspect_class, parse_size


@pytest.mark.parametrize("text,size", [("1080x1080", (1080, 1080)), (" 728 X 90 ", (728, 90)), ("160×600", (160, 600)),
                                       ("story", (1080, 1920))])
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("bad", ["0x0", "abc", "99999x99999", "10x10", "1080", "-5x10", "1080x1080x3", ""])
def test_parse_size_rejects(bad):
    with pytest.raises(UsageError) as e:
        parse_size(bad)
    assert repr(bad)[1:-1] in str(e.value) or bad == ""


def test_aspect_classes_of_standard_sizes():
    got = {s: aspect_class(s) for s in STANDARD_SIZES}
    assert got == {
        (1080, 1080): "square", (1200, 628): "landscape", (1080, 1920): "story", (1080, 1350): "portrait",
        (800, 800): "square", (300, 250): "square", (728, 90): "leaderboard", (160, 600): "skyscraper",
    }


def test_content_validation():
    with pytest.raises(UsageError, match="title is empty"):
        Content.create("   \u200b ")
    with pytest.raises(UsageError, match="500 characters"):
        Content.create("x" * 500)
    with pytest.raises(UsageError, match="bad price"):
        Content.create("Cup", price="cheap")
    with pytest.raises(UsageError, match="currency"):
        Content.create("Cup", price="3", currency="dollars")
    with pytest.raises(UsageError, match="needs a price"):
        Content.create("Cup", original_price="3")


def test_content_texts_en_and_zh():
    c = Content.create("Cup", price="19.99", original_price="29.99")
    assert c.text_for("price") == "$19.99"
    assert c.text_for("original_price") == "$29.99"
    assert c.text_for("badge") == "-33%"
    assert c.text_for("cta") == "Shop now"
    z = Content.create("茶杯", price="199", original_price="299", currency="CNY", locale="zh-CN")
    assert z.text_for("price") == "¥199"
    assert z.text_for("badge") == "6.7折"
    assert z.text_for("cta") == "立即购买"
    assert Content.create("Cup", price="3", original_price="2").text_for("original_price") is None


def test_parse_price_forms():
    assert parse_price("$1,299.50") == Decimal("1299.50")
    assert parse_price("19,99") == Decimal("19.99")
    assert parse_price("¥199") == Decimal("199")
    assert parse_price(None) is None
