"""Issue 12, item 4: anonymous creation is bounded. Workshops per address and for the whole server (429 with
Retry-After), hosted people per host (409), and a server-wide disk quota for pictures (507 storage_full),
against a real server; the defaults still let a training day create 30 workshops at once."""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fresque.config import Settings
from PIL import Image
from support.server import ServerProcess
from support.workshop import Workshop

Start = Callable[[dict[str, str]], ServerProcess]


@pytest.fixture
def start(database_url: str, tmp_path: Path) -> Iterator[Start]:
    """Start a server with these settings, on SQLite and on PostgreSQL (its pictures in tmp_path/data)."""
    started: list[ServerProcess] = []

    def run(env: dict[str, str]) -> ServerProcess:
        proc = ServerProcess(
            database_url,
            log_path=tmp_path / "server.log",
            env={"FRESQUE_DATA_DIR": str(tmp_path / "data"), **env},
        )
        proc.start()
        started.append(proc)
        return proc

    yield run
    for proc in started:
        proc.stop()


def client(server: ServerProcess, source: str) -> httpx.Client:
    """A client connecting from `source` (any 127.x address is this machine's loopback)."""
    return httpx.Client(
        base_url=server.base_url, transport=httpx.HTTPTransport(local_address=source), timeout=30
    )


def create(http: httpx.Client, n: int) -> httpx.Response:
    return http.post("/api/workshops", json={"title": f"Atelier {n}"}, headers={"Accept-Language": "fr"})


# -- workshops ---------------------------------------------------------------------------------------------


def test_workshops_per_address_the_defaults_let_a_training_day_through(start: Start) -> None:
    shipped = {"create_per_hour": 20.0, "create_burst": 30, "create_global_per_hour": 200.0}
    shipped["create_global_burst"] = 200
    assert {name: Settings.model_fields[name].default for name in shipped} == shipped
    # Test servers lift the creation allowance: the shipped defaults are passed explicitly.
    server = start({f"FRESQUE_{name.upper()}": str(value) for name, value in shipped.items()})
    with client(server, "127.0.3.1") as trainer:
        for n in range(30):  # a training day: 30 workshops at once from one address
            assert create(trainer, n).status_code == 201, n
        refused = create(trainer, 31)
        assert refused.status_code == 429, refused.text
        body = refused.json()
        assert body["error"] == "too_many_workshops" and body["message"]
        # 20 an hour: one comes back every 180 s
        assert 150 <= int(refused.headers["retry-after"]) <= 180 and body["retry_after"] >= 150
    with client(server, "127.0.3.2") as colleague:  # another address is unaffected
        assert create(colleague, 0).status_code == 201


def test_workshops_for_the_whole_server(start: Start) -> None:
    server = start(
        {
            "FRESQUE_CREATE_BURST": "3",
            "FRESQUE_CREATE_PER_HOUR": "20",
            "FRESQUE_CREATE_GLOBAL_BURST": "5",
            "FRESQUE_CREATE_GLOBAL_PER_HOUR": "200",
        }
    )
    with client(server, "127.0.3.3") as first, client(server, "127.0.3.4") as second:
        assert [create(first, n).status_code for n in range(3)] == [201, 201, 201]
        assert [create(second, n).status_code for n in range(2)] == [201, 201]
        refused = create(second, 3)
    with client(server, "127.0.3.5") as third:
        also = create(third, 0)
    for answer in (refused, also):
        assert answer.status_code == 429 and answer.json()["error"] == "server_busy_creating"
        assert 1 <= int(answer.headers["retry-after"]) <= 18  # 200 an hour: one every 18 s


# -- hosted people -----------------------------------------------------------------------------------------


def test_hosted_people_per_host_are_capped(start: Start) -> None:
    server = start({})  # the default: 50
    workshop = Workshop.create(server, residents=("Table 1",))
    table = workshop.token("Table 1")
    url = f"/api/workshops/{workshop.id}/hosted"
    for n in range(50):
        assert server.post(url, {"alias": f"P{n}", "kind": "table"}, token=table).status_code == 201, n
    refused = server.post(url, {"alias": "P50", "kind": "table"}, token=table)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "too_many_hosted" and refused.json()["max"] == 50
    assert len(server.get(url, token=table).json()["people"]) == 50
    # Another host (the facilitator's people on paper) has its own room.
    paper = server.post(url, {"alias": "Fatima", "kind": "paper"}, token=workshop.facilitator_token)
    assert paper.status_code == 201


