"""KnotBot's own NLU: the lexicon pipeline built from data/lexicon and its entity extractor."""
