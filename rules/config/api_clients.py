"""AWS keys saved in API client environments, collections and request files (RC321)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from rolecall import Confidence, DocKind, Document, Example, Finding, Rule, RuleContext, Severity
from rolecall.plugin.api import Entry, MapNode, Node, Scalar, walk
from rolecall.rules.common.pairing import findings, locate
from rolecall.rules.config.places import config_entries, json_needed, may_hold_value, tree_roots
from rolecall.rules.config.support import (
    CREDENTIAL_WORDS,
    FAKE_KEY_ID,
    FAKE_SECRET,
    FAKE_TEMP_KEY_ID,
    FAKE_TOKEN,
)

_ID, _TMP_ID, _SECRET, _TOKEN = FAKE_KEY_ID, FAKE_TEMP_KEY_ID, FAKE_SECRET, FAKE_TOKEN

#: Text that marks a JSON file as an API client's export (found anywhere in the file:
#: Postman writes its environment markers last).
_JSON_MARKERS = {
    "Postman": ('"_postman_variable_scope"', "getpostman.com/json/collection", '"_postman_id"'),
    "Insomnia": ('"__export_format"', "insomnia.desktop.app"),
    "HTTPie": ('"HTTPie session file"',),
    # VS Code REST Client environments live in settings.json.
    "REST Client": ('"rest-client.environmentVariables"',),
}
#: Environment files of the JetBrains HTTP Client (the private one is meant to stay
#: local, and is committed all the same).
_JETBRAINS_ENV = ("http-client.env.json", "http-client.private.env.json")


def _environment(values: list[dict[str, object]]) -> str:
    body = {
        "id": "8c2f6a5e-4b1d-4f0e-9b7a-2d5c3e1f0a9b",
        "name": "prod",
        "values": values,
        "_postman_variable_scope": "environment",
        "_postman_exported_at": "2024-05-02T09:14:27.113Z",
        "_postman_exported_using": "Postman/11.0.9",
    }
    return json.dumps(body, indent="\t") + "\n"


def _var(key: str, value: str) -> dict[str, object]:
    return {"key": key, "value": value, "type": "default", "enabled": True}


class AwsKeysInApiClientFile(Rule):
    """An API client's saved environment, collection or request holds AWS keys.

    ## What it finds
    AWS key ids, secret access keys and session tokens saved in Postman environment,
    globals and collection exports (``values``/``variable`` items and the ``awsv4`` auth
    helper's ``accessKey``/``secretKey``/``sessionToken``), Insomnia exports (``iam``
    authentication, environment ``data``), HTTPie session files (``auth.raw_auth``),
    JetBrains HTTP Client environments (``http-client.env.json`` and its private twin),
    VS Code REST Client environments (``rest-client.environmentVariables``),
    Bruno ``.bru`` files (``auth:awsv4``, ``vars``) and REST Client ``.http`` files (``@var
    = value``, ``Authorization: AWS <id> <secret> token:<token>``). A value of a secret
    key's or session token's shape next to a key id in the same item list or block is
    its secret or token, whatever the variable is called.

    ## Why it is risky
    API client files are shared on purpose (committed next to the service, exported to
    teammates, synced to the vendor's cloud); a key saved in one is a long-term key in
    every copy.

    ## Use instead
    Sign requests with short-lived credentials fetched at request time: run the client
    with an SSO profile and take temporary credentials from ``aws configure
    export-credentials --profile <profile> --format env`` (or a pre-request script that
    reads them from the environment), Bruno's ``profileName`` field, or ``{{var}}``
    references to the client's local, unshared secret store.

    ## Example
    Before (``prod.postman_environment.json``): ``{"key": "secretKey", "value": "wJal…"}``.
    After: ``{"key": "secretKey", "value": "{{$processEnv AWS_SECRET_ACCESS_KEY}}"}``-style
    references filled from ``aws configure export-credentials`` at run time.
    """

    id = "RC321"
    name = "aws-keys-in-api-client-file"
    severity = Severity.ERROR
    supersedes = ("RC1", "RC301")
    confidence = Confidence.HIGH
    message = "{client} file sets `{name}` to {what}"
    recommendation = (
        "Remove the value and rotate the key (aws iam update-access-key --access-key-id "
        "{key_id} --status Inactive, then delete it). Sign requests with temporary "
        "credentials fetched at request time: log in with an SSO profile and load them "
        "from `aws configure export-credentials --profile <profile> --format env` into "
        "the client's local, unshared variables (Bruno: profileName; REST Client: "
        "{{{{$processEnv AWS_SECRET_ACCESS_KEY}}}})."
    )
    kinds = frozenset({DocKind.JSON, DocKind.BRUNO, DocKind.HTTP})
    keywords = CREDENTIAL_WORDS
    VALID = (
        Example(_environment([_var("accessKey", "{{AWS_KEY}}"), _var("region", "eu-west-1")]),
                "prod.postman_environment.json"),
        Example("auth:awsv4 {\n  service: s3\n  region: us-east-1\n  profileName: dev\n}\n",
                "list.bru"),
        Example("@region = eu-west-1\n\nGET https://s3.amazonaws.com/\n"
                "Authorization: AWS {{accessKey}} {{secretKey}}\n", "s3.http"),
        Example(_environment([_var("accessKey", ""), _var("secretKey", "")]),
                "shared.postman_environment.json"),
    )  # fmt: skip
    INVALID = (
        Example(
            _environment([_var("awsKey", _ID), _var("awsSecret", _SECRET)]),
            "prod.postman_environment.json",
            line=13,
            column=14,
            severity=Severity.ERROR,
        ),
        Example(
            f"auth:awsv4 {{\n  accessKeyId: {_TMP_ID}\n  secretAccessKey: {_SECRET}\n"
            f"  sessionToken: {_TOKEN}\n  service: s3\n  region: us-east-1\n}}\n",
            "collections/s3/list-buckets.bru",
            count=2,  # the temporary pair, and its session token
            line=3,
            column=20,
            severity=Severity.WARNING,
        ),
        Example(
            f"@accessKey = {_ID}\n@secretKey = {_SECRET}\n\n###\nGET https://s3.amazonaws.com/\n"
            "Authorization: AWS {{accessKey}} {{secretKey}}\n",
            "requests/s3.http",
            line=2,
            column=14,
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Finding]:
        if not may_hold_value(doc):
            return  # no value could be a credential: no need to parse the file
        if DocKind.JSON in doc.kinds:
            # The C parser's reading first (usually decided for RC301 already): nothing
            # this rule could report means no marker search through the whole text.
            # Notebook cells are code, read by the Python rules: never entries here.
            if DocKind.NOTEBOOK in doc.kinds or not json_needed(doc):
                return
            client = json_client(doc)
            if client is None:
                return
            pairs = _json_pairs(doc)
        else:
            from rolecall.plugin.api import request_file

            bru = DocKind.BRUNO in doc.kinds
            client = "Bruno" if bru else "REST Client"
            pairs = [(e.key, e) for e in request_file(doc, bru).entries]
        yield from findings(self, doc, locate(pairs, ctx), client=client)


def json_client(doc: Document) -> str | None:
    """The API client whose export ``doc`` is, or None."""
    if doc.path.rsplit("/", 1)[-1].lower() in _JETBRAINS_ENV:
        return "JetBrains HTTP Client"
    for client, markers in _JSON_MARKERS.items():
        if any(marker in doc.text for marker in markers):
            return client
    return None


def _json_pairs(doc: Document) -> list[tuple[str, Entry]]:
    """Named values of an API client export: plain keys, ``{"key": K, "value": V}`` items
    (named K, grouped by their list) and HTTPie's ``raw_auth`` (``id:secret``)."""
    items: dict[tuple[str, ...], Entry] = {}
    for root in tree_roots(doc):
        for path, node in walk(root):
            item = _key_value_item(path, node)
            if item is not None:
                items[path] = item
    pairs = [(e.key, e) for e in items.values()]
    for entry in config_entries(doc):
        if entry.parent in items:
            continue  # the item's own "key"/"value" strings: read above as one binding
        if entry.key == "raw_auth" and ":" in entry.value:
            user, _, password = entry.value.partition(":")
            at = entry.start + len(user) + 1
            pairs.append(("accessKeyId", Entry(entry.path, user, entry.start, at - 1)))
            pairs.append(("secretAccessKey", Entry(entry.path, password, at, entry.end)))
            continue
        pairs.append((entry.key, entry))
    return pairs


def _key_value_item(path: tuple[str, ...], node: Node) -> Entry | None:
    if not isinstance(node, MapNode) or not path:
        return None
    key, value = node.get("key"), node.get("value")
    if not (isinstance(key, Scalar) and isinstance(value, Scalar) and value.is_string):
        return None
    # A disabled item ("enabled": false) is still saved in the file: it counts.
    # Items of one list are one group: the list's path.
    return Entry((*path[:-1], key.value), value.value, value.start, value.end, quoted=True)
