"""Custom pictograms: facilitators upload pictures to their workshop's palette.

Hostile files are made here, byte by byte where Pillow would not write them: decompression bombs, polyglots
(PNG + ZIP, PNG + HTML), truncated and disguised files, animations, a huge body. Every upload goes to a real
`fresque serve` process on SQLite and on PostgreSQL; the image pipeline's own limits (timeout, exotic
colour modes) and the erase function are also tested directly.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import socket
import struct
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fresque.config import Settings
from fresque.db import migrate
from fresque.db.engine import make_engine
from fresque.db.store import Store
from fresque.uploads import (
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    CustomPictures,
    PictureRefused,
    process_image,
)
from PIL import Image
from sqlalchemy import text
from support.server import ServerProcess
from support.workshop import Workshop

# -- making pictures, sound and hostile --------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def two_halves(
    size: tuple[int, int], left: str = "red", right: str = "blue", mode: str = "RGB"
) -> Image.Image:
    """Left half one colour, right half another: orientation and aspect can be checked after re-encoding."""
    image = Image.new(mode, size, left)
    image.paste(Image.new(mode, (size[0] - size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return image


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header declares `width`×`height` RGB pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")
    )


def png_chunk_types(data: bytes) -> list[bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    kinds, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    assert at == len(data), "bytes after the PNG's last chunk"
    return kinds


PAYLOAD = b"FRESQUE-HOSTILE-PAYLOAD"


def png_zip_polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evil.txt", PAYLOAD * 10)
    polyglot = encode(two_halves((64, 64)), "PNG") + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))  # it really is both
    return polyglot


def png_html_polyglot() -> bytes:
    """HTML in a text chunk and after IEND: a browser sniffing it could run it."""
    html = b"<html><script>alert('" + PAYLOAD + b"')</script></html>"
    sound = encode(two_halves((64, 64)), "PNG")
    text_chunk = png_chunk(b"tEXt", b"Comment\0" + html)
    return sound[:33] + text_chunk + sound[33:] + html  # 33: signature and IHDR


def jpeg_with_metadata() -> bytes:
    image = two_halves((80, 60))
    exif = image.getexif()
    exif[0x010F] = PAYLOAD.decode()  # Make
    exif[0x8825] = {1: "N", 2: (43.0, 31.0, 37.0)}  # GPS: where the photo was taken
    return encode(image, "JPEG", exif=exif, comment=PAYLOAD, icc_profile=b"\0" * 128 + PAYLOAD)


def exif_rotated_jpeg() -> bytes:
    """Stored 90×60 sideways (red left, blue right), EXIF orientation 6: upright it is 60×90, red on top."""
    image = two_halves((90, 60))
    exif = image.getexif()
    exif[0x0112] = 6
    return encode(image, "JPEG", exif=exif, quality=95)


def truncated_jpeg() -> bytes:
    data = encode(Image.effect_noise((300, 200), 60).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "green", "blue")]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def slow_png() -> bytes:
    """Small to send (60 KB) but the largest allowed to decode: 4096×4096 pixels, about half a second."""
    return encode(Image.linear_gradient("L").resize((4096, 4096)).convert("RGB"), "PNG")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


def damaged_png() -> bytes:
    data = bytearray(encode(two_halves((32, 32)), "PNG"))
    data[29] ^= 0xFF  # a byte of IHDR's CRC: still a PNG signature, no longer a sound PNG
    return bytes(data)


# -- a real server per database backend, with its own data directory ---------------------------------------


@dataclass
class Served:
    server: ServerProcess
    data_dir: Path

    def folder(self, workshop_id: str) -> Path:
        return self.data_dir / "custom-pictograms" / workshop_id


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp(f"pictures-{request.param}")
    janitor = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{root / 'fresque.sqlite3'}"
    else:
        from pytest_postgresql.janitor import DatabaseJanitor

        port = request.getfixturevalue("postgres_server").port
        name = f"fresque_{uuid.uuid4().hex[:12]}"
        janitor = DatabaseJanitor(user="postgres", host="127.0.0.1", port=port, dbname=name, password=None)
        janitor.init()
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{name}"
    data_dir = root / "data"
    server = ServerProcess(url, log_path=root / "server.log", env={"FRESQUE_DATA_DIR": str(data_dir)})
    server.start()
    try:
        yield Served(server, data_dir)
    finally:
        server.stop()
        if janitor is not None:
            janitor.drop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(
    server: ServerProcess,
    workshop_id: str,
    token: str | None,
    data: bytes,
    *,
    filename: str = "picture.png",
    content_type: str = "image/png",
    labels: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
) -> httpx.Response:
    fields = {"label_fr": "Le marché", **(extra or {})} if labels is None else {**labels, **(extra or {})}
    return httpx.post(
        f"{server.base_url}/api/workshops/{workshop_id}/pictograms",
        headers=bearer(token) if token else {},
        files={"file": (filename, data, content_type)},
        data=fields,
        timeout=30,
    )


def fetch(server: ServerProcess, path: str, token: str | None) -> httpx.Response:
    return httpx.get(f"{server.base_url}{path}", headers=bearer(token) if token else {}, timeout=30)


def listed(server: ServerProcess, workshop: Workshop) -> list[dict[str, Any]]:
    response = fetch(server, f"/api/workshops/{workshop.id}/pictograms", workshop.facilitator_token)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["pictograms"]
    return found


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def raw_http(port: int, head: bytes, body_chunks: Iterator[bytes] | None = None) -> tuple[int, bytes]:
    """Send exactly these bytes (no client-side normalising of the path, no body framing), read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(head)
        for chunk in body_chunks or ():
            sock.sendall(chunk)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, answer.read()


