"""The web console's files as the gateway serves them (docs/gateway.md "The
console's files"), over real sockets: the one page for every /console/ path
and the assets by name, each with its type, the content security policy and
no caching; no name leaves the folder (.., %2e%2e, dotfiles), an unknown
kind is 404, a method other than GET and HEAD is 405. Requests are sent as
raw bytes, so that no client library tidies a path before it leaves."""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
CONSOLE = os.path.join(h.ROOT, "services", "gateway", "console")


def setup_module():
    global S
    S = System("console")
    S.start_services(["gateway"])


def teardown_module():
    if S:
        S.shutdown()


def raw(method, path):
    """(status, headers, body) of one request sent byte for byte."""
    host, port = S.config.gateway_http.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(("%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (method, path, host)).encode())
        got = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    head, _, body = got.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, body


def file_bytes(name):
    with open(os.path.join(CONSOLE, name), "rb") as f:
        return f.read()


def test_every_console_path_is_the_one_page_with_its_policy():
    for path in ("/console/", "/console/board", "/console/tickets/42", "/console/pop/AbCdEf"):
        status, headers, body = raw("GET", path)
        assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8"), (path, status, headers)
        assert body == file_bytes("index.html"), path
        csp = headers["content-security-policy"]
        for rule in ("script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
            assert rule in csp, (rule, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
        assert headers["x-content-type-options"] == "nosniff", headers
        assert headers["cache-control"] == "no-store", headers
        assert headers["referrer-policy"] == "no-referrer", headers
    for path in ("/", "/console"):
        status, headers, _ = raw("GET", path)
        assert (status, headers["location"]) == (302, "/console/"), (path, status, headers)


def test_assets_by_name_with_their_types():
    for name, ctype in (("core.js", "text/javascript; charset=utf-8"), ("kefu.css", "text/css; charset=utf-8"),
                        ("print.css", "text/css; charset=utf-8"),
                        ("pages/login.js", "text/javascript; charset=utf-8")):
        status, headers, body = raw("GET", "/console/assets/" + name)
        assert (status, headers["content-type"]) == (200, ctype), (name, status, headers)
        assert body == file_bytes("assets/" + name), name
        assert "script-src 'self'" in headers["content-security-policy"], headers
    status, headers, body = raw("HEAD", "/console/assets/core.js")
    assert (status, body) == (200, b""), (status, body)


def test_no_name_leaves_the_folder():
    for path in ("/console/assets/../index.html", "/console/assets/../../schemas/openapi.yaml",
                 "/console/assets/%2e%2e/index.html", "/console/assets/%2E%2E/%2E%2E/README.md",
                 "/console/assets/..%2findex.html", "/console/assets/.htaccess", "/console/assets/pages/.x.js",
                 "/console/assets/./core.js", "/console/assets//core.js", "/console/assets/",
                 "/console/assets/nothing.js", "/console/assets/core.js.map",
                 "/console/assets/pages"):
        status, headers, body = raw("GET", path)
        assert (status, headers.get("content-type")) == (404, "application/json"), (path, status, headers)
        assert json.loads(body)["code"] == "not_found", (path, body)


def test_only_get_and_head():
    for method, path in (("POST", "/console/"), ("PUT", "/console/assets/core.js"), ("DELETE", "/console/board")):
        status, headers, body = raw(method, path)
        assert (status, headers["allow"]) == (405, "GET, HEAD"), (method, path, status, headers)
        assert json.loads(body)["code"] == "method_not_allowed", body


def test_an_encoded_nul_is_400():
    # the name would end at the NUL: core.js answered for core.js%00.png
    for path in ("/console/assets/core.js%00.png", "/console/%00", "/api/v1/tickets/1%00", "/console/x?a=b%00c"):
        status, headers, body = raw("GET", path)
        assert (status, headers.get("content-type")) == (400, "application/json"), (path, status, headers)
        assert json.loads(body)["code"] == "invalid", (path, body)
    status, _, _ = raw("GET", "/console/assets/core.js")   # the next request is served as ever
    assert status == 200, status
