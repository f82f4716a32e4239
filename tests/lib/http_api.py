"""An HTTP client of kefu-gateway for tests (docs/gateway.md), with every
response checked against the contract, schemas/openapi.yaml:

  - the operation (method and path template) is in the contract, and the
    response's status is one it declares (a path the contract does not
    have fails the check: every test that uses the API proves the file);
  - a JSON body is valid against the declared response schema, with its
    $refs resolved to schemas/requests, schemas/replies and components
    (python3-jsonschema, draft 2020-12, formats checked as for messages).

    api = S.http()                                  # CC01's bearer token
    r = api.get("/api/v1/tickets/%d" % ticket_id)   # checked
    assert r.status == 200, r
    r.json["ticket"]["status"]

One client keeps one connection open (HTTP/1.1 keep-alive) and reconnects
when the server closed it. check=False skips the contract (for what it
does not describe: an unknown path); the body is then still JSON-decoded.
"""
import http.client
import json
import os
import re
import ssl
import sys
import urllib.parse

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from check_messages import FORMATS, Validator  # noqa: E402
import jsonschema  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OPENAPI = os.path.join(ROOT, "schemas", "openapi.yaml")
METHODS = ("get", "post", "put", "patch", "delete")


class ContractError(AssertionError):
    pass


class Contract:
    """schemas/openapi.yaml, loaded once per process."""
    _loaded = None

    @classmethod
    def get(cls):
        if cls._loaded is None:
            cls._loaded = cls(OPENAPI)
        return cls._loaded

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.uri = "file://" + os.path.abspath(path)
        self.templates = []   # (regex, template)
        for template in (self.doc.get("paths") or {}):
            pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
            self.templates.append((re.compile(pattern), template))
        self.validators = {}

    def operation(self, method, path):
        """(template, operation) of a request, or (None, None)."""
        for regex, template in self.templates:
            if regex.match(path):
                op = self.doc["paths"][template].get(method.lower())
                return template, op
        return None, None

    def _resolve(self, node):
        """A $ref into this document ('#/components/...'), followed."""
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            parts = node["$ref"][2:].split("/")
            node = self.doc
            for part in parts:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _validator(self, pointer, schema):
        if pointer not in self.validators:
            resolver = jsonschema.RefResolver(base_uri=self.uri, referrer=self.doc)
            self.validators[pointer] = Validator(schema, resolver=resolver, format_checker=FORMATS)
        return self.validators[pointer]

    def check(self, method, path, response):
        template, op = self.operation(method, path)
        if op is None:
            raise ContractError("%s %s: no such operation in schemas/openapi.yaml (path %s)"
                                % (method, path, template))
        responses = op.get("responses") or {}
        declared = responses.get(str(response.status)) or responses.get("%dXX" % (response.status // 100))
        if declared is None:
            raise ContractError("%s %s answered %d, which schemas/openapi.yaml does not declare "
                                "for %s (declared: %s); body %r"
                                % (method, path, response.status, template, sorted(responses),
                                   response.body[:300]))
        declared = self._resolve(declared)
        content = declared.get("content") or {}
        ctype = (response.headers.get("content-type") or "").split(";")[0].strip()
        if not response.body:
            return
        if ctype not in content:
            raise ContractError("%s %s answered %d with %s, not among %s"
                                % (method, path, response.status, ctype, sorted(content)))
        schema = (content[ctype] or {}).get("schema")
        if ctype != "application/json" or schema is None:
            return
        key = (template, method.lower(), str(response.status))
        errors = sorted(self._validator(key, schema).iter_errors(response.json),
                        key=lambda e: list(e.path))
        if errors:
            raise ContractError("%s %s answered %d with a body that does not match the contract: %s"
                                % (method, path, response.status,
                                   "; ".join("%s: %s" % ("/".join(str(p) for p in e.path) or "(top)",
                                                         e.message) for e in errors[:5])))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body
        self.json = None
        ctype = self.headers.get("content-type", "")
        if body and ctype.startswith("application/json"):
            self.json = json.loads(body.decode("utf-8"))

    @property
    def text(self):
        return self.body.decode("utf-8")

    def __repr__(self):
        return "<HTTP %d %s %r>" % (self.status, self.headers, self.body[:500])


class HttpApi:
    def __init__(self, address, token=None, cookie=None, csrf=None, tls=None, timeout=60, check=True):
        """address "127.0.0.1:PORT"; tls: an ssl.SSLContext for HTTPS (or
        True: trust nothing, check nothing, for a self-signed test cert)."""
        host, port = address.rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.token, self.cookie, self.csrf = token, cookie, csrf
        if tls is True:
            tls = ssl.create_default_context()
            tls.check_hostname = False
            tls.verify_mode = ssl.CERT_NONE
        self.tls = tls
        self.timeout = timeout
        self.check = check
        self.conn = None
        self.connections = 0   # connections opened so far (keep-alive tests)

    def _connect(self):
        if self.tls:
            self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                    context=self.tls)
        else:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        self.connections += 1

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, query=None, headers=None, raw=None,
                content_type="application/json", check=None):
        """body: a JSON value (sent as JSON); raw: bytes sent as they are.
        query: dict or list of pairs. Returns a Response, checked against
        the contract unless check is False."""
        url = path + ("?" + urllib.parse.urlencode(query) if query else "")
        hdrs = {}
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        if self.cookie:
            hdrs["Cookie"] = "kefu_session=" + self.cookie
        if self.csrf:
            hdrs["X-CSRF-Token"] = self.csrf
        data = raw
        if body is not None:
            data = json.dumps(body).encode("utf-8")
        if data is not None and content_type:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        for attempt in (1, 2):
            fresh = self.conn is None
            if fresh:
                self._connect()
            try:
                self.conn.request(method, url, body=data, headers=hdrs)
                r = self.conn.getresponse()
                response = Response(r.status, r.getheaders(), r.read())
                if r.will_close:
                    self.close()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # the server closed a kept-alive connection: once more on a new one
                self.close()
                if fresh or attempt == 2:
                    raise
        if self.check if check is None else check:
            Contract.get().check(method, path, response)
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)