def assert_served_png(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "max-age=" in response.headers["cache-control"] and "private" in response.headers["cache-control"]
    # nothing but the pixels: no metadata chunk, nothing after IEND
    assert set(png_chunk_types(response.content)) <= {b"IHDR", b"IDAT", b"IEND"}
    image = Image.open(io.BytesIO(response.content), formats=["PNG"])
    image.load()
    return image


# -- sound pictures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, options",
    [("PNG", {}), ("JPEG", {"quality": 92}), ("WEBP", {"quality": 90})],
    ids=["png", "jpeg", "webp"],
)
def test_a_sound_picture_round_trips(served: Served, fmt: str, options: dict[str, Any]) -> None:
    server = served.server
    workshop = Workshop.create(server, residents=("Amina",))
    data = encode(two_halves((1000, 700)), fmt, **options)
    labels = {"label_fr": "Le marché", "label_en": "The market", "label_ar": "السوق"}
    response = upload(server, workshop.id, workshop.facilitator_token, data, filename="x.gif", labels=labels)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["labels"] == {"fr": "Le marché", "en": "The market", "ar": "السوق"}
    assert (body["width"], body["height"]) == (512, 358) and body["category"] is None
    assert body["picture_url"] == f"/custom-pictograms/{workshop.id}/{body['id']}.png"
    assert body["thumbnail_url"] == f"/custom-pictograms/{workshop.id}/{body['id']}-thumb.png"

    for token in (workshop.facilitator_token, workshop.token("Amina")):  # every member sees it
        picture = assert_served_png(fetch(server, body["picture_url"], token))
        assert picture.size == (512, 358)
        left, right = picture.convert("RGB").getpixel((10, 179)), picture.convert("RGB").getpixel((500, 179))
        assert left[0] > 200 > left[2] and right[2] > 200 > right[0], (left, right)
        thumbnail = assert_served_png(fetch(server, body["thumbnail_url"], token))
        assert thumbnail.size == (128, 90)

    assert listed(server, workshop) == [body]
    assert files_under(served.folder(workshop.id)) == sorted([f"{body['id']}.png", f"{body['id']}-thumb.png"])
    with httpx.Client(base_url=server.base_url) as browser:  # the page's <img>: the session cookie
        browser.post("/api/workshops", json={"title": "x"})  # a cookie of another workshop: nothing
        assert browser.get(body["picture_url"]).status_code == 404
    assert fetch(server, body["picture_url"], None).status_code == 401


