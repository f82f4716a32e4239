"""kefu_harness — what every Python integration, end-to-end and fault test
uses to run the real thing: a throwaway PostgreSQL cluster, a configuration
pointing at it, the service processes, kefuctl, and polling helpers.

    from kefu_harness import Cluster, Service, write_config, wait_until

    cluster = Cluster().start()
    cluster.migrate_with_psql()          # or cluster.migrate(config) via kefuctl
    cfg = write_config(tmp_path, cluster)
    intake = Service("intake", cfg).start().wait_ready()
    ...
    intake.stop(); cluster.close()

Binaries come from $KEFU_BUILD (default build/asan), relative to the
repository root. Service processes run with AddressSanitizer's leak check on;
stop() reports a non-zero exit (a leak, a crash) as a test failure. Nothing
here sleeps to "let things settle": wait_until() polls a condition with a
time-out and says what it was waiting for when it gives up.
"""
import glob
import hashlib
import json
import re
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("KEFU_BUILD", "build/asan"))
PG_EMBEDDED = os.path.join(ROOT, "deploy", "scripts", "pg-embedded.sh")
PG_BIN = os.environ.get("KEFU_PG_BIN", "/usr/lib/postgresql/15/bin")
SQL_DIR = os.path.join(ROOT, "schemas", "sql")
SCHEMAS_DIR = os.path.join(ROOT, "schemas")
SERVICES = ("intake", "dispatch", "qc", "billing", "callback", "claims")
# The services with a fixed request endpoint each (kefuctl finds them there).
API_SERVICES = ("intake", "dispatch", "qc", "billing", "callback", "claims")
SERVICE_ROLES = tuple("kefu_" + s for s in SERVICES)
# Programs started like a service (Service, System.start_service) that are
# no bus service: the HTTP gateway (docs/gateway.md).
PROGRAMS = SERVICES + ("gateway",)

# Environment a test must not inherit from the shell that runs it (for
# example a `make run` in the same terminal): the config file decides.
_SCRUBBED_ENV = ("KEFU_DB_CONNINFO", "KEFU_DB_PASSWORD", "KEFU_INTAKE_API", "KEFU_DISPATCH_API",
                 "KEFU_QC_API", "KEFU_BILLING_API", "KEFU_CALLBACK_API", "KEFU_CLAIMS_API",
                 "KEFU_SCHEMAS_DIR", "KEFU_CONFIG", "KEFU_CLOCK_FILE", "KEFU_KEYS_DIR",
                 "KEFU_CLIENT_KEY", "KEFU_INTAKE_SERVER_KEY", "CREDENTIALS_DIRECTORY", "KEFU_TOKEN",
                 "KEFU_TOKEN_FILE", "KEFU_GATEWAY_HTTP")


# SQL of a timestamptz column as integer microseconds since the epoch
EPOCH_US = "(extract(epoch FROM %s) * 1000000)::bigint"


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=60.0, what="condition", interval=0.05):
    """Calls predicate() until it returns something truthy, and returns that.
    Raises AssertionError naming `what` after `timeout` seconds. Exceptions
    from predicate propagate (a crashed process should fail fast). It
    returns as soon as the condition holds, so a time-out is generous: it
    must hold on a loaded machine (the ASan build with both cores busy)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1f s waiting for %s"
                                 % (timeout, what() if callable(what) else what))
        time.sleep(interval)


def _ss(port, side):
    """`ss -tinH` of the established loopback connections whose `side`
    ("dport": clients of port, "sport": its server end) is port."""
    return subprocess.run(["ss", "-tinH", "state", "established", "( %s = :%d )" % (side, port)],
                          capture_output=True, text=True, check=True).stdout


def tcp_acked_to(port):
    """Bytes that clients of 127.0.0.1:port have sent and the server's
    kernel has acknowledged (tcp_info bytes_acked, summed)."""
    return sum(int(m) for m in re.findall(r"bytes_acked:(\d+)", _ss(port, "dport")))


def tcp_unread_at(port):
    """Bytes waiting in the server's receive queues of port (Recv-Q)."""
    return sum(int(line.split()[0]) for line in _ss(port, "sport").splitlines()
               if line.strip() and line.split()[0].isdigit())


