"""The XML, Bruno and REST Client views: values, offsets and groups."""

from __future__ import annotations

import pytest
from rolecall import DocKind
from rolecall.read.document import detect_kind
from rolecall.read.parsers.apiclients import parse_bru, parse_http
from rolecall.read.parsers.common import Entry
from rolecall.read.parsers.xml import parse_xml, unescape


def _pairs(text: str, entries: tuple[Entry, ...]) -> list[tuple[str, str]]:
    """(key, value) of each entry, checking that its offsets hold the value as written
    (XML values are written with entities)."""
    for e in entries:
        written = text[e.start : e.end]
        assert written == e.value or unescape(written) == e.value
    return [(e.key, e.value) for e in entries]


def test_xml_leaf_elements_plist_pairs_and_attributes() -> None:
    text = (
        "<?xml version='1.0'?>\n<!-- <secretKey>commented</secretKey> -->\n<root>\n"
        "  <cred><accessKey> AK </accessKey><secretKey>a&amp;b</secretKey></cred>\n"
        "  <plist><dict><key>Password</key><string>pw</string><key>On</key><true/>"
        "<key>Next</key><string>n</string></dict></plist>\n"
        '  <appSettings><add key="AWSSecretKey" value="v&quot;1"/></appSettings>\n'
        '  <entry key="aws.secret">s</entry><raw><![CDATA[c<d]]></raw>\n</root>\n'
    )
    doc = parse_xml(text)
    assert _pairs(text, doc.entries) == [
        ("accessKey", "AK"),
        ("secretKey", "a&b"),
        ("Password", "pw"),
        ("Next", "n"),
        ("AWSSecretKey", 'v"1'),
        ("aws.secret", "s"),
        ("raw", "c<d"),
    ]
    cred = [e for e in doc.entries if e.key in ("accessKey", "secretKey")]
    assert cred[0].parent == cred[1].parent  # one record, one group


def test_xml_value_children_namespaced_attributes_and_named_strings() -> None:
    text = (
        "<SettingsFile><Settings>\n"
        '  <Setting Name="AWSAccessKey" Type="System.String"><Value Profile="(Default)">AK'
        "</Value></Setting>\n"
        '  <Setting Name="AWSSecretKey" Type="System.String"><Value Profile="(Default)">SK'
        "</Value></Setting>\n</Settings></SettingsFile>\n"
        '<manifest><meta-data android:name="com.amazonaws.secret" android:value="MV"/>'
        '<string name="aws_secret_key">SV</string></manifest>\n'
    )
    entries = parse_xml(text).entries
    assert _pairs(text, entries) == [
        ("AWSAccessKey", "AK"),
        ("AWSSecretKey", "SK"),
        ("com.amazonaws.secret", "MV"),
        ("aws_secret_key", "SV"),
    ]
    assert entries[0].parent == entries[1].parent  # one settings group


def test_xml_sibling_records_are_separate_groups_and_bad_nesting_does_not_raise() -> None:
    text = "<list><c><k>1</k></c><c><k>2</k></c></list><a><b>x</a><open>"
    entries = parse_xml(text).entries
    assert [e.value for e in entries] == ["1", "2"]
    assert entries[0].parent != entries[1].parent


def test_xml_entities_are_never_expanded_beyond_the_predefined() -> None:
    assert unescape("&lt;&#65;&#x42;&custom;") == "<AB&custom;"
    text = '<!DOCTYPE x [<!ENTITY big "boom">]><x><k>&big;</k></x>'
    assert [e.value for e in parse_xml(text).entries] == ["&big;"]


def test_bru_reads_dictionary_blocks_and_skips_text_and_list_blocks() -> None:
    text = (
        "meta {\n  name: list\n}\n\nauth:awsv4 {\n  accessKeyId: AK\n  ~sessionToken: T\n"
        '  profileName: \n}\n\nbody:json {\n  {\n    "secretKey": "inside"\n  }\n}\n'
        "vars:secret [\n  awsSecret\n]\nvars {\n  url: {{host}}/x\n}\n"
    )
    entries = parse_bru(text).entries
    assert _pairs(text, entries) == [
        ("name", "list"),
        ("accessKeyId", "AK"),
        ("sessionToken", "T"),
        ("url", "{{host}}/x"),
    ]
    assert entries[1].parent == entries[2].parent != entries[0].parent
    assert entries[3].literal is False


def test_http_file_variables_and_aws_authorization_header() -> None:
    text = (
        "@key = AK\n@secret=S1\n\n### one\nGET https://s3.amazonaws.com/ HTTP/1.1\n"
        "Authorization: AWS AK2 S2 token:T2 region:us-east-1\n"
        "X-Amz-Security-Token: T3\n\n### two\nAuthorization: AWS {{key}} {{secret}}\n"
    )
    entries = parse_http(text).entries
    assert _pairs(text, entries) == [
        ("key", "AK"),
        ("secret", "S1"),
        ("accessKeyId", "AK2"),
        ("secretAccessKey", "S2"),
        ("sessionToken", "T2"),
        ("X-Amz-Security-Token", "T3"),
        ("accessKeyId", "{{key}}"),
        ("secretAccessKey", "{{secret}}"),
    ]
    assert entries[0].parent == entries[1].parent
    assert entries[2].parent == entries[5].parent != entries[6].parent
    assert not entries[6].literal


@pytest.mark.parametrize(
    ("path", "text", "kind"),
    [
        ("infra/terraform.tfstate", "", DocKind.JSON),
        ("infra/terraform.tfstate.backup", "", DocKind.JSON),
        ("jenkins/credentials.xml", "", DocKind.XML),
        ("Bookmarks/s3.duck", "", DocKind.XML),
        ("Info.plist", "", DocKind.XML),
        ("web.config", '\ufeff<?xml version="1.0"?>', DocKind.XML),
        ("nginx.config", "server {}", DocKind.TEXT),
        ("Properties/Settings.settings", "<?xml version='1.0'?>", DocKind.XML),
        ("Properties/Resources.resx", "<root/>", DocKind.XML),
        ("Properties/PublishProfiles/prod.pubxml", "<Project/>", DocKind.XML),
        ("collections/list.bru", "", DocKind.BRUNO),
        ("api/requests.http", "", DocKind.HTTP),
        ("api/requests.rest", "", DocKind.HTTP),
    ],
)
def test_detect_kind_of_the_new_places(path: str, text: str, kind: DocKind) -> None:
    assert detect_kind(path, text) is kind
