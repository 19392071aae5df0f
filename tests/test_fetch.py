"""Safe fetching: schemes, limits, redirects, the private-address rule (after DNS and redirects), page parsing."""
import io
import json
import socket

import pytest
from PIL import Image

from creative.fetch import (BlockedAddressError, FetchError, FetchPolicy, Fetcher, fetch_product_page, is_public_address,
                            parse_product_page)
from creative.fetch import net
from creative.testing.http import Reply, serve


def png_bytes(color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, "PNG")
    return buf.getvalue()


PAGE_LD = """<!doctype html><html><head><title>Shop</title>
<script type="application/ld+json">{ not json at all </script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "BreadcrumbList", "name": "crumbs"},
  {"@type": ["Product"], "name": "Trail Runner 2", "sku": "TR-2", "brand": {"@type": "Brand", "name": "Orbit"},
   "description": "Light shoe.", "image": [{"@type": "ImageObject", "url": "/img/shoe.png"}, "https://cdn.example/2.jpg"],
   "offers": [{"@type": "Offer", "price": "89.00", "priceCurrency": "usd",
               "priceSpecification": [{"@type": "UnitPriceSpecification", "priceType": "https://schema.org/ListPrice", "price": 129}]}]}
]}
</script></head><body></body></html>"""

PAGE_OG = """<html><head>
<meta property="og:type" content="product"><meta property="og:title" content="Dahlia Bouquet">
<meta property="og:image" content="img/dahlia.png"><meta name="description" content="Fresh dahlias">
<meta property="product:price:amount" content="199"><meta property="product:sale_price:amount" content="129">
<meta property="product:price:currency" content="CNY"><meta property="product:brand" content="花间集">
</head><body>hi</body></html>"""

PAGE_NONE = "<html><head><title>About us</title><meta property='og:title' content='About'></head></html>"


def test_public_address_table():
    public = ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888"]
    private = ["127.0.0.1", "127.8.9.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
               "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1", "240.0.0.1",
               "2002:7f00:0001::1"]
    assert all(is_public_address(a) for a in public)
    assert not any(is_public_address(a) for a in private)


@pytest.mark.parametrize("url,needle", [
    ("file:///etc/passwd", "only http and https"),
    ("ftp://example.com/x.jpg", "only http and https"),
    ("gopher://x", "only http and https"),
    ("http://", "has no host"),
    ("not a url", "only http and https"),
])
def test_only_http_and_https(url, needle):
    with Fetcher() as f, pytest.raises(FetchError, match=needle):
        f.get(url)


def test_loopback_refused_without_flag_and_allowed_with_it():
    with serve({"/p": Reply(200, PAGE_LD.encode())}) as srv:
        url = srv.url + "/p"
        with Fetcher(FetchPolicy()) as f, pytest.raises(BlockedAddressError) as e:
            f.get(url)
        assert str(e.value).startswith(url) and "loopback address 127.0.0.1" in str(e.value)
        assert "--allow-private-network" in str(e.value)
        assert srv.requests == []  # refused before connecting
        with Fetcher(FetchPolicy(allow_private=True)) as f:
            assert b"Trail Runner" in f.get(url).body


def test_guarded_transport_is_in_place():
    """The private-address check lives in the transport's pool; guard the httpx internals it relies on."""
    with Fetcher() as f:
        pool = f._client._transport._pool
        assert isinstance(pool._network_backend, net._GuardedBackend)