def zmtp_frame_size(payload):
    """Bytes a one-frame ZeroMQ (ZMTP 3) message of payload takes on the wire."""
    return len(payload) + (2 if len(payload) <= 255 else 9)


def wait_tcp_received(endpoint, since, nbytes, timeout=60):
    """Waits until nbytes more than `since` (a tcp_acked_to reading) have
    reached the server of a tcp://127.0.0.1:PORT endpoint and its process
    has read them off the socket (ZeroMQ's I/O thread reads while the
    application thread is busy): they are then in the receiving process,
    which nothing outside it can see more directly."""
    port = int(endpoint.rsplit(":", 1)[1])
    wait_until(lambda: tcp_acked_to(port) >= since + nbytes and tcp_unread_at(port) == 0, timeout,
               lambda: "%d bytes to reach port %d: acked %d since, %d unread"
               % (nbytes, port, tcp_acked_to(port) - since, tcp_unread_at(port)))


def _tail(path, lines=40):
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def _children_of(pid):
    """Pids whose parent is pid (from /proc)."""
    kids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                kids.append(int(stat.split("/")[2]))
        except (OSError, IndexError, ValueError):
            continue
    return kids


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Cluster:
    """A private PostgreSQL 15 cluster in a temporary directory, started
    through deploy/scripts/pg-embedded.sh (Unix socket only)."""

    def __init__(self, directory=None):
        self.dir = directory or tempfile.mkdtemp(prefix="kefu-pg-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()   # names the socket; any unused number works
        self.conninfo = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def _script(self, command):
        env = dict(os.environ, KEFU_PG_PORT=str(self.port), KEFU_PG_BIN=PG_BIN)
        proc = subprocess.run([PG_EMBEDDED, command, self.dir], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode not in (0, 3 if command == "status" else 0):
            raise RuntimeError("pg-embedded.sh %s %s failed (%d):\n%s%s\n--- postgres.log:\n%s"
                               % (command, self.dir, proc.returncode, proc.stdout, proc.stderr,
                                  _tail(os.path.join(self.real_dir(), "postgres.log"))))
        return proc

    def real_dir(self):
        """Where data/ and sock/ really are (see pg-embedded.sh 'location')."""
        loc = os.path.join(self.dir, "location")
        if os.path.exists(loc):
            with open(loc) as f:
                return f.read().strip()
        return self.dir

    def start(self):
        proc = self._script("start")
        self.conninfo = proc.stdout.strip().split("\n")[-1]
        return self

    def stop(self):
        self._script("stop")

    def restart(self):
        self.stop()
        return self.start()

    def running(self):
        return self._script("status").returncode == 0

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.real_dir(), "data", "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def kill9(self, timeout=30):
        """SIGKILL to the postmaster; returns once it and every backend are
        gone, so that start() can run crash recovery."""
        pid = self.postmaster_pid()
        if pid is None or not _alive(pid):
            raise RuntimeError("no running postmaster in %s" % self.real_dir())
        kids = _children_of(pid)
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _alive(pid) and not any(_alive(k) for k in kids),
                   timeout, "PostgreSQL processes to exit after SIGKILL")

    def close(self):
        """Stops the cluster and removes its files."""
        try:
            if self.conninfo:
                self.stop()
        finally:
            real = self.real_dir()
            if real != self.dir:
                shutil.rmtree(real, ignore_errors=True)
            shutil.rmtree(self.dir, ignore_errors=True)
            self.conninfo = None

    def dsn(self, role="kefu_owner"):
        if not self.conninfo:
            raise RuntimeError("cluster not started")
        return "%s user=%s application_name=kefu-tests" % (self.conninfo, role)

    def connect(self, role="kefu_owner"):
        """A psycopg2 connection in autocommit mode (caller closes)."""
        conn = psycopg2.connect(self.dsn(role), connect_timeout=30)
        conn.autocommit = True
        return conn

    def sql_error_as(self, role, query, params=None, branches="*"):
        """Runs one statement as `role` (for every branch unless told);
        returns the database's error message, or None when it succeeded
        (what a role may not do, checked directly)."""
        try:
            self.sql(query, params, role=role, branches=branches)
        except psycopg2.Error as e:
            return str(e).strip()
        return None

    def sql(self, query, params=None, role="kefu_owner", branches=None):
        """Runs one statement as `role`. Returns the rows (list of tuples)
        when it produces rows, else the row count. Errors propagate as
        psycopg2 exceptions (with .pgcode). branches: the value of
        kefu.branches for the statement's transaction ("*", "SH01,SH02",
        ""), as the services state it (docs/security.md); None states
        nothing, which shows a service role no branch's rows."""
        conn = self.connect(role)
        try:
            with conn.cursor() as cur:
                if branches is not None:
                    conn.autocommit = False
                    cur.execute("SELECT set_config('kefu.branches', %s, true)", (branches,))
                cur.execute(query, params)
                if branches is not None:
                    rows = cur.fetchall() if cur.description is not None else cur.rowcount
                    conn.commit()
                    return rows
                if cur.description is not None:
                    return cur.fetchall()
                return cur.rowcount
        finally:
            conn.close()

    def scalar(self, query, params=None, role="kefu_owner", branches=None):
        rows = self.sql(query, params, role, branches)
        return rows[0][0] if rows else None

    def migrate(self, config=None):
        """Applies the migrations through `kefuctl admin migrate`."""
        cfg = str(config) if config is not None else None
        args = ["admin", "migrate"]
        proc = kefuctl(cfg, *args, cluster=self)
        if proc.returncode != 0:
            raise RuntimeError("kefuctl admin migrate failed (%d):\n%s%s"
                               % (proc.returncode, proc.stdout, proc.stderr))
        return proc

    def migrate_with_psql(self, sql_dir=SQL_DIR):
        """Applies schemas/sql/*.sql with psql as kefu_owner, each file in
        one transaction with its kefu.schema_migrations row (same checksum
        as common/db/migrate.c: SHA-256 of the file), skipping applied ones.
        Returns the number applied."""
        self.sql("CREATE SCHEMA IF NOT EXISTS kefu; "
                 "CREATE TABLE IF NOT EXISTS kefu.schema_migrations ("
                 " version int PRIMARY KEY CHECK (version > 0), name text NOT NULL,"
                 " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        applied = {v: (n, c) for v, n, c in
                   self.sql("SELECT version, name, checksum FROM kefu.schema_migrations")}
        count = 0
        for path in sorted(glob.glob(os.path.join(sql_dir, "[0-9][0-9][0-9][0-9]_*.sql"))):
            name = os.path.basename(path)
            version = int(name[:4])
            with open(path, "rb") as f:
                checksum = hashlib.sha256(f.read()).hexdigest()
            if version in applied:
                if applied[version] != (name, checksum):
                    raise RuntimeError("%s: applied as %s with checksum %s, file has %s"
                                       % (name, applied[version][0], applied[version][1], checksum))
                continue
            record = ("INSERT INTO kefu.schema_migrations (version, name, checksum) "
                      "VALUES (%d, '%s', '%s')" % (version, name, checksum))
            proc = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                   "-1", "-d", self.dsn(), "-f", path, "-c", record],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if proc.returncode != 0:
                raise RuntimeError("psql %s failed:\n%s%s" % (name, proc.stdout, proc.stderr))
            count += 1
        return count


