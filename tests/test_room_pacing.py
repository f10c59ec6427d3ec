"""Presence lists paced by the room's size (`rooms.room.LIST_SOCKETS_PER_SECOND`): the pacer takes the period
its action sets for the next run, so a room of 200 gets a list every 0.2 s, not 30 a second."""

from __future__ import annotations

import asyncio

from fresque.rooms.room import LIST_SOCKETS_PER_SECOND, Pacer


def test_the_period_an_action_sets_paces_the_next_run() -> None:
    async def scenario() -> list[float]:
        loop = asyncio.get_running_loop()
        runs: list[float] = []
        pacer: Pacer

        def action() -> None:
            runs.append(loop.time())
            pacer.period = 200 / LIST_SOCKETS_PER_SECOND  # as `Room._send_presence_list` does for 200 sockets

        pacer = Pacer(30, action)
        pacer.request()  # the first after a quiet spell: at once
        await asyncio.sleep(0.01)
        pacer.request()  # a run may come half a period early: not before 0.1 s after the first
        await asyncio.sleep(0.3)
        pacer.cancel()
        return runs

    runs = asyncio.run(scenario())
    assert len(runs) == 2
    assert runs[1] - runs[0] >= 0.09  # at 30 Hz it would have gone after ~0.017 s
