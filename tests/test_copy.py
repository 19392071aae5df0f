"""The copy engine: phrase banks per locale and occasion, slot-length aware, deterministic; the optional LLM provider."""
import json
import re
from decimal import Decimal

import pytest

from creative.content import Content
from creative.copy import (OCCASIONS, TONES, BankWriter, CopyProviderError, CopyRequest, OpenAICompatibleWriter, SlotLimits,
                           get_writer, shorten_title, slot_limits, text_units, write_copy)
from creative.copy.banks import BANKS
from creative.errors import UsageError
from creative.sizes import STANDARD_SIZES
from creative.template import all_templates
from creative.testing.http import Reply, serve

FIELDS = {"title", "brand", "type", "color", "off", "zhe", "save"}


def req(**kw) -> CopyRequest:
    base = dict(product_id="p1", title="Trail Runner 2", locale="en-US", occasion="black-friday", tone="neutral",
                brand="Orbit", price=Decimal("89"), original_price=Decimal("129"), currency="USD")
    base.update(kw)
    return CopyRequest(**base)


def test_banks_cover_every_occasion_and_use_known_fields():
    for lang, (occasions, tones, discounts) in BANKS.items():
        assert set(occasions) == set(OCCASIONS), lang
        assert set(tones) == set(TONES), lang
        for occ, roles in occasions.items():
            assert roles["headline"] and roles["subhead"] and roles["cta"], (lang, occ)
        phrases = [p for roles in list(occasions.values()) + list(tones.values()) for ps in roles.values() for p in ps]
        for p in phrases + list(discounts):
            assert set(re.findall(r"\{([a-z]+)\}", p)) <= FIELDS, p
            assert "{" not in re.sub(r"\{[a-z]+\}", "", p), p


def test_deterministic_for_a_seed_and_varied_across_seeds_and_products():
    assert write_copy(req(seed=3)) == write_copy(req(seed=3))
    many = {write_copy(req(seed=s, product_id=f"p{s}", occasion="double-11")) for s in range(30)}
    assert len({(c.subhead, c.cta) for c in many}) >= 4


def test_occasions_and_locales_speak_differently():
    en = write_copy(req(occasion="new-arrival", original_price=None))
    zh = write_copy(req(occasion="new-arrival", original_price=None, locale="zh-CN", title="跑鞋"))
    assert en.badge in ("NEW", "JUST IN", "NEW IN")
    assert zh.badge in ("新品", "上新", "NEW")
    assert re.search(r"[\u4e00-\u9fff]", zh.cta)


def test_discount_badges_per_locale():
    assert write_copy(req()).badge in ("-31%", "31% OFF", "SAVE 31%", "SAVE $40")
    zh = write_copy(req(locale="zh-CN", currency="CNY"))
    assert zh.badge in ("6.9折", "直降¥40", "立省¥40")


def test_slot_aware_short_choices_and_badge_left_out_when_it_cannot_fit():
    tight = SlotLimits(headline=8, subhead=14, cta=8, badge=3)
    for seed in range(20):
        c = write_copy(req(seed=seed, occasion="black-friday", limits=tight, original_price=None))
        assert text_units(c.cta) <= 8 or c.cta == min(("Shop Black Friday", "Get the deal", "Shop now", "Shop now"), key=len)
        assert c.badge is None  # "BF DEAL" (7) and friends cannot fit 3 units
        assert c.subhead is None or text_units(c.subhead) <= 14
    none = write_copy(req(limits=SlotLimits(headline=40, subhead=0, cta=0, badge=0)))
    assert (none.subhead, none.cta, none.badge) == (None, None, None)


def test_same_phrase_where_it_fits():
    """One product and segment say the same thing at every size where it fits."""
    wide = write_copy(req(seed=5, limits=SlotLimits(80, 80, 40, 20)))
    wider = write_copy(req(seed=5, limits=SlotLimits(120, 120, 60, 30)))
    assert (wide.subhead, wide.cta, wide.badge) == (wider.subhead, wider.cta, wider.badge)


def test_text_units_and_shorten_title():
    assert text_units("abc") == 3 and text_units("大丽花") == 6 and text_units("e\u0301") == 1
    assert shorten_title("Trail Runner 2 - Lightweight running shoe for long days", 20) == "Trail Runner 2"
    assert shorten_title("Short", 20) == "Short"
    assert shorten_title("Averyveryverylongwordwithoutbreaks", 10) == "Averyveryverylongwordwithoutbreaks"


def test_unknown_names_fail_with_choices():
    with pytest.raises(UsageError, match="unknown occasion 'easter'; choose one of: double-11"):
        write_copy(req(occasion="easter"))
    with pytest.raises(UsageError, match="unknown copy tone 'angry'"):
        write_copy(req(tone="angry"))
    with pytest.raises(UsageError, match="no phrase bank for language 'de'"):
        write_copy(req(locale="de-DE"))


