"""docker-compose.yml, read as data (python3-yaml; no Docker here): every
long-running service has a health check; PostgreSQL's is pg_isready over
TCP (-h 127.0.0.1: the Unix socket answers during the image's first-start
initialisation, before database kefu exists); each kefu service's asks its
own /readyz on its default health address with curl -f (a 503 fails it),
and the image the checks run in installs curl; what needs PostgreSQL or the
services waits for them to be healthy."""
import os
import re

import yaml

from kefu_harness import ROOT

COMPOSE = os.path.join(ROOT, "docker-compose.yml")
DOCKERFILE = os.path.join(ROOT, "deploy", "docker", "Dockerfile")
# services.<name>.health's defaults (docs/operations.md "Health")
HEALTH_PORTS = {"intake": 7191, "dispatch": 7192, "qc": 7193, "billing": 7194, "callback": 7195,
                "claims": 7196, "gateway": 7197}
KEFU_SERVICES = set(HEALTH_PORTS)


def compose():
    with open(COMPOSE, encoding="utf-8") as f:
        return yaml.safe_load(f)["services"]


def one_shot_or_tool(services, name):
    """migrate runs once (others wait for it to complete); kefuctl is run
    by hand (profile tools): neither is a long-running service."""
    if services[name].get("profiles"):
        return True
    return any((s.get("depends_on") or {}).get(name, {}).get("condition") == "service_completed_successfully"
               for s in services.values() if isinstance(s.get("depends_on"), dict))


def test_every_long_running_service_has_a_health_check():
    services = compose()
    running = [n for n in services if not one_shot_or_tool(services, n)]
    assert sorted(running) == sorted(KEFU_SERVICES | {"postgres"}), running
    missing = [n for n in running if not (services[n].get("healthcheck") or {}).get("test")]
    assert missing == [], missing
    for name in running:
        test = services[name]["healthcheck"]["test"]
        # an exec form: no shell in between to mis-quote or hide a failure
        assert isinstance(test, list) and test[0] == "CMD", (name, test)
        assert not services[name]["healthcheck"].get("disable"), name


def test_postgres_check_is_pg_isready_over_tcp():
    test = compose()["postgres"]["healthcheck"]["test"]
    assert test[1] == "pg_isready", test
    args = test[2:]
    assert "-h" in args and args[args.index("-h") + 1] == "127.0.0.1", test
    assert "-d" in args and args[args.index("-d") + 1] == "kefu", test


def test_each_kefu_service_checks_its_own_readyz_with_curl_failing_on_503():
    services = compose()
    for name, port in HEALTH_PORTS.items():
        test = services[name]["healthcheck"]["test"]
        assert test[1] == "curl", (name, test)
        flags = "".join(a[1:] for a in test[2:] if re.match(r"^-[a-zA-Z]+$", a))
        assert "f" in flags, (name, test)
        assert test[-1] == "http://127.0.0.1:%d/readyz" % port, (name, test)
        # the health address is the default one: nothing in the service's
        # environment moves it elsewhere
        env = services[name].get("environment") or {}
        assert "KEFU_%s_HEALTH" % name.upper() not in env, (name, env)


def test_the_image_the_checks_run_in_installs_curl():
    with open(DOCKERFILE, encoding="utf-8") as f:
        text = f.read()
    runtime = text.split("\nFROM ")[-1]   # the last stage: the image that runs
    installs = re.search(r"apt-get install[^&]*", runtime, re.S)
    assert installs and re.search(r"(^|\s)curl(\s|$)", installs.group(0)), installs and installs.group(0)
    images = {compose()[n].get("image") for n in KEFU_SERVICES}
    assert images == {"kefu:latest"}, images


def test_dependants_wait_for_health():
    services = compose()
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    gateway = services["gateway"]["depends_on"]
    for name in KEFU_SERVICES - {"gateway"}:
        assert gateway.get(name, {}).get("condition") == "service_healthy", (name, gateway)
    for name in KEFU_SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
