"""Whether a message is put as a question."""

from __future__ import annotations

# fmt: off
QUESTION_WORDS = frozenset({
    "what", "whats", "what's", "how", "why", "when", "where", "which", "who", "does", "do",
    "is", "are", "can", "could", "should", "will", "would", "tell", "explain",
})
# fmt: on


def is_question(text: str) -> bool:
    """A question mark, or a question word first ("how do I stretch it"). The NLU takes
    some statements for questions ("glutes are knotted after a hill sprint session")."""
    text = text.strip().lower()
    words = text.split()
    return "?" in text or (bool(words) and words[0].strip(",.!") in QUESTION_WORDS)
