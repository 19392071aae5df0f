"""Phrase banks: what banners say, per language, per occasion and per tone.

Phrases may name product fields in braces, filled by the engine with plain string
replacement (never ``str.format``): ``{title}``, ``{brand}``, ``{type}``, ``{color}``,
``{off}`` (percent off, "30"), ``{zhe}`` (Chinese discount, "7" for 7折), ``{save}``
(the amount saved, formatted for the locale). A phrase whose fields the product lacks
is not used. Claims a merchant would have to honour (free shipping, returns, "best
seller") are deliberately absent.
"""
from __future__ import annotations

OCCASIONS: tuple[str, ...] = ("double-11", "618", "black-friday", "new-arrival", "clearance", "everyday")
TONES: tuple[str, ...] = ("neutral", "playful", "warm", "premium", "urgent")
ROLES: tuple[str, ...] = ("headline", "subhead", "cta", "badge")

Bank = dict[str, dict[str, tuple[str, ...]]]

EN_OCCASIONS: Bank = {
    "double-11": {
        "headline": ("{title}", "11.11: {title}", "Singles' Day: {title}"),
        "subhead": ("The biggest sale of the year is on", "11.11 prices on {brand}", "Singles' Day deals, while they last",
                    "Stock up for 11.11"),
        "badge": ("11.11", "11.11 DEAL", "SINGLES' DAY"),
        "cta": ("Shop 11.11", "Grab the deal", "Shop the sale"),
    },
    "618": {
        "headline": ("{title}", "618: {title}", "Mid-year sale: {title}"),
        "subhead": ("Mid-year sale: prices drop now", "618 mid-year deals", "Mid-year savings on {brand}"),
        "badge": ("618", "618 DEAL", "MID-YEAR"),
        "cta": ("Shop 618", "Shop the sale", "Get the deal"),
    },
    "black-friday": {
        "headline": ("{title}", "Black Friday: {title}"),
        "subhead": ("Black Friday prices are live", "Our lowest prices of the season", "Black Friday deals on {brand}",
                    "While stocks last"),
        "badge": ("BLACK FRIDAY", "BF DEAL", "DOORBUSTER"),
        "cta": ("Shop Black Friday", "Get the deal", "Shop now"),
    },
    "new-arrival": {
        "headline": ("{title}", "New: {title}", "Just in: {title}"),
        "subhead": ("Just landed from {brand}", "Be the first to own it", "New season, new {type}", "Fresh in: {color}"),
        "badge": ("NEW", "JUST IN", "NEW IN"),
        "cta": ("Discover", "See what's new", "Shop new in"),
    },
    "clearance": {
        "headline": ("{title}", "Clearance: {title}"),
        "subhead": ("Last chance: final reductions", "Everything must go", "Up to {off}% off, while stocks last",
                    "Clearance prices on {brand}"),
        "badge": ("CLEARANCE", "LAST CHANCE", "FINAL SALE"),
        "cta": ("Shop clearance", "Grab it now", "Last chance"),
    },
    "everyday": {
        "headline": ("{title}",),
        "subhead": ("Designed for every day", "Quality you can feel", "{brand}, made to last", "In {color}, made to last"),
        "badge": (),
        "cta": ("Shop now", "Buy now", "See details"),
    },
}

EN_TONES: Bank = {
    "neutral": {"subhead": (), "cta": ("Shop now",)},
    "playful": {"subhead": ("Your new favourite {type}", "Go on, treat yourself", "Made to make you smile"),
                "cta": ("Grab yours", "Get it now", "Treat yourself")},
    "warm": {"subhead": ("Made for the ones you love", "A gift they'll remember", "Comfort for the whole family"),
             "cta": ("Shop gifts", "Find yours", "Shop now")},
    "premium": {"subhead": ("Crafted by {brand}", "Understated, exceptional", "Quality that lasts", "The {type}, refined"),
                "cta": ("Discover", "Explore", "Discover more")},
    "urgent": {"subhead": ("Ends soon", "Limited stock, while it lasts", "Don't miss out"),
               "cta": ("Buy now", "Order now", "Shop before it's gone")},
}

