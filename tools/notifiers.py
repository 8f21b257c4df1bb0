"""Where messages to people go: a Slack-compatible webhook, or the log.

A `Notifier` sends one `Notification` (plain text for any client, plus Slack
Block Kit blocks). `SlackWebhookNotifier` posts `{"text": ..., "blocks": ...}`
to an incoming-webhook URL with httpx, retrying rate limits (429, honouring
`Retry-After`), server errors and transport failures with tenacity within a
bounded number of attempts. The webhook URL is a secret (it is the
credential): it is held as a `SecretStr` and never written to logs, errors or
reprs. `LogNotifier` writes the message to a logger, for dry runs and for
installations without Slack.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx
from pydantic import SecretStr
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from okr.errors import OKRError

__all__ = [
    "LogNotifier",
    "Notification",
    "Notifier",
    "NotifierError",
    "SlackWebhookNotifier",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notification:
    """One message to one person: text for every client, blocks for Slack."""

    recipient_id: str
    recipient_name: str
    text: str
    blocks: Sequence[dict[str, Any]] = field(default_factory=tuple)

    def slack_payload(self) -> dict[str, Any]:
        """The JSON body of a Slack incoming webhook."""
        payload: dict[str, Any] = {"text": self.text}
        if self.blocks:
            payload["blocks"] = list(self.blocks)
        return payload


class NotifierError(OKRError):
    """A message could not be delivered (after retries)."""


@runtime_checkable
class Notifier(Protocol):
    """Sends notifications; `name` says where they go (for records and output)."""

    name: str

    def send(self, notification: Notification) -> None: ...


class LogNotifier:
    """Writes each message to a logger at INFO (and keeps them, for callers that show them)."""

    name = "log"

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self._log.info("nudge for %s (%s): %s", notification.recipient_name,
                       notification.recipient_id, notification.text)
        self.sent.append(notification)


class _RedactSecrets(logging.Filter):
    """Rewrites log records of the HTTP libraries so that no webhook URL reaches a handler.

    httpx logs every request's URL at INFO; for a webhook the URL is the
    credential, so it is replaced by `<webhook>` before any handler sees it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, "<webhook>")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_REDACT = _RedactSecrets()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_REDACT)


class _Retryable(Exception):
    """A failed attempt worth repeating; carries the server's requested wait, if any."""

    def __init__(self, detail: str, retry_after_s: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after_s = retry_after_s


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class SlackWebhookNotifier:
    """Posts to a Slack-compatible incoming webhook, with bounded retries."""

    name = "slack"

    def __init__(
        self,
        url: SecretStr,
        *,
        timeout_s: float = 10.0,
        max_attempts: int = 4,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 10.0,
        max_retry_after_s: float = 30.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        secret = url.get_secret_value().strip()
        if not secret.startswith(("http://", "https://")):
            raise NotifierError("the Slack webhook URL must start with http:// or https://")
        _REDACT.secrets.add(secret)
        self._url = SecretStr(secret)
        self._timeout_s = timeout_s
        self._max_attempts = max(1, max_attempts)
        self._backoff = wait_exponential(multiplier=backoff_initial_s, max=backoff_max_s)
        self._max_retry_after_s = max_retry_after_s
        self._client = client
        self._sleep = sleep

    def __repr__(self) -> str:
        return "SlackWebhookNotifier(url=**********)"

    def _redact(self, text: str) -> str:
        secret = self._url.get_secret_value()
        return text.replace(secret, "<webhook>") if secret else text

    def _post(self, client: httpx.Client, payload: dict[str, Any]) -> None:
        try:
            response = client.post(self._url.get_secret_value(), json=payload,
                                   timeout=self._timeout_s)
        except httpx.TransportError as exc:
            raise _Retryable(f"{type(exc).__name__}: {self._redact(str(exc))[:200]}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}", _retry_after(response))
        if response.status_code >= 400:
            body = self._redact(response.text)[:200]
            raise NotifierError(f"the Slack webhook refused the message: HTTP "
                                f"{response.status_code} {body}".rstrip())

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        base = float(self._backoff(state))
        asked = exc.retry_after_s if isinstance(exc, _Retryable) else None
        return min(max(base, asked), self._max_retry_after_s) if asked is not None else base

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        detail = exc.detail if isinstance(exc, _Retryable) else "?"
        log.info("slack webhook: attempt %d failed (%s); retrying in %.2fs",
                 state.attempt_number, detail, state.upcoming_sleep)

    def send(self, notification: Notification) -> None:
        """Deliver one message; `NotifierError` (without the URL) when it cannot be."""
        payload = notification.slack_payload()
        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            stop=stop_after_attempt(self._max_attempts),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        client = self._client or httpx.Client()
        try:
            for attempt in retrying:
                with attempt:
                    self._post(client, payload)
        except _Retryable as exc:
            raise NotifierError(f"the Slack webhook did not take the message after "
                                f"{self._max_attempts} attempt(s): {exc.detail}") from None
        finally:
            if self._client is None:
                client.close()
