"""Run the PDF step in a child process that is killed at its deadline.

A deadline raised by a signal works only on a main thread, and WeasyPrint swallows broad
exceptions around fetches and fonts; a process can be killed from any thread, whatever it is
doing. The child is forked from a forkserver that has already imported WeasyPrint, so a render
costs a fork rather than a fresh interpreter. It is given nothing but the HTML, the PDF
identifier and the page cap, and sends back only the PDF's bytes or an error message.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext

from registry.charters.limits import CharterRenderError, CharterRenderTimeout, CharterTooLarge

log = logging.getLogger(__name__)

# Imported once by the forkserver, so each render's child starts with WeasyPrint loaded (and
# this module: the child runs the code the forkserver loaded, not whatever is on disk later).
_PRELOAD = ["registry.charters.render_process", "registry.charters.render_warmup"]
# How long a child that has sent its result may take to exit before it is killed.
_EXIT_GRACE_SECONDS = 5.0


def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _end_with_requester(lifeline: Connection) -> None:
    """End this process as soon as the process that asked for the render is gone (a worker
    killed mid-render): the requester holds the only writing end of ``lifeline``, so reading
    it sees end-of-file when that process dies, whatever killed it. The forkserver would
    otherwise keep the render running for nobody until it finished."""

    def watch() -> None:
        with contextlib.suppress(OSError):
            lifeline.poll(None)
        os._exit(1)

    threading.Thread(target=watch, name="charter-render-lifeline", daemon=True).start()


def _render_child(
    connection: Connection,
    lifeline: Connection,
    scratch: str,
    html: str,
    identifier: bytes,
    max_pages: int,
    hold_seconds: float,
) -> None:
    _end_with_requester(lifeline)
    # WeasyPrint writes the charter's fonts (52 MB with the CJK ones) to a temporary folder
    # it removes only when its font configuration is garbage-collected, which a child ended
    # by os._exit or killed never is: here they go into a folder the requester removes.
    tempfile.tempdir = scratch
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
    lifeline_end, lifeline = context.Pipe(duplex=False)
    scratch = tempfile.mkdtemp(prefix="registry-charter-")
    child = context.Process(
        target=_render_child,
        args=(sending, lifeline_end, scratch, html, identifier, max_pages, hold_seconds),
        name="charter-render",
        daemon=True,
    )
    child.start()
    # Only the child writes now: if it dies without a word, reading ends (EOF) at once. And
    # only this process holds the lifeline's writing end (see _end_with_requester).
    sending.close()
    lifeline_end.close()
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
        lifeline.close()
        if child.is_alive():
            child.join(_EXIT_GRACE_SECONDS)
            if child.is_alive():
                child.kill()
                child.join()
        shutil.rmtree(scratch, ignore_errors=True)  # the child is gone: nothing writes there
    if kind == "pdf":
        return value
    if kind == "too-large":
        raise CharterTooLarge(value)
    raise CharterRenderError(value)
