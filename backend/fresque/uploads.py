"""Custom pictograms: an uploaded picture becomes two fresh PNG files on disk and a row in the database.

No FastAPI here: the routes (`fresque.api.custom_pictograms`) read the HTTP request and check who asks; this
module decides what a picture is, how it is re-made and where it lives.

What an upload goes through (`process_image`, in a worker thread, within `CustomPictures.timeout` seconds):

1. at most `MAX_UPLOAD_BYTES`;
2. Pillow opens it with the PNG, JPEG and WebP decoders only: the format is what decodes, never the file's
   name nor the client's content type. SVG, GIF, HEIC, BMP… are refused (`unsupported_image`);
3. the size the header declares is checked against `MAX_PIXELS` before a single pixel is decoded
   (`image_bomb`). Pillow's own `DecompressionBombWarning`/`Error` (at its far higher, process-wide
   `Image.MAX_IMAGE_PIXELS`) are the same refusal. The process-wide setting is left alone;
4. one frame only: an animated PNG or WebP is refused (`animated_image`). A multi-picture JPEG (MPO, which
   some cameras write: the photo plus previews or a depth map) is a still photo: its first picture is used;
5. decoded fully: a truncated or corrupt file fails here (`image_invalid`); turned upright from its EXIF
   orientation; made RGB, or RGBA when it has transparency;
6. shrunk to at most `PICTURE_SIDE` pixels on its longest side, and a thumbnail to `THUMBNAIL_SIDE`; never
   enlarged;
7. written as a brand-new PNG from the raw pixels alone: no metadata, no ICC profile, no text chunk and
   nothing after the image. Whatever rode along in the upload (a ZIP or HTML tail, EXIF and GPS, comments)
   is gone.

Why PNG out rather than WebP: every browser a resident may bring decodes it (WebP needs iOS 14 or later, and
this is for digital-inclusion workshops with old phones), it is lossless for the drawings and signs this is
meant for, and at 512 px even a photo stays under a mebibyte.

On disk: `{data_dir}/custom-pictograms/{workshop_id}/{id}.png` and `{id}-thumb.png`, `id` being 128 random
bits made here. The database row holds the names; files are only ever found from a row, never from a URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import re
import secrets
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from .db.pictures_store import CustomPictogramRow
from .db.store import Store

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES: Final = 5 * 1024 * 1024  # a phone photo fits; the server never holds more per upload
MAX_PIXELS: Final = 4096 * 4096  # 16.7 Mpx, ~67 MB decoded as RGBA: bounds memory and decode time
PICTURE_SIDE: Final = 512  # a pictogram is shown at most a few hundred pixels wide
THUMBNAIL_SIDE: Final = 128  # the palette's size
MAX_PER_WORKSHOP: Final = 200  # with ≤ 1 MiB per picture, a workshop's pictures stay well under 250 MB
# Every workshop's pictures together (FRESQUE_PICTURES_QUOTA_MIB): anyone may create a workshop, so the
# per-workshop cap alone does not bound the disk. 2 GiB: ~10,000 pictures of a typical 200 KB.
QUOTA_BYTES: Final = 2 * 1024 * 1024 * 1024
DECODE_SLOTS: Final = 2  # decodes at once (this machine has 2 cores); more uploads wait their turn

ALLOWED_FORMATS: Final = ("PNG", "JPEG", "WEBP")
MEDIA_TYPE: Final = "image/png"
FILE_NAME_RE: Final = re.compile(r"^[0-9a-f]{32}(?:-thumb)?\.png$")
_FOLDER_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # a workshop id: no dot, no slash
_SUBDIR: Final = "custom-pictograms"

# Pillow warns above its process-wide `Image.MAX_IMAGE_PIXELS` (89 Mpx) and raises above twice that. Our own
# cap is far lower and checked on every picture, so the refusal never depends on Pillow's; this filter only
# makes Pillow's warning an exception too (a refusal, not a line in the log). Set once, at import, rather
# than with `warnings.catch_warnings()` around each decode, which is not thread-safe.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


class PictureRefused(Exception):
    """The upload is refused; `status` and `code` are the HTTP answer's."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _too_large() -> PictureRefused:
    return PictureRefused(413, "image_too_large", f"a picture may weigh at most {MAX_UPLOAD_BYTES} bytes")