# -- people and boards of one workshop -----------------------------------------------------------------------


def test_a_workshop_s_people_and_boards_are_capped(start: Start) -> None:
    """Anyone may create a workshop and join it through its link again and again, or add boards to it."""
    assert Settings.model_fields["max_people_per_workshop"].default == 500
    assert Settings.model_fields["max_boards_per_workshop"].default == 50
    server = start({"FRESQUE_MAX_PEOPLE_PER_WORKSHOP": "4", "FRESQUE_MAX_BOARDS_PER_WORKSHOP": "3"})
    created = server.create_workshop()
    workshop_id, facilitator = created["workshop"]["id"], created["facilitator"]["token"]
    link_token = created["join_link"].rsplit("/", 1)[1]
    for n in range(3):  # the facilitator and three residents: four people
        assert server.post("/api/join", {"token": link_token, "alias": f"R{n}"}).status_code == 201
    for way in ({"token": link_token}, {"code": created["join_code"]}):
        full = server.post("/api/join", {**way, "alias": "R4"})
        assert full.status_code == 409 and full.json()["error"] == "workshop_full", full.text
        assert full.json()["max"] == 4
    hosted = server.post(
        f"/api/workshops/{workshop_id}/hosted", {"alias": "P", "kind": "paper"}, token=facilitator
    )
    assert hosted.status_code == 409 and hosted.json()["error"] == "workshop_full"

    boards = f"/api/workshops/{workshop_id}/boards"
    for n in range(2):  # the first board and two more
        assert (
            server.post(boards, {"kind": "exploration", "title": f"B{n}"}, token=facilitator).status_code
            == 201
        )
    refused = server.post(boards, {"kind": "actions", "title": "B3"}, token=facilitator)
    assert refused.status_code == 409 and refused.json()["error"] == "too_many_boards"
    assert len(server.get(f"/api/workshops/{workshop_id}", token=facilitator).json()["boards"]) == 3


# -- pictures ----------------------------------------------------------------------------------------------


def noise_png(seed: int) -> bytes:
    """512×512 random RGB pixels: its re-made PNG cannot compress (~790 KB with its thumbnail)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (512, 512), rng.randbytes(512 * 512 * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(server: ServerProcess, workshop: Workshop, data: bytes) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/workshops/{workshop.id}/pictograms",
        headers={"Authorization": f"Bearer {workshop.facilitator_token}"},
        files={"file": ("noise.png", data, "image/png")},
        data={"label_fr": "Bruit"},
        timeout=30,
    )


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_pictures_have_a_server_wide_quota(start: Start, tmp_path: Path) -> None:
    server = start({"FRESQUE_PICTURES_QUOTA_MIB": "1"})
    pictures = tmp_path / "data" / "custom-pictograms"
    first, other = Workshop.create(server, residents=()), Workshop.create(server, residents=())
    kept = upload(server, first, noise_png(1))
    assert kept.status_code == 201, kept.text
    on_disk = files_under(pictures)
    assert len(on_disk) == 2 and sum(p.stat().st_size for p in on_disk) > 512 * 1024
    # Another workshop (fresh workshops were the way around the per-workshop cap) is refused too.
    for workshop in (first, other):
        full = upload(server, workshop, noise_png(2))
        assert full.status_code == 507, full.text
        assert full.json()["error"] == "storage_full" and "MiB" in full.json()["message"]
    assert files_under(pictures) == on_disk  # nothing written for the refused ones
    # Deleting a picture makes room again.
    url = f"/api/workshops/{first.id}/pictograms/{kept.json()['id']}"
    deleted = httpx.delete(
        f"{server.base_url}{url}", headers={"Authorization": f"Bearer {first.facilitator_token}"}
    )
    assert deleted.status_code == 204
    assert upload(server, other, noise_png(3)).status_code == 201
