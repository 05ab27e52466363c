"""The text facts the extractor reads from a node, compiled when it can be.

Each function answers what its docstring's Python expression answers. For a node of the
compiled view (``crawler._fastdom.FastNode``) the answer is read by one C scan of the
node's text nodes, without building the text, its word list or its joined copy; for a
selectolax node, or when the compiled scan declines (text that is not valid UTF-8, where
decoding the whole text and decoding it node by node could differ), the Python expression
itself runs.
"""

from __future__ import annotations

from typing import Any

from crawler.treeview import FAST_NODE

__all__ = [
    "BLANK",
    "NOTHING",
    "Piece",
    "anchor_text",
    "collapsed_text",
    "join_pieces",
    "node_piece",
    "paragraph_facts",
    "piece",
]

Node = Any

#: Text facts of a piece of text: (collapsed length, starts with white space, ends with white
#: space, holds no word, commas). Pieces compose: the facts of a concatenation follow from
#: the facts of its parts, so an element's text length can be summed from its children's.
Piece = tuple[int, bool, bool, bool, int]
NOTHING: Piece = (0, False, False, True, 0)
BLANK: Piece = (0, True, True, True, 0)


def piece(text: str) -> Piece:
    """The text facts of ``text`` (white space as ``str.split`` sees it)."""
    if not text:
        return NOTHING
    words = text.split()
    if not words:
        return BLANK
    # The collapsed length: joining is faster than summing the word lengths, except for
    # very long texts, where the joined copy costs more than it saves.
    length = len(" ".join(words)) if len(words) < 4096 else sum(map(len, words)) + len(words) - 1
    return (length, text[0].isspace(), text[-1].isspace(), False, text.count(","))


def join_pieces(left: Piece, right: Piece) -> Piece:
    """The facts of the concatenation of two texts, from theirs."""
    if left[3]:
        if right[3]:
            return BLANK if (left[1] or right[1]) else NOTHING
        return (right[0], left[1] or right[1], right[2], False, right[4])
    if right[3]:
        return (left[0], left[1], left[2] or right[1], False, left[4])
    return (left[0] + right[0] + (left[2] or right[1]), left[1], right[2], False, left[4] + right[4])


def node_piece(node: Node) -> Piece:
    """``piece(node.text())``."""
    if node.__class__ is FAST_NODE:
        found = node.text_piece()
        if found is not None:
            return found
    return piece(node.text())


def paragraph_facts(node: Node, deep: bool, minimum: int) -> tuple[Piece, int] | None:
    """``(piece(text), text.count(",") + text.count("，"))`` of ``text = node.text(deep=deep)``,
    or None when ``len(text) < minimum``."""
    if node.__class__ is FAST_NODE:
        found = node.paragraph_facts(deep)
        if found is not None:
            length, facts, commas = found
            return None if length < minimum else (facts, commas)
    text = node.text(deep=deep)
    if len(text) < minimum:
        return None
    return piece(text), text.count(",") + text.count("，")


def collapsed_text(node: Node, spaced: bool = True) -> str:
    """``" ".join(node.text(separator=" ").split())`` (``spaced``), else the same of
    ``node.text()`` (words of adjacent text nodes run together)."""
    if node.__class__ is FAST_NODE:
        found = node.collapsed_text(spaced)
        if found is not None:
            return found
    return " ".join(node.text(separator=" " if spaced else "").split())


def anchor_text(node: Node) -> tuple[str, Piece]:
    """``(" ".join(text.split()), piece(text))`` of ``text = node.text()``."""
    if node.__class__ is FAST_NODE:
        found = node.anchor_text()
        if found is not None:
            return found
    text = node.text()
    words = text.split()
    if not words:
        return "", (BLANK if text else NOTHING)
    collapsed = " ".join(words)
    return collapsed, (len(collapsed), text[0].isspace(), text[-1].isspace(), False, text.count(","))
