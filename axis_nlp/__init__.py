"""axis_nlp: factor-effect-direction triples about the osteoimmune-brain axis."""

__version__ = "0.1.0"
