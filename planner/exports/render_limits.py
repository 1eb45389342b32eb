"""An agency's Word template is rendered in a child process with a time limit, a memory
limit and a limit on the size of what it makes (issue 13): a template with nested loops
used to hang every export of its kind, and its zip job stayed "running" for ever.

The child comes from a fork server (multiprocessing's "forkserver" context: forking the
web process itself would copy its database connections), which has the template code
imported already, so a render costs a fork rather than a fresh interpreter. The caller
falls back to the built-in layout when there is no document (agency_templates.build)."""

import io
import multiprocessing
import resource
import zipfile
from typing import NamedTuple

from flask import current_app, has_app_context

SECONDS = 10.0  # config TEMPLATE_RENDER_SECONDS
MAX_BYTES = 20 * 1024 * 1024  # config TEMPLATE_RENDER_MAX_BYTES: the document unpacked
MEMORY = 1024 * 1024 * 1024  # address space of the child
TIMEOUT, TOO_BIG, FAILED = "timeout", "too_big", "failed"

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["planner.exports.agency_templates"])


class Rendered(NamedTuple):
    """The document, or why there is none: `reason` is TIMEOUT, TOO_BIG or FAILED, and
    `error` the class of the child's exception (never its message: it can quote a name)."""

    data: bytes | None
    reason: str = ""
    error: str = ""


def limits() -> tuple[float, int]:
    """(seconds, bytes) from the app's config, or the defaults outside an app."""
    if not has_app_context():
        return SECONDS, MAX_BYTES
    config = current_app.config
    return (
        float(config.get("TEMPLATE_RENDER_SECONDS", SECONDS)),
        int(config.get("TEMPLATE_RENDER_MAX_BYTES", MAX_BYTES)),
    )


def unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _child(conn, render, template: bytes, ctx: dict, max_bytes: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        data = render(template, ctx)
        if unpacked_size(data) > max_bytes:
            conn.send((TOO_BIG, ""))
        else:
            conn.send(("ok", data))
    except BaseException as exc:  # noqa: BLE001 - the parent decides; nothing escapes
        conn.send((FAILED, type(exc).__name__))
    finally:
        conn.close()


def render_limited(render, template: bytes, ctx: dict, seconds=None, max_bytes=None) -> Rendered:
    """render(template, ctx) in a child process (a module-level function: it is sent by
    name); the child is killed at the time limit."""
    default_seconds, default_bytes = limits()
    seconds = default_seconds if seconds is None else seconds
    max_bytes = default_bytes if max_bytes is None else max_bytes
    receive, send = _context.Pipe(duplex=False)
    process = _context.Process(
        target=_child,
        args=(send, render, template, ctx, max_bytes),
        daemon=True,
        name="docx-render",
    )
    try:
        process.start()
        send.close()
        if not receive.poll(seconds):
            return Rendered(None, TIMEOUT)
        try:
            status, payload = receive.recv()
        except EOFError:  # the child died (out of memory, killed)
            return Rendered(None, FAILED, "ChildDied")
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receive.close()
    return Rendered(payload, "", "") if status == "ok" else Rendered(None, status, payload)
