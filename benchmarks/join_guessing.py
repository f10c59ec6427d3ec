"""How many wrong join codes a second this server answers, its limits lifted: the ceiling of any guessing,
however many addresses the guesser has (docs/security.md, "Guessing a join code").

    .venv/bin/python benchmarks/join_guessing.py            # 32 clients × 150 wrong codes, SQLite

Each wrong code is a full `POST /api/join`: body parsed, code looked up in the database, 404 answered.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.server import ServerProcess

CLIENTS, EACH = 32, 150
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def wrong(n: int) -> str:
    return "".join(ALPHABET[(n // 31**k) % 31] for k in range(10))


async def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fresque-guess-"))
    lifted = {"FRESQUE_JOIN_RATE_BURST": "10000000", "FRESQUE_JOIN_GLOBAL_BURST": "10000000"}
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp / 'f.sqlite3'}",
        log_path=tmp / "server.log",
        env={**lifted, "FRESQUE_DATA_DIR": str(tmp / "data")},
    )
    server.start()
    try:
        server.create_workshop()
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=30) as http:

            async def guesser(k: int) -> None:
                for i in range(EACH):
                    answer = await http.post("/api/join", json={"code": wrong(k * EACH + i), "alias": "X"})
                    assert answer.status_code == 404, answer.text

            start = time.perf_counter()
            await asyncio.gather(*(guesser(k) for k in range(CLIENTS)))
            took = time.perf_counter() - start
        total = CLIENTS * EACH
        print(f"{total} wrong codes in {took:.1f} s: {total / took:.0f} a second")
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main())