def test_an_exif_rotated_photo_comes_out_upright(served: Served) -> None:
    workshop = Workshop.create(served.server, residents=())
    response = upload(served.server, workshop.id, workshop.facilitator_token, exif_rotated_jpeg())
    assert response.status_code == 201, response.text
    assert (response.json()["width"], response.json()["height"]) == (60, 90)
    picture = assert_served_png(
        fetch(served.server, response.json()["picture_url"], workshop.facilitator_token)
    )
    top, bottom = picture.convert("RGB").getpixel((30, 10)), picture.convert("RGB").getpixel((30, 80))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0], (top, bottom)


@pytest.mark.parametrize(
    "make",
    [png_zip_polyglot, png_html_polyglot, jpeg_with_metadata],
    ids=["png-zip", "png-html", "jpeg-meta"],
)
def test_polyglots_and_metadata_do_not_survive_the_re_encoding(served: Served, make: Any) -> None:
    workshop = Workshop.create(served.server, residents=())
    response = upload(served.server, workshop.id, workshop.facilitator_token, make())
    assert response.status_code == 201, response.text
    for url in (response.json()["picture_url"], response.json()["thumbnail_url"]):
        served_bytes = fetch(served.server, url, workshop.facilitator_token).content
        assert PAYLOAD not in served_bytes and b"<script" not in served_bytes.lower()
        assert not zipfile.is_zipfile(io.BytesIO(served_bytes))
        assert served_bytes.endswith(png_chunk(b"IEND", b""))
    for path in served.folder(workshop.id).iterdir():  # and on disk, the same fresh files
        assert PAYLOAD not in path.read_bytes()


# -- hostile and unsupported files ---------------------------------------------------------------------


