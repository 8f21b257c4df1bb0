"""The model client: any OpenAI-compatible server, typed answers, retries, metering.

`LLMClient` wraps the official `openai` client with a configurable base URL,
so OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp's server and LiteLLM all
work. Agents ask for a Pydantic type and get a validated object back:

    verdict = client.structured(Verdict, system=..., user=..., meter=meter, step="critic.rewrite")

Structured output is tried in the strongest form the server accepts
(`json_schema` strict; then `json_object` carrying the schema, which
llama.cpp's server turns into a grammar; then plain `json_object`; then a
plain prompt), always validated here; a rejection is remembered for the
client's lifetime. An invalid answer gets a bounded repair round with the validation
errors, then `LLMOutputError`. Rate limits, timeouts, connection errors and
5xx are retried by `tenacity` (exponential backoff with jitter, `Retry-After`
honoured) within a total time budget, then `LLMUnavailable`. Every answered
call is recorded on the run's `RunMeter`, which may stop the run with
`BudgetExceeded`. The API key never appears in logs, errors or reprs.
"""

from __future__ import annotations

import email.utils
import functools
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import openai
import pydantic
from openai import OpenAI
from pydantic import BaseModel, SecretStr
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    wait_exponential,
    wait_random,
)

from agents.metering import CallRecord, RunMeter, estimate_tokens
from okr.errors import OKRError
from okr.settings import Settings

__all__ = [
    "DEFAULT_MODEL",
    "LLMClient",
    "LLMError",
    "LLMOutputError",
    "LLMUnavailable",
    "OutputMode",
    "build_client",
]

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
OutputMode = Literal["json_schema", "json_object_schema", "json_object", "prompt"]
_MODES: tuple[OutputMode, ...] = ("json_schema", "json_object_schema", "json_object", "prompt")
DEFAULT_MODEL = "default"
"""Model name sent when only a base URL is configured (llama.cpp and LiteLLM accept any)."""

_RETRYABLE_STATUS = frozenset({408, 409, 429})
_FORMAT_WORDS = ("response_format", "json_schema", "schema", "json", "grammar", "support")


class LLMError(OKRError):
    """Base of the model client's failures."""


class LLMUnavailable(LLMError):
    """The model could not be used (unreachable, refused, out of retries or time)."""


