"""Helpers shared by every command module."""

from __future__ import annotations

import typer


def fail(message: str, code: int = 1) -> None:
    """Print one ``axis-nlp: error: ...`` line on stderr and exit with ``code``."""
    typer.echo(f"axis-nlp: error: {message}", err=True)
    raise typer.Exit(code)
