"""``flask registry charter``: write a charter's PDF to a file, or prove it renders again to
the same bytes."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.charters import services as charters
from registry.charters.limits import CharterRenderError
from registry.extensions import db


def fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@click.command("charter")
@click.argument("number", required=False)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the charter's PDF here.")
@click.option(
    "--regenerate",
    "regenerate_number",
    metavar="NUMBER",
    help="Render the charter again from its stored content and compare hashes.",
)
@with_appcontext
def charter_command(number: str | None, out: str | None, regenerate_number: str | None) -> None:
    """Write a charter to a file, or prove it renders to the same bytes again."""
    if regenerate_number:
        found = charters.find(regenerate_number)
        if found is None:
            fail(f"No charter has the number {regenerate_number!r}.")
        try:
            again = charters.sha256(charters.regenerate(found))
        except CharterRenderError as error:
            fail(f"Charter {found.number} could not be rendered again: {error}")
        click.echo(f"stored      {found.pdf_sha256}")
        click.echo(f"regenerated {again}")
        if again != found.pdf_sha256:
            fail(f"Charter {found.number} did not render to the same bytes.")
        click.echo(f"Charter {found.number} renders to identical bytes.")
        return
    if not number or not out:
        fail(
            "Use: flask registry charter NUMBER --out FILE, "
            "or flask registry charter --regenerate NUMBER."
        )
    found = charters.find(number)
    if found is None:
        fail(f"No charter has the number {number!r}.")
    try:
        with open(out, "wb") as handle:
            handle.write(found.pdf)
    except OSError as error:
        fail(f"Could not write {out}: {error.strerror}.")
    click.echo(
        f"Wrote {found.number} to {out} ({found.pdf_size} bytes, SHA-256 {found.pdf_sha256})"
    )
