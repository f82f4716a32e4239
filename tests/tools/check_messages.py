#!/usr/bin/python3
"""check_messages — an independent check of kefu's messages and request
replies against schemas/.

The services validate with their own C validator (common/msg/schema.c). This
tool checks the same messages with a second, unrelated implementation
(python3-jsonschema, Draft 2020-12, format checking on), so a bug in one
validator cannot hide a message that breaks the contract.

Usage:
    check_messages.py SCHEMAS_DIR FILE...     FILE holds envelopes: one JSON
                                              object per line, or one JSON
                                              array of them; "-" is stdin.
    check_messages.py --self-test SCHEMAS_DIR every *.json below SCHEMAS_DIR
                                              is a valid 2020-12 schema whose
                                              patterns compile.

Each envelope is validated against SCHEMAS_DIR/envelope.v1.json, then its body
against SCHEMAS_DIR/messages/<type>.v<version>.json.

Replies are checked by ReplyChecker (used by tests/lib/intake_client.py for
every reply a test receives): the reply against replies/reply.v1.json, then
the result of a success against replies/<request>.reply.v<version>.json. One line is printed per
invalid message ("FILE:LINE: id TYPE: PATH: REASON"), then a summary line.
Exit status: 0 all valid, 1 some invalid, 2 usage or unreadable input.
"""

import datetime
import json
import os
import re
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:  # pragma: no cover - reported to the user
    sys.stderr.write("check_messages: python3-jsonschema is not installed "
                     "(apt-get install python3-jsonschema)\n")
    sys.exit(2)

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# RFC 3339 date-time, checked here because Debian's jsonschema has no
# date-time checker without the optional rfc3339-validator package.
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _check_date_time(value):
    if not isinstance(value, str):
        return True
    m = _DATE_TIME.match(value)
    if not m:
        raise ValueError("not RFC 3339")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    datetime.date(year, month, day)  # raises ValueError on 2023-02-29
    if hour > 23 or minute > 59 or second > 60:
        raise ValueError("time out of range")
    offset = m.group(8)
    if offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        raise ValueError("offset out of range")
    return True


