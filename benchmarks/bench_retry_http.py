"""The retry loop's overhead, and HTTP and JSON mapping against plain json.

Run from the repository root:

    python benchmarks/bench_retry_http.py

Everything is timed in this one process with ``timeit`` (best of several repeats) and
reported in microseconds and as ratios to the baseline beside it. The HTTP rows are timed
in turns, round by round, each beside its ``json.loads`` (best of the rounds), so that a
slow spell of a noisy machine falls on both alike.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import timeit
from collections.abc import Callable, Mapping

import stamina
import tenacity

import spice_errors as se


def hand_loop(operation: Callable[[], se.SpiceResult[int]]) -> se.SpiceResult[int]:
    """What a user writes without the library: three attempts, no waits."""
    result = operation()
    for _ in range(2):
        if isinstance(result, se.Success):
            return result
        result = operation()
    return result


def log_as_in_0_1(event: se.RetryEvent) -> None:
    """The default hook as it was in 0.1: the same line, the logger looked up every time."""
    parts = [
        f"{event.operation}: attempt {event.attempt}/{event.max_attempts} failed",
        f"code={event.error.code}",
        f"retrying in {event.wait or 0:.3f}s ({event.reason})",
    ]
    logger = logging.getLogger("spice_errors.retry")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    logger.info(" ".join(parts))


def best_us(fn: Callable[[], object], repeat: int) -> float:
    """Best time per call of ``fn``, in microseconds."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(number, 20_000)
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def problem_body(size: int = 1024) -> bytes:
    """A 429 problem+json body of about ``size`` bytes."""
    problem: dict[str, object] = {
        "type": "https://api.example/problems/rate-limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "You have sent too many requests in the last minute.",
        "instance": "/v1/search/requests/8d1f",
        "limit": 60,
        "remaining": 0,
        "window": "1m",
    }
    body = json.dumps(problem)
    filler = size - len(body) - len(', "note": ""')
    problem["note"] = "x" * max(filler, 0)
    return json.dumps(problem).encode()


VENDOR_HEADERS = {
    "content-type": "application/json",
    "retry-after-ms": "2404",
    "x-ratelimit-limit-requests": "10000",
    "x-ratelimit-limit-tokens": "30000",
    "x-ratelimit-remaining-requests": "9999",
    "x-ratelimit-remaining-tokens": "0",
    "x-ratelimit-reset-requests": "6ms",
    "x-ratelimit-reset-tokens": "2.404s",
    "x-request-id": "req_8d1f0c3b6a2e4f5d9e7c1b0a",
}
"""The headers OpenAI sends with a 429: its rate-limit headers and ``retry-after-ms``."""


