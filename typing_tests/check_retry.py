"""Type-checked, never run: what mypy and pyright must infer for retry, recovery and http."""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from datetime import timedelta
from typing import Never, assert_type

import spice_errors as se
from spice_errors import Failure, SpiceError, SpiceResult, Success


def fetch() -> SpiceResult[int, se.NetworkError]:
    return Success(1)


async def fetch_async() -> SpiceResult[int, se.NetworkError]:
    return Failure(se.NetworkError("down"))


# -- retry keeps the value type; failures may also be what retrying adds ---------------
assert_type(se.retry(fetch), SpiceResult[int, se.NetworkError | se.AnySpiceError])
assert_type(
    se.retry(fetch, se.RetryPolicy.AGGRESSIVE, idempotent=False),
    SpiceResult[int, se.NetworkError | se.AnySpiceError],
)


async def check_async() -> None:
    assert_type(
        await se.retry_async(fetch_async), SpiceResult[int, se.NetworkError | se.AnySpiceError]
    )


@se.retrying(se.RetryPolicy(max_attempts=2, initial_delay=timedelta(milliseconds=50)))
def decorated(n: int) -> SpiceResult[str]:
    return Success(str(n))


@se.retrying()
async def decorated_async(n: int) -> SpiceResult[str]:
    return Success(str(n))


assert_type(decorated(1), SpiceResult[str, se.AnySpiceError])
coroutine: Coroutine[object, object, SpiceResult[str, SpiceError | se.AnySpiceError]] = (
    decorated_async(1)
)

# -- policies, classifiers and events ----------------------------------------------------
assert_type(se.RetryPolicy.DEFAULT.calculate_delay(2), float)
assert_type(se.RetryPolicy.DEFAULT.delays(), list[float])
assert_type(se.classify(se.TimeoutError("slow")), se.RetryDecision)
assert_type(se.classify(se.TimeoutError("slow")).suggested_delay, float | None)
assert_type(se.is_retryable(se.TimeoutError("slow")), bool)
assert_type(se.RetryClassifier(always="TIMEOUT_ERROR").never, frozenset[str])


def on_retry(event: se.RetryEvent) -> None:
    assert_type(event.wait, float | None)
    assert_type(event.error, SpiceError)


# -- recovery ----------------------------------------------------------------------------
recover = se.recover_network(on_not_found=lambda error: Success("default"))
# The recovery is generic in the error type: a NetworkError stays a NetworkError.
assert_type(fetch().recover_with(recover), Success[int] | SpiceResult[str, se.NetworkError])
retried = se.recover_network(on_server_error=lambda error: fetch())
assert_type(fetch().recover_with(retried), SpiceResult[int, se.NetworkError])
assert_type(se.user_message(se.ValidationError("bad")), se.UserMessage)
breaker = se.CircuitBreaker()
assert_type(breaker.call(fetch), SpiceResult[int, se.NetworkError | se.AnySpiceError])
assert_type(breaker.state, se.CircuitState)

# -- http and serialization --------------------------------------------------------------
headers: Mapping[str, str] = {"Retry-After": "3"}
assert_type(se.http.from_response(429, headers, b"{}", method="GET", url="/x"), se.AnySpiceError)
assert_type(se.http.from_response(503, [("Retry-After", "1")]), se.AnySpiceError)
assert_type(se.http.parse_retry_after("3"), float | None)
assert_type(se.http.status_for(se.TimeoutError("slow")), int)
assert_type(se.http.to_problem(se.TimeoutError("slow")), dict[str, object])
assert_type(se.http.from_problem({"status": 404}), se.AnySpiceError)
assert_type(se.TimeoutError("slow").to_dict(), dict[str, object])
assert_type(se.error_from_json("{}"), se.AnySpiceError)
assert_type(se.result_from_json("{}"), SpiceResult[object, se.AnySpiceError])

# -- what must not type-check -------------------------------------------------------------
se.retry(lambda: 1)  # type: ignore[arg-type, return-value]  # pyright: ignore[reportArgumentType]
se.RetryPolicy(retry_after="sometimes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


# -- 0.2: the attempt, the budget, the hooks, Kotlin's exhaustion ----------------------
attempt = se.current_attempt()
assert_type(attempt, se.Attempt | None)
if attempt is not None:
    assert_type(attempt.number, int)
    assert_type(attempt.remaining, float | None)
    assert_type(attempt.idempotency_key, str)
    attempt.number = 2  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
budget = se.RetryBudget(ratio=0.1)
successes: list[se.RetrySuccessEvent] = []
assert_type(
    se.retry(fetch, budget=budget, on_success=successes.append, exhausted="execution_error"),
    SpiceResult[int, se.NetworkError | se.AnySpiceError],
)
se.retry(fetch, exhausted="kotlin")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
se.RetryPolicy(retry_after="strict")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def only_fails() -> Failure[se.NetworkError]:
    return Failure(se.NetworkError("down"))


# An operation that can only fail leaves no type unsolved.
assert_type(se.retry(only_fails), SpiceResult[Never, se.NetworkError | se.AnySpiceError])
breakers = se.CircuitBreakers(failure_rate=0.5)
assert_type(breakers.for_key("api.example"), se.CircuitBreaker)
assert_type(
    breakers.for_key("api.example").call(fetch),
    SpiceResult[int, se.NetworkError | se.AnySpiceError],
)


# -- the transport: a real transport for httpx and for httpx2, with no cast ----------
def clients() -> None:
    import httpx
    import httpx2

    httpx.Client(transport=se.http.RetryTransport())
    httpx.Client(transport=se.http.RetryTransport(httpx.HTTPTransport(retries=0)))
    httpx2.Client(transport=se.http.RetryTransport(httpx2.HTTPTransport()))
    httpx.AsyncClient(transport=se.http.AsyncRetryTransport(httpx.AsyncHTTPTransport()))
    httpx2.AsyncClient(
        transport=se.http.AsyncRetryTransport(
            httpx2.AsyncHTTPTransport(), breakers=breakers, budget=budget
        )
    )
    response = httpx.Client().get("https://api.example/v1")
    assert_type(se.http.result_of(response), SpiceResult[httpx.Response])
    assert_type(se.http.call(httpx.get, "https://api.example/v1"), SpiceResult[httpx.Response])


async def async_call() -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        assert_type(
            await se.http.call_async(client.get, "https://api.example/v1"),
            SpiceResult[httpx.Response],
        )
