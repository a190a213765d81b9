"""Engine speed, as ratios measured side by side in one process.

1. Applying events: dealmodel's Run.apply against
   - a bare hand-written dict machine doing the same checks and state changes with
     integer counters (the practical floor), and
   - a plain `transitions` machine that fires a trigger for every event (the naive design).
   Targets: at least 3x faster than the plain-trigger baseline, within 20x of the floor.
2. Starting a run of an already-loaded deal against constructing a `transitions`
   machine for it. Target: at most 1/5 of the cost (the machine is shared between runs).

Run: python benchmarks/bench_engine.py [--events N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from transitions import Machine

from dealmodel import Deal, Event, Performed, ViolationAlleged, builtin_deal, start
from dealmodel.engine.machine import Lifecycle


def synthetic_stream(n: int) -> list[Event]:
    """A long, valid event stream within phase 1 of the Gaza deal (days 1..41)."""
    events: list[Event] = []
    releases = {1: 3, 7: 4, 14: 3, 21: 3, 28: 3, 35: 3}
    per_day = max(1, n // 41)
    for day in range(1, 42):
        if day in releases:
            events.append(Performed(day, party="hamas", obligation="p1_hostages",
                                    quantity=releases[day]))
            events.append(Performed(day, party="israel", obligation="p1_prisoners",
                                    quantity=30 * releases[day]))
        for i in range(per_day):
            if i % 50 == 49:
                events.append(ViolationAlleged(day, by="qatar", against="israel",
                                               obligation="p1_aid"))
            else:
                events.append(Performed(day, party="israel", obligation="p1_aid", quantity=6))
    return events


# -- the practical floor: a bare dict machine ---------------------------------------------
def make_bare(deal: Deal) -> Callable[[list[Event]], dict[str, Any]]:
    obligor = {o.id: o.obligor for o in deal.obligations()}
    cap = {o.id: o.target for o in deal.obligations()}

    def run(events: list[Event]) -> dict[str, Any]:
        state: dict[str, Any] = {"state": "pending", "day": 0, "allegations": 0}
        progress = dict.fromkeys(obligor, 0)
        for event in events:
            if event.day < state["day"]:
                raise ValueError("before the clock")
            if state["state"] == "pending" and event.day >= 1:
                state["state"] = "phase1"
            state["day"] = event.day
            if type(event) is Performed:
                ob = event.obligation
                if obligor[ob] != event.party or event.quantity < 1:
                    raise ValueError("refused")
                limit = cap[ob]
                if limit is not None and progress[ob] + event.quantity > limit:
                    raise ValueError("more than owed")
                progress[ob] += event.quantity
            else:
                state["allegations"] += 1
        state["progress"] = progress
        return state

    return run


# -- the naive design: a plain transitions machine, one trigger per event ---------------
class NaiveModel:
    def __init__(self, deal: Deal) -> None:
        self.day = 0
        self.obligor = {o.id: o.obligor for o in deal.obligations()}
        self.cap = {o.id: o.target for o in deal.obligations()}
        self.progress = dict.fromkeys(self.obligor, 0)
        self.allegations = 0

    def valid(self, event: Any) -> bool:
        e = event.kwargs["event"]
        if e.day < self.day:
            return False
        if type(e) is Performed:
            limit = self.cap[e.obligation]
            return (self.obligor[e.obligation] == e.party and e.quantity >= 1
                    and (limit is None or self.progress[e.obligation] + e.quantity <= limit))
        return True

    def record(self, event: Any) -> None:
        e = event.kwargs["event"]
        self.day = e.day
        if type(e) is Performed:
            self.progress[e.obligation] += e.quantity
        else:
            self.allegations += 1


def make_naive(deal: Deal) -> Callable[[list[Event]], NaiveModel]:
    states = list(deal.states())

    def run(events: list[Event]) -> NaiveModel:
        model = NaiveModel(deal)
        Machine(model=model, states=states, initial="pending", auto_transitions=False,
                send_event=True, transitions=[
                    {"trigger": "start", "source": "pending", "dest": "phase1"},
                    {"trigger": "perform", "source": "phase1", "dest": None,
                     "conditions": [model.valid], "after": [model.record]},
                    {"trigger": "allege", "source": "phase1", "dest": None,
                     "conditions": [model.valid], "after": [model.record]},
                ])
        model.start()  # type: ignore[attr-defined]
        for event in events:
            trigger = model.perform if type(event) is Performed else model.allege  # type: ignore[attr-defined]
            if not trigger(event=event):
                raise ValueError("refused")
        return model

    return run


def make_dealmodel(deal: Deal) -> Callable[[list[Event]], Any]:
    def run(events: list[Event]) -> Any:
        r = start(deal)
        apply = r.apply
        for event in events:
            apply(event)
        return r

    return run


def best_of(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best time of each contender, taking turns round by round so that a busy machine
    slows them alike."""
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeat):
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    deal = builtin_deal("gaza-2025")
    events = synthetic_stream(args.events)
    n = len(events)
    print(f"stream: {n:,} events on the gaza-2025 deal (days 1-41); best of {args.repeat}")

    # sanity: all three agree on the outcome
    ours = make_dealmodel(deal)(events)
    bare, naive = make_bare(deal)(events), make_naive(deal)(events)
    for ob, value in bare["progress"].items():
        assert ours.ledger[ob].progress == value == naive.progress[ob], ob
    assert len(ours.allegations) == bare["allegations"] == naive.allegations

    ours_fn, bare_fn, naive_fn = make_dealmodel(deal), make_bare(deal), make_naive(deal)
    times = best_of({"ours": lambda: ours_fn(events), "bare": lambda: bare_fn(events),
                     "naive": lambda: naive_fn(events)}, args.repeat)
    t_ours, t_bare, t_naive = times["ours"], times["bare"], times["naive"]
    print(f"  dealmodel Run.apply       {n / t_ours:>12,.0f} events/s")
    print(f"  bare dict machine (floor) {n / t_bare:>12,.0f} events/s")
    print(f"  plain transitions trigger {n / t_naive:>12,.0f} events/s")
    speedup = t_naive / t_ours
    floor = t_ours / t_bare
    print(f"apply vs plain transitions: {speedup:.1f}x faster (target >= 3x)")
    print(f"apply vs bare floor:        {floor:.1f}x slower (target <= 20x)")

    # run start-up
    k = 2000
    times = best_of({"start": lambda: [start(deal) for _ in range(k)],
                     "machine": lambda: [Lifecycle(deal) for _ in range(50)]}, args.repeat * 2)
    t_start, t_machine = times["start"] / k, times["machine"] / 50
    ratio = t_start / t_machine
    print(f"start a run: {t_start * 1e6:.1f} us; build a transitions machine for the deal: "
          f"{t_machine * 1e6:.1f} us")
    print(f"start vs machine construction: {ratio:.3f} (target <= 0.2)")
    missed = [name for name, fine in (("apply vs plain transitions >= 3x", speedup >= 3),
                                      ("apply vs bare floor <= 20x", floor <= 20),
                                      ("start vs machine <= 0.2", ratio <= 0.2)) if not fine]
    print("targets: met" if not missed else "targets: missed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