EN_DISCOUNT: tuple[str, ...] = ("-{off}%", "{off}% OFF", "SAVE {off}%", "SAVE {save}")

ZH_OCCASIONS: Bank = {
    "double-11": {
        "headline": ("{title}", "双11 · {title}", "双十一 {title}"),
        "subhead": ("双11狂欢 全年好价", "{brand}双11特惠", "限时抢购 先到先得", "双11爆款 立即囤货"),
        "badge": ("双11", "双11特惠", "狂欢价"),
        "cta": ("立即抢购", "马上抢", "去抢购"),
    },
    "618": {
        "headline": ("{title}", "618 · {title}"),
        "subhead": ("618年中大促 限时特惠", "{brand}年中狂欢", "年中好价 不容错过"),
        "badge": ("618", "年中大促", "618特惠"),
        "cta": ("立即抢购", "马上抢", "去抢购"),
    },
    "black-friday": {
        "headline": ("{title}", "黑五 · {title}"),
        "subhead": ("黑色星期五 全场特惠", "黑五好价 限时抢购", "{brand}黑五特惠"),
        "badge": ("黑五", "黑五特惠", "黑五价"),
        "cta": ("立即购买", "马上抢", "去看看"),
    },
    "new-arrival": {
        "headline": ("{title}", "新品 · {title}", "上新 · {title}"),
        "subhead": ("新品上市 抢先体验", "{brand}全新上市", "当季新款 先人一步"),
        "badge": ("新品", "上新", "NEW"),
        "cta": ("立即查看", "抢先购", "了解更多"),
    },
    "clearance": {
        "headline": ("{title}", "清仓 · {title}"),
        "subhead": ("清仓特卖 最后机会", "低至{zhe}折 售完即止", "断码清仓 手慢无"),
        "badge": ("清仓", "特卖", "最后机会"),
        "cta": ("立即抢购", "马上抢", "去抢购"),
    },
    "everyday": {
        "headline": ("{title}",),
        "subhead": ("{brand}品质之选", "日常好物 品质之选", "简约耐用 天天好用"),
        "badge": (),
        "cta": ("立即购买", "查看详情", "马上购买"),
    },
}

ZH_TONES: Bank = {
    "neutral": {"subhead": (), "cta": ("立即购买",)},
    "playful": {"subhead": ("宠自己一下", "好看又好玩", "心动不如行动"), "cta": ("马上入手", "快来抢", "冲鸭")},
    "warm": {"subhead": ("给家人最好的", "温暖陪伴每一天", "送给最爱的TA"), "cta": ("立即选购", "带回家")},
    "premium": {"subhead": ("{brand}匠心之作", "低调奢华 品质之选", "臻选品质 卓越体验"), "cta": ("探索更多", "立即探索")},
    "urgent": {"subhead": ("限时限量 售完即止", "手慢无", "最后几小时"), "cta": ("立即抢购", "马上抢")},
}

ZH_DISCOUNT: tuple[str, ...] = ("{zhe}折", "直降{save}", "立省{save}")

#: language -> (occasion bank, tone bank, discount badges)
BANKS: dict[str, tuple[Bank, Bank, tuple[str, ...]]] = {
    "en": (EN_OCCASIONS, EN_TONES, EN_DISCOUNT),
    "zh": (ZH_OCCASIONS, ZH_TONES, ZH_DISCOUNT),
}


def bank_for(lang: str) -> tuple[Bank, Bank, tuple[str, ...]]:
    """The banks of a language; a language without one is a :class:`UsageError` naming the choices."""
    from ..errors import UsageError

    if lang not in BANKS:
        raise UsageError(f"no phrase bank for language '{lang}' (have: {', '.join(sorted(BANKS))}); "
                         "use an OpenAI-compatible copy provider for other languages")
    return BANKS[lang]
