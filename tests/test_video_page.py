"""A product page link as the video's input: fetched safely, images downloaded and analysed,
the page's copy as defaults that options override. Pages are served on 127.0.0.1."""
from __future__ import annotations

import io
import json

import pytest

pytest.importorskip("av")

from creative.content import Content  # noqa: E402
from creative.errors import InputError, UsageError  # noqa: E402
from creative.fetch import BlockedAddressError  # noqa: E402
from creative.testing.http import Reply, serve  # noqa: E402
from creative.video import load_storyboard  # noqa: E402
from creative.video.promo import DOWNLOADS, promo_inputs  # noqa: E402

PAGE = """<!doctype html><html><head><title>Shop</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Product", "name": "Trail Runner 2", "sku": "TR-2",
 "brand": {"@type": "Brand", "name": "Orbit"},
 "description": "Featherlight mesh. Grippy rubber sole. Made for long runs.",
 "image": ["/img/main.png", "/img/side.png", "/img/thumb.png", "/img/gone.png", "/img/main-copy.png"],
 "offers": {"@type": "Offer", "price": "89.00", "priceCurrency": "eur",
            "priceSpecification": {"@type": "UnitPriceSpecification", "priceType": "https://schema.org/ListPrice",
                                   "price": 129}}}
</script></head><body></body></html>"""

NO_PRODUCT = "<html><head><title>About us</title><meta property='og:title' content='About'></head></html>"


