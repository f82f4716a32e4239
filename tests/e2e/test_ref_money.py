"""`kefuctl admin load` writes the money reference data of org.yaml
(schemas/sql/0026_ref_money.sql) into a real cluster: the parts list with
costs in fen, products' warranty_from, warranty cards' installation,
providers' contract money and dates, and lots. Loading again changes
nothing; a part no longer listed is deactivated, a lot no longer listed is
kept; a file with a bad entry loads nothing. No service runs: the loader
talks to PostgreSQL as the owner, as an operator's kefuctl does."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kefu_system import System, ROOT  # noqa: E402

S = None
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "org.yaml")
TMP = None


def setup_module():
    global S, TMP
    S = System("ref-money")       # loads tests/fixtures/org.yaml
    TMP = tempfile.mkdtemp(prefix="kefu-ref-money-")


def teardown_module():
    if S:
        S.shutdown()


def fixture_variant(name, *replacements):
    """The fixture with each (old, new) replaced once, written beside the
    test's files (calendars_dir made absolute)."""
    with open(FIXTURE, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("calendars_dir: ../../deploy/calendars",
                        "calendars_dir: " + os.path.join(ROOT, "deploy", "calendars"))
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


MONEY_SQL = {
    "parts": "SELECT code, name, cost, currency, active FROM ref.parts ORDER BY code",
    "products": "SELECT code, warranty_from FROM ref.products ORDER BY code",
    "cards": "SELECT card_no, install_date::text, installed_by, install_unauthorised "
             "FROM ref.warranty_cards ORDER BY card_no",
    "contracts": "SELECT id, contract_base, currency, deposit, contract_start::text, contract_end::text, "
                 "reward_dealer FROM ref.organisations ORDER BY id",
    "lots": "SELECT lot, product_code, quantity, ship_date::text, dealer_id FROM ref.lots ORDER BY lot",
}


def money_rows():
    return {key: S.sql(sql) for key, sql in MONEY_SQL.items()}


def test_the_fixture_loads_into_the_money_columns():
    rows = money_rows()
    assert rows["parts"] == [
        ("AC-CAP-35", "压缩机启动电容", 1850, "CNY", True),
        ("AC-PCB-01", "空调主板", 32000, "CNY", True),
        ("RF-THERM-2", "冰箱温控器", 4580, "CNY", True),
        ("WH-ANODE-60", "热水器镁棒", 3600, "CNY", True)]
    assert ("AC-LUX", "installation") in rows["products"]
    assert ("AC-3200", "purchase") in rows["products"]          # the default
    assert rows["cards"] == [
        ("W-0001", None, None, False),
        ("W-0002", "2025-05-20", "D-JS", False),
        ("W-0003", "2026-01-08", "P-JS", False),
        ("W-0004", None, None, True)]
    assert rows["contracts"] == [
        ("D-JS", None, "CNY", 0, None, None, None),
        ("D-SH", None, "CNY", 0, None, None, None),
        ("P-JS", 8000000, "CNY", 500000, "2026-01-01", "2026-12-31", "D-JS")]
    assert rows["lots"] == [
        ("L-AC3200-2601", "AC-3200", 1000, "2026-01-10", "D-SH"),
        ("L-WH60-2509", "WH-60", 200, "2025-09-01", "D-JS")]


def test_loading_again_changes_nothing():
    before = money_rows()
    out = S.kefuctl("admin", "load", FIXTURE, json_out=True)
    assert (out["parts"], out["parts_deactivated"], out["lots"]) == (4, 0, 2), out
    assert money_rows() == before
    text = S.kefuctl("admin", "load", FIXTURE).stdout
    assert "4 parts (0 deactivated), 2 lots" in text, text


def test_a_reload_replaces_changed_rows():
    """A part dropped from the file becomes inactive (an estimate may name
    it); a lot dropped stays (defects are recorded against it); changed
    values replace the old ones, also back to their defaults."""
    path = fixture_variant(
        "org-changed.yaml",
        ("  - {code: RF-THERM-2, name: 冰箱温控器, cost: \"45.80\", currency: CNY}\n", ""),
        ("cost: \"320.00\"", "cost: \"299.99\""),
        ("  - {lot: L-WH60-2509, product: WH-60, quantity: 200, ship_date: \"2025-09-01\", dealer: D-JS}\n",
         "  - {lot: L-AC3200-2602, product: AC-3200, quantity: 500, ship_date: \"2026-02-10\", dealer: D-SH}\n"),
        ("    deposit: \"5000.00\"\n", ""),
        (", warranty_from: installation}", "}"),
        (", install_date: \"2025-05-20\", installed_by: D-JS}", "}"))
    try:
        out = S.kefuctl("admin", "load", path, json_out=True)
        assert (out["parts"], out["parts_deactivated"], out["lots"]) == (3, 1, 2), out
        rows = money_rows()
        assert ("RF-THERM-2", "冰箱温控器", 4580, "CNY", False) in rows["parts"]
        assert ("AC-PCB-01", "空调主板", 29999, "CNY", True) in rows["parts"]
        assert [lot[0] for lot in rows["lots"]] == ["L-AC3200-2601", "L-AC3200-2602", "L-WH60-2509"]
        assert ("P-JS", 8000000, "CNY", 0, "2026-01-01", "2026-12-31", "D-JS") in rows["contracts"]
        assert ("AC-LUX", "purchase") in rows["products"]
        assert ("W-0002", None, None, False) in rows["cards"]
    finally:
        S.kefuctl("admin", "load", FIXTURE)
    # back as it was, the part active again
    assert ("RF-THERM-2", "冰箱温控器", 4580, "CNY", True) in money_rows()["parts"]


def test_a_refused_file_loads_nothing():
    before = money_rows()
    cases = [
        (("cost: \"18.50\"", "cost: \"18.505\""),
         "parts[1].cost: \"18.505\": at most 2 digits after the point for CNY"),
        (("cost: \"36.00\", currency: CNY", "cost: \"36.00\", currency: YUAN"),
         "parts[3].currency: unknown currency \"YUAN\""),
        (("dealer: D-JS}", "dealer: P-JS}"),
         "lots[1].dealer: organisation P-JS is a provider; a lot's dealer must be a dealer"),
        (("installed_by: P-JS}", "installed_by: P-XX}"),
         "cards[1].installed_by: unknown organisation \"P-XX\""),
    ]
    for i, ((old, new), want) in enumerate(cases):
        path = fixture_variant("org-bad-%d.yaml" % i, (old, new))
        proc = S.kefuctl("admin", "load", path, check=False)
        assert proc.returncode != 0, proc.stdout
        assert want in proc.stderr, proc.stderr
        assert proc.stderr.startswith("kefuctl admin load: " + path + ":"), proc.stderr
    assert money_rows() == before
