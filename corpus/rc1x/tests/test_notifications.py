import pytest

from app.notify import SlackNotifier, mask_token

FAKE_BOT_TOKEN = "xoxb-12345-67890-abcdefghijklmnopqrstuvwx"
FAKE_WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"


def test_mask_token() -> None:
    assert mask_token("ghp_" + "a" * 36) == "ghp_****"


@pytest.mark.parametrize("url", ["https://user:secret@host", "https://admin:{{PASSWORD:fixture}}@jenkins.internal"])
def test_rejects_userinfo(url: str) -> None:
    with pytest.raises(ValueError):
        SlackNotifier(url)


LEAKED_IN_FIXTURE = "{{SLACK_BOT}}"
