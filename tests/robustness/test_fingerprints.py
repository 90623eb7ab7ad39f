"""Fingerprints that do not give a password back (issue 17, item 13).

rolecall 0.1.0 printed ``sha256(rule_id || 0 || secret)`` as the JSON fingerprint, wrote
it into the committed baseline and into SARIF ``partialFingerprints``: a small
dictionary recovered an ordinary password from any of them. Here an ordinary password
goes through every output, and no value anywhere equals (or contains) a fast hash of
it, keyed or not; the JSON and baseline fingerprints are the documented scrypt
derivation (so a guess costs what the docs claim); SARIF holds nothing derived from
it at all. Baselines get a salt of their own, and version 1 files keep working.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from rolecall.cli.main import main
from rolecall.fakes import fake_key_id

from tests.conftest import write_tree

PASSWORD = "Winter2024x"  # an ordinary password: a dictionary has it
#: Same length and same first quarter (what redaction shows): nothing else in common.
OTHER_PASSWORD = "Wizard!77aa"
KEY_ID = fake_key_id(rng=__import__("random").Random(17))
#: The documented public salt and scrypt parameters (docs/fingerprints.md), restated
#: here so that a change to them fails this test.
PUBLIC_SALT = "rolecall-public-fingerprint-salt-v1"
SCRYPT = {"n": 8192, "r": 8, "p": 1, "dklen": 32}


def _tree(password: str) -> dict[str, str]:
    return {
        ".env": f"DATABASE_URL=postgres://app:{password}@db.internal:5432/app\n",
        "deploy/.netrc": f"machine db.internal login deploy password {password}\n",
        "app/settings.py": (
            "import sqlalchemy\n"
            f'engine = sqlalchemy.create_engine("postgresql://app:{password}@db.internal/app")\n'
        ),
    }


def _scan(fmt: str, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["scan", "--isolated", "--no-cache", "--format", fmt, *extra, "."])
    return code, capsys.readouterr().out


def _fast_hashes(rule_ids: set[str], password: str, salts: list[str]) -> set[str]:
    """Every fast hash of the password an attacker could test guesses against."""
    out = {hashlib.sha256(password.encode()).hexdigest()}
    for rule_id in rule_ids:
        message = f"{rule_id}\0{password}".encode()
        out.add(hashlib.sha256(message).hexdigest())  # rolecall 0.1.0's fingerprint
        for salt in salts:
            out.add(hmac.new(salt.encode(), message, hashlib.sha256).hexdigest())
    return out


def _scrypt(rule_id: str, password: str, salt: str) -> str:
    salted = salt.encode() + b"\0" + rule_id.encode()
    return hashlib.scrypt(password.encode(), salt=salted, maxmem=64 * 2**20, **SCRYPT).hex()


def _hex_runs(text: str) -> list[str]:
    return re.findall(r"[0-9a-f]{16,}", text)


def _leaks(text: str, forbidden: set[str]) -> list[str]:
    """Hex runs in ``text`` that are, contain or are part of a forbidden digest."""
    return [run for run in _hex_runs(text) for f in forbidden if run in f or f in run]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    write_tree(root, _tree(PASSWORD))
    monkeypatch.chdir(root)
    return root


def test_no_fast_hash_of_a_password_in_json_baseline_or_sarif(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _scan("json", capsys=capsys)
    assert code == 1
    findings = json.loads(out)["findings"]
    assert {(f["rule_id"], f["path"]) for f in findings} == {
        ("RC150", ".env"),
        ("RC150", "app/settings.py"),
        ("RC154", "deploy/.netrc"),
    }
    rules = {f["rule_id"] for f in findings}
    _, sarif = _scan("sarif", capsys=capsys)
    public = _fast_hashes(rules, PASSWORD, [PUBLIC_SALT])
    assert _leaks(out, public) == []
    assert _leaks(sarif, public) == []
    assert main(["baseline", "--isolated"]) == 0
    baseline_text = (repo / ".rolecall-baseline.json").read_text()
    salt = json.loads(baseline_text)["salt"]
    _, json_with_baseline = _scan("json", "--baseline", ".rolecall-baseline.json", capsys=capsys)
    _, sarif_with_baseline = _scan("sarif", "--baseline", ".rolecall-baseline.json", capsys=capsys)
    forbidden = _fast_hashes(rules, PASSWORD, [PUBLIC_SALT, salt])
    for text in (out, baseline_text, sarif, json_with_baseline, sarif_with_baseline):
        assert PASSWORD not in text
        assert _leaks(text, forbidden) == []


def test_json_and_baseline_fingerprints_are_the_documented_scrypt_derivation(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = _scan("json", capsys=capsys)
    for finding in json.loads(out)["findings"]:
        assert finding["fingerprint"] == _scrypt(finding["rule_id"], PASSWORD, PUBLIC_SALT)
    assert main(["baseline", "--isolated"]) == 0
    doc = json.loads((repo / ".rolecall-baseline.json").read_text())
    assert doc["version"] == 2 and re.fullmatch(r"[0-9a-f]{32}", doc["salt"])
    for entry in doc["entries"]:
        assert entry["fingerprint"] == _scrypt(entry["rule_id"], PASSWORD, doc["salt"])
    # A scan that uses the baseline prints (and matches) fingerprints keyed with its salt.
    (repo / "new.env").write_text(f"URL=mysql://root:{PASSWORD}@db2.internal/x\n")
    code, out = _scan("json", "--baseline", ".rolecall-baseline.json", capsys=capsys)
    (new,) = json.loads(out)["findings"]
    assert code == 1 and new["path"] == "new.env"
    assert new["fingerprint"] == _scrypt(new["rule_id"], PASSWORD, doc["salt"])


def _sarif_of(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    os.chdir(root)
    _, out = _scan("sarif", capsys=capsys)
    log: dict[str, Any] = json.loads(out)
    return log


def test_sarif_holds_nothing_derived_from_a_low_entropy_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two trees that differ only in the password (same length, same shown prefix)
    # give the same SARIF log: nothing in it depends on the rest of the secret.
    monkeypatch.chdir(tmp_path)
    logs = []
    for name, password in (("a", PASSWORD), ("b", OTHER_PASSWORD)):
        write_tree(tmp_path / name, _tree(password))
        logs.append(_sarif_of(tmp_path / name, capsys))
    first, second = (log["runs"][0]["results"] for log in logs)
    assert len(first) == 3
    assert first == second
    for result in first:
        assert set(result["partialFingerprints"]) == {"rolecall/v2", "primaryLocationLineHash"}
    # Whereas the same trees with a random secret key differ: its keyed fingerprint is
    # in the log (high-entropy material is not dictionary-reversible).
    (tmp_path / "a" / "k.py").write_text(f'K = "{KEY_ID}"\n')
    (tmp_path / "b" / "k.py").write_text(f'K = "{fake_key_id()}"\n')
    a, b = (_sarif_of(tmp_path / n, capsys)["runs"][0]["results"] for n in "ab")
    assert [r["partialFingerprints"] for r in a if r["ruleId"] == "RC101"] != [
        r["partialFingerprints"] for r in b if r["ruleId"] == "RC101"
    ]


def test_each_new_baseline_gets_its_own_salt_and_still_suppresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = []
    for name in ("one", "two"):
        root = tmp_path / name
        write_tree(root, {**_tree(PASSWORD), "k.py": f'K = "{KEY_ID}"\n'})
        monkeypatch.chdir(root)
        assert main(["baseline", "--isolated"]) == 0
        docs.append(json.loads((root / ".rolecall-baseline.json").read_text()))
        code, out = _scan("json", "--baseline", ".rolecall-baseline.json", capsys=capsys)
        assert (code, json.loads(out)["findings"]) == (0, [])
        # Rewriting the file keeps its salt: the same findings give the same bytes.
        before = (root / ".rolecall-baseline.json").read_bytes()
        assert main(["baseline", "--isolated"]) == 0
        assert (root / ".rolecall-baseline.json").read_bytes() == before
    one, two = docs
    assert one["salt"] != two["salt"]
    assert len(one["entries"]) == len(two["entries"]) == 4
    prints = [{e["fingerprint"] for e in doc["entries"]} for doc in docs]
    assert prints[0].isdisjoint(prints[1])


def _v1_baseline(entries: list[dict[str, str]]) -> str:
    """A baseline file byte for byte as rolecall 0.1.0 wrote it."""
    doc = {"version": 1, "tool": "rolecall", "entries": entries}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _sha256(rule_id: str, material: str) -> str:
    return hashlib.sha256(f"{rule_id}\0{material}".encode()).hexdigest()


def test_a_version_1_baseline_still_works_and_is_migrated(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "k.py").write_text(f'K = "{KEY_ID}"\n')
    old = [
        {"rule_id": "RC150", "path": ".env", "fingerprint": _sha256("RC150", PASSWORD)},
        {
            "fingerprint": _sha256("RC150", PASSWORD),
            "path": "app/settings.py",
            "reason": "test database, password rotated",
            "rule_id": "RC150",
        },
        {"rule_id": "RC154", "path": "deploy/.netrc", "fingerprint": _sha256("RC154", PASSWORD)},
        {"rule_id": "RC101", "path": "k.py", "fingerprint": _sha256("RC101", KEY_ID)},
    ]
    # 0.1.0 sorted entries by (path, rule id, fingerprint), fields in this order.
    old.sort(key=lambda e: (e["path"], e["rule_id"], e["fingerprint"]))
    fields = ("rule_id", "path", "fingerprint", "reason")
    path = repo / ".rolecall-baseline.json"
    path.write_text(_v1_baseline([{k: e[k] for k in fields if k in e} for e in old]))
    code, out = _scan("json", "--baseline", path.name, capsys=capsys)
    assert (code, json.loads(out)["findings"]) == (0, [])
    capsys.readouterr()
    assert main(["scan", "--isolated", "--no-cache", "--baseline", path.name, "."]) == 0
    assert "4 accepted by the baseline" in capsys.readouterr().out
    legacy = {e["fingerprint"] for e in old}
    # The old fingerprints are only matched: no output and no cache holds them.
    assert main(["scan", "--isolated", "--format", "sarif", "--baseline", path.name, "."]) == 0
    outputs = capsys.readouterr().out
    cache = Path(os.environ["XDG_CACHE_HOME"])
    cached = "".join(p.read_bytes().hex() + p.read_bytes().decode("latin-1") for p in _files(cache))
    for fp in legacy:
        assert fp not in outputs and fp not in cached and bytes.fromhex(fp).hex() not in cached

    # An update of a part of the tree migrates what it sees, keeps the rest unsalted.
    assert main(["baseline", "--isolated", "--update", "app"]) == 0
    doc = json.loads(path.read_text())
    assert doc["version"] == 2 and re.fullmatch(r"[0-9a-f]{32}", doc["salt"])
    by_path = {e["path"]: e for e in doc["entries"]}
    assert by_path["app/settings.py"] == {
        "rule_id": "RC150",
        "path": "app/settings.py",
        "fingerprint": _scrypt("RC150", PASSWORD, doc["salt"]),
        "reason": "test database, password rotated",
    }
    assert all(by_path[p].get("unsalted") is True for p in (".env", "deploy/.netrc", "k.py"))
    code, out = _scan("json", "--baseline", path.name, capsys=capsys)
    assert (code, json.loads(out)["findings"]) == (0, [])

    # A full update leaves no unsalted entry and no old fingerprint in the file.
    assert main(["baseline", "--isolated", "--update"]) == 0
    text = path.read_text()
    doc = json.loads(text)
    assert len(doc["entries"]) == 4
    assert not any("unsalted" in e for e in doc["entries"])
    assert not any(fp in text for fp in legacy)
    assert (
        _leaks(text, _fast_hashes({"RC150", "RC154"}, PASSWORD, [PUBLIC_SALT, doc["salt"]])) == []
    )
    assert [e.get("reason") for e in doc["entries"] if e["path"] == "app/settings.py"] == [
        "test database, password rotated"
    ]
    code, out = _scan("json", "--baseline", path.name, capsys=capsys)
    assert (code, json.loads(out)["findings"]) == (0, [])
    # A new password is reported against the migrated file.
    (repo / ".env").write_text(f"DATABASE_URL=postgres://app:{OTHER_PASSWORD}@db.internal/app\n")
    code, out = _scan("json", "--baseline", path.name, capsys=capsys)
    assert code == 1 and [f["path"] for f in json.loads(out)["findings"]] == [".env"]


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_one_scrypt_per_password_and_rule_in_a_run(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    scrypt_calls: list[bytes],
) -> None:
    calls = scrypt_calls
    lines = "".join(f"URL_{i}=postgres://app:{PASSWORD}@db{i}.internal/app\n" for i in range(40))
    write_tree(tmp_path, {"a.env": lines, "b.env": lines})
    monkeypatch.chdir(tmp_path)
    code, out = _scan("json", "--jobs", "1", capsys=capsys)
    assert code == 1 and len(json.loads(out)["findings"]) == 80
    assert calls == [PASSWORD.encode()]


def test_short_secrets_show_at_most_a_quarter(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rolecall import redact

    for length in range(1, 41):
        value = "x" * length
        shown = redact(value).split("…")[0]
        assert len(shown) <= length // 4
    assert redact("Winter2024x") == "Wi…(11 chars)"  # 11 characters: 2, not 4
    assert redact("Summer2024!!") == "Sum…(12 chars)"
    assert redact("P@ssw0rd") == "…(8 chars)"
    _, out = _scan("json", capsys=capsys)
    assert {f["evidence"] for f in json.loads(out)["findings"] if f["rule_id"] == "RC154"} == {
        "Wi…(11 chars)"
    }


def test_the_result_cache_holds_no_fast_hash_of_a_password(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Findings name the values they cover by a short hash, for the engine's superseding
    step; the result cache stores none, and the hash is keyed per process."""
    capsys.readouterr()
    assert main(["scan", "--isolated", "--format", "json", "."]) == 1
    rule_ids = {f["rule_id"] for f in json.loads(capsys.readouterr().out)["findings"]}
    cache = Path(os.environ["XDG_CACHE_HOME"])
    stored = "".join(p.read_bytes().decode("latin-1") for p in _files(cache))
    assert "RC" in stored  # the results are there
    assert not _leaks(stored, _fast_hashes(rule_ids, PASSWORD, [PUBLIC_SALT]))


def test_a_code_finding_without_a_literal_costs_no_scrypt(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    scrypt_calls: list[bytes],
) -> None:
    """A client given keys read from the environment holds no credential value: its
    fingerprint is a keyed fast hash; a literal password in code still gets scrypt."""
    calls = scrypt_calls
    environ = (
        "import os\nimport boto3\n"
        's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
        '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
    )
    write_tree(tmp_path, {"env_client.py": environ})
    monkeypatch.chdir(tmp_path)
    code, out = _scan("json", "--jobs", "1", capsys=capsys)
    (finding,) = json.loads(out)["findings"]
    assert code == 1 and finding["rule_id"].startswith("RC2")
    assert calls == []
    write_tree(tmp_path, _tree(PASSWORD))
    code, out = _scan("json", "--jobs", "1", capsys=capsys)
    assert code == 1 and set(calls) == {PASSWORD.encode()}  # one per rule that saw it
