"""The SARIF classes rolecall writes without importing sarif-om are sarif-om's own: the
same attributes and property names in the same order, and the same log written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import attr
import pytest
import rolecall.reporters.sarif
import rolecall.reporters.sarif_rules
import sarif_om
from rolecall.cli import main
from rolecall.fakes import fake_key_id, fake_secret_key
from rolecall.reporters import sarif_model
from rolecall.reporters.sarif_json import dumps, om, to_data
from rolecall.reporters.sarif_model import SarifClass

CLASSES = [v for v in vars(sarif_model).values() if isinstance(v, SarifClass)]


def test_every_class_the_reporter_names_is_modelled() -> None:
    names = {cls.name for cls in CLASSES}
    assert len(names) == len(CLASSES) == 21
    for module in (rolecall.reporters.sarif, rolecall.reporters.sarif_rules):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        used = set(re.findall(r"\bso\.([A-Za-z]+)", source))
        assert used and used <= names


@pytest.mark.parametrize("cls", CLASSES, ids=[c.name for c in CLASSES])
def test_class_matches_sarif_om(cls: SarifClass) -> None:
    theirs = attr.fields(getattr(sarif_om, cls.name))
    assert cls.fields == tuple(
        (f.name, f.metadata.get("schema_property_name", f.name)) for f in theirs
    )


@pytest.mark.parametrize("cls", CLASSES, ids=[c.name for c in CLASSES])
def test_object_is_what_sarif_om_writes(cls: SarifClass) -> None:
    """Every attribute set (to a distinct value, and ``None`` to one left out): the plain
    data and the JSON text are those of the sarif-om object."""
    values: dict[str, object] = {name: f"v{n}" for n, (name, _) in enumerate(cls.fields)}
    values[cls.fields[-1][0]] = None
    ours = om(cls, **values)
    theirs = om(getattr(sarif_om, cls.name), **values)
    assert to_data(ours) == to_data(theirs)
    assert dumps(ours) == dumps(theirs)
    assert list(to_data(ours)) == list(to_data(theirs))


def test_unknown_attribute_is_refused_as_sarif_om_does() -> None:
    with pytest.raises(TypeError, match="rule_idx"):
        om(sarif_model.Result, rule_idx=1)
    with pytest.raises(TypeError, match="rule_idx"):
        om(sarif_om.Result, rule_idx=1)


def test_explicit_values_and_nesting_as_with_sarif_om() -> None:
    result = om(
        sarif_model.Result,
        message=om(sarif_model.Message, text="m"),
        level="warning",
        rule_index=0,
        rank=None,
        properties={"a": None, "b": (1, 2)},
    )
    assert dumps(result) == (
        '{"ruleIndex":0,"level":"warning","message":{"text":"m"},"properties":{"b":[1,2]}}'
    )


def test_scan_writes_the_same_log_as_with_sarif_om_classes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log with rules, results with fixes and related locations, notices and an
    outside-the-base file: byte for byte what the reporter writes with sarif-om."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={fake_key_id()}\nAWS_SECRET_ACCESS_KEY={fake_secret_key()}\n"
    )
    (tree / "app.py").write_text(
        "import os\nimport boto3\n\n"
        's3 = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
        '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
    )
    (tree / "blob.bin").write_bytes(b"\0\1\2")
    (tree / "data.txt").write_bytes(b"x\0y")
    outside = tmp_path / "outside.env"
    outside.write_text(f"aws_secret_access_key = {fake_secret_key()}\n")
    monkeypatch.chdir(tree)
    args = ["scan", "--isolated", "--no-cache", "--format", "sarif", ".", str(outside)]

    def log() -> str:
        assert main(args) == 1
        return capsys.readouterr().out

    ours = log()
    monkeypatch.setattr(rolecall.reporters.sarif, "so", sarif_om)
    monkeypatch.setattr(rolecall.reporters.sarif_rules, "so", sarif_om)
    theirs = log()
    assert ours == theirs
    run = json.loads(ours)["runs"][0]
    assert run["results"] and any(r.get("fixes") for r in run["results"])
    assert any(r.get("relatedLocations") for r in run["results"])
    assert run["invocations"][0]["toolExecutionNotifications"]
    assert "OUTSIDE" in run["originalUriBaseIds"]
