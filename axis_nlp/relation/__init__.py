"""The relation extractor: entity-marked pairs -> direction labels."""
