"""The whole kefu system for end-to-end and fault tests: a throwaway
PostgreSQL cluster, migrations and the test organisation loaded through
kefuctl (as an operator would), and the six services as real processes.

    sys = System("e2e")            # cluster + migrations + tests/fixtures/org.yaml
    sys.start_services()           # all six, waits for "ready"
    out = sys.kefuctl("submit", "--kind", "repair", ..., json_out=True)
    sys.wait_ticket_status(out["ticket_id"], "assigned")
    sys.quiet()                    # nothing in flight, every dispatcher swept "now"
    sys.check_messages()           # every message in every outbox against schemas/
    sys.shutdown()
"""
import json
import os
import tempfile
import time

import kefu_harness as h
from intake_client import IntakeClient, check_kefuctl_json

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVICES = ["intake", "dispatch", "qc", "billing", "callback", "claims"]


# Systems started and not shut down yet: a module whose setup_module failed
# never runs its teardown_module, so tests/conftest.py abandons what is left
# here once the module is over (no process or cluster outlives its module).
_open = []


def abandon_open_systems():
    """Stops every System still running, without the checks of shutdown()."""
    while _open:
        _open.pop().abandon()


class System:
    def __init__(self, name, org=os.path.join(ROOT, "tests", "fixtures", "org.yaml"),
                 clock_us=None, **config_overrides):
        self.tmp = tempfile.mkdtemp(prefix="kefu-%s-" % name)
        os.chmod(self.tmp, 0o755)
        os.mkdir(os.path.join(self.tmp, "pg"))
        self.services = {}
        self._client = None
        self.cluster = h.Cluster(os.path.join(self.tmp, "pg")).start()
        _open.append(self)
        self.clock_file = os.path.join(self.tmp, "clock")
        self.env = {}
        self.clock_us = clock_us
        if clock_us is not None:
            self.set_clock(clock_us)
            self.env["KEFU_CLOCK_FILE"] = self.clock_file
        self.config = h.write_config(self.tmp, self.cluster, **config_overrides)
        self.kefuctl("admin", "migrate")
        self.kefuctl("admin", "load", org)
        # Every request is made by someone: CC01, the call centre's agent and
        # team lead of every branch, unless a test asks as another
        # (tests/fixtures/org.yaml; bench/make-org.sh has CC01 too).
        self.passwords = []   # passwords a test sets: checked absent from logs
        self.token = self.make_token("CC01")
        self.token_file = os.path.join(self.tmp, "token")
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self.token + "\n")
        self.env["KEFU_TOKEN_FILE"] = self.token_file

    def make_token(self, staff=None, account=None, expires_in=None):
        """A new token for a staff member (or a service account), as an
        operator makes one with kefuctl admin tokens create."""
        args = ["admin", "tokens", "create"]
        args += ["--staff", staff] if staff else ["--account", account]
        if expires_in:
            args += ["--expires-in", expires_in]
        return self.kefuctl(*args, json_out=True)["token"]

    def token_of(self, staff):
        """A token of this staff member's, made once per System."""
        tokens = self.__dict__.setdefault("_tokens", {})
        if staff not in tokens:
            tokens[staff] = self.make_token(staff)
        return tokens[staff]

    def kefuctl_as(self, staff, *args, json_out=False, check=True):
        """kefuctl run by this staff member (their token in KEFU_TOKEN)."""
        argv = (["--json"] if json_out else []) + list(args)
        proc = h.kefuctl(self.config, *argv, env=dict(self.env, KEFU_TOKEN=self.token_of(staff)))
        if check and proc.returncode != 0:
            raise AssertionError("kefuctl %s as %s failed (%d): %s%s" % (
                " ".join(args), staff, proc.returncode, proc.stdout, proc.stderr))
        if json_out and proc.returncode == 0:
            return check_kefuctl_json(args[0], json.loads(proc.stdout))
        return proc

    def client_as(self, token, timeout_ms=30000):
        """A request client of intake's that asks with this token."""
        return IntakeClient(self.config.api, timeout_ms=timeout_ms, token=token)

    # -- time ---------------------------------------------------------------
    def set_clock(self, us):
        """Every process started with clock_us reads "now" from this file."""
        self.clock_us = us
        tmp = self.clock_file + ".new"
        with open(tmp, "w") as f:
            f.write("%d\n" % us)
        os.replace(tmp, self.clock_file)

    # -- processes ----------------------------------------------------------
    def start_service(self, name, instance=None, env=None):
        instance = instance or "%s-1" % name
        extra = dict(env or {})
        if name in ("dispatch", "qc", "billing", "callback", "claims"):
            # The first instance takes services.<name>.api, where kefuctl's
            # requests go; another instance on this host needs a port of its
            # own (any free one: they all answer from the same database).
            owners = self.__dict__.setdefault("_api_owners", {})
            owners.setdefault(name, instance)
            if instance != owners[name]:
                extra.setdefault("KEFU_%s_API" % name.upper(), "tcp://127.0.0.1:*")
        svc = h.Service(name, self.config, instance, logdir=self.tmp, env=dict(self.env, **extra))
        svc.start()
        self.services[svc.instance] = svc
        return svc

    def start_services(self, names=SERVICES):
        started = [self.start_service(n) for n in names]
        for svc in started:
            svc.wait_ready()
        return started

    def shutdown(self):
        """Stops everything; a service that exits badly on SIGTERM (crash,
        sanitizer report, leak) fails the test module, and so does any
        message a service emitted that does not match schemas/ (checked by
        the independent validator for every test module that uses System)."""
        if self in _open:
            _open.remove(self)
        if self._client:
            self._client.close()
        try:
            try:
                self.check_messages()
            finally:
                h.stop_services(self.services)
            self.check_logs_hold_no_secrets()
        finally:
            self.cluster.close()

    def secrets(self):
        """What must never be written to a log: every customer's phone number
        and address, and every token this System made."""
        rows = self.sql("SELECT phone, address FROM ref.customers")
        found = [v for row in rows for v in row if v]
        return found + [self.token] + list(self.__dict__.get("_tokens", {}).values()) + self.passwords

    def check_logs_hold_no_secrets(self):
        """Every service log of this System (the whole suite's logs, module by
        module) is free of customer contact data, tokens and passwords."""
        secrets = self.secrets()
        for svc in self.services.values():
            try:
                with open(svc.log, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            for secret in secrets:
                assert secret not in text, "%s logged a secret (%s…)" % (svc.log, secret[:3])

    def abandon(self):
        """Stops the services and the cluster, checking nothing: for a
        module whose set-up failed half-way."""
        if self in _open:
            _open.remove(self)
        if self._client:
            self._client.close()
        try:
            h.stop_services(self.services, check=False)
        finally:
            self.cluster.close()

    # -- talking to it ------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            # a reply may take seconds on a loaded machine; a request that
            # expects none passes its own timeout_ms
            self._client = IntakeClient(self.config.api, timeout_ms=30000, token=self.token)
        return self._client

    def http(self, token=None, staff=None, **kw):
        """An HTTP client of the gateway (tests/lib/http_api.py), its
        responses checked against schemas/openapi.yaml; start the gateway
        first (start_services(["gateway", …])). It asks with token, or
        staff's token, or the System's (CC01); token="" sends none."""
        from http_api import HttpApi
        if token is None:
            token = self.token_of(staff) if staff else self.token
        return HttpApi(self.config.gateway_http, token=token or None, **kw)

    def bus_socket(self, service, sender="intake"):
        """A DEALER on the bus ROUTER of service's (first) instance, as it is
        found in <service>.endpoints (endpoint and published key), speaking
        with sender's key pair: a service name, or a (public, secret) pair."""
        endpoint, server_key = self.sql("SELECT endpoint, public_key FROM %s.endpoints"
                                        " ORDER BY instance LIMIT 1" % service)[0]
        pair = self.config.key_pair(sender) if isinstance(sender, str) else sender
        return h.bus_socket(endpoint, server_key, pair)

    def kefuctl(self, *args, json_out=False, check=True, stdin=None):
        argv = (["--json"] if json_out else []) + list(args)
        proc = h.kefuctl(self.config, *argv, input=stdin, env=self.env)
        if check and proc.returncode != 0:
            raise AssertionError("kefuctl %s failed (%d): %s%s" % (
                " ".join(args), proc.returncode, proc.stdout, proc.stderr))
        if json_out and proc.returncode == 0:
            # submit, show, list and event print a request's result: checked
            # against schemas/replies/ like every reply the client receives
            return check_kefuctl_json(args[0], json.loads(proc.stdout))
        return proc

    def sql(self, query, params=None):
        return self.cluster.sql(query, params)

    def ticket(self, ticket_id):
        return self.kefuctl("show", str(ticket_id), json_out=True)

    def wait_ticket_status(self, ticket_id, status, timeout=60):
        h.wait_until(lambda: self.sql("SELECT status FROM intake.tickets WHERE id = %s",
                                      (ticket_id,)) == [(status,)],
                     timeout, "ticket %s to become %s" % (ticket_id, status))

    def quiet(self, timeout=60):
        """Waits until nothing is in flight: every running dispatcher has
        run both its periodic jobs (the SLA sweep and the assignment pass)
        through the clock's present instant (its rows in dispatch.sweeps),
        and after that every message in every outbox is acknowledged (or
        set aside as dead). What a test checks next is then what the system
        settled on, not a moment of it. The sweeps are read first: what a
        job emits is in an outbox before its mark is written, so one look at
        both proves both."""
        now = self.clock_us if self.clock_us is not None else int(time.time() * 1_000_000)
        wanted = sorted((s.instance, job) for s in self.services.values()
                        if s.name == "dispatch" and s.alive() for job in ("assign", "sla"))
        # Messages to a service this test did not start wait for it (ticket.updated
        # goes to callback too); they are not in flight, so they do not count.
        running = sorted({s.name for s in self.services.values() if s.alive()})
        pending_sql = " UNION ALL ".join(
            "SELECT '%s', count(*) FROM %s.outbox WHERE acked_at IS NULL AND dead_at IS NULL"
            " AND destination = ANY(%%(running)s)" % (svc, svc) for svc in SERVICES)
        state = {}

        def settled():
            swept = sorted(self.sql(
                "SELECT instance, job FROM dispatch.sweeps WHERE instance = ANY(%s) "
                "AND " + h.EPOCH_US % "swept_through" + " >= %s",
                ([i for i, _ in wanted], now)))
            pending = {svc: n for svc, n in self.sql(pending_sql, {"running": running}) if n}
            state.update(swept=swept, pending=pending)
            return swept == wanted and not pending

        h.wait_until(settled, timeout,
                     lambda: "quiet: sweeps %s through %d, got %s; unacknowledged %s"
                     % (wanted, now, state.get("swept"), state.get("pending")))

    def check_messages(self):
        """Every message any service wrote to its outbox, checked against
        schemas/ by an independent validator (python3-jsonschema)."""
        return h.check_messages(self.cluster)
