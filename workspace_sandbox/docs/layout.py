"""The structure a segment's characters make: paragraphs, tables (rows, cells, nested tables),
tables of contents and section breaks, with the rules Google keeps that structure by.

Positions here are indices into the segment's character list; `Span` also has document indices.
A table of contents is Google's to fill: nothing is typed or deleted inside it, only the whole of it
can go (unconfirmed).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from workspace_sandbox.docs.elements import (
    CELL, CONTENTS, CONTENTS_END, ROW, SECTION, TABLE, TABLE_END, Char, Para)


@dataclass(frozen=True)
class Span:
    """A paragraph: document indices and positions in the character sequence."""

    start_index: int
    end_index: int
    start_pos: int
    nl_pos: int
    para: Para


@dataclass(frozen=True)
class Break:
    """A section break."""

    pos: int


@dataclass
class Cell:
    pos: int  # its start mark
    end: int  # the position of the mark after its content
    content: list = field(default_factory=list)


@dataclass
class Row:
    pos: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Table:
    pos: int  # its start mark
    end: int  # its end mark
    rows: list[Row] = field(default_factory=list)

    def marks(self) -> list[int]:
        return [self.pos, self.end, *(r.pos for r in self.rows), *(c.pos for r in self.rows for c in r.cells)]


@dataclass
class Contents:
    """A table of contents."""

    pos: int
    end: int
    content: list = field(default_factory=list)


class Layout:
    """The structure of one segment, parsed from its characters."""

    def __init__(self, chars: list[Char], offsets: list[int]):
        self._chars, self._offsets = chars, offsets
        self.paragraphs: list[Span] = []
        self.tables: list[Table] = []
        self.contents: list[Contents] = []
        self.breaks: list[Break] = []
        self.nodes, pos = self._content(0, frozenset())
        if pos != len(chars):
            raise ValueError(f"a {chars[pos].kind} mark at position {pos} closes nothing")
        self._expect(pos, None, self.nodes)

    def _content(self, pos: int, stops: frozenset[str]) -> tuple[list, int]:
        chars, nodes = self._chars, []
        while pos < len(chars) and chars[pos].kind not in stops:
            kind = chars[pos].kind
            if kind == SECTION:
                node = Break(pos)
                self.breaks.append(node)
                pos += 1
            elif kind == TABLE:
                node, pos = self._table(pos)
            elif kind == CONTENTS:
                node = Contents(pos, pos)
                self.contents.append(node)
                node.content, node.end = self._content(pos + 1, frozenset((CONTENTS_END,)))
                self._expect(node.end, CONTENTS_END, node.content)
                pos = node.end + 1
            elif chars[pos].structural:
                return nodes, pos
            else:
                node, pos = self._paragraph(pos)
            nodes.append(node)
        return nodes, pos

    def _paragraph(self, start: int) -> tuple[Span, int]:
        chars = self._chars
        pos = start
        while pos < len(chars) and chars[pos].para is None:
            if chars[pos].structural or chars[pos].ch == "\n":
                raise ValueError(f"the paragraph at position {start} is not closed by its newline")
            pos += 1
        if pos == len(chars):
            raise ValueError(f"the paragraph at position {start} has no newline")
        span = Span(self._offsets[start], self._offsets[pos + 1], start, pos, chars[pos].para)
        self.paragraphs.append(span)
        return span, pos + 1

    def _table(self, start: int) -> tuple[Table, int]:
        table, chars = Table(start, start), self._chars
        self.tables.append(table)
        pos = start + 1
        while pos < len(chars) and chars[pos].kind == ROW:
            row = Row(pos)
            pos += 1
            while pos < len(chars) and chars[pos].kind == CELL:
                cell = Cell(pos, pos)
                cell.content, cell.end = self._content(pos + 1, frozenset((CELL, ROW, TABLE_END)))
                self._expect(cell.end, None, cell.content)
                row.cells.append(cell)
                pos = cell.end
            if not row.cells:
                raise ValueError(f"the table row at position {row.pos} has no cells")
            table.rows.append(row)
        self._expect(pos, TABLE_END, table.rows)
        table.end = pos
        return table, pos + 1

    def _expect(self, pos: int, kind: str | None, inside: list) -> None:
        """Content is closed by a `kind` mark (None: by whatever follows) and is not empty; a cell's,
        a table of contents' or a segment's content ends with a paragraph."""
        if kind and (pos >= len(self._chars) or self._chars[pos].kind != kind):
            raise ValueError(f"the structure ending at position {pos} is not closed")
        if not inside or (kind != TABLE_END and not isinstance(inside[-1], Span)):
            raise ValueError(f"the content ending at position {pos} does not end with a paragraph")

    # --- queries --------------------------------------------------------------------------------
    def table_at(self, pos: int) -> Table | None:
        return next((table for table in self.tables if table.pos == pos), None)

    def in_table(self, pos: int) -> bool:
        return any(table.pos < pos < table.end for table in self.tables)

    def in_contents(self, pos: int) -> bool:
        return any(contents.pos <= pos <= contents.end for contents in self.contents)

    def deletion_breaks_structure(self, a: int, b: int) -> bool:
        """Whether deleting positions [a, b) breaks what Google keeps whole (DeleteContentRangeRequest):
        part of a table, a row or cell alone, a cell's last newline, part of a table of contents,
        or the newline before a table, table of contents or section break without the element."""
        def whole(lo: int, hi: int) -> bool:
            return a <= lo and hi < b

        for table in self.tables:
            if whole(table.pos, table.end):
                continue
            if any(a <= m < b for m in table.marks()):
                return True
            if any(a <= cell.end - 1 < b for row in table.rows for cell in row.cells):
                return True
        for contents in self.contents:
            if not whole(contents.pos, contents.end) and a <= contents.end and contents.pos < b:
                return True
        anchored = [(t.pos, t.end) for t in self.tables] + [(c.pos, c.end) for c in self.contents]
        anchored += [(br.pos, br.pos) for br in self.breaks if br.pos]
        for lo, hi in anchored:
            before = lo - 1
            if self._chars[before].para is not None and a <= before < b and not whole(lo, hi):
                return True
        return False