@pytest.fixture()
def fake_dns(monkeypatch):
    """Names that resolve to loopback addresses; 127.0.0.1 counts as public here, 127.0.0.2 as private."""
    real = socket.getaddrinfo
    table = {"shop.test": ["127.0.0.1"], "evil.test": ["127.0.0.2"], "rebind.test": ["127.0.0.1", "127.0.0.2"]}

    def getaddrinfo(host, port, *a, **kw):
        if host in table:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in table[host]]
        return real(host, port, *a, **kw)

    real_problem = net.address_problem

    def problem(ip):
        if str(ip) == "127.0.0.1":
            return None
        return real_problem(ip)

    monkeypatch.setattr(net.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(net, "address_problem", problem)


def test_check_holds_after_dns_and_redirects(fake_dns):
    with serve({}) as srv:
        port = srv.server_address[1]
        srv.routes.update({
            "/ok": Reply(200, b"fine"),
            "/to-private": Reply(302, headers={"Location": f"http://127.0.0.2:{port}/ok"}),
            "/to-evil-name": Reply(301, headers={"Location": f"http://evil.test:{port}/ok"}),
        })
        with Fetcher() as f:
            assert f.get(f"http://shop.test:{port}/ok").body == b"fine"
            with pytest.raises(BlockedAddressError, match="127.0.0.2"):
                f.get(f"http://shop.test:{port}/to-private")
            with pytest.raises(BlockedAddressError, match="evil.test resolves to a loopback address 127.0.0.2"):
                f.get(f"http://shop.test:{port}/to-evil-name")
            with pytest.raises(BlockedAddressError, match="rebind.test"):
                f.get(f"http://rebind.test:{port}/ok")  # one bad address among the answers is enough


def test_limits_size_time_redirects_and_schemes():
    big = b"x" * 300_000
    with serve({}) as srv:
        srv.routes.update({
            "/big": Reply(200, big, "application/octet-stream"),
            "/liar": Reply(200, big, "application/octet-stream", length=len(big)),
            "/slow": Reply(200, b"late", delay=3.0),
            "/drip": Reply(200, b"y" * 8000, drip=0.4),
            "/loop": Reply(302, headers={"Location": "/loop"}),
            "/ftp": Reply(302, headers={"Location": "ftp://example.com/x"}),
            "/404": Reply(404, b"nope"),
        })
        pol = FetchPolicy(allow_private=True, max_bytes=100_000, timeout=1.0, max_redirects=3)
        with Fetcher(pol) as f:
            with pytest.raises(FetchError, match="over the 100,000-byte limit"):
                f.get(srv.url + "/big")
            with pytest.raises(FetchError, match="timed out after 1 s"):
                f.get(srv.url + "/slow")
            with pytest.raises(FetchError, match="timed out after 1 s"):
                f.get(srv.url + "/drip")  # each piece is quick; the whole is not
            with pytest.raises(FetchError, match="too many redirects \\(more than 3\\)"):
                f.get(srv.url + "/loop")
            with pytest.raises(FetchError, match="only http and https"):
                f.get(srv.url + "/ftp")
            with pytest.raises(FetchError, match="HTTP 404"):
                f.get(srv.url + "/404")
        assert sum(1 for r in srv.requests if r.path == "/loop") == 4  # the first request and 3 redirects


def test_download_image_is_atomic_cached_and_checked(tmp_path):
    with serve({"/a.png": Reply(200, png_bytes(), "image/png"), "/page.jpg": Reply(200, b"<html>oops</html>")}) as srv:
        with Fetcher(FetchPolicy(allow_private=True)) as f:
            p = f.download_image(srv.url + "/a.png", tmp_path)
            assert Image.open(p).size == (40, 30)
            assert f.download_image(srv.url + "/a.png", tmp_path) == p
            assert len([r for r in srv.requests if r.path == "/a.png"]) == 1
            with pytest.raises(FetchError, match="not an image \\(content type text/html\\)"):
                f.download_image(srv.url + "/page.jpg", tmp_path)
    assert not list(tmp_path.rglob("*.part"))


def test_parse_json_ld_graph_offers_and_list_price():
    p = parse_product_page(PAGE_LD, "https://shop.example/p/tr2")
    assert (p.id, p.title, p.brand, p.price, p.original_price, p.currency, p.source) == (
        "TR-2", "Trail Runner 2", "Orbit", "89.00", "129", "USD", "json-ld")
    assert p.images == ("https://shop.example/img/shoe.png", "https://cdn.example/2.jpg")


def test_parse_opengraph_fallback_and_sale_price():
    p = parse_product_page(PAGE_OG, "https://shop.example/flowers/d")
    assert (p.title, p.price, p.original_price, p.currency, p.brand, p.source) == (
        "Dahlia Bouquet", "129", "199", "CNY", "花间集", "opengraph")
    assert p.images == ("https://shop.example/flowers/img/dahlia.png",)
    assert p.id.startswith("page-")


@pytest.mark.parametrize("html,needle", [
    (PAGE_NONE, "no product data on the page"),
    ("", "no product data"),
    ('<script type="application/ld+json">{"@type": "Product", "name": "X"}</script>', "has no image"),
    ("<html><<<>>><meta property='og:type' content='product'><meta property='og:title' content='T'>", "has no image"),
])
def test_pages_without_product(html, needle):
    with pytest.raises(FetchError, match=needle):
        parse_product_page(html, "https://shop.example/x")


def test_fetch_product_page_end_to_end():
    with serve({"/p": Reply(200, PAGE_OG.encode()), "/j": Reply(200, b"{}", "application/json")}) as srv:
        with Fetcher(FetchPolicy(allow_private=True)) as f:
            page = fetch_product_page(srv.url + "/p", f)
            assert page.images == (srv.url + "/img/dahlia.png",)
            with pytest.raises(FetchError, match="expected an HTML product page, got application/json"):
                fetch_product_page(srv.url + "/j", f)


def test_charset_from_meta():
    body = ('<html><head><meta charset="gbk"><meta property="og:type" content="product">'
            '<meta property="og:title" content="大丽花"><meta property="og:image" content="/a.png"></head></html>').encode("gbk")
    with serve({"/p": Reply(200, body, "text/html")}) as srv:
        with Fetcher(FetchPolicy(allow_private=True)) as f:
            assert fetch_product_page(srv.url + "/p", f).title == "大丽花"


def test_json_ld_is_data_not_code():
    """A page cannot make the parser run anything: scripts are read as JSON or ignored."""
    html = ('<script>window.x = 1</script><script type="application/ld+json">'
            + json.dumps({"@type": "Product", "name": "{{7*7}} ${7*7}", "image": "javascript:alert(1)"}) + "</script>")
    p = parse_product_page(html, "https://shop.example/x")
    assert p.title == "{{7*7}} ${7*7}"
    with Fetcher() as f, pytest.raises(FetchError, match="only http and https"):
        f.download_image(p.images[0], __import__("pathlib").Path("/tmp"))