def _yaml_scalar(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _yaml(value, indent=0):
    pad = "  " * indent
    out = []
    for key, item in value.items():
        if isinstance(item, dict):
            out.append("%s%s:" % (pad, key))
            out.extend(_yaml(item, indent + 1))
        elif isinstance(item, (list, tuple)):
            out.append("%s%s: [%s]" % (pad, key, ", ".join(_yaml_scalar(x) for x in item)))
        else:
            out.append("%s%s: %s" % (pad, key, _yaml_scalar(item)))
    return out


def _merge(base, extra):
    for key, item in extra.items():
        if isinstance(item, dict) and isinstance(base.get(key), dict):
            _merge(base[key], item)
        else:
            base[key] = item
    return base


def make_keys(directory, names=SERVICES):
    """A CurveZMQ key pair per name in directory, as `kefuctl admin keys`
    writes them: <name>.key (the secret, mode 0600) and <name>.pub. Keys
    already there are kept. Returns the directory."""
    import zmq
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for name in names:
        pub, key = os.path.join(directory, name + ".pub"), os.path.join(directory, name + ".key")
        if os.path.exists(pub):
            continue
        public, secret = zmq.curve_keypair()
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secret + b"\n")
        with open(pub, "wb") as f:
            f.write(public + b"\n")
    return directory


