"""The order reads are offered to the servers (app/replicas.py), by state.

States are set by hand here (the looks themselves run against a real
replica in tests/integration/test_replicas.py).
"""
from __future__ import annotations

from app.replicas import DOWN, LAGGING, OK, ReplicaSet, Server


def _servers(*states):
    clock = [1000.0]
    primary = Server("primary", None, None, is_primary=True, state=OK, checked_at=clock[0])
    replicas = [Server(f"r{i}", None, None, state=s, lag=float(i), checked_at=clock[0])
                for i, s in enumerate(states)]
    return ReplicaSet(primary, replicas, max_lag=5.0, check_interval=60.0, clock=lambda: clock[0]), clock


def _names(rs):
    return [s.name for s in rs.order()]


def test_current_replicas_take_turns_before_the_primary_and_lagging_ones_come_last():
    rs, _ = _servers(OK, LAGGING, OK, DOWN)
    first, second = _names(rs), _names(rs)
    assert {first[0], second[0]} == {"r0", "r2"}
    assert first[:2] == second[:2][::-1]
    assert first[2:] == second[2:] == ["primary", "r1"]  # r3 is down: never offered


def test_while_the_primary_is_known_to_be_down_lagging_replicas_come_before_it():
    rs, clock = _servers(LAGGING, DOWN)
    rs.primary.state = DOWN  # what mark_down() leaves after a failed read
    assert _names(rs) == ["r0", "primary"]
    clock[0] += 61  # time to try the primary again (r0 and r1 are due a look too)
    rs.replicas[0].checked_at = rs.replicas[1].checked_at = clock[0]
    assert _names(rs) == ["primary", "r0"]