def test_slot_limits_of_bundled_templates():
    for t in all_templates():
        has_badge = any(getattr(l, "role", None) == "badge" for l in t.layers)
        for size in STANDARD_SIZES:
            lim = slot_limits(t, size)
            assert lim.headline > 0, (t.name, size)
            if not has_badge:
                assert lim.badge == 0
    t = all_templates()[0]
    assert slot_limits(t, (1080, 1080)) is slot_limits(t, (1080, 1080))


@pytest.mark.parametrize("locale,currency,title", [("en-US", "USD", "Espresso Cup Set – Cobalt"),
                                                   ("zh-CN", "CNY", "浓缩咖啡杯碟套装 钴蓝")])
def test_every_combination_makes_valid_content(locale, currency, title):
    for t in all_templates():
        for size in STANDARD_SIZES:
            for occ in OCCASIONS:
                for tone in TONES:
                    c = write_copy(req(title=title, locale=locale, currency=currency, occasion=occ, tone=tone,
                                       product_type="Home > Cups", color="Cobalt", limits=slot_limits(t, size)))
                    Content.create(c.headline, subhead=c.subhead, price="89", original_price="129", currency=currency,
                                   locale=locale, badge=c.badge, cta=c.cta)


# -- the optional OpenAI-compatible provider --------------------------------------------------------------


def chat_reply(content: str) -> Reply:
    body = {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    return Reply(200, json.dumps(body).encode(), "application/json")


def test_provider_against_fake_server(tmp_path, monkeypatch):
    answer = json.dumps({"headline": "Run lighter", "subhead": "Black Friday: 31% off the Trail Runner 2",
                         "cta": "Get yours before the weekend is over and gone", "badge": "-31%"})
    with serve({"/v1/chat/completions": chat_reply("```json\n" + answer + "\n```")}) as srv:
        monkeypatch.setenv("CREATIVE_COPY_URL", srv.url + "/v1")
        monkeypatch.setenv("CREATIVE_COPY_KEY", "sk-test")
        monkeypatch.setenv("CREATIVE_COPY_MODEL", "tiny-model")
        w = get_writer("auto", cache_dir=tmp_path)
        assert isinstance(w, OpenAICompatibleWriter)
        r = req(limits=SlotLimits(headline=40, subhead=60, cta=20, badge=8))
        c = w.write(r)
        assert (c.headline, c.subhead, c.badge) == ("Run lighter", "Black Friday: 31% off the Trail Runner 2", "-31%")
        src = dict(c.source)
        assert src["headline"] == "llm" and src["cta"] == "bank"  # too long for its slot: from the banks, and it says so
        assert text_units(c.cta) <= 20
        sent = srv.requests[0]
        assert sent.headers["authorization"] == "Bearer sk-test"
        body = json.loads(sent.body)
        assert body["model"] == "tiny-model" and body["temperature"] == 0 and body["seed"] == 0
        assert "Trail Runner 2" in body["messages"][1]["content"]
        assert w.write(r) == c and len(srv.requests) == 1  # answered from the cache: same words on a re-run
    w2 = OpenAICompatibleWriter(srv.url + "/v1", model="tiny-model", cache_dir=tmp_path)
    assert w2.write(r) == c  # even with the server gone


def test_provider_non_json_answer_falls_back_per_role(tmp_path):
    with serve({"/v1/chat/completions": chat_reply("Sure! Here is some copy for you.")}) as srv:
        c = OpenAICompatibleWriter(srv.url + "/v1", cache_dir=tmp_path).write(req())
    assert c == write_copy(req()).__class__(**{**write_copy(req()).__dict__, "source": c.source})
    assert set(dict(c.source).values()) == {"bank"}


def test_provider_unreachable_or_refused_is_a_clear_error(tmp_path):
    with serve({"/v1/chat/completions": Reply(401, b"{}", "application/json")}) as srv:
        url = srv.url + "/v1"
        with pytest.raises(CopyProviderError, match="refused the key \\(HTTP 401\\); check CREATIVE_COPY_KEY"):
            OpenAICompatibleWriter(url).write(req())
    with pytest.raises(CopyProviderError, match=rf"copy provider {re.escape(url)}/chat/completions is unreachable .*CREATIVE_COPY_URL"):
        OpenAICompatibleWriter(url).write(req())  # the server is gone: connection refused


def test_writer_selection(monkeypatch):
    monkeypatch.delenv("CREATIVE_COPY_URL", raising=False)
    assert isinstance(get_writer("auto"), BankWriter)
    assert isinstance(get_writer("bank"), BankWriter)
    with pytest.raises(UsageError, match="needs CREATIVE_COPY_URL"):
        get_writer("openai")
    with pytest.raises(UsageError, match="unknown copy provider 'gpt'"):
        get_writer("gpt")
    monkeypatch.setenv("CREATIVE_COPY_URL", "ftp://x")
    with pytest.raises(UsageError, match="expected an http\\(s\\) URL"):
        get_writer("auto")