def _png(image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def shop():
    """A shop on 127.0.0.1: a product page (two good photos, a thumbnail, a missing image, a copy of the
    main photo under another URL), and a page with no product."""
    from creative.testing.fixtures import synthetic_product

    main, _ = synthetic_product("bottle", (196, 48, 40))
    side, _ = synthetic_product("wide", (30, 90, 170))
    routes = {
        "/p/123": Reply(200, PAGE.encode()),
        "/about": Reply(200, NO_PRODUCT.encode()),
        "/img/main.png": Reply(200, _png(main), "image/png"),
        "/img/side.png": Reply(200, _png(side), "image/png"),
        "/img/thumb.png": Reply(200, _png(main.resize((24, 32))), "image/png"),
        "/img/main-copy.png": Reply(200, _png(main), "image/png"),
    }
    with serve(routes) as srv:
        yield srv


def _cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``creative ARGV`` as the console does (one-line errors, exit codes): (code, stdout, stderr)."""
    from creative.cli import main

    with pytest.raises(SystemExit) as e:
        main(argv)
    out = capsys.readouterr()
    return e.value.code or 0, out.out, out.err


def test_page_gives_copy_and_photos(shop, tmp_path):
    url = shop.url + "/p/123"
    inputs = promo_inputs([url], tmp_path, allow_private_network=True)
    c = inputs.content
    assert (c.title, str(c.price), str(c.original_price), c.currency, c.brand) == ("Trail Runner 2", "89.00", "129", "EUR", "Orbit")
    assert inputs.description.startswith("Featherlight mesh") and inputs.page == url
    assert len(inputs.material) == 4 and all(p.is_relative_to(tmp_path / DOWNLOADS) for p in inputs.material)
    assert inputs.names[inputs.material[0]] == shop.url + "/img/main.png"
    assert inputs.problems == (f"{shop.url}/img/gone.png: HTTP 404 Not Found (skipped)",)


def test_options_override_the_page(shop, tmp_path, product_photos):
    inputs = promo_inputs([shop.url + "/p/123", product_photos["round"]], tmp_path, allow_private_network=True,
                          title="Runner", price="79", currency="usd", brand="Mine", description="Soft. Light.")
    c = inputs.content
    assert (c.title, str(c.price), str(c.original_price), c.currency, c.brand) == ("Runner", "79", "129", "USD", "Mine")
    assert inputs.description == "Soft. Light."
    assert inputs.material[-1] == product_photos["round"], "the user's own files come after the page's photos"


def test_make_from_a_page_link(shop, tmp_path, capsys):
    """`creative video URL --out promo.mp4`: a tiny render whose storyboard carries the page's copy;
    the thumbnail is skipped by the analysis and named by its URL."""
    out = tmp_path / "promo.mp4"
    code, stdout, stderr = _cli(["video", shop.url + "/p/123", "--allow-private-network", "--size", "120x160",
                                 "--duration", "3", "--remover", "fake", "--style", "bold", "--out", str(out)], capsys)
    assert code == 0, stderr
    assert out.is_file() and out.with_suffix(".png").is_file()
    assert stdout.startswith(f"page     {shop.url}/p/123: Trail Runner 2 (4 photos)")
    assert f"warning: skipped {shop.url}/img/thumb.png: too small for 40x40 (is 24x32)" in stderr
    assert f"warning: skipped {shop.url}/img/main-copy.png: duplicate of {shop.url}/img/main.png" in stderr
    assert f"warning: {shop.url}/img/gone.png: HTTP 404" in stderr
    board = load_storyboard(out.with_suffix(".yaml"))
    assert board.content.title == "Trail Runner 2" and board.content.price == "89.00"
    assert board.content.currency == "EUR" and board.content.brand == "Orbit"
    assert board.product.photo.startswith(".creative/downloads/"), "downloaded beside the output, relative paths"
    manifest = json.loads(out.with_suffix(".json").read_text())
    assert any("thumb.png" in p for p in manifest["problems"])


def test_plan_from_a_page_link(shop, tmp_path, capsys):
    """Feature callouts come from the page's description; the page's photos are the material."""
    story = tmp_path / "story.yaml"
    code, stdout, stderr = _cli(["video", "plan", shop.url + "/p/123", "--allow-private-network", "--size", "360x640",
                                 "--duration", "12", "--remover", "fake", "--out", str(story)], capsys)
    assert code == 0, stderr
    board = load_storyboard(story)
    features = next(s for s in board.scenes if s.kind == "features")
    assert [t.text for t in features.texts] == ["Featherlight mesh", "Grippy rubber sole", "Made for long runs"]
    offer = next(s for s in board.scenes if s.kind == "offer")
    assert {"€89", "€129"} <= {t.text for t in offer.texts}
    sources = {s.media.source for s in board.scenes if s.media is not None} | {board.product.photo}
    assert all(src.startswith(".creative/downloads/") for src in sources) and len(sources) == 2


def test_private_address_refused_without_the_flag(shop, tmp_path, capsys):
    n = len(shop.requests)
    code, _, err = _cli(["video", "plan", shop.url + "/p/123", "--remover", "fake", "--out", str(tmp_path / "s.yaml")],
                        capsys)
    assert code == 1
    assert err.startswith(f"error: {shop.url}/p/123: refused: 127.0.0.1 resolves to a loopback address")
    assert "--allow-private-network" in err and len(err.strip().splitlines()) == 1
    assert len(shop.requests) == n, "refused before connecting"
    with pytest.raises(BlockedAddressError):
        promo_inputs([shop.url + "/p/123"], tmp_path)


def test_page_without_a_product(shop, tmp_path, capsys):
    code, _, err = _cli(["video", "plan", shop.url + "/about", "--allow-private-network", "--remover", "fake",
                         "--out", str(tmp_path / "s.yaml")], capsys)
    assert code == 1 and err.startswith(f"error: {shop.url}/about: no product data on the page")
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "s.yaml").exists()


def test_a_page_whose_images_all_fail(tmp_path):
    page = PAGE.replace('"/img/main.png", "/img/side.png", "/img/thumb.png", "/img/gone.png", "/img/main-copy.png"',
                        '"/img/gone.png"')
    with serve({"/p": Reply(200, page.encode())}) as srv:
        with pytest.raises(InputError, match=r"/p: none of the page's 1 image\(s\) could be downloaded; first: .*404"):
            promo_inputs([srv.url + "/p"], tmp_path, allow_private_network=True)


def test_title_needed_without_a_page(product_photos, tmp_path, capsys):
    with pytest.raises(UsageError, match="no title: give the product's name with --title"):
        promo_inputs([product_photos["bottle"]], tmp_path)
    code, _, err = _cli(["video", "plan", str(product_photos["bottle"]), "--out", str(tmp_path / "s.yaml")], capsys)
    assert code == 2 and err.startswith("error: no title") and len(err.strip().splitlines()) == 1
    assert isinstance(promo_inputs([product_photos["bottle"]], tmp_path, title="Lamp").content, Content)


def test_one_page_at_a_time(tmp_path):
    with pytest.raises(UsageError, match="give one product page link, not 2"):
        promo_inputs(["https://a.example/p/1", "https://b.example/p/2"], tmp_path)