def vendor_body(size: int = 1024) -> bytes:
    """An OpenAI-style 429 body, ``{"error": {...}}``, of about ``size`` bytes."""
    message = (
        "Rate limit reached for gpt-4o in organization org-OASFC7k1Ff5IzueeLArhQtnT on "
        "tokens per min (TPM): Limit 30000, Used 29812, Requested 1390. Please try again "
        "in 2.404s. Visit https://platform.openai.com/account/rate-limits to learn more."
    )
    error: dict[str, object] = {
        "message": message,
        "type": "tokens",
        "param": None,
        "code": "rate_limit_exceeded",
    }
    filler = size - len(json.dumps({"error": error}))
    words = " You can find your rate limits in the usage tier of your account."
    error["message"] = message + (words * (filler // len(words) + 1))[: max(filler, 0)]
    return json.dumps({"error": error}).encode()


def interleaved_us(fns: Mapping[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Best time per call of each function, in microseconds, the functions timed in turns.

    Each round times every function once, the order reversed every other round.
    """
    timers = {name: timeit.Timer(fn) for name, fn in fns.items()}
    numbers = {name: max(timer.autorange()[0], 2_000) for name, timer in timers.items()}
    best = dict.fromkeys(fns, float("inf"))
    for index in range(rounds):
        names = list(fns)
        for name in names if index % 2 == 0 else reversed(names):
            seconds = timers[name].timeit(numbers[name]) / numbers[name]
            best[name] = min(best[name], seconds * 1e6)
    return best


def http_table(rounds: int) -> None:
    """`from_response` of a 429 with a problem body and with a vendor body, beside json.loads."""
    problem = problem_body()
    problem_headers = {
        "Content-Type": "application/problem+json",
        "Retry-After": "30",
        "X-Request-Id": "r-1",
    }
    vendor = vendor_body()
    url = "https://api.example/v1/search"
    chat = "https://api.openai.com/v1/chat/completions"
    best = interleaved_us(
        {
            "problem loads": lambda: json.loads(problem),
            "problem": lambda: se.http.from_response(
                429, problem_headers, problem, method="GET", url=url
            ),
            "vendor loads": lambda: json.loads(vendor),
            "vendor": lambda: se.http.from_response(
                429, VENDOR_HEADERS, vendor, method="POST", url=chat
            ),
        },
        rounds,
    )
    print(f"\n| HTTP, a 429 (best of {rounds} interleaved rounds) | µs/call | x json.loads |")
    print("|---|---:|---:|")
    rows = [
        (
            f"`json.loads(body)`, a {len(problem)}-byte problem body",
            "problem loads",
            "problem loads",
        ),
        ("`from_response(429, headers, body, ...)` of it", "problem", "problem loads"),
        (
            f"`json.loads(body)`, a {len(vendor)}-byte OpenAI error body",
            "vendor loads",
            "vendor loads",
        ),
        (
            "`from_response(...)` of it, with `retry-after-ms` and six `x-ratelimit-*`",
            "vendor",
            "vendor loads",
        ),
    ]
    for label, name, baseline in rows:
        print(f"| {label} | {best[name]:.2f} | {best[name] / best[baseline]:.2f} |")


def retry_tables(repeat: int) -> None:
    """The retry loop's overhead, its decorator, and its failure path with logging."""
    # -- retry ----------------------------------------------------------------------------
    ok = se.Success(1)

    def operation() -> se.SpiceResult[int]:
        return se.Success(1)

    def constant() -> se.SpiceResult[int]:
        return ok

    direct = best_us(operation, repeat)
    direct_constant = best_us(constant, repeat)
    with se.set_testing(True):
        wrapped = best_us(lambda: se.retry(operation), repeat)
        wrapped_constant = best_us(lambda: se.retry(constant), repeat)
        calls = [0]

        def flaky() -> se.SpiceResult[int]:
            calls[0] += 1
            if calls[0] % 2:
                return se.Failure(se.NetworkError("Bad gateway", status_code=502))
            return ok

        one_retry = best_us(lambda: se.retry(flaky, on_retry=None), repeat)
        logged = best_us(lambda: se.retry(flaky), repeat)
        looked_up = best_us(lambda: se.retry(flaky, on_retry=log_as_in_0_1), repeat)
        decorated = se.retrying()(operation)
        by_hand = best_us(lambda: hand_loop(operation), repeat)
        by_decorator = best_us(decorated, repeat)
    by_stamina = best_us(stamina.retry(on=Exception, attempts=3)(operation), repeat)
    by_tenacity = best_us(tenacity.retry(stop=tenacity.stop_after_attempt(3))(operation), repeat)
    print("| retry (testing mode) | µs/call | x calling directly |")
    print("|---|---:|---:|")
    print(f"| an operation building `Success(1)`, called directly | {direct:.3f} | 1.00 |")
    print(f"| `retry(operation)`, success at once | {wrapped:.3f} | {wrapped / direct:.2f} |")
    print(f"| an operation returning a prebuilt result, directly | {direct_constant:.3f} | 1.00 |")
    print(
        f"| `retry(operation)` of it, success at once | {wrapped_constant:.3f} | "
        f"{wrapped_constant / direct_constant:.2f} |"
    )
    print(
        f"| `retry(flaky)`, one failure then success | {one_retry:.3f} | {one_retry / direct:.2f} |"
    )
    print("\n| retry's ways in (testing mode) | µs/call | x baseline |")
    print("|---|---:|---:|")
    print(f"| a hand-written loop of 3 attempts, success at once | {by_hand:.3f} | 1.00 |")
    rows = [
        ("a `@retrying()` function, success at once", by_decorator, by_decorator / by_hand),
        ("a `@stamina.retry(...)` function, success at once", by_stamina, by_stamina / by_hand),
        ("a `@tenacity.retry(...)` function, success at once", by_tenacity, by_tenacity / by_hand),
        ("one failure then success, logger looked up per event (0.1)", looked_up, 1.0),
        ("one failure then success, the default (cached) logger", logged, logged / looked_up),
    ]
    for label, us, ratio in rows:
        print(f"| {label} | {us:.3f} | {ratio:.2f} |")
    print(
        f"\n`@retrying()` is {by_stamina / by_decorator:.0f}x cheaper than stamina and "
        f"{by_tenacity / by_decorator:.0f}x cheaper than tenacity on a success at once."
    )


def main() -> None:
    """Print the tables that docs/explanation/performance.md shows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (best is kept)")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (HTTP)")
    parser.add_argument("--only-http", action="store_true", help="the HTTP table alone")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}\n")

    if args.only_http:
        http_table(args.rounds)
        return
    retry_tables(args.repeat)

    http_table(args.rounds)

    # -- JSON round trip ------------------------------------------------------------------
    root = ConnectionResetError("connection reset by peer")
    middle = OSError("read failed")
    middle.__cause__ = root
    error = se.NetworkError("Upstream failed", status_code=503, endpoint="/v1/items", cause=middle)
    equivalent = error.to_dict(redact=False)
    plain = best_us(lambda: json.loads(json.dumps(equivalent)), args.repeat)
    ours = best_us(lambda: se.error_from_json(error.to_json(redact=False)), args.repeat)
    ours_redacted = best_us(lambda: se.error_from_json(error.to_json()), args.repeat)
    print("\n| JSON (a NetworkError with a two-deep cause chain) | µs | x dumps+loads |")
    print("|---|---:|---:|")
    print(f"| `json.loads(json.dumps(equivalent_dict))` | {plain:.2f} | 1.00 |")
    print(f"| `error_from_json(error.to_json(redact=False))` | {ours:.2f} | {ours / plain:.2f} |")
    masked = f"{ours_redacted:.2f} | {ours_redacted / plain:.2f}"
    print(f"| `error_from_json(error.to_json())` (masked) | {masked} |")


if __name__ == "__main__":
    main()
