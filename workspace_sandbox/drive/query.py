"""Drive v3's search language (``files.list`` ``q``): a tokenizer and a recursive-descent parser.

``compile_query(text)`` returns a query: a predicate over a file's facts (indexable by the field names
below). Anything Google would refuse (bad syntax, an operator a field does not take, a value of
the wrong type) is answered like Google: 400 "Invalid Value", reason invalid, location q.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from workspace_sandbox.drive.access import invalid_value

# A predicate over a file's facts: anything indexable by the field names below.
Predicate = Callable[[Any], bool]

STRING_FIELDS = {"name": ("contains", "=", "!="), "mimeType": ("contains", "=", "!="),
                 "fullText": ("contains",), "description": ("contains", "=", "!=")}
TIME_FIELDS = ("modifiedTime", "createdTime", "viewedByMeTime", "sharedWithMeTime")
BOOL_FIELDS = ("trashed", "starred")
COLLECTIONS = ("parents", "owners", "writers", "readers")
MAPS = ("appProperties", "properties")
KEYWORDS = ("and", "or", "not", "in", "has", "contains", "true", "false")
_TOKEN = re.compile(r"\s*(?:(?P<string>')|(?P<op><=|>=|!=|=|<|>)|(?P<punct>[(){}])"
                    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Token:
    kind: str  # string, op, punct, word, end
    value: str


def tokenize(text: str) -> list[Token]:
    tokens, i = [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return tokens + [Token("end", "")]
        match = _TOKEN.match(text, i)
        if not match:
            raise invalid_value("q")
        if match.group("string"):
            value, i = _string(text, match.end())
            tokens.append(Token("string", value))
            continue
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "word" and value.lower() in KEYWORDS:
            value = value.lower()
        tokens.append(Token(kind, value))
        i = match.end()


def _string(text: str, i: int) -> tuple[str, int]:
    """A single-quoted string starting after its quote; only \\' and \\\\ may be escaped."""
    out = []
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "'\\":
                raise invalid_value("q")
            out.append(text[i + 1])
            i += 2
        elif char == "'":
            return "".join(out), i + 1
        else:
            out.append(char)
            i += 1
    raise invalid_value("q")


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self, kind: str, value: str | None = None) -> Token:
        token = self.peek()
        if token.kind != kind or (value is not None and token.value != value):
            raise invalid_value("q")
        self.at += 1
        return token

    def accept(self, kind: str, value: str) -> bool:
        token = self.peek()
        if token.kind == kind and token.value == value:
            self.at += 1
            return True
        return False

    def parse(self) -> Query:
        predicate, needs = self.disjunction()
        self.take("end")
        return Query(predicate, needs)

    def disjunction(self) -> tuple[Predicate, frozenset]:
        parts = [self.conjunction()]
        while self.accept("word", "or"):
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        predicates = [p for p, _ in parts]
        return (lambda f: any(p(f) for p in predicates),
                frozenset.intersection(*(needs for _, needs in parts)))

    def conjunction(self) -> tuple[Predicate, frozenset]:
        parts = [self.negation()]
        while self.accept("word", "and"):
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        predicates = [p for p, _ in parts]
        return (lambda f: all(p(f) for p in predicates),
                frozenset.union(*(needs for _, needs in parts)))

    def negation(self) -> tuple[Predicate, frozenset]:
        if self.accept("word", "not"):
            inner, _ = self.negation()
            return (lambda f: not inner(f)), frozenset()
        if self.accept("punct", "("):
            inner = self.disjunction()
            self.take("punct", ")")
            return inner
        return self.term()

    def term(self) -> tuple[Predicate, frozenset]:
        token = self.peek()
        if token.kind == "string":
            self.at += 1
            self.take("word", "in")
            field = self.take("word").value
            if field not in COLLECTIONS:
                raise invalid_value("q")
            value = token.value if field == "parents" else token.value.lower()
            needs = frozenset({("parent", value)}) if field == "parents" else frozenset()
            return (lambda f: value in f[field]), needs
        field = self.take("word").value
        if field == "sharedWithMe":
            return (lambda f: f["sharedWithMe"]), frozenset()
        if field in MAPS:
            return self.has(field)
        return self.comparison(field), frozenset()

    def comparison(self, field: str) -> Predicate:
        op = self.operator()
        if field in STRING_FIELDS:
            if op not in STRING_FIELDS[field]:
                raise invalid_value("q")
            return _compare_string(field, op, self.take("string").value)
        if field in BOOL_FIELDS:
            if op not in ("=", "!="):
                raise invalid_value("q")
            word = self.take("word").value
            if word not in ("true", "false"):
                raise invalid_value("q")
            wanted = (word == "true") == (op == "=")
            return lambda f: bool(f[field]) == wanted
        if field in TIME_FIELDS:
            if op == "contains":
                raise invalid_value("q")
            moment = _moment(self.take("string").value)
            return _compare_time(field, op, moment)
        raise invalid_value("q")

    def operator(self) -> str:
        token = self.peek()
        if token.kind == "op" or (token.kind == "word" and token.value == "contains"):
            self.at += 1
            return token.value
        raise invalid_value("q")

    def has(self, field: str) -> tuple[Predicate, frozenset]:
        self.take("word", "has")
        self.take("punct", "{")
        self.take("word", "key")
        self.take("op", "=")
        key = self.take("string").value
        self.take("word", "and")
        self.take("word", "value")
        self.take("op", "=")
        value = self.take("string").value
        self.take("punct", "}")
        needs = frozenset({("appProperty", f"{key}={value}")}) if field == "appProperties" \
            else frozenset()
        return (lambda f: f[field].get(key) == value), needs


def _compare_string(field: str, op: str, value: str) -> Predicate:
    if op == "=":
        return lambda f: f[field] == value
    if op == "!=":
        return lambda f: f[field] != value
    if field == "name":
        return lambda f: name_contains(f["name"], value)
    needle = value.lower()
    return lambda f: needle in (f[field] or "").lower()


def name_contains(name: str, term: str) -> bool:
    """Google matches ``name contains`` by prefix, at the start of the name or of a word."""
    name, term = name.lower(), term.lower()
    return any(name.startswith(term, i) for i in range(len(name))
               if i == 0 or not name[i - 1].isalnum())


def _moment(value: str) -> datetime:
    """RFC 3339; Google reads a timestamp without an offset as UTC."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid_value("q") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_ORDER = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
          "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _compare_time(field: str, op: str, moment: datetime) -> Predicate:
    compare = _ORDER[op]

    def check(facts: Any) -> bool:
        value = facts[field]
        return value is not None and compare(_moment(value), moment)
    return check


@dataclass(frozen=True)
class Query:
    """A compiled ``q``: the predicate, and what every match must have in the world's index
    (``("appProperty", "key=value")`` or ``("parent", folder id)``), so that a listing reads
    only those files instead of every file in the world."""

    matches: Predicate
    needs: frozenset

    def __call__(self, facts: Any) -> bool:
        return self.matches(facts)


def compile_query(text: str) -> Query:
    """A compiled ``q`` string (an empty one matches everything)."""
    if not text.strip():
        return Query(lambda f: True, frozenset())
    return _Parser(tokenize(text)).parse()
