"""The FastAPI application: wires settings, storage, rooms and routes together."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__, diagnostic_pages, pages, print_pages, question_pages, study_pages, survey_pages
from .api import (
    accounts,
    board_exports,
    custom_pictograms,
    diagnostic,
    joining,
    open_data,
    participants,
    pictograms,
    poster,
    schema,
    signin,
    studies,
    study_data,
    surveys,
    traceability,
    work_questions,
    workshop_data,
    workshops,
    ws,
)
from .api.deps import Services
from .api.errors import ApiError, api_error_handler, validation_error_handler
from .auth import load_secret
from .bodylimit import BodyLimit
from .catalogue import load_catalogue
from .config import Settings
from .db.store import Store
from .db.studies import StudyStore
from .db.surveys import SurveyStore
from .db.work_questions import WorkQuestionStore
from .ratelimit import CreationLimiter, JoinLimiter
from .rooms.registry import Rooms
from .uploads import CustomPictures

if TYPE_CHECKING:
    from .shared.link import RedisLink

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
        # a form never posts off the site (even one whose action a page got wrong), and no <base> moves links
        "form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None, *, template_dirs: list[Path] | None = None) -> FastAPI:
    """`template_dirs` are searched before `frontend/templates` (for tests' stand-in templates)."""
    settings = settings or Settings()
    catalogue = load_catalogue()  # refuses to start on a broken catalogue: a missing picture or label
    refs = {kind: catalogue.ids(kind) for kind in ("activity", "difficulty", "touchpoint", "solution")}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store.from_url(settings.database_url)
        node = None
        if settings.redis_url:  # several processes: boards shared through Redis (`fresque.cluster`)
            from .cluster.node import Node

            peers = (settings.peer_host, settings.peer_port) if settings.peer_links else None
            node = Node(settings.redis_url, store, peers=peers)
        rooms = Rooms(store, refs, settings, node=node)
        pictures = CustomPictures(
            store,
            settings.data_dir,
            timeout=settings.picture_timeout,
            quota_bytes=settings.pictures_quota_mib * 1024 * 1024,
        )
        link: RedisLink | None = None
        join_limiter: JoinLimiter
        creation_limiter: CreationLimiter
        if settings.redis_url:  # several processes: limits shared through Redis (docs/scale-out.md)
            from .shared.limits import shared_limiters

            link, join_limiter, creation_limiter = shared_limiters(settings)
        else:
            join_limiter = JoinLimiter(
                per_address_per_minute=settings.join_rate_per_minute,
                per_address_burst=settings.join_rate_burst,
                global_per_minute=settings.join_global_per_minute,
                global_burst=settings.join_global_burst,
                record_failures=settings.join_record_failures,
                record_hours=settings.join_record_hours,
            )
            creation_limiter = CreationLimiter(
                per_address_per_hour=settings.create_per_hour,
                per_address_burst=settings.create_burst,
                global_per_hour=settings.create_global_per_hour,
                global_burst=settings.create_global_burst,
            )
        app.state.redis_link = link  # the sign-in limiter's too (`fresque.api.accounts.sign_in_limiter`)
        app.state.services = Services(
            settings=settings,
            store=store,
            rooms=rooms,
            catalogue=catalogue,
            pictures=pictures,
            join_limiter=join_limiter,
            creation_limiter=creation_limiter,
            secret=load_secret(settings.secret_key, settings.data_dir),
            studies=StudyStore(store),
            surveys=SurveyStore(store),
            work_questions=WorkQuestionStore(store),
        )
        rooms.departures.start()  # the console's "last seen", written in batches
        if node is not None:
            await node.start()
        try:
            yield
        finally:
            await rooms.close_all()
            if node is not None:
                await node.close()
            await rooms.departures.stop()  # the departures not written yet, before the store closes
            await store.close()
            if link is not None:
                await link.close()

    app = FastAPI(title="Fresque", version=__version__, lifespan=lifespan)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.state.templates = pages.make_templates(template_dirs)

    async def not_found_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404 and pages.wants_html(request):
            return pages.problem(request, "not_found", 404)
        return await http_exception_handler(request, exc)

    app.add_exception_handler(StarletteHTTPException, not_found_page)
    app.include_router(workshops.router)
    app.include_router(joining.router)
    app.include_router(signin.router)
    app.include_router(workshop_data.router)
    app.include_router(study_data.router)
    app.include_router(participants.router)
    app.include_router(pictograms.router)
    app.include_router(custom_pictograms.router)
    app.include_router(board_exports.router)
    app.include_router(poster.router)
    app.include_router(traceability.router)
    app.include_router(work_questions.router)
    app.include_router(ws.router)
    app.include_router(accounts.router)
    app.include_router(studies.router)
    app.include_router(diagnostic.router)
    app.include_router(open_data.router)
    app.include_router(schema.router)
    app.include_router(study_pages.router)
    app.include_router(diagnostic_pages.router)
    app.include_router(question_pages.router)
    app.include_router(pages.router)
    app.include_router(print_pages.router)
    app.include_router(surveys.router)
    app.include_router(survey_pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # Outermost (added last): an oversized body is refused before any other layer touches it.
    app.add_middleware(
        BodyLimit,
        json_limit=settings.max_body_bytes,
        import_limit=settings.max_import_bytes,
        import_seconds=settings.import_body_seconds,
        headers={**SECURITY_HEADERS},
    )

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        services: Services = request.app.state.services
        try:
            reachable = await services.store.ping()
        except Exception:
            reachable = False
        return JSONResponse(
            {
                "status": "ok" if reachable else "degraded",
                "version": __version__,
                "database": {"backend": services.store.engine.dialect.name, "reachable": reachable},
            },
            status_code=200 if reachable else 503,
        )

    return app