class LLMOutputError(LLMError):
    """The model answered, but not with a valid object, even after the repair rounds."""

    def __init__(self, message: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(message + "".join(f"\n  - {p}" for p in problems))


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500
    return False


def _retry_after_s(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms` or `Retry-After`), if any."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _strip_fences(content: str) -> str:
    text = content.strip()
    match = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, flags=re.DOTALL)
    return match.group(1) if match else text


def _problems(exc: pydantic.ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(answer)"
        out.append(f"{loc}: {err['msg']}")
    return out


@functools.lru_cache(maxsize=128)
def _schema_format(schema: type[BaseModel]) -> dict[str, Any]:
    name = re.sub(r"[^a-zA-Z0-9_-]", "_", schema.__name__)[:64] or "answer"
    try:
        from openai.lib._pydantic import to_strict_json_schema

        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": to_strict_json_schema(schema), "strict": True},
        }
    except Exception:  # a schema strict mode cannot express: send it unenforced
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema.model_json_schema(), "strict": False},
        }


class LLMClient:
    """A typed, retried, metered client for one OpenAI-compatible model endpoint."""

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None = None,
        api_key: SecretStr | None = None,
        timeout_s: float = 60.0,
        max_retries: int = 4,
        total_budget_s: float = 180.0,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 20.0,
        repair_rounds: int = 1,
        max_output_tokens: int = 4096,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.total_budget_s = total_budget_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.repair_rounds = repair_rounds
        self.max_output_tokens = max_output_tokens
        self._sleep = sleep
        self._secret = api_key.get_secret_value() if api_key else ""
        self._openai = OpenAI(
            base_url=base_url,
            api_key=self._secret or "not-needed",
            timeout=timeout_s,
            max_retries=0,
        )
        self._mode_index = 0
        self._mode_confirmed = False
        self._token_param = "max_tokens"
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, sleep: Callable[[float], None] = time.sleep
    ) -> LLMClient:
        """The client the settings describe (whether or not a model is configured)."""
        return cls(
            model=settings.llm_model or DEFAULT_MODEL,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            total_budget_s=settings.llm_total_budget_s,
            backoff_initial_s=settings.llm_backoff_initial_s,
            backoff_max_s=settings.llm_backoff_max_s,
            repair_rounds=settings.llm_repair_rounds,
            max_output_tokens=settings.llm_max_output_tokens,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        return f"LLMClient(model={self.model!r}, base_url={self.base_url!r})"

    @property
    def output_mode(self) -> OutputMode:
        """The structured-output form this client currently uses with its server."""
        return _MODES[self._mode_index]

    # ------------------------------------------------------------------ public calls

    def structured(
        self,
        schema: type[T],
        *,
        system: str,
        user: str,
        meter: RunMeter,
        step: str,
        temperature: float | None = None,
    ) -> T:
        """Ask for an answer of type `schema`; return it validated.

        Raises `LLMOutputError` when the answer stays invalid after the repair
        rounds, `LLMUnavailable` when the model cannot be reached in time, and
        `BudgetExceeded` when a token budget is spent.
        """
        deadline = time.monotonic() + self.total_budget_s
        messages: list[dict[str, str]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
        ]
        problems: list[str] = []
        for _round in range(self.repair_rounds + 1):
            content, finish = self._call(schema, messages, meter, step, deadline, temperature)
            if finish == "length":
                problems = ["the answer was cut off at the token limit"]
            else:
                try:
                    return schema.model_validate_json(_strip_fences(content))
                except pydantic.ValidationError as exc:
                    problems = _problems(exc)
            log.info("step %s: invalid answer (%s); asking for a repair", step, "; ".join(problems))
            messages = [
                *messages,
                {"role": "assistant", "content": content},
                {
                    "role": "user",
                    "content": "Your previous answer was not valid:\n"
                    + "\n".join(f"- {p}" for p in problems)
                    + "\nReply again with only the corrected JSON object.",
                },
            ]
        raise LLMOutputError(
            f"step {step}: the model's answer was not a valid {schema.__name__}"
            f" after {self.repair_rounds} repair round(s)",
            problems,
        )

    def text(
        self,
        *,
        system: str,
        user: str,
        meter: RunMeter,
        step: str,
        temperature: float | None = None,
    ) -> str:
        """Ask for free prose (summaries, narratives); return the non-empty answer."""
        deadline = time.monotonic() + self.total_budget_s
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        content, _finish = self._call(None, messages, meter, step, deadline, temperature)
        if not content.strip():
            raise LLMOutputError(f"step {step}: the model gave an empty answer", ["empty answer"])
        return content

    # ------------------------------------------------------------------ internals

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def _describe(self, exc: BaseException) -> str:
        status = f" {exc.status_code}" if isinstance(exc, openai.APIStatusError) else ""
        detail = self._redact(str(exc))[:200]
        return f"{type(exc).__name__}{status}: {detail}"

    def _call(
        self,
        schema: type[BaseModel] | None,
        messages: list[dict[str, str]],
        meter: RunMeter,
        step: str,
        deadline: float,
        temperature: float | None,
    ) -> tuple[str, str | None]:
        """One metered call with retries; returns (content, finish_reason)."""
        prompt_estimate = sum(estimate_tokens(m["content"]) for m in messages)
        if schema is not None:
            prompt_estimate += estimate_tokens(json.dumps(schema.model_json_schema()))
        room = meter.check(prompt_estimate)
        max_tokens = max(1, min(self.max_output_tokens, room))

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number > self.max_retries:
                return True
            return time.monotonic() + (state.upcoming_sleep or 0.0) > deadline

        backoff = wait_exponential(
            multiplier=self.backoff_initial_s, max=self.backoff_max_s
        ) + wait_random(0, self.backoff_initial_s)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            base = backoff(state)
            asked = _retry_after_s(exc)
            return max(base, asked) if asked is not None else base

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.info(
                "step %s: attempt %d failed (%s); retrying in %.2fs",
                step,
                state.attempt_number,
                self._describe(exc) if exc else "?",
                state.upcoming_sleep,
            )

        retrying = Retrying(
            retry=retry_if_exception(_is_retryable),
            stop=stop,
            wait=wait,
            sleep=self._sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        started = time.monotonic()
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    response = self._attempt(schema, messages, max_tokens, deadline, temperature)
        except openai.APIError as exc:
            raise LLMUnavailable(
                f"step {step}: model {self.model!r} unavailable after {attempts} attempt(s):"
                f" {self._describe(exc)}"
            ) from None
        latency = time.monotonic() - started
        choice = response.choices[0] if response.choices else None
        content = (choice.message.content or "") if choice else ""
        if choice is not None and choice.message.refusal:
            content = content or json.dumps({"refusal": choice.message.refusal})
        usage = response.usage
        if usage is not None:
            prompt_tokens, completion_tokens, estimated = (
                usage.prompt_tokens or 0,
                usage.completion_tokens or 0,
                False,
            )
        else:
            prompt_tokens, completion_tokens, estimated = (
                prompt_estimate,
                estimate_tokens(content),
                True,
            )
        meter.record(
            CallRecord(
                step=step,
                model=response.model or self.model,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                latency_s=latency,
                estimated=estimated,
            )
        )
        return content, (choice.finish_reason if choice else None)

    def _attempt(
        self,
        schema: type[BaseModel] | None,
        messages: list[dict[str, str]],
        max_tokens: int,
        deadline: float,
        temperature: float | None,
    ) -> Any:
        """One HTTP attempt, stepping down the output modes the server rejects.

        A clear rejection (400/422, or a 500 that names the format) moves the
        client down for good. A bare 500 before any structured call has
        succeeded may be a rejection (llama.cpp) or a fault: the next mode is
        tried once, and kept only if it works.
        """
        index = self._mode_index
        while True:
            mode = _MODES[index]
            timeout = max(0.01, min(self.timeout_s, deadline - time.monotonic()))
            kwargs: dict[str, Any] = {
                "model": self.model,
                self._token_param: max_tokens,
                "timeout": timeout,
            }
            if temperature is not None:
                kwargs["temperature"] = temperature
            sent = messages
            if schema is not None and mode == "json_schema":
                kwargs["response_format"] = _schema_format(schema)
            elif schema is not None:
                schema_json = schema.model_json_schema()
                instruction = (
                    "\n\nReply with one JSON object only, no prose, matching this JSON Schema:\n"
                    + json.dumps(schema_json)
                )
                sent = [{**messages[0], "content": messages[0]["content"] + instruction}]
                sent += messages[1:]
                if mode == "json_object_schema":
                    kwargs["response_format"] = {"type": "json_object", "schema": schema_json}
                elif mode == "json_object":
                    kwargs["response_format"] = {"type": "json_object"}
            try:
                response = self._openai.chat.completions.create(messages=sent, **kwargs)  # type: ignore[arg-type]
            except openai.APIStatusError as exc:
                if self._wants_completion_tokens(exc):
                    self._token_param = "max_completion_tokens"
                    continue
                verdict = "no" if schema is None else self._format_verdict(mode, exc)
                if verdict == "no" or (verdict == "maybe" and index != self._mode_index):
                    raise
                index += 1
                log.info(
                    "server refused response_format %s (%s); trying %s",
                    mode,
                    exc.status_code,
                    _MODES[index],
                )
                if verdict == "yes":
                    self._step_down_to(index)
                continue
            if schema is not None:
                self._step_down_to(index)
                self._mode_confirmed = True
            return response

    def _step_down_to(self, index: int) -> None:
        with self._lock:
            self._mode_index = max(self._mode_index, index)

    def _wants_completion_tokens(self, exc: openai.APIStatusError) -> bool:
        """Newer OpenAI models refuse `max_tokens` and ask for `max_completion_tokens`."""
        return (
            exc.status_code == 400
            and self._token_param == "max_tokens"
            and "max_completion_tokens" in str(exc)
        )

    def _format_verdict(
        self, mode: OutputMode, exc: openai.APIStatusError
    ) -> Literal["yes", "maybe", "no"]:
        """Whether an error means "this response_format is not supported here"."""
        if mode == "prompt":
            return "no"
        names_format = any(w in str(exc).lower() for w in _FORMAT_WORDS)
        if exc.status_code in (400, 422):
            return "yes" if names_format or not self._mode_confirmed else "no"
        if exc.status_code == 500 and not self._mode_confirmed:
            return "yes" if names_format else "maybe"
        return "no"


def build_client(
    settings: Settings, *, sleep: Callable[[float], None] = time.sleep
) -> LLMClient | None:
    """The configured model client, or None when no model is configured (offline engine).

    A model counts as configured when a base URL or a model name is set
    (`OKR_LLM_BASE_URL` / `OKR_LLM_MODEL`, or `OPENAI_BASE_URL` / `OPENAI_MODEL`).
    """
    if not (settings.llm_base_url or settings.llm_model):
        return None
    return LLMClient.from_settings(settings, sleep=sleep)