def _ecma_pattern(pattern):
    """Python's '$' also matches before a final newline; ECMA-262 and POSIX
    do not. A final unescaped '$' becomes '\\Z' so all three agree."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


_PATTERNS = {}


def _pattern(validator, pattern, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = _ecma_pattern(pattern)
    if not compiled.search(instance):
        yield jsonschema.ValidationError(
            "%r does not match %r" % (instance, pattern))


Validator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _pattern})


def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Checker:
    def __init__(self, schemas_dir):
        self.dir = schemas_dir
        self.cache = {}
        self.envelope = self._validator(os.path.join(schemas_dir, "envelope.v1.json"))

    def _validator(self, path):
        if path not in self.cache:
            schema = _load(path)
            Draft202012Validator.check_schema(schema)
            self.cache[path] = Validator(schema, format_checker=FORMATS)
        return self.cache[path]

    def problems(self, message):
        """Returns the list of problems of one decoded message (empty when valid)."""
        if not isinstance(message, dict):
            return ["expected a JSON object (the envelope), got %s" % type(message).__name__]
        errors = sorted(self.envelope.iter_errors(message), key=lambda e: list(e.path))
        if errors:
            return ["envelope%s: %s" % (_path(e), e.message) for e in errors]
        name = "%s.v%d" % (message["type"], message["version"])
        path = os.path.join(self.dir, "messages", name + ".json")
        if not os.path.isfile(path):
            return ["no schema %s for type %s version %d" %
                    (os.path.relpath(path, self.dir), message["type"], message["version"])]
        body = self._validator(path)
        return ["body%s: %s" % (_path(e), e.message)
                for e in sorted(body.iter_errors(message["body"]), key=lambda e: list(e.path))]


class ReplyChecker:
    """Checks the replies of a service's request endpoint against
    SCHEMAS_DIR/replies/: every reply against reply.v1.json; the `result` of
    a success against <request>.reply.v<version>.json, which must exist (a
    request without a reply schema cannot succeed)."""

    def __init__(self, schemas_dir):
        self.dir = schemas_dir
        self.cache = {}
        self.wrapper = self._validator("reply.v1")

    def _validator(self, name):
        if name not in self.cache:
            path = os.path.join(self.dir, "replies", name + ".json")
            schema = _load(path)
            Draft202012Validator.check_schema(schema)
            self.cache[name] = Validator(schema, format_checker=FORMATS)
        return self.cache[name]

    def problems(self, request, reply, version=1):
        """The problems of one decoded reply to `request` (None when the
        request had no readable name: only the wrapper is checked then);
        an empty list when it is valid."""
        errors = sorted(self.wrapper.iter_errors(reply), key=lambda e: list(e.path))
        if errors:
            return ["reply%s" % _explain(e) for e in errors]
        if not reply["ok"]:
            return []
        if not isinstance(request, str) or not isinstance(version, int):
            return ["reply: a success to a request without a name or version"]
        name = "%s.reply.v%d" % (request, version)
        if not os.path.isfile(os.path.join(self.dir, "replies", name + ".json")):
            return ["reply: a success to %s version %d, which has no schema replies/%s.json"
                    % (request, version, name)]
        return self.result_problems(request, reply["result"], version)

    def result_problems(self, request, result, version=1):
        """The problems of the `result` of a success to `request` (what
        kefuctl --json prints for submit, show, list and event)."""
        body = self._validator("%s.reply.v%d" % (request, version))
        return ["result%s" % _explain(e)
                for e in sorted(body.iter_errors(result), key=lambda e: list(e.path))]


def _explain(error):
    """PATH: REASON of one error; for a oneOf / anyOf that nothing matched
    (a history row, say), the reason of the alternative that came closest."""
    while error.context:
        # the alternatives whose discriminator (a "const", such as "ok" or
        # "event") matched are the ones the instance meant to be
        meant = [e for e in error.context
                 if not any(f.relative_schema_path[0] == e.relative_schema_path[0]
                            and f.validator == "const" for f in error.context)]
        error = jsonschema.exceptions.best_match(meant or error.context)
    return "%s: %s" % (_path(error), error.message)


def _path(error):
    out = ""
    for part in error.absolute_path:
        out += "[%d]" % part if isinstance(part, int) else "." + str(part)
    return out


def _messages(path):
    """Yields (line number, decoded message or an Exception) for one file."""
    if path == "-":
        text = sys.stdin.read()
    else:
        with open(path, encoding="utf-8", errors="strict") as f:
            text = f.read()
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(text)
        except ValueError as e:
            yield 1, e
            return
        for i, item in enumerate(items):
            yield i + 1, item
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as e:
            yield number, e


def check_files(schemas_dir, files):
    try:
        checker = Checker(schemas_dir)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print("check_messages: cannot load %s: %s" % (schemas_dir, e), file=sys.stderr)
        return 2
    total = invalid = 0
    for path in files:
        try:
            for number, message in _messages(path):
                total += 1
                if isinstance(message, Exception):
                    problems = ["not JSON: %s" % message]
                else:
                    problems = checker.problems(message)
                if problems:
                    invalid += 1
                    ident = message.get("id", "?") if isinstance(message, dict) else "?"
                    kind = message.get("type", "?") if isinstance(message, dict) else "?"
                    print("%s:%d: %s %s: %s" % (path, number, ident, kind, "; ".join(problems)))
        except (OSError, UnicodeDecodeError) as e:
            print("check_messages: %s: %s" % (path, e), file=sys.stderr)
            return 2
    print("checked %d messages, %d invalid" % (total, invalid))
    return 1 if invalid else 0


def self_test(schemas_dir):
    bad = count = 0
    for root, dirs, names in os.walk(schemas_dir):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".json"):
                continue
            path = os.path.join(root, name)
            count += 1
            try:
                schema = _load(path)
                if schema.get("$schema") != DRAFT:
                    raise ValueError("$schema is not %s" % DRAFT)
                Draft202012Validator.check_schema(schema)
                for pattern in _patterns_of(schema):
                    _ecma_pattern(pattern)
            except (OSError, ValueError, re.error, jsonschema.SchemaError) as e:
                bad += 1
                print("%s: %s" % (path, str(e).splitlines()[0]))
    if count == 0:
        print("check_messages: no schema files below %s" % schemas_dir, file=sys.stderr)
        return 2
    print("%d schema files, %d invalid" % (count, bad))
    return 1 if bad else 0


def _patterns_of(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns_of(value)


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) < 3 or argv[1].startswith("--"):
        sys.stderr.write(__doc__)
        return 2
    return check_files(argv[1], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
