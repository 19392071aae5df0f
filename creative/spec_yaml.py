"""Declarative YAML files (templates, storyboards, campaigns, segments) into pydantic models.

One home for the rules every spec file keeps:

- libyaml's safe loader (nothing is executed; about 10x faster than the pure-Python one);
- a size limit on the file, and a UTF-8 check (a byte-order mark is allowed);
- alias bombs, self-containing aliases and absurd nesting refused before anything is built
  (measured on libyaml's event stream and the composed node graph, never expanded);
- malformed tagged values (``!!int x``, a 13th month) reported at their line;
- every problem named by file, line and field path, all of them in one line.

Each caller passes its own :class:`~creative.errors.CreativeError` subclass, so a template
problem is a ``TemplateError``, a storyboard problem a ``StoryboardError`` and so on.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import CreativeError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[Any, ...]

#: Values a document may hold once every alias is expanded.
MAX_EXPANDED_NODES = 100_000
#: Collections inside collections; real specs use fewer than 10.
MAX_DEPTH = 64
#: Validation problems listed in full in one message; the rest are counted.
MAX_LISTED_PROBLEMS = 20

#: libyaml's safe loader when available (about 10x faster), else PyYAML's.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Documents whose nesting could be deeper than this (a cheap bound on the text) are measured on
#: the parser's event stream before composing: libyaml's composer recurses once per level in C
#: and overflows the stack of a thread somewhere past a few thousand levels (PyYAML's own composer
#: recurses in Python).
SAFE_COMPOSE_DEPTH = 1000 if Loader is not yaml.SafeLoader else MAX_DEPTH
#: Parts pydantic adds to error locations for unions and validators (not keys in the file).
_TAG = re.compile(r"^(str|int|float|bool|none|dict\[.*\]|list\[.*\]|tuple\[.*\]|function-[a-z]+\[.*\]|literal\[.*\])$", re.I)
#: Characters one of which opens each nesting level below the top (flow brackets, block
#: indicators, line breaks): their count bounds the depth of a document.
_LEVEL_CHARS = "[{-?\n\r\x85\u2028\u2029"

#: What PyYAML's scalar constructors raise for malformed values (``!!int x``, ``2001-13-45``, ``!!bool x``).
_SCALAR_ERRORS = (ValueError, KeyError, AttributeError, TypeError, OverflowError)


def _mark_line(e: yaml.YAMLError) -> str:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    return f":{mark.line + 1}" if mark is not None else ""


def one_line(text: str) -> str:
    """Text for a one-line message: runs of white space (line breaks included) become one space,
    other control characters (terminal escapes...) are shown escaped."""
    text = " ".join(str(text).split())
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _problem(e: yaml.YAMLError) -> str:
    return one_line(getattr(e, "problem", None) or (str(e).splitlines() or [type(e).__name__])[0])


def _depth_bound(text: str) -> int:
    return 1 + sum(text.count(c) for c in _LEVEL_CHARS)


def _event_depth_over(text: str, limit: int) -> bool:
    """Whether collections nest deeper than ``limit`` (libyaml's parser is a state machine: no recursion)."""
    loader = Loader(text)
    try:
        depth = 0
        while loader.check_event():
            ev = loader.get_event()
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    return True
            elif isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
        return False
    finally:
        loader.dispose()


class _TooDeep(Exception):
    pass


class _Cycle(Exception):
    pass


def measure(root: yaml.Node) -> tuple[int, int]:
    """(values after every alias is expanded, collection nesting depth) of a composed document.

    Shared nodes are measured once (so a YAML bomb costs nothing to measure); the walk stops
    past :data:`MAX_DEPTH` (so it never recurses deeper than that) and returns ``MAX_DEPTH + 1``.
    Raises :class:`ValueError` for a collection that contains itself through an alias."""
    memo: dict[int, tuple[int, int] | None] = {}

    def walk(node: yaml.Node, level: int) -> tuple[int, int]:
        key = id(node)
        got = memo.get(key, False)
        if got is None:
            raise _Cycle
        if got is False:
            if isinstance(node, yaml.ScalarNode):
                got = (1, 0)
            else:
                if level >= MAX_DEPTH:
                    raise _TooDeep
                memo[key] = None  # in progress
                size, height = 1, 0
                kids = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
                for kid in kids:
                    s, h = walk(kid, level + 1)
                    size += s
                    if h > height:
                        height = h
                got = (size, height + 1)
            memo[key] = got
        if level + got[1] > MAX_DEPTH:
            raise _TooDeep
        return got

    try:
        return walk(root, 0)
    except _TooDeep:
        return 0, MAX_DEPTH + 1
    except _Cycle:
        raise ValueError("a YAML alias refers to a collection that contains it") from None


def compose(text: str, source: str, error: type[CreativeError]) -> yaml.Node:
    """The document's node tree; syntax errors, an empty file, alias bombs and absurd nesting
    raise ``error`` naming ``source`` (and the line where there is one)."""
    try:
        if _depth_bound(text) > SAFE_COMPOSE_DEPTH and _event_depth_over(text, MAX_DEPTH):
            raise error(f"{source}: YAML nesting is deeper than {MAX_DEPTH} levels; refusing to load")
        root = yaml.compose(text, Loader=Loader)
    except yaml.reader.ReaderError as e:  # a character YAML does not allow: no mark, an offset into the bytes
        line = text.encode("utf-8", "surrogatepass")[: max(0, e.position)].count(b"\n") + 1
        raise error(f"{source}:{line}: YAML syntax error: {_problem(e)}") from None
    except yaml.YAMLError as e:
        raise error(f"{source}{_mark_line(e)}: YAML syntax error: {_problem(e)}") from None
    if root is None:
        raise error(f"{source}: the file is empty")
    try:
        values, depth = measure(root)
    except ValueError as e:
        raise error(f"{source}: {e}; refusing to load") from None
    if depth > MAX_DEPTH:
        raise error(f"{source}: YAML nesting is deeper than {MAX_DEPTH} levels; refusing to load")
    if values > MAX_EXPANDED_NODES:
        raise error(f"{source}: YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values; refusing to load")
    return root


def construct(root: yaml.Node, source: str, error: type[CreativeError]) -> Any:
    """Python data from an already composed node tree (no second parse)."""
    loader = Loader("")
    try:
        return loader.construct_document(root)
    except yaml.YAMLError as e:
        raise error(f"{source}{_mark_line(e)}: YAML error: {_problem(e)}") from None
    except _SCALAR_ERRORS:
        raise error(f"{source}{_bad_scalar(root)}") from None
    finally:
        loader.dispose()


def _bad_scalar(root: yaml.Node) -> str:
    """``:LINE: YAML error: cannot read 'x' as !!int (...)`` for the first scalar that cannot be built."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not isinstance(node, yaml.ScalarNode):
            kids = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            stack.extend(reversed(kids))
            continue
        loader = Loader("")
        try:
            loader.construct_object(node)
        except _SCALAR_ERRORS as e:
            value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            tag = str(node.tag)
            tag = "!!" + tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag
            why = f" ({one_line(str(e))[:120]})" if isinstance(e, ValueError) and str(e) else ""
            return f":{node.start_mark.line + 1}: YAML error: cannot read {value!r} as {one_line(tag)}{why}"
        except yaml.YAMLError:
            pass
        finally:
            loader.dispose()
    return ": YAML error: a value cannot be read"


def load_mapping(text: str, source: str, error: type[CreativeError], what: str = "fields") -> tuple[yaml.Node, dict]:
    """The node tree and the data of a document that must be a mapping at the top level."""
    root = compose(text, source, error)
    data = construct(root, source, error)
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping of {what} at the top level")
    return root, data


def node_line(root: yaml.Node | None, loc: Loc) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    nxt, line = v, k.start_mark.line + 1
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            # pydantic adds union tags to the location; skip what the YAML lacks.
            continue
    return line


def strip_tags(loc: Loc) -> Loc:
    """A pydantic error location without the parts it adds for unions and validators."""
    return tuple(p for p in loc if not (isinstance(p, str) and _TAG.match(p)))


def _part(p: Any) -> str:
    text = str(p)
    return text if text.isprintable() and text else repr(text)


def describe(err: dict[str, Any], loc: Loc) -> str:
    """``field.path: what is wrong`` on one line."""
    path = ".".join(_part(p) for p in loc) or "(top level)"
    msg = one_line(str(err["msg"]).removeprefix("Value error, "))
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return f"{path}: {msg}"


def validate(model: type[M], data: Any, root: yaml.Node, source: str, error: type[CreativeError], *,
             clean: Callable[[Loc], Loc] | None = None, prefix: Loc = ()) -> M:
    """``model.model_validate(data)``; every problem is listed in one ``error`` naming file, line and field.

    ``clean`` tidies locations further (a template drops its layer-type tags); ``prefix`` is a key
    the caller wrapped the document in (not in the file, so not followed for the line)."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = []
        errors = e.errors()
        for err in errors[:MAX_LISTED_PROBLEMS]:
            loc = tuple(err["loc"])
            # an unknown key is the last part, whatever it is called ("int" included)
            loc = strip_tags(loc[:-1]) + loc[-1:] if err["type"] == "extra_forbidden" else strip_tags(loc)
            if clean is not None:
                loc = clean(loc)
            line = node_line(root, loc[len(prefix):] if prefix and loc[:len(prefix)] == prefix else loc)
            text = describe(err, loc)
            problems.append(f"{source}:{line}: {text}" if line else f"{source}: {text}")
        if len(errors) > MAX_LISTED_PROBLEMS:
            problems.append(f"and {len(errors) - MAX_LISTED_PROBLEMS:,} more")
        head = problems[0] if len(errors) == 1 else f"{len(errors)} problems: " + "; ".join(problems)
        raise error(head) from None


def parse_model(text: str, model: type[M], source: str, error: type[CreativeError], *, what: str = "fields",
                clean: Callable[[Loc], Loc] | None = None, wrap: str | None = None) -> M:
    """Validate YAML ``text`` into ``model``. ``wrap`` nests a document that lacks that key under
    it first (a segments file may be the bare mapping)."""
    root, data = load_mapping(text, source, error, what)
    prefix: Loc = ()
    if wrap is not None and wrap not in data:
        data, prefix = {wrap: data}, (wrap,)
    return validate(model, data, root, source, error, clean=clean, prefix=prefix)


def read_text(path: Path, what: str, max_bytes: int, error: type[CreativeError]) -> str:
    """A spec file's text: it must exist, be at most ``max_bytes`` and be UTF-8 (BOM allowed)."""
    if not path.is_file():
        raise error(f"{path}: {what} not found")
    if path.stat().st_size > max_bytes:  # before reading: a huge file is never loaded
        raise error(f"{path}: {what} is larger than {max_bytes // 1024} KB")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{path}: {what} is not UTF-8 text") from None
    except OSError as e:
        raise error(f"{path}: cannot read the {what} ({e.strerror or e})") from None