def key_pair(keys_dir, name):
    """(public, secret) of name's key pair in keys_dir, as bytes."""
    with open(os.path.join(keys_dir, name + ".pub"), "rb") as f:
        public = f.read().strip()
    with open(os.path.join(keys_dir, name + ".key"), "rb") as f:
        secret = f.read().strip()
    return public, secret


def bus_socket(endpoint, server_key, pair):
    """A DEALER connected to a bus ROUTER at endpoint over CURVE, with the
    client key pair (public, secret) — a service's (key_pair) or any other."""
    import zmq
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.curve_publickey, sock.curve_secretkey = pair
    sock.curve_serverkey = server_key.encode() if isinstance(server_key, str) else server_key
    sock.connect(endpoint)
    return sock


class Config(str):
    """The path of a written kefu.yaml (usable wherever a path is), with
    the values tests need: .api (intake's request endpoint), .dispatch_api,
    .qc_api, .billing_api, .callback_api, .claims_api (theirs), .data (dict), .keys_dir (the system's CurveZMQ keys)."""

    def __new__(cls, path, data):
        obj = str.__new__(cls, path)
        obj.data = data
        obj.api = data["services"]["intake"]["api"]
        obj.keys_dir = data["messaging"]["keys_dir"]
        obj.dispatch_api = data["services"]["dispatch"]["api"]
        obj.qc_api = data["services"]["qc"]["api"]
        obj.billing_api = data["services"]["billing"]["api"]
        obj.callback_api = data["services"]["callback"]["api"]
        obj.claims_api = data["services"]["claims"]["api"]
        obj.gateway_http = data["services"]["gateway"]["http"]   # "127.0.0.1:PORT"
        return obj

    def key_pair(self, name):
        return key_pair(self.keys_dir, name)


