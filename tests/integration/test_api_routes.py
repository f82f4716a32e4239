"""The gateway's route table and schemas/openapi.yaml describe the same
operations: every row of `kefu-gateway --routes` is an operation of the
contract with the request it forwards to (its body's or its reply's
schema), and every operation of the contract is a row (the session's
and the changes feed's paths, which the gateway answers itself, aside). What a row's flags
promise is in the contract too: 201 for a row that creates, the
Idempotency-Key header, the cursor of a list, CSV."""
import json
import os
import re
import subprocess

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("KEFU_BUILD", "build/asan")
SELF_ANSWERED = {"/api/v1/session", "/api/v1/changes"}   # gw_session_handle, gw_changes_open: no route rows


def routes():
    """{(method, path): (service, request, flags)} of the gateway's table."""
    out = subprocess.run([os.path.join(ROOT, BUILD, "bin", "kefu-gateway"), "--routes"], capture_output=True,
                         text=True, timeout=30, check=True).stdout
    table = {}
    for line in out.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        method, path, service, request = fields[:4]
        flags = set(fields[4].split(",")) if len(fields) > 4 and fields[4] != "-" else set()
        assert (method.lower(), path) not in table, "row given twice: %s" % line
        table[(method.lower(), path)] = (service, request, flags)
    return table


def contract():
    with open(os.path.join(ROOT, "schemas", "openapi.yaml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return doc, {(m, p): op for p, item in doc["paths"].items() for m, op in item.items()
                 if m in ("get", "post", "put", "patch", "delete")}


def refs(node):
    """Every $ref below node."""
    return re.findall(r'"\$ref": "([^"]+)"', json.dumps(node))


def test_table_and_contract_list_the_same_operations():
    table = routes()
    _, ops = contract()
    assert table, "kefu-gateway --routes printed no row"
    rows = set(table)
    described = {k for k in ops if k[1] not in SELF_ANSWERED}
    assert sorted(rows - described) == [], "rows the contract does not describe"
    assert sorted(described - rows) == [], "operations of the contract no row serves"


def param_names(doc, op):
    """The names of an operation's parameters, those it names by $ref too."""
    names = []
    for p in op.get("parameters", []):
        if "$ref" in p and p["$ref"].startswith("#/components/parameters/"):
            p = doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        names.append(p.get("name"))
    return names


def test_each_operation_names_its_rows_request():
    table = routes()
    doc, ops = contract()
    for key, (service, request, flags) in sorted(table.items()):
        op = ops[key]
        mine = {"requests/%s.v1.json" % request, "replies/%s.reply.v1.json" % request}
        named = {r.split("#")[0] for r in refs(op) if r.split("#")[0].startswith(("requests/", "replies/"))}
        assert named and named <= mine, (key, request, named)
        statuses = {str(s) for s in op["responses"]}
        params = param_names(doc, op)
        if "created" in flags:
            assert "201" in statuses, (key, statuses)
        if "idempotent" in flags:
            assert "Idempotency-Key" in params, (key, params)
        if "paged" in flags:
            assert "cursor" in params, (key, params)
        if "csv" in flags:
            ok = [s for s in statuses if s.startswith("2")][0]
            assert "text/csv" in op["responses"][ok]["content"], key
        if "body" in flags:
            assert "requestBody" in op, key
        # every operation answers its errors with the Error body
        assert {"400", "401", "500", "503"} <= statuses, (key, statuses)
