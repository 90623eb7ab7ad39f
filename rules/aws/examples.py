"""Fake credentials and shared hard negatives for the RC1xx rule examples.

Every key-shaped value is built by concatenation or generated, so this repository holds
no key-shaped literal and rolecall scanning itself stays clean. The fakes are well formed
(a modern id's base32 tail, a secret's character mix) so that only context decides.
"""

from __future__ import annotations

import base64
import hashlib

from rolecall import Example

#: The fake key id of every rule folder's examples (the config and Python rules use it too).
AKIA = "AKIA" + "Q3ZR7HVTX2M4WYLB"
AKIA_2 = "AKIA" + "5TQWXZ3RMVK7PL2N"
AKIA_LEGACY = "AKIA" + "J7Q2XK4M9TL0RB8W"  # an old-generation id (5th character A-P)
AKIA_OLD_C = "AKIA" + "C7Q2XK4M9TL3RB6W"  # old generation: any 5th character A-P
#: A new-generation id whose encoded account has 13 digits: AWS cannot have issued it.
AKIA_IMPOSSIBLE = "AKIA" + "7XQ2MZRT5VKW3LPN"
ASIA = "ASIA" + "Y34FZKBOKMUTVV7A"  # encodes account 609629065308
ABIA = "ABIA" + "S7KQ3M2XZV4WTR6Y"
ACCA = "ACCA" + "T5LM2QX7ZK3VWR4N"
SECRET = "hJ3kq9Zr" + "Tm2Vx8Lw4Pn6Ys1Bd7Fg5Hc0Qa/Ue+Ri"
SECRET_2 = "Zp4Rt8Kw" + "Nq2Lx7Vm3Hs9Bc5Dg1Fj6Yt0Ua+We/Oi"
EXAMPLE_ID = "AKIA" + "IOSFODNN7EXAMPLE"
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"


def _fake_base64(seed: str, length: int) -> str:
    out = b""
    counter = 0
    while len(out) * 4 // 3 < length + 4:
        out += hashlib.sha512(f"{seed}-{counter}".encode()).digest()
        counter += 1
    return base64.b64encode(out).decode()[:length]


TOKEN = "IQoJb3JpZ2lu" + "X2VjE" + _fake_base64("rolecall-token", 380)
#: Shaped like AWS's documented example tokens: ``EXAMPLE`` in the middle.
EXAMPLE_TOKEN = TOKEN[:40] + "EXAMPLE" + TOKEN[47:]
#: A token without a known prefix (as older or re-encoded tokens look).
TOKEN_NO_PREFIX = "Wm9" + _fake_base64("rolecall-token-2", 300)
#: Hex digest, UUID, JWT and a PNG data URI: the usual lookalikes.
SHA1 = hashlib.sha1(b"rolecall").hexdigest()
UUID = "6f1c2a9e-3b7d-4e8f-9a0b-1c2d3e4f5a6b"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9."
    + base64.urlsafe_b64encode(b'{"sub":"1234567890abcdef","name":"Jane Doe","iat":151}')
    .decode()
    .rstrip("=")
    + "."
    + _fake_base64("rolecall-jwt", 43).replace("+", "-").replace("/", "_")
)
PNG = "data:image/png;base64,iVBORw0KGgo" + _fake_base64("rolecall-png", 600)

#: Text that no RC1xx rule reports.
HARD_NEGATIVES: tuple[Example, ...] = (
    Example("region = 'eu-west-1'\n"),
    Example(f"user_id = 'AIDA{AKIA[4:]}'\nrole_id = 'AROA{AKIA[4:]}'\n"),
    Example("arn = 'arn:aws:iam::123456789012:user/deploy'\naccount = '123456789012'\n"),
    Example(f"x = 'X{AKIA}'\ny = '{AKIA}x'\n"),
    Example("id = 'AKIA" + "1234567890ABCDEF'\nid2 = 'AKIA" + "XXXXXXXXXXXXXXXX'\n"),
    Example(f"AWS_ACCESS_KEY_ID={EXAMPLE_ID}\nAWS_SECRET_ACCESS_KEY={EXAMPLE_SECRET}\n", ".env"),
    Example(f"aws_secret_access_key = '{SHA1}'\ncommit = '{SHA1}'\n"),
    Example(f"request_id: {UUID}\naws_secret_access_key: ${{AWS_SECRET}}\n", "app.yaml"),
    Example(f'<img src="{PNG}"/>\n', "page.md"),
    Example(f"Authorization: Bearer {JWT}\nkey = {AKIA_2[:-1]}\n", "request.log"),
    Example(
        "aws_secret_access_key: "
        + base64.b64encode(b"The quick brown fox jumps over").decode()
        + "\n",
        "notes.yaml",
    ),
    Example("aws_secret_access_key = 'YOUR_SECRET_ACCESS_KEY_GOES_HERE'\n"),
    Example("aws_session_token: <your-session-token>\nsecret_arn: arn:aws:secretsmanager:x\n"),
    Example(
        "[localstack]\naws_access_key_id = test\naws_secret_access_key = test\n", "credentials"
    ),
    Example(f"SECRET_KEY = '{SECRET}'  # Flask session signing\n", "flask_settings.py"),
)