def write_config(tmpdir, cluster, name="kefu.yaml", **overrides):
    """Writes a kefu.yaml for tests into tmpdir and returns it as a Config.
    Every service binds tcp://127.0.0.1:*; the APIs of API_SERVICES get
    a free port each; time-outs and back-offs are short so faults heal
    quickly; every service gets a key pair of its own in tmpdir/keys
    (make_keys). Overrides are
    sections merged in: write_config(d, c, messaging={"max_attempts": 3})."""
    data = {
        "database": {"conninfo": cluster.conninfo, "role_prefix": "kefu_", "reconnect_max_ms": 1000},
        "messaging": {"ack_timeout_ms": 500, "retry_initial_ms": 100, "retry_max_ms": 1000,
                      "max_attempts": 100, "high_water_mark": 10000, "relay_batch": 200,
                      "poll_ms": 50, "discovery_ms": 200,
                      "keys_dir": make_keys(os.path.join(str(tmpdir), "keys"))},
        # health on any free port (each instance logs it, "ops_listening"):
        # tests start several instances of one service
        "services": {s: {"bind": "tcp://127.0.0.1:*", "health": "127.0.0.1:0"} for s in SERVICES},
        "dispatch": {"visit_kinds": ["repair", "installation", "return"], "assign_retry_ms": 500},
        "schemas_dir": SCHEMAS_DIR,
        "log": {"level": "info"},
    }
    data["services"]["intake"]["api"] = "tcp://127.0.0.1:%d" % free_port()
    for service in API_SERVICES:
        data["services"][service]["api"] = "tcp://127.0.0.1:%d" % free_port()
    # every test client is 127.0.0.1, as behind a proxy: the per-IP limit
    # is the whole connection limit (test_gateway.py checks the default)
    data["services"]["gateway"] = {"http": "127.0.0.1:%d" % free_port(), "per_ip_limit": 256,
                                   "console": os.path.join(ROOT, "services", "gateway", "console"),
                                   "health": "127.0.0.1:0"}
    _merge(data, overrides)
    path = os.path.join(str(tmpdir), name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("# written by tests/lib/kefu_harness.py\n")
        f.write("\n".join(_yaml(data)) + "\n")
    return Config(path, data)


def run_c_integration(name, cluster):
    """Runs $KEFU_BUILD/bin/it-<name> (tests/integration/<name>.c) against
    cluster, printing its output, and returns how many of its tests passed;
    fails the calling test when it exits badly or any of them failed."""
    binary = os.path.join(BUILD, "bin", "it-" + name)
    assert os.path.exists(binary), "%s is not built" % binary
    proc = subprocess.run([binary], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=300,
                          env=child_env({"KEFU_TEST_CONNINFO": cluster.conninfo}))
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout
    last = [l for l in proc.stdout.splitlines() if l.endswith(" failed")][-1]
    passed, failed = int(last.split()[0]), int(last.split()[2])
    assert failed == 0 and passed > 0, last
    return passed


def child_env(extra=None):
    """Environment for kefu processes: scrubbed of the shell's KEFU_*
    connection settings, sanitizers set to fail loudly."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    if extra:
        env.update(extra)
    return env


def kefuctl(config, *args, cluster=None, input=None, timeout=60, env=None):
    """Runs $KEFU_BUILD/bin/kefuctl [--config C] ARGS and returns the
    CompletedProcess (text mode; the caller checks returncode)."""
    cmd = [os.path.join(BUILD, "bin", "kefuctl")]
    if config is not None:
        cmd += ["--config", str(config)]
    cmd += [str(a) for a in args]
    extra = dict(env or {})
    if cluster is not None:
        extra.setdefault("KEFU_DB_CONNINFO", cluster.conninfo)
    extra.setdefault("KEFU_SCHEMAS_DIR", SCHEMAS_DIR)
    return subprocess.run(cmd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, cwd=ROOT, env=child_env(extra))


class Service:
    """One kefu-<name> process, its output appended to a log file."""

    def __init__(self, name, config, instance=None, logdir=None, env=None):
        if name not in PROGRAMS:
            raise ValueError("unknown service %r" % name)
        self.name = name
        self.config = str(config)
        self.instance = instance or "%s-1" % name
        self.logdir = logdir or os.path.dirname(self.config)
        self.log = os.path.join(self.logdir, "%s.log" % self.instance)
        self.env = env or {}
        self.proc = None
        self._log_offset = 0

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("%s is already running" % self.instance)
        binary = os.path.join(BUILD, "bin", "kefu-" + self.name)
        self._log_offset = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        logf = open(self.log, "ab")
        try:
            self.proc = subprocess.Popen([binary, "--config", self.config, "--instance", self.instance],
                                         stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         cwd=ROOT, env=child_env(self.env), start_new_session=True)
        finally:
            logf.close()
        return self

    def lines(self, since_start=True):
        """The JSON log lines (dicts) written so far (by this run only when
        since_start); other output (sanitizer reports) is skipped."""
        out = []
        try:
            with open(self.log, "rb") as f:
                if since_start:
                    f.seek(self._log_offset)
                for raw in f:
                    try:
                        item = json.loads(raw.decode("utf-8"))
                    except (UnicodeDecodeError, ValueError):
                        continue
                    if isinstance(item, dict):
                        out.append(item)
        except OSError:
            pass
        return out

    def events(self, event):
        return [x for x in self.lines() if x.get("event") == event]

    def _check_alive(self):
        if self.proc is None:
            raise RuntimeError("%s was never started" % self.instance)
        rc = self.proc.poll()
        if rc is not None:
            raise AssertionError("%s exited with %s; log %s:\n%s"
                                 % (self.instance, rc, self.log, _tail(self.log)))

    def wait_ready(self, timeout=60):
        def ready():
            self._check_alive()
            return bool(self.events("ready"))
        try:
            wait_until(ready, timeout, "%s to log \"ready\"" % self.instance)
        except AssertionError as e:
            raise AssertionError("%s\nlog %s:\n%s" % (e, self.log, _tail(self.log))) from None
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=60, check=True):
        """SIGTERM and wait. Returns the exit status; with check, a non-zero
        status (crash, sanitizer report, leak) raises with the log tail."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("%s did not stop within %d s of SIGTERM; log:\n%s"
                                     % (self.instance, timeout, _tail(self.log)))
        rc = self.proc.returncode
        if check and rc != 0:
            raise AssertionError("%s exited with %d; log %s:\n%s"
                                 % (self.instance, rc, self.log, _tail(self.log)))
        return rc

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start_services(config, names=SERVICES, logdir=None, env=None, timeout=60):
    """Starts the named services (instance <name>-1) and waits until each is
    ready. Returns {name: Service}. On failure stops those already started."""
    started = {}
    try:
        for name in names:
            started[name] = Service(name, config, logdir=logdir, env=env).start()
        for svc in started.values():
            svc.wait_ready(timeout)
    except BaseException:
        stop_services(started, check=False)
        raise
    return started


