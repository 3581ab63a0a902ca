"""Sub-commands that live in their own modules; each exposes ``register(app: typer.Typer)``."""

#: modules of this package registered on the ``axis-nlp`` app, in help order
COMMAND_MODULES = ("graph", "curate")
