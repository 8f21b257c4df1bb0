"""The Slack webhook sender, through the real httpx path, against a server on 127.0.0.1."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from tools.notifiers import LogNotifier, Notification, NotifierError, SlackWebhookNotifier

MESSAGE = Notification("p-01", "Ana", "Hi Ana, please check in.",
                       ({"type": "section", "text": {"type": "mrkdwn", "text": "Hi Ana"}},))
SECRET = "SeCrEtToKeN42"


def _sender(webhook, sleeps: list[float], attempts: int = 3) -> SlackWebhookNotifier:
    return SlackWebhookNotifier(SecretStr(webhook.url), max_attempts=attempts,
                                backoff_initial_s=0.01, sleep=sleeps.append)


def test_posts_slack_json_with_text_and_blocks(webhook):
    _sender(webhook, []).send(MESSAGE)
    assert webhook.bodies == [{"text": MESSAGE.text, "blocks": list(MESSAGE.blocks)}]


def test_a_rate_limit_is_retried_after_the_wait_the_server_asks(webhook):
    sleeps: list[float] = []
    webhook.answer(429, {"Retry-After": "2"})
    _sender(webhook, sleeps).send(MESSAGE)
    assert len(webhook.bodies) == 2 and sleeps == [2.0]


def test_a_server_error_is_retried(webhook):
    webhook.answer(500)
    webhook.answer(503)
    _sender(webhook, []).send(MESSAGE)
    assert len(webhook.bodies) == 3


def test_giving_up_after_the_last_attempt_is_a_notifier_error(webhook):
    for _ in range(3):
        webhook.answer(500)
    with pytest.raises(NotifierError, match="after 3 attempt"):
        _sender(webhook, []).send(MESSAGE)


def test_a_refused_message_is_not_retried(webhook):
    webhook.answer(400)
    with pytest.raises(NotifierError, match="HTTP 400"):
        _sender(webhook, []).send(MESSAGE)
    assert len(webhook.bodies) == 1


def test_an_unreachable_webhook_is_a_notifier_error_without_the_url(webhook):
    url = webhook.url.replace(webhook.url.split(":")[2].split("/")[0], "1")
    sender = SlackWebhookNotifier(SecretStr(url), max_attempts=2, sleep=lambda _s: None)
    with pytest.raises(NotifierError) as caught:
        sender.send(MESSAGE)
    assert SECRET not in str(caught.value)


def test_the_webhook_url_never_reaches_logs_or_errors(webhook, caplog):
    caplog.set_level(logging.DEBUG)
    webhook.answer(429, {"Retry-After": "0"})
    for _ in range(3):
        webhook.answer(500)
    sender = _sender(webhook, [])
    with pytest.raises(NotifierError) as caught:
        sender.send(MESSAGE)
    assert caplog.records, "the retries should have been logged"
    assert "<webhook>" in caplog.text  # httpx logged the request, redacted
    assert SECRET not in caplog.text and SECRET not in str(caught.value)
    assert SECRET not in repr(sender)


def test_the_log_notifier_writes_the_message_to_the_log(caplog):
    caplog.set_level(logging.INFO, logger="tools.notifiers")
    LogNotifier().send(MESSAGE)
    assert "Hi Ana, please check in." in caplog.text


def test_a_webhook_that_is_not_an_http_url_is_refused_without_echoing_it():
    with pytest.raises(NotifierError, match="http") as caught:
        SlackWebhookNotifier(SecretStr("hooks.example/" + SECRET))
    assert SECRET not in str(caught.value)
