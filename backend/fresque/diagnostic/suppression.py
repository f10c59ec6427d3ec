"""« < 5 »: which cells are published, so that no figure about fewer than 5 people can be read or worked out.

A `Table` holds raw cells by key, the partitions that tie them (published cells adding up to a known total),
and the cascades (a group whose headcount is suppressed has all its cells suppressed: their `n` would give
the headcount back). `settle` suppresses:

1. every cell computed from fewer than `threshold` people (primary);
2. in every partition, while the people of the cells not published (suppressed, or never published such as
   « the people who did not give this answer ») add up to 1 … threshold-1, the smallest published cell too
   (ties broken by the partition's order), and with none left, the partition's total (complementary);

until nothing changes. Suppressing more never lets a small number through: every cell suppressed by step 2
has `threshold` people or more, so a sum of unpublished people that was 0 or ≥ threshold stays so.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

Key = Hashable


@dataclass(frozen=True, slots=True)
class Raw:
    """A cell's counts: `share` is the numerator of its rate (`share / n`), None when it has none."""

    value: int
    people: int
    n: int | None
    share: int | None = None

    @property
    def rate(self) -> float | None:
        if self.share is None or not self.n:
            return None
        return round(self.share / self.n, 4)


@dataclass(frozen=True, slots=True)
class Partition:
    """`cells` (published when not suppressed) and `hidden` people (never published) make up `total`."""

    total: Key | None
    cells: tuple[Key, ...]
    hidden: int


@dataclass
class Table:
    threshold: int
    raw: dict[Key, Raw] = field(default_factory=dict)
    partitions: list[Partition] = field(default_factory=list)
    cascades: dict[Key, list[Key]] = field(default_factory=dict)
    suppressed: set[Key] = field(default_factory=set)

    def add(self, key: Key, raw: Raw) -> Key:
        self.raw[key] = raw
        return key

    def partition(self, total: Key | None, cells: Sequence[Key], total_people: int) -> None:
        """`cells` are disjoint parts of a total of `total_people` people; the rest is never published."""
        present = tuple(k for k in cells if k in self.raw)
        hidden = total_people - sum(self.raw[k].people for k in present)
        if hidden < 0:  # pragma: no cover - a caller's bug: the parts are not disjoint parts of the total
            raise ValueError(f"partition of {total!r}: parts exceed the total")
        self.partitions.append(Partition(total, present, hidden))

    def cascade(self, headcount: Key, members: Sequence[Key]) -> None:
        self.cascades.setdefault(headcount, []).extend(members)

    def settle(self) -> set[Key]:
        t = self.threshold
        out = self.suppressed
        out.update(k for k, r in self.raw.items() if r.people < t)
        changed = True
        while changed:
            changed = False
            for p in self.partitions:
                unpublished = p.hidden + sum(self.raw[k].people for k in p.cells if k in out)
                while 0 < unpublished < t:
                    shown = [(self.raw[k].people, i, k) for i, k in enumerate(p.cells) if k not in out]
                    if shown:
                        people, _, key = min(shown, key=lambda s: (s[0], s[1]))
                        out.add(key)
                        unpublished += people
                        changed = True
                    else:
                        if p.total is not None and p.total not in out:
                            out.add(p.total)
                            changed = True
                        break
            for head, members in self.cascades.items():
                if head in out:
                    for key in members:
                        if key not in out:
                            out.add(key)
                            changed = True
        return out
