"""The order of rows that share a timestamp, read off a declared running total.

A ledger's order within one day is often arbitrary, but the balance tells the real order:
each row's total is the previous row's plus its signed amount, within the rounding of the
data (one unit of the last decimal). Rows of one sequence at one time keep their order when
it chains; otherwise an exactly chaining order is looked for first (an Euler path through
the totals, each row an edge from the total before it to the total after it, linear time),
then one that chains within the rounding (a small search over the group's rows).
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .running_total import RunningTotal
from .spec_checks import show_value
from .time_codec import time_sort_key

if TYPE_CHECKING:
    from .layout import SequenceOrder

SEARCH_ROWS = 16  # larger groups are only ordered when they chain exactly


def _balance(u: list, v: list) -> dict:
    """Outgoing minus incoming edges of each node of the edges ``u[i] → v[i]``."""
    balance = defaultdict(int)
    for a, b in zip(u, v, strict=True):
        balance[a] += 1
        balance[b] -= 1
    return balance


def euler_order(u: list, v: list, start) -> list[int] | None:
    """An order of the edges ``u[i] → v[i]`` that walks them all from ``start``, None if none
    does; edges are tried in their given order (Hierholzer's algorithm)."""
    balance = _balance(u, v)
    if start not in balance:
        return None
    ends = sorted(n for n in balance.values() if n != 0)
    if not (ends == [] or (ends == [-1, 1] and balance[start] == 1)):
        return None
    out = defaultdict(deque)
    for i, a in enumerate(u):
        out[a].append(i)
    stack, path = [(start, -1)], []
    while stack:
        node, edge = stack[-1]
        if out[node]:
            i = out[node].popleft()
            stack.append((v[i], i))
        else:
            stack.pop()
            if edge >= 0:
                path.append(edge)
    return path[::-1] if len(path) == len(u) else None  # shorter: not all connected


def rounded_order(b: list, s: list, before) -> list[int] | None:
    """An order of rows (totals ``b``, signed amounts ``s``, in units) in which each total is
    the previous plus the amount within one unit, from the total ``before`` (None: any
    opening); depth first, closest matches first, failed states remembered."""
    k, dead = len(b), set()

    def extend(mask: int, cur, path: list[int]) -> list[int] | None:
        if len(path) == k:
            return path
        if (mask, cur) in dead:
            return None
        free = [i for i in range(k) if not mask >> i & 1
                and (cur is None or abs(b[i] - cur - s[i]) <= 1)]
        for i in sorted(free, key=lambda i: 0 if cur is None else abs(b[i] - cur - s[i])):
            found = extend(mask | 1 << i, b[i], path + [i])
            if found is not None:
                return found
        dead.add((mask, cur))
        return None

    return extend(0, before, [])


def _starts(u: list, v: list) -> list:
    """Where an exact walk over all edges may start when nothing comes before (a sequence's
    first time): the one node with an extra outgoing edge, else any node, in given order."""
    first = [n for n, k in _balance(u, v).items() if k == 1]
    return first if len(first) == 1 else list(dict.fromkeys(u))


class _Chain:
    """A frame's totals and signed amounts in whole units, and the tie groups of an order."""

    def __init__(self, df: pd.DataFrame, total: RunningTotal, seq: SequenceOrder,
                 time: str | None):
        self.b, self.s = total.chain_units(df)
        pos = seq.position
        new = pos == 0
        if time is not None and len(pos) > 1:
            key = time_sort_key(df[time])[seq.order]
            new[1:] |= key[1:] != key[:-1]
        self.group_start = np.flatnonzero(new)
        self.group_end = np.append(self.group_start[1:], len(pos))
        self.group_of_row = np.cumsum(new) - 1
        self.free = pos[self.group_start] == 0  # a sequence's first time: no total before

    def bad_rows(self, order: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Ordered rows whose total is not the previous total plus their signed amount,
        within one unit."""
        b, s = self.b[order], self.s[order]
        bad = np.zeros(len(order), dtype=bool)
        bad[1:] = (pos[1:] > 0) & (np.abs(b[1:] - b[:-1] - s[1:]) > 1)
        return bad

    def orders(self, rows: np.ndarray, before) -> Iterator[np.ndarray]:
        """Orders of ``rows`` that chain from the total ``before`` (None: any), best first:
        the given one, exact ones, then ones within rounding."""
        b, s = self.b[rows].tolist(), self.s[rows].tolist()
        u = [x - y for x, y in zip(b, s, strict=True)]  # the total before each row
        previous = [before] + b[:-1]
        if all(p is None or abs(x - p) <= 1 for x, p in zip(u, previous, strict=True)):
            yield rows
        for start in ([before] if before is not None else _starts(u, b)):
            perm = euler_order(u, b, start)
            if perm is not None:
                yield rows[perm]
        if len(rows) <= SEARCH_ROWS:
            perm = rounded_order(b, s, before)
            if perm is not None:
                yield rows[perm]

    def settle_small_groups(self, order: np.ndarray, largest: int = 5) -> None:
        """Reorder in place, all at once, each group of 2..``largest`` rows whose rows chain
        among themselves in one order only (most tie groups; the rest are searched group
        by group). Whether the first row chains on the previous total is checked later."""
        sizes = self.group_end - self.group_start
        for k in range(2, largest + 1):
            at = self.group_start[sizes == k][:, None] + np.arange(k)  # [groups, k]
            if not len(at):
                continue
            perms = np.array(list(itertools.permutations(range(k))))  # [orders, k]
            rows = order[at]
            b, s = self.b[rows][:, perms], self.s[rows][:, perms]  # [groups, orders, k]
            chains = (np.abs(b[..., 1:] - b[..., :-1] - s[..., 1:]) <= 1).all(axis=2)
            one = chains.sum(axis=1) == 1
            best = perms[np.argmax(chains, axis=1)]
            order[at[one]] = np.take_along_axis(rows, best, axis=1)[one]

    def group(self, order: np.ndarray, g: int) -> np.ndarray:
        """The rows (original positions) of tie group ``g`` in ``order``."""
        return order[self.group_start[g]:self.group_end[g]]

    def solve(self, order: np.ndarray, g: int) -> np.ndarray | None:
        """A chaining order of tie group ``g``, None if none; at a sequence's first time, one
        the next time can chain on if there is one."""
        rows = self.group(order, g)
        if not self.free[g]:
            return next(self.orders(rows, self.b[order[self.group_start[g] - 1]]), None)
        following = g + 1 < len(self.free) and not self.free[g + 1]
        first = None
        for found in self.orders(rows, None):
            first = found if first is None else first
            if not following or next(self.orders(self.group(order, g + 1), self.b[found[-1]]),
                                     None) is not None:
                return found
        return first


def _no_order(chain: _Chain, df: pd.DataFrame, total: RunningTotal, seq: SequenceOrder,
              order: np.ndarray, g: int, example_id: str, time: str | None) -> ValueError:
    """The ValueError for tie group ``g``: where, the rows, and what to do."""
    lo, rows = chain.group_start[g], chain.group(order, g)
    where = (f"{example_id}={show_value(seq.ids[seq.example[lo]])} "
             + (f"at {time}={show_value(df[time].iloc[rows[0]])}" if time
                else f"at step {seq.position[lo]}"))
    name, of = total.name, total.of
    before = "" if chain.free[g] else \
        f"previous {name} {show_value(df[name].iloc[order[lo - 1]])}; "
    shown = [tuple(show_value(df[c].iloc[r]) for c in (total.sign_by, of, name))
             for r in rows[:8]]
    large = f"; groups over {SEARCH_ROWS} rows must chain exactly" \
        if len(rows) > SEARCH_ROWS else ""
    return ValueError(
        f"running total {name!r}: no order of the {len(rows)} row(s) of {where} makes each "
        f"{name} the previous {name} plus its signed {of}, within one unit of the last decimal "
        f"({before}rows as ({total.sign_by}, {of}, {name}): {shown}{large}); fix those rows, "
        f"or declare tg.Continuous({name!r}) instead of the RunningTotal to drop the relation")


def order_ties(df: pd.DataFrame, seq: SequenceOrder, total: RunningTotal, example_id: str,
               time: str | None) -> SequenceOrder:
    """``seq`` with the rows that share a time within a sequence put in the order that makes
    ``total`` chain (orders that chain already are kept); ValueError naming the first sequence
    and time where no order does. Reads the total, ``of`` and ``sign_by`` columns."""
    chain = _Chain(df, total, seq, time)
    order, pos = seq.order.copy(), seq.position
    bad = chain.bad_rows(order, pos)
    if bad.any():
        chain.settle_small_groups(order)
        bad = chain.bad_rows(order, pos)
    while bad.any():  # each pass settles at least the first group with a bad row
        groups = set(chain.group_of_row[bad].tolist())
        for g in list(groups):  # a first time's order decides where the next time starts
            if g > 0 and chain.free[g - 1] and not chain.free[g]:
                groups.add(g - 1)
        for g in sorted(groups):
            rows = chain.solve(order, g)
            if rows is None:
                raise _no_order(chain, df, total, seq, order, g, example_id, time)
            order[chain.group_start[g]:chain.group_end[g]] = rows
        again = chain.bad_rows(order, pos)
        if again.any() and np.argmax(again) <= np.argmax(bad):
            g = int(chain.group_of_row[np.argmax(again)])
            raise _no_order(chain, df, total, seq, order, g, example_id, time)
        bad = again
    return seq._replace(order=order)