def _storage_full(quota: int) -> PictureRefused:
    return PictureRefused(
        507,
        "storage_full",
        f"this server's room for pictures ({quota // (1024 * 1024)} MiB for every workshop) is full: "
        "delete unused pictures, or ask the server's administrator",
    )


def _unsupported() -> PictureRefused:
    return PictureRefused(415, "unsupported_image", "send a PNG, JPEG or WebP picture (SVG is not accepted)")


def _invalid(why: str = "the picture is damaged or incomplete") -> PictureRefused:
    return PictureRefused(422, "image_invalid", why)


def _bomb(width: int, height: int) -> PictureRefused:
    return PictureRefused(
        422, "image_bomb", f"the picture declares {width}×{height} pixels; the limit is {MAX_PIXELS} pixels"
    )


@dataclass(frozen=True)
class ProcessedImage:
    picture: bytes  # PNG, longest side ≤ PICTURE_SIDE
    thumbnail: bytes  # PNG, longest side ≤ THUMBNAIL_SIDE
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int


def _looks_like_allowed_format(data: bytes) -> bool:
    """Only used to word a refusal (damaged PNG vs not a PNG at all); never to accept anything."""
    return (
        data.startswith(b"\x89PNG\r\n\x1a\n")
        or data.startswith(b"\xff\xd8\xff")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def process_image(data: bytes) -> ProcessedImage:
    """Decode, check and re-make an uploaded picture. CPU-bound and blocking: run it in a worker thread.

    Raises `PictureRefused` for anything but a sound, single-frame PNG, JPEG or WebP within the limits.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    if not data:
        raise _invalid("the file is empty")
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
            return _remake(image)
    except PictureRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureRefused(422, "image_bomb", "the picture declares too many pixels") from None
    except UnidentifiedImageError:
        raise (_invalid() if _looks_like_allowed_format(data) else _unsupported()) from None
    except Exception as exc:  # any decoder failure (OSError, SyntaxError, ValueError…): not a sound picture
        log.info("custom pictogram refused as invalid: %s: %s", type(exc).__name__, exc)
        raise _invalid() from None


def _remake(image: Image.Image) -> ProcessedImage:
    if image.format not in (*ALLOWED_FORMATS, "MPO"):  # MPO: Pillow's name for a multi-picture JPEG
        raise _unsupported()
    width, height = image.size
    if width < 1 or height < 1:
        raise _invalid("the picture has no pixels")
    if width * height > MAX_PIXELS:
        raise _bomb(width, height)
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise PictureRefused(422, "animated_image", "the picture must be a single still image")
    if image.format in ("JPEG", "MPO"):
        # JPEG can decode at 1/2, 1/4 or 1/8 of its size for free: never more pixels than the result needs
        image.draft(None, (PICTURE_SIDE, PICTURE_SIDE))
    image.load()  # decodes every pixel: a truncated or corrupt file fails here
    upright = ImageOps.exif_transpose(image)
    flat = _eight_bit(upright)

    picture = flat.copy()
    picture.thumbnail((PICTURE_SIDE, PICTURE_SIDE), Image.Resampling.LANCZOS)
    thumbnail = picture.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return ProcessedImage(
        picture=_fresh_png(picture),
        thumbnail=_fresh_png(thumbnail),
        width=picture.width,
        height=picture.height,
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
    )


def _eight_bit(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is not fully opaque."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):  # 16-bit greys: scale, do not clip
        image = (image if image.mode == "F" else image.convert("I")).point(lambda v: v * (1 / 256))
        return image.convert("L").convert("RGB")
    transparent = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if not transparent:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A").getextrema()
    return rgba.convert("RGB") if alpha == (255, 255) else rgba


def _fresh_png(image: Image.Image) -> bytes:
    """A new PNG made from the pixels alone: `frombytes` starts with empty `info`, so no profile, text,
    EXIF or other chunk of the upload can be carried into the file."""
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "PNG")
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- the service


def new_pictogram_id() -> str:
    return secrets.token_hex(16)


CUSTOM_REF_PREFIX: Final = "custom:"


def custom_ref(pictogram_id: str) -> str:
    """How a board's activity names a custom pictogram: `custom:<id>` (`fresque.protocol.Ref`)."""
    return f"{CUSTOM_REF_PREFIX}{pictogram_id}"


class CustomPictures:
    """The custom pictograms of every workshop: decoding under a time limit, files on disk, rows in `store`.

    Commits (files then row), deletions and erasures of this process go one at a time (`_commit`), so an
    upload finishing during an erase cannot leave half of itself behind.
    """

    def __init__(
        self,
        store: Store,
        data_dir: Path,
        *,
        timeout: float = 10.0,
        slots: int = DECODE_SLOTS,
        max_per_workshop: int = MAX_PER_WORKSHOP,
        quota_bytes: int = QUOTA_BYTES,
    ) -> None:
        self.store = store
        self.root = Path(data_dir) / _SUBDIR
        self.timeout = timeout
        self.max_per_workshop = max_per_workshop
        self.quota_bytes = quota_bytes
        self._slots = asyncio.Semaphore(slots)
        self._decoding = 0
        self._commit = asyncio.Lock()

    # -- decoding --------------------------------------------------------------------------------------

    @property
    def decoding(self) -> int:
        """Decodes running now, including those whose upload already gave up on them (timed out)."""
        return self._decoding

    async def decode(self, data: bytes) -> ProcessedImage:
        """`process_image` in a worker thread, within `timeout` seconds (`image_timeout` otherwise).

        A thread cannot be stopped: one that overruns is left to finish (the pixel cap bounds its work) and
        keeps its slot until then, so overrunning uploads cannot pile up more than `slots` decodes.
        """
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout)
        except TimeoutError:
            raise PictureRefused(503, "pictures_busy", "other pictures are being read: try again") from None
        self._decoding += 1
        work = asyncio.ensure_future(asyncio.to_thread(process_image, data))
        work.add_done_callback(self._decoded)
        try:
            return await asyncio.wait_for(asyncio.shield(work), self.timeout)
        except TimeoutError:
            raise PictureRefused(
                422, "image_timeout", f"the picture took more than {self.timeout:g} s to read"
            ) from None

    def _decoded(self, work: asyncio.Future[ProcessedImage]) -> None:
        self._decoding -= 1
        self._slots.release()
        if not work.cancelled():
            work.exception()  # a late failure, after a timeout, is expected: not "never retrieved"

    # -- the pictograms ----------------------------------------------------------------------------------

    async def check_room(self, workshop_id: str, adding: int = 0) -> None:
        """Refuse a new picture of `adding` bytes (0: not yet known, before reading the upload) when the
        workshop has its most pictures (409) or the server's quota would be passed (507 `storage_full`)."""
        if await self.store.count_custom_pictograms(workshop_id) >= self.max_per_workshop:
            raise PictureRefused(
                409, "too_many_pictograms", f"a workshop may have at most {self.max_per_workshop} pictograms"
            )
        used = await self.store.custom_pictogram_bytes()
        if used + max(adding, 1) > self.quota_bytes:
            raise _storage_full(self.quota_bytes)

    async def add(
        self, workshop_id: str, data: bytes, labels: dict[str, str], category: str | None
    ) -> CustomPictogramRow:
        """Decode and re-make `data`, store its two files, then its row. `labels` must hold `fr`."""
        processed = await self.decode(data)
        pictogram_id = new_pictogram_id()
        row = CustomPictogramRow(
            id=pictogram_id,
            workshop_id=workshop_id,
            labels=dict(labels),
            category=category,
            picture_file=f"{pictogram_id}.png",
            thumbnail_file=f"{pictogram_id}-thumb.png",
            width=processed.width,
            height=processed.height,
            picture_bytes=len(processed.picture),
            thumbnail_bytes=len(processed.thumbnail),
        )
        async with self._commit:  # one commit at a time: two uploads cannot both take the quota's last room
            await self.check_room(workshop_id, row.picture_bytes + row.thumbnail_bytes)
            files = {row.picture_file: processed.picture, row.thumbnail_file: processed.thumbnail}
            await asyncio.to_thread(self._write_files, workshop_id, files)
            try:
                await self.store.add_custom_pictogram(row)
            except BaseException:  # e.g. the workshop was erased meanwhile: no file without its row
                await asyncio.to_thread(self._remove_files, workshop_id, list(files))
                raise
        return row

    async def delete(self, workshop_id: str, pictogram_id: str) -> bool:
        """Remove one pictogram's row and files; False when the workshop has no such pictogram."""
        async with self._commit:
            row = await self.store.delete_custom_pictogram(workshop_id, pictogram_id)
            if row is None:
                return False
            await asyncio.to_thread(self._remove_files, workshop_id, [row.picture_file, row.thumbnail_file])
        return True

    async def erase_workshop(self, workshop_id: str) -> int:
        """Erase every custom pictogram of a workshop: its rows, then its whole folder on disk (files that
        lost their row to a crash included). Returns how many rows there were.

        When it returns, no row of `custom_pictograms` names the workshop and its folder does not exist. It
        raises if either could not be done; calling it again finishes the job (it is idempotent). An upload
        that commits after it, while the workshop still exists, is a new pictogram: the "erase a workshop"
        feature deletes the workshop row too, after which such an upload fails and removes its own files.
        """
        folder = self.folder(workshop_id)
        async with self._commit:
            count = await self.store.delete_custom_pictograms(workshop_id)
            await asyncio.to_thread(_remove_tree, folder)
        return count

    # -- files -------------------------------------------------------------------------------------------

    def folder(self, workshop_id: str) -> Path:
        if not _FOLDER_RE.fullmatch(workshop_id):
            raise ValueError(f"not a workshop id: {workshop_id!r}")
        return self.root / workshop_id

    def file_of(self, row: CustomPictogramRow, name: str) -> Path | None:
        """The file of `row` called `name` (its picture or thumbnail), when it exists.

        The path is made from the row's own workshop id and file name, both server-made, never from a URL.
        """
        if name not in (row.picture_file, row.thumbnail_file) or not FILE_NAME_RE.fullmatch(name):
            return None
        path = self.folder(row.workshop_id) / name
        return path if path.is_file() else None

    def _write_files(self, workshop_id: str, files: dict[str, bytes]) -> None:
        """Each file is written under a temporary name, flushed to disk, then renamed into place, so a
        committed row never points to a half-written file, even after a power cut."""
        folder = self.folder(workshop_id)
        folder.mkdir(parents=True, exist_ok=True)
        written: list[str] = []
        try:
            for name, content in files.items():
                if not FILE_NAME_RE.fullmatch(name):
                    raise ValueError(f"not a server-made file name: {name!r}")
                temporary = folder / f".{name}.{secrets.token_hex(4)}.tmp"
                with open(temporary, "xb") as out:
                    out.write(content)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, folder / name)
                written.append(name)
            _fsync_dir(folder)
        except BaseException:
            self._remove_files(workshop_id, written)
            for leftover in folder.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
            raise

    def _remove_files(self, workshop_id: str, names: list[str]) -> None:
        folder = self.folder(workshop_id)
        for name in names:
            if FILE_NAME_RE.fullmatch(name):
                (folder / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty, or already gone
            folder.rmdir()


def _remove_tree(folder: Path) -> None:
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
