"""Run the PDF step in a child process that is killed at its deadline.

A deadline raised by a signal works only on a main thread, and WeasyPrint swallows broad
exceptions around fetches and fonts; a process can be killed from any thread, whatever it is
doing. The child is forked from a forkserver that has already imported WeasyPrint, so a render
costs a fork rather than a fresh interpreter. It is given nothing but the HTML, the PDF
identifier and the page cap, and sends back only the PDF's bytes or an error message.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext

from registry.charters.limits import CharterRenderError, CharterRenderTimeout, CharterTooLarge

log = logging.getLogger(__name__)

# Imported once by the forkserver, so each render's child starts with WeasyPrint loaded.
_PRELOAD = ["registry.charters.render_warmup"]
_PR_SET_PDEATHSIG = 1
# How long a child that has sent its result may take to exit before it is killed.
_EXIT_GRACE_SECONDS = 5.0


def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _die_with_parent() -> None:
    """Linux: if the process that forked this one dies (its worker was killed mid-render, so
    the forkserver ends too), the render is killed instead of running on for nobody. Elsewhere
    it runs to its end, bounded by the size caps, and its result is dropped."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the line above: nobody wants this render
        os._exit(1)


def _render_child(
    connection: Connection, html: str, identifier: bytes, max_pages: int, hold_seconds: float
) -> None:
    _die_with_parent()
    # Ctrl+C in a terminal reaches the whole process group: the worker then stops after the
    # job it is running, so this render is left to finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from registry.charters.pdf import write_pdf

    try:
        if hold_seconds > 0:
            time.sleep(hold_seconds)
        pdf = write_pdf(html, identifier, max_pages)
    except CharterTooLarge as error:
        connection.send(("too-large", str(error)))
    except Exception as error:  # reported to the parent, which raises CharterRenderError
        connection.send(("error", f"{type(error).__name__}: {error}"))
    else:
        connection.send(("pdf", pdf))
    finally:
        connection.close()


def render_in_child(
    html: str,
    identifier: bytes,
    max_pages: int,
    timeout: float | None,
    hold_seconds: float = 0.0,
) -> bytes:
    """The PDF of ``html``, rendered in a child process that is killed after ``timeout``
    seconds (None: no limit). Raises CharterRenderTimeout, CharterTooLarge or
    CharterRenderError. ``hold_seconds`` makes the child wait before it renders: the tests use
    it to kill a worker mid-render deterministically; it is 0 everywhere else."""
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_render_child,
        args=(sending, html, identifier, max_pages, hold_seconds),
        name="charter-render",
        daemon=True,
    )
    child.start()
    # Only the child writes now: if it dies without a word, reading ends (EOF) at once.
    sending.close()
    log.info("Rendering a charter in process %s", child.pid)
    try:
        if not receiving.poll(timeout):
            child.kill()
            child.join()
            log.warning("Killed charter render process %s after %g s", child.pid, timeout)
            raise CharterRenderTimeout(f"Rendering the charter took longer than {timeout:g} s.")
        try:
            kind, value = receiving.recv()
        except EOFError:
            child.join(_EXIT_GRACE_SECONDS)
            raise CharterRenderError(
                f"The charter render process ended without a result (exit code {child.exitcode})."
            ) from None
    finally:
        receiving.close()
        if child.is_alive():
            child.join(_EXIT_GRACE_SECONDS)
            if child.is_alive():
                child.kill()
                child.join()
    if kind == "pdf":
        return value
    if kind == "too-large":
        raise CharterTooLarge(value)
    raise CharterRenderError(value)