HOSTILE = {
    "bomb-30000x30000": (png_declaring(30_000, 30_000), "image/png", 422, "image_bomb"),
    "bomb-under-pillows-limit": (png_declaring(5_000, 5_000), "image/png", 422, "image_bomb"),
    "bomb-pillow-warning-range": (png_declaring(10_000, 10_000), "image/png", 422, "image_bomb"),
    "truncated-jpeg": (truncated_jpeg(), "image/jpeg", 422, "image_invalid"),
    "damaged-png": (damaged_png(), "image/png", 422, "image_invalid"),
    "empty": (b"", "image/png", 422, "image_invalid"),
    "gif-named-png": (encode(Image.new("RGB", (8, 8), "red"), "GIF"), "image/png", 415, "unsupported_image"),
    "svg-named-png": (SVG, "application/octet-stream", 415, "unsupported_image"),
    "svg-as-image-png": (SVG, "image/png", 415, "unsupported_image"),
    "svg-as-svg": (SVG, "image/svg+xml", 415, "unsupported_image"),
    "html-named-png": (b"<!doctype html><script>alert(1)</script>", "image/png", 415, "unsupported_image"),
    "bmp": (encode(Image.new("RGB", (8, 8)), "BMP"), "image/png", 415, "unsupported_image"),
    "animated-png": (animated("PNG"), "image/png", 422, "animated_image"),
    "animated-webp": (animated("WEBP"), "image/webp", 422, "animated_image"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_and_leave_nothing(served: Served, case: str) -> None:
    data, content_type, status, code = HOSTILE[case]
    workshop = Workshop.create(served.server, residents=())
    started = time.monotonic()
    response = upload(served.server, workshop.id, workshop.facilitator_token, data, content_type=content_type)
    assert (response.status_code, response.json()["error"]) == (status, code), response.text
    assert time.monotonic() - started < 10
    assert "DecompressionBomb" not in served.server.log()  # a refusal, not a warning in the log
    assert listed(served.server, workshop) == []
    assert files_under(served.folder(workshop.id)) == []


def test_a_huge_body_is_refused_before_it_is_read(served: Served) -> None:
    workshop = Workshop.create(served.server, residents=())
    path = f"/api/workshops/{workshop.id}/pictograms".encode()
    head = (
        b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Authorization: Bearer " + workshop.facilitator_token.encode() + b"\r\n"
        b"Content-Type: multipart/form-data; boundary=xyz\r\n"
    )
    # Declared: 100 MiB. Not one byte of it is sent, and the answer comes at once.
    status, body = raw_http(served.server.port, head + b"Content-Length: 104857600\r\n\r\n")
    assert status == 413 and b"image_too_large" in body
    # Undeclared (chunked): refused as soon as the running total passes the cap.
    piece = 256 * 1024
    chunks = (
        f"{piece:x}\r\n".encode() + b"\0" * piece + b"\r\n" for _ in range(MAX_UPLOAD_BYTES // piece + 1)
    )
    status, body = raw_http(served.server.port, head + b"Transfer-Encoding: chunked\r\n\r\n", chunks)
    assert status == 413 and b"image_too_large" in body
    # A file part over the cap inside a body that is not (the multipart overhead allowance) is refused too.
    response = upload(
        served.server, workshop.id, workshop.facilitator_token, b"\x89PNG" + b"\0" * MAX_UPLOAD_BYTES
    )
    assert (response.status_code, response.json()["error"]) == (413, "image_too_large")
    assert listed(served.server, workshop) == [] and files_under(served.folder(workshop.id)) == []


# -- who may do what -----------------------------------------------------------------------------------


def test_only_the_workshop_s_facilitator_uploads_and_deletes(served: Served) -> None:
    server = served.server
    workshop, other = Workshop.create(server, residents=("Amina",)), Workshop.create(server, residents=())
    picture = encode(two_halves((40, 40)), "PNG")
    resident = upload(server, workshop.id, workshop.token("Amina"), picture)
    assert (resident.status_code, resident.json()["error"]) == (403, "facilitator_only")
    foreign = upload(server, workshop.id, other.facilitator_token, picture)
    assert (foreign.status_code, foreign.json()["error"]) == (403, "not_your_workshop")
    anonymous = upload(server, workshop.id, None, picture)
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "session_required")
    with httpx.Client(base_url=server.base_url) as browser:  # a bare cookie never writes
        created = browser.post("/api/workshops", json={"title": "Cookie"}).json()
        forged = browser.post(
            f"/api/workshops/{created['workshop']['id']}/pictograms",
            files={"file": ("a.png", picture, "image/png")},
            data={"label_fr": "x"},
        )
        assert (forged.status_code, forged.json()["error"]) == (403, "csrf_failed")
    assert listed(server, workshop) == [] and files_under(served.folder(workshop.id)) == []

    made = upload(server, workshop.id, workshop.facilitator_token, picture).json()
    listing = fetch(server, f"/api/workshops/{workshop.id}/pictograms", workshop.token("Amina"))
    assert listing.status_code == 200 and [p["id"] for p in listing.json()["pictograms"]] == [made["id"]]
    elsewhere = fetch(server, f"/api/workshops/{workshop.id}/pictograms", other.facilitator_token)
    assert (elsewhere.status_code, elsewhere.json()["error"]) == (403, "not_your_workshop")
    # another workshop's session does not even learn that the file exists
    assert fetch(server, made["picture_url"], other.facilitator_token).status_code == 404

    target = f"{server.base_url}/api/workshops/{workshop.id}/pictograms/{made['id']}"
    assert httpx.delete(target, headers=bearer(workshop.token("Amina"))).status_code == 403
    assert httpx.delete(target, headers=bearer(other.facilitator_token)).status_code == 403
    assert httpx.delete(target, headers=bearer(workshop.facilitator_token)).status_code == 204
    assert listed(server, workshop) == [] and files_under(served.folder(workshop.id)) == []
    assert fetch(server, made["picture_url"], workshop.facilitator_token).status_code == 404
    again = httpx.delete(target, headers=bearer(workshop.facilitator_token))
    assert (again.status_code, again.json()["error"]) == (404, "pictogram_not_found")


@pytest.mark.parametrize(
    "fields, status, code",
    [
        ({"label_en": "Market"}, 422, "text_required"),
        ({"label_fr": "   "}, 422, "text_required"),
        ({"label_fr": "x" * 61}, 422, "text_too_long"),
        ({"label_fr": "ok", "label_ar": "a\u0000b"}, 422, "text_invalid"),
        ({"label_fr": "ok", "category": "nowhere"}, 422, "unknown_category"),
        ({"label_fr": "ok", "role": "facilitator"}, 422, "invalid_request"),
    ],
)
def test_labels_and_category_are_checked(
    served: Served, fields: dict[str, str], status: int, code: str
) -> None:
    workshop = Workshop.create(served.server, residents=())
    picture = encode(two_halves((40, 40)), "PNG")
    response = upload(served.server, workshop.id, workshop.facilitator_token, picture, labels=fields)
    assert (response.status_code, response.json()["error"]) == (status, code), response.text
    assert listed(served.server, workshop) == []


def test_a_category_and_a_sixty_character_label_are_kept(served: Served) -> None:
    workshop = Workshop.create(served.server, residents=())
    label = "é" * 60
    response = upload(
        served.server,
        workshop.id,
        workshop.facilitator_token,
        encode(two_halves((40, 40)), "PNG"),
        labels={"label_fr": f"  {label} ", "label_en": "", "category": "health"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["labels"] == {"fr": label} and response.json()["category"] == "health"


def test_malformed_forms_get_a_clear_error(served: Served) -> None:
    workshop = Workshop.create(served.server, residents=())
    url = f"{served.server.base_url}/api/workshops/{workshop.id}/pictograms"
    auth = bearer(workshop.facilitator_token)
    picture = encode(two_halves((40, 40)), "PNG")
    no_file = httpx.post(url, headers=auth, files={"label_fr": (None, "x")})
    assert (no_file.status_code, no_file.json()["error"]) == (422, "invalid_request")
    as_json = httpx.post(url, headers=auth, json={"label_fr": "x"})
    assert (as_json.status_code, as_json.json()["error"]) == (422, "invalid_request")
    two_files = httpx.post(
        url,
        headers=auth,
        files=[("file", ("a.png", picture)), ("file", ("b.png", picture))],
        data={"label_fr": "x"},
    )
    assert (two_files.status_code, two_files.json()["error"]) == (422, "invalid_request")
    label_as_file = httpx.post(
        url, headers=auth, files={"file": ("a.png", picture), "label_fr": ("l.txt", b"x")}
    )
    assert (label_as_file.status_code, label_as_file.json()["error"]) == (422, "invalid_request")
    assert listed(served.server, workshop) == []


def test_the_file_route_serves_only_names_the_database_knows(served: Served) -> None:
    server = served.server
    workshop, other = Workshop.create(server, residents=()), Workshop.create(server, residents=())
    made = upload(server, workshop.id, workshop.facilitator_token, encode(two_halves((40, 40)), "PNG")).json()
    theirs = upload(server, other.id, other.facilitator_token, encode(two_halves((40, 40)), "PNG")).json()
    # A file on disk, in the right folder, with a well-formed name, but no row: never served.
    stray = "0" * 32 + ".png"
    (served.folder(workshop.id) / stray).write_bytes(encode(Image.new("RGB", (4, 4)), "PNG"))
    token = workshop.facilitator_token
    name = f"{made['id']}.png"
    probes = [
        f"/custom-pictograms/{workshop.id}/../../../../etc/passwd",
        f"/custom-pictograms/{workshop.id}/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        f"/custom-pictograms/{workshop.id}/%2e%2e%2f%2e%2e%2fserver.log",
        f"/custom-pictograms/{workshop.id}/%2Fetc%2Fpasswd",
        f"/custom-pictograms/{workshop.id}/..",
        f"/custom-pictograms/{workshop.id}/.",
        f"/custom-pictograms/..%2F{workshop.id}/{name}",
        f"/custom-pictograms/%2e%2e/{name}",
        f"/custom-pictograms/{workshop.id}/{name}%00.png",
        f"/custom-pictograms/{workshop.id}/{name.upper()}",
        f"/custom-pictograms/{workshop.id}/{stray}",
        f"/custom-pictograms/{workshop.id}/{theirs['id']}.png",
        f"/custom-pictograms/{other.id}/{theirs['id']}.png",
        f"/custom-pictograms/{workshop.id}/{uuid.uuid4().hex}.png",
    ]
    for probe in probes:
        head = f"GET {probe} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        status, body = raw_http(server.port, head.encode() + b"Connection: close\r\n\r\n")
        assert status == 404, (probe, status, body[:200])
        assert b"root:" not in body and not body.startswith(b"\x89PNG"), probe
    status, body = raw_http(
        server.port,
        f"GET /custom-pictograms/{workshop.id}/{name} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode(),
    )
    assert status == 200 and body.startswith(b"\x89PNG")


def test_a_slow_picture_is_refused_with_image_timeout(sqlite_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = ServerProcess(
        sqlite_url,
        log_path=tmp_path / "server.log",
        env={"FRESQUE_DATA_DIR": str(data_dir), "FRESQUE_PICTURE_TIMEOUT": "0.001"},
    )
    server.start()
    try:
        workshop = Workshop.create(server, residents=())
        slow = slow_png()
        response = upload(server, workshop.id, workshop.facilitator_token, slow)
        assert (response.status_code, response.json()["error"]) == (422, "image_timeout"), response.text
        assert listed(server, workshop) == []
        assert files_under(data_dir / "custom-pictograms" / workshop.id) == []
    finally:
        server.stop()


# -- the image pipeline on its own ---------------------------------------------------------------------


def refused(data: bytes) -> tuple[int, str]:
    with pytest.raises(PictureRefused) as caught:
        process_image(data)
    return caught.value.status, caught.value.code


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")  # as fresque.uploads sets it
def test_the_pixel_cap_is_ours_and_checked_before_decoding() -> None:
    assert MAX_PIXELS == 4096 * 4096
    assert refused(png_declaring(4097, 4096)) == (422, "image_bomb")
    assert refused(png_declaring(1, MAX_PIXELS + 1)) == (422, "image_bomb")
    assert refused(png_declaring(10_000, 10_000)) == (422, "image_bomb")  # where Pillow only warns
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS > MAX_PIXELS  # left as it was
    largest = process_image(encode(Image.new("RGB", (4096, 4096), "white"), "PNG"))
    assert (largest.width, largest.height) == (512, 512)


def test_small_pictures_are_not_enlarged_and_transparency_is_kept() -> None:
    image = Image.new("RGBA", (64, 48), (255, 0, 0, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    made = process_image(encode(image, "PNG"))
    assert (made.width, made.height, made.thumbnail_width, made.thumbnail_height) == (64, 48, 64, 48)
    out = Image.open(io.BytesIO(made.picture))
    assert out.mode == "RGBA" and out.getpixel((0, 0))[3] == 0 and out.getpixel((10, 10)) == (255, 0, 0, 255)
    opaque = Image.open(io.BytesIO(process_image(encode(Image.new("RGBA", (8, 8), "red"), "PNG")).picture))
    assert opaque.mode == "RGB"  # an alpha channel that hides nothing is dropped
    palette = Image.new("P", (8, 8), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    keyed = Image.open(io.BytesIO(process_image(encode(palette, "PNG", transparency=1)).picture))
    assert keyed.mode == "RGBA" and keyed.getpixel((1, 1))[3] == 0


def test_exotic_colour_modes_become_plain_rgb() -> None:
    grey16 = Image.new("I;16", (8, 8), 40_000)  # 16-bit grey: scaled, not clipped to white
    assert Image.open(io.BytesIO(process_image(encode(grey16, "PNG")).picture)).getpixel((1, 1)) == (156,) * 3
    cmyk = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # a print JPEG: red
    red = Image.open(io.BytesIO(process_image(encode(cmyk, "JPEG")).picture)).getpixel((1, 1))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60
    grey = Image.open(io.BytesIO(process_image(encode(Image.new("L", (8, 8), 90), "JPEG")).picture))
    assert grey.mode == "RGB"


def test_a_multi_picture_jpeg_from_a_camera_uses_its_first_picture() -> None:
    first, preview = Image.new("RGB", (64, 64), "red"), Image.new("RGB", (16, 16), "blue")
    made = process_image(encode(first, "MPO", save_all=True, append_images=[preview]))
    assert (made.width, made.height) == (64, 64)
    pixel = Image.open(io.BytesIO(made.picture)).getpixel((5, 5))
    assert pixel[0] > 200 and pixel[2] < 60


async def test_decoding_has_a_time_limit_and_overruns_keep_their_slot(tmp_path: Path) -> None:
    store = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}")
    pictures = CustomPictures(store, tmp_path / "data", timeout=0.001, slots=1)
    slow = slow_png()
    with pytest.raises(PictureRefused) as caught:
        await pictures.decode(slow)
    assert caught.value.code == "image_timeout"
    assert pictures.decoding == 1  # the thread runs on, and holds the only slot
    with pytest.raises(PictureRefused) as busy:
        await pictures.decode(encode(Image.new("RGB", (4, 4)), "PNG"))
    assert (busy.value.status, busy.value.code) == (503, "pictures_busy")
    for _ in range(300):
        if pictures.decoding == 0:
            break
        await asyncio.sleep(0.05)
    assert pictures.decoding == 0
    pictures.timeout = 10
    assert (await pictures.decode(encode(Image.new("RGB", (4, 4)), "PNG"))).width == 4
    await store.close()


# -- erasing a workshop's pictures, and the migration -----------------------------------------------------


async def _seed_workshop(store: Store, workshop_id: str) -> None:
    await store.create_workshop(
        workshop_id=workshop_id, title="Atelier", neighbourhood=None, date=None, join_code=workshop_id[:10]
    )


async def test_erasing_a_workshop_s_pictures_leaves_nothing_on_disk(
    database_url: str, tmp_path: Path
) -> None:
    await asyncio.to_thread(migrate.upgrade, database_url)
    store = Store.from_url(database_url)
    data_dir = tmp_path / "data"
    pictures = CustomPictures(store, data_dir, max_per_workshop=3)
    erased, kept = uuid.uuid4().hex, uuid.uuid4().hex
    await _seed_workshop(store, erased)
    await _seed_workshop(store, kept)
    sound = encode(two_halves((600, 300)), "PNG")
    made = [await pictures.add(erased, sound, {"fr": f"n°{i}"}, None) for i in range(3)]
    with pytest.raises(PictureRefused) as full:
        await pictures.add(erased, sound, {"fr": "one too many"}, None)
    assert (full.value.status, full.value.code) == (409, "too_many_pictograms")
    other = await pictures.add(kept, sound, {"fr": "gardé", "ar": "محفوظ"}, "health")
    (pictures.folder(erased) / ("f" * 32 + ".png")).write_bytes(b"left by a crash before its row")
    assert len(files_under(pictures.folder(erased))) == 7

    assert await pictures.erase_workshop(erased) == 3
    assert not pictures.folder(erased).exists()
    everything = [str(p) for p in data_dir.rglob("*")]
    assert not [p for p in everything if erased in p or any(m.id in p for m in made)]
    assert await store.custom_pictograms(erased) == []
    assert await store.count_custom_pictograms(erased) == 0
    assert await store.custom_pictograms(kept) == [other]  # another workshop's are untouched
    assert other.labels == {"fr": "gardé", "ar": "محفوظ"}
    assert files_under(pictures.folder(kept)) == sorted([other.picture_file, other.thumbnail_file])
    assert await pictures.erase_workshop(erased) == 0  # idempotent

    # Once the workshop itself is gone, an upload that was still decoding cannot leave a file behind.
    async with store.engine.begin() as conn:
        await conn.execute(text("DELETE FROM workshops WHERE id = :id"), {"id": erased})
    with pytest.raises(Exception):  # noqa: B017 - the database's foreign key refusal, whatever its class
        await pictures.add(erased, sound, {"fr": "trop tard"}, None)
    assert not pictures.folder(erased).exists()
    await store.close()


async def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        found = [tuple(r) for r in (await conn.execute(text(query))).all()]
    await engine.dispose()
    return found


async def _execute(url: str, *statements: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    await engine.dispose()


def _picture_row(pid: str, workshop: str) -> str:
    return (
        "INSERT INTO custom_pictograms (id, workshop_id, label_fr, picture_file, thumbnail_file, width, "
        "height, picture_bytes, thumbnail_bytes, created_at) "
        f"VALUES ('{pid}', '{workshop}', 'Marché', '{pid}.png', '{pid}-thumb.png', 512, 300, 1000, 100, "
        "CURRENT_TIMESTAMP)"
    )


def test_migration_0003_adds_the_table_and_keeps_everyone(database_url: str) -> None:
    """Up from 0002 with real rows; pictogram rows go with their workshop; down drops only the new table."""
    migrate.upgrade(database_url, "0002")
    asyncio.run(
        _execute(
            database_url,
            "INSERT INTO workshops (id, title, join_code, created_at) "
            "VALUES ('w1', 'Atelier', 'ABCDEFGHJK', CURRENT_TIMESTAMP)",
            "INSERT INTO workshops (id, title, join_code, created_at) "
            "VALUES ('w2', 'Atelier 2', 'BCDEFGHJKM', CURRENT_TIMESTAMP)",
            "INSERT INTO participants (id, workshop_id, alias, role, colour, created_at) "
            "VALUES ('p1', 'w1', 'Amina', 'participant', 'green', CURRENT_TIMESTAMP)",
            "INSERT INTO sessions (token_hash, participant_id, created_at) "
            "VALUES ('h1', 'p1', CURRENT_TIMESTAMP)",
        )
    )
    everyone = (
        "SELECT w.id, w.title, p.id, p.alias, p.colour, s.token_hash FROM workshops w "
        "LEFT JOIN participants p ON p.workshop_id = w.id LEFT JOIN sessions s ON s.participant_id = p.id "
        "ORDER BY w.id"
    )
    before = asyncio.run(_rows(database_url, everyone))
    migrate.upgrade(database_url)
    migrate.check(database_url)
    assert asyncio.run(_rows(database_url, everyone)) == before
    asyncio.run(_execute(database_url, _picture_row("c1", "w1"), _picture_row("c2", "w2")))
    asyncio.run(_execute(database_url, "DELETE FROM workshops WHERE id = 'w2'"))  # ON DELETE CASCADE
    assert asyncio.run(_rows(database_url, "SELECT id, workshop_id, label_en FROM custom_pictograms")) == [
        ("c1", "w1", None)
    ]
    before = asyncio.run(_rows(database_url, everyone))
    migrate.downgrade(database_url, "0002")
    assert asyncio.run(_rows(database_url, everyone)) == before
    migrate.upgrade(database_url)
    assert asyncio.run(_rows(database_url, everyone)) == before
    assert asyncio.run(_rows(database_url, "SELECT id FROM custom_pictograms")) == []


def test_the_data_directory_is_documented_and_configurable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "`FRESQUE_DATA_DIR`" in readme and "`FRESQUE_PICTURE_TIMEOUT`" in readme
    monkeypatch.delenv("FRESQUE_DATA_DIR", raising=False)
    assert Settings().data_dir == Path("data")
    monkeypatch.setenv("FRESQUE_DATA_DIR", str(tmp_path))
    assert Settings().data_dir == tmp_path