def stop_services(services, check=True):
    """Stops every service (SIGTERM); raises after all are stopped if any
    exited badly and check is set."""
    problems = []
    for svc in services.values():
        try:
            svc.stop(check=check)
        except AssertionError as e:
            problems.append(str(e))
    if problems:
        raise AssertionError("\n\n".join(problems))


def check_messages(cluster):
    """Validates every message in every service's outbox against schemas/
    with the independent validator of tests/tools/check_messages.py
    (python3-jsonschema, draft 2020-12, formats checked): the envelope
    against envelope.v1.json, the body against messages/<type>.v<version>.json.
    Returns the number checked; raises AssertionError listing failures."""
    import sys
    tools = os.path.join(ROOT, "tests", "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    from check_messages import Checker   # test-only, Debian's python3-jsonschema

    checker = Checker(SCHEMAS_DIR)
    problems, checked = [], 0
    for svc in SERVICES:
        for msg_id, dest, payload in cluster.sql("SELECT message_id::text, destination, payload "
                                                 "FROM %s.outbox ORDER BY id" % svc):
            checked += 1
            where = "%s.outbox %s -> %s" % (svc, msg_id, dest)
            try:
                msg = json.loads(payload)
            except ValueError as e:
                problems.append("%s: not JSON: %s" % (where, e))
                continue
            problems += ["%s: %s" % (where, p) for p in checker.problems(msg)]
    if problems:
        raise AssertionError("%d message(s) do not match schemas/:\n%s"
                             % (len(problems), "\n".join(problems[:50])))
    return checked
