"""The app benchmark's report: medians, p95s, bytes per move and the verdicts."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pty_session import Answer


@dataclass
class Paint:
    """Seconds from spawn, one per run: sample title (empty library), placeholder and newest
    title (big library)."""

    empty: list[float] = field(default_factory=list)
    placeholder: list[float] = field(default_factory=list)
    big: list[float] = field(default_factory=list)


@dataclass
class Session:
    """One pty session: the first move right after the list showed, then each key's answers."""

    shown: float
    first_move: Answer
    keys: dict[str, list[Answer]]
    memory: dict[str, float]


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(v for v in values if not math.isnan(v))
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(value: float) -> str:
    return f"{value * 1000:6.1f} ms"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


LOCAL_LINES = 6
"""A move that rewrites at most this many screen lines redrew only the rows it left and entered
(two two-line rows and the final cursor placement); more means the list scrolled or redrew."""


def _moves_line(name: str, answers: Sequence[Answer]) -> str:
    sizes = [a.nbytes for a in answers]
    local = [a.nbytes for a in answers if a.lines <= LOCAL_LINES]
    wide = [a.nbytes for a in answers if a.lines > LOCAL_LINES]
    parts = [f"{name}: {len(sizes)} moves, median {statistics.median(sizes):,.0f} B"]
    parts.append(f"mean {statistics.fmean(sizes):,.0f} B, max {max(sizes):,} B")
    if local:
        parts.append(f"{len(local)} redrew <= {LOCAL_LINES} lines: max {max(local):,} B")
    if wide:
        lines = statistics.median(a.lines for a in answers if a.lines > LOCAL_LINES)
        parts.append(
            f"{len(wide)} redrew ~{lines:.0f} lines: median {statistics.median(wide):,.0f} B"
        )
    return "; ".join(parts)


def report(
    paint: Paint | None,
    pilot: dict[str, Any] | None,
    session: Session | None,
    baseline: Session | None,
) -> None:
    verdicts: list[tuple[str, str, str]] = []
    if paint is not None:
        ratio = statistics.median(b / e for b, e in zip(paint.big, paint.empty, strict=True))
        print(f"\n1. first paint through a pty ({len(paint.big)} alternating runs, seconds)")
        for name, values in (
            ("empty library: sample title", paint.empty),
            ("100k: placeholder (Loading…)", paint.placeholder),
            ("100k: newest title, list populated", paint.big),
        ):
            if all(math.isnan(v) for v in values):
                print(f"   {name:<36} never shown")
                continue
            runs = " ".join(f"{v:.2f}" for v in values)
            print(f"   {name:<36} median {statistics.median(values):.3f}   runs {runs}")
        print(f"   median of paired ratios (100k title / empty title): {ratio:.2f}x")
        verdicts.append(("first paint 100k <= 1.5x empty", f"{ratio:.2f}x", _verdict(ratio <= 1.5)))
    if pilot is not None:
        print(
            f"\n2a. keys in-process (run_test, {pilot['articles']:,} articles listed "
            f"{pilot['loaded']:.2f} s after start); first frame / frames settled for 50 ms"
        )
        worst = 0.0
        for key, pairs in pilot["keys"].items():
            first, settled = [p[0] for p in pairs], [p[1] for p in pairs]
            worst = max(worst, _p95(first))
            print(
                f"   {key:<6} first frame median {_ms(statistics.median(first))} "
                f"p95 {_ms(_p95(first))} | settled median {_ms(statistics.median(settled))} "
                f"p95 {_ms(_p95(settled))}  {_verdict(_p95(first) < 0.05)}"
            )
        slow = [k for k, pairs in pilot["keys"].items() if _p95([p[0] for p in pairs]) >= 0.05]
        verdicts.append(
            (
                "keys < 50 ms (in-process, p95 first frame)",
                f"worst {_ms(worst)}",
                _verdict(not slow) + (f" ({' '.join(slow)})" if slow else ""),
            )
        )
    if session is not None:
        print("\n2b. keys through the pty: last byte before 20 ms of quiet, bytes written")
        early = session.first_move
        print(
            f"   newest title shown {session.shown:.2f} s after spawn; the first j (sent once "
            f"output paused for 0.3 s) answered {early.last:.2f} s after spawn"
        )
        slow = []
        for key, answers in session.keys.items():
            last = [a.last for a in answers]
            sizes = [a.nbytes for a in answers]
            if _p95(last) >= 0.05:
                slow.append(key)
            print(
                f"   {key:<6} median {_ms(statistics.median(last))} p95 {_ms(_p95(last))} "
                f"| {statistics.median(sizes):>7,.0f} B median  {_verdict(_p95(last) < 0.05)}"
            )
        verdicts.append(
            (
                "keys < 50 ms (pty, p95)",
                f"{len(slow)} of {len(session.keys)} keys slow",
                _verdict(not slow) + (f" ({' '.join(slow)})" if slow else ""),
            )
        )
        hwm = session.memory["VmHWM"]
        print(f"\n3. memory: VmHWM {hwm:.0f} MB, VmRSS {session.memory['VmRSS']:.0f} MB")
        verdicts.append(("peak RSS < 1 GB", f"{hwm:.0f} MB", _verdict(hwm < 1024)))
        moves = session.keys["j"]
        print("\n4. bytes per cursor move (pty, ~100 ms apart, from the top of the list)")
        print(f"   newsfold   {_moves_line('j', moves)}")
        worst_move = max(a.nbytes for a in moves)
        verdicts.append(
            ("each cursor move < 1 KB", f"max {worst_move:,} B", _verdict(worst_move < 1024))
        )
    if baseline is not None:
        print(f"   OptionList {_moves_line('down', baseline.keys['down'])}")
        moves = baseline.keys["down"]
        print(
            f"   OptionList baseline: first option shown {baseline.shown:.2f} s after spawn, "
            f"first move (sent once output paused) answered {baseline.first_move.last:.2f} s "
            f"after spawn; moves then take {_ms(statistics.median(a.last for a in moves))} "
            f"(median); VmHWM {baseline.memory['VmHWM']:.0f} MB"
        )
    print("\n   target                                      measured              verdict")
    for target, measured, verdict in verdicts:
        print(f"   {target:<43} {measured:<21} {verdict}")
