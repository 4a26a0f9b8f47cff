"""Locator engines over the page-source tree, as UiAutomator2 and XCUITest implement them.

Every strategy evaluates over the same lxml tree the page source is made of, so what a
user sees in ``source`` is exactly what the locators match. Syntax errors raise
``SelectorError`` (the server answers 400 invalid selector).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from mobile_optout.flow.model import Platform

El = etree._Element

ANDROID_STRATEGIES = frozenset({"xpath", "id", "accessibility id", "class name",
                                "-android uiautomator"})
IOS_STRATEGIES = frozenset({"xpath", "id", "name", "accessibility id", "class name",
                            "-ios predicate string", "-ios class chain"})


class SelectorError(ValueError):
    """The locator is not valid for this platform or does not parse."""


@dataclass(frozen=True, slots=True)
class ScrollQuery:
    """``new UiScrollable(container).scrollIntoView(target)``: scroll, then find."""

    container: Selector
    target: Selector


def find(root: El, context: El | None, platform: Platform, using: str, value: str, *,
         package: str, lax_states: bool = False) -> list[El] | ScrollQuery:
    """Elements matching the locator under ``context`` (or the whole tree), in document order.
    ``lax_states``: UiSelector's ``checked()`` and ``enabled()`` match either state, as a
    careless driver's parser might (the ``lax-selectors`` variant)."""
    allowed = ANDROID_STRATEGIES if platform is Platform.ANDROID else IOS_STRATEGIES
    if using not in allowed:
        raise SelectorError(
            f"Locator strategy '{using}' is not supported for this session "
            f"({platform.value}); supported: {', '.join(sorted(allowed))}")
    scope = context if context is not None else root
    if using == "xpath":
        return _xpath(scope, value)
    if using == "-android uiautomator":
        # Several selectors separated by ';' find the union of their matches, selector by
        # selector, as UiAutomator2's parser does.
        statements = [s for s in _split_statements(value) if s.strip()] or [value]
        found: list[El] = []
        if lax_states:
            statements = [re.sub(r"\.(checked|enabled)\((true|false)\)", "", s)
                          for s in statements]
        for statement in statements:
            query = parse_uiselector(statement)
            if isinstance(query, ScrollQuery):
                if len(statements) > 1:
                    raise SelectorError("UiScrollable cannot be combined with other selectors")
                return query
            found.extend(query.find(scope))
        return _unique(found)
    if using == "-ios predicate string":
        pred = parse_predicate(value)
        return [el for el in _descendants(scope) if pred(el)]
    if using == "-ios class chain":  # chains start at the application element
        return class_chain(scope if context is not None or len(root) == 0 else root[0], value)
    test: Callable[[El], bool]
    if using == "id" and platform is Platform.ANDROID:
        rid = value if ":id/" in value else f"{package}:id/{value}"
        test = lambda el: el.get("resource-id") == rid  # noqa: E731
    elif using == "accessibility id" and platform is Platform.ANDROID:
        test = lambda el: el.get("content-desc") == value  # noqa: E731
    elif using in ("id", "name", "accessibility id"):
        test = lambda el: el.get("name") == value  # noqa: E731
    else:  # class name
        if not value:
            raise SelectorError("class name must not be empty")
        test = lambda el: el.tag == value  # noqa: E731
    return [el for el in _descendants(scope) if test(el)]


def _split_statements(text: str) -> list[str]:
    """``a;b`` -> [a, b], leaving ';' inside string literals alone."""
    parts, buf, quoted, escaped = [], "", False, False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            parts.append(buf)
            buf = ""
            continue
        buf += ch
    return [*parts, buf]


def _descendants(scope: El) -> list[El]:
    return [el for el in scope.iterdescendants() if isinstance(el.tag, str)]


def _xpath(scope: El, value: str) -> list[El]:
    try:
        result = scope.xpath(value)
    except (etree.XPathError, ValueError) as exc:
        raise SelectorError(f"Invalid XPath expression {value!r}: {exc}") from exc
    if not isinstance(result, list):
        raise SelectorError(f"XPath {value!r} does not select elements")
    elements: list[El] = []
    for item in result:
        if not isinstance(item, etree._Element):
            raise SelectorError(f"XPath {value!r} does not select elements")
        elements.append(item)
    return elements


# ------------------------------------------------------------------- UiSelector

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+)|(?P<name>[A-Za-z_]\w*)'
                    r'|(?P<punct>[().,;]))')


@dataclass
class _Call:
    name: str
    args: list[object]
    chain: list[_Call] = field(default_factory=list)


class _JavaParser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise SelectorError(f"Could not parse UiSelector at {text[pos:pos + 20]!r}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "")

    def take(self, expected: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if expected is not None and tok[1] != expected:
            raise SelectorError(f"UiSelector: expected {expected!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def expr(self) -> _Call:
        if self.peek() == ("name", "new"):
            self.take()
        kind, name = self.take()
        if kind != "name":
            raise SelectorError(f"UiSelector: expected a class name, got {name!r}")
        call = _Call(name, self.args())
        while self.peek()[1] == ".":
            self.take()
            kind, method = self.take()
            if kind != "name":
                raise SelectorError(f"UiSelector: expected a method, got {method!r}")
            call.chain.append(_Call(method, self.args()))
        return call

    def args(self) -> list[object]:
        self.take("(")
        out: list[object] = []
        while self.peek()[1] != ")":
            kind, tok = self.peek()
            if kind == "str":
                self.take()
                out.append(re.sub(r"\\(.)", r"\1", tok[1:-1]))
            elif kind == "num":
                self.take()
                out.append(int(tok))
            elif tok in ("true", "false"):
                self.take()
                out.append(tok == "true")
            elif kind == "name":
                out.append(self.expr())
            else:
                raise SelectorError(f"UiSelector: unexpected {tok!r}")
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        return out


_BOOL_ATTRS = {"checkable": "checkable", "checked": "checked", "clickable": "clickable",
               "enabled": "enabled", "focusable": "focusable", "focused": "focused",
               "scrollable": "scrollable", "selected": "selected",
               "longClickable": "long-clickable"}
_STR_ATTRS = {"text": "text", "description": "content-desc", "resourceId": "resource-id",
              "className": "class", "packageName": "package"}


def _full(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error as exc:
        raise SelectorError(f"bad regular expression {pattern!r}: {exc}") from exc


@dataclass
class Selector:
    tests: list[Callable[[El], bool]] = field(default_factory=list)
    instance: int | None = None
    child: Selector | None = None
    sibling: Selector | None = None

    def matches(self, el: El) -> bool:
        return all(t(el) for t in self.tests)

    def find(self, scope: El) -> list[El]:
        found = [el for el in _descendants(scope) if self.matches(el)]
        if self.child is not None:
            found = _unique([c for el in found for c in self.child.find(el)])
        if self.sibling is not None:
            found = _unique([c for el in found if el.getparent() is not None
                             for c in self.sibling.find(el.getparent())])  # type: ignore[arg-type]
        if self.instance is not None:
            return found[self.instance:self.instance + 1]
        return found


def _unique(items: list[El]) -> list[El]:
    seen: set[int] = set()
    out = []
    for el in items:
        if id(el) not in seen:
            seen.add(id(el))
            out.append(el)
    return out


def _selector(call: _Call) -> Selector:
    if call.name != "UiSelector" or call.args:
        raise SelectorError(f"expected new UiSelector(), got {call.name}")
    sel = Selector()
    for method in call.chain:
        sel.tests.extend(_selector_method(sel, method))
    return sel


def _arg(method: _Call, kind: type) -> object:
    if len(method.args) != 1 or not isinstance(method.args[0], kind):
        raise SelectorError(f"UiSelector.{method.name}() takes one {kind.__name__} argument")
    return method.args[0]


def _attr_test(attr: str, check: Callable[[str], bool]) -> Callable[[El], bool]:
    return lambda el: check(el.get(attr) or "")


_STR_OPS_UI = ("", "Contains", "StartsWith", "Matches")


def _str_test(attr: str, op: str, want: str) -> Callable[[El], bool]:
    if op == "":
        return _attr_test(attr, lambda v: v == want)
    if op == "Contains":
        return _attr_test(attr, lambda v: want in v)
    if op == "StartsWith":
        return _attr_test(attr, lambda v: v.startswith(want))
    rx = _full(want)
    return _attr_test(attr, lambda v: rx.fullmatch(v) is not None)


def _selector_method(sel: Selector, method: _Call) -> list[Callable[[El], bool]]:
    name = method.name
    for prefix, attr in _STR_ATTRS.items():
        if name.startswith(prefix) and name[len(prefix):] in _STR_OPS_UI:
            return [_str_test(attr, name[len(prefix):], str(_arg(method, str)))]
    if name in _BOOL_ATTRS:
        flag = "true" if _arg(method, bool) else "false"
        return [_attr_test(_BOOL_ATTRS[name], lambda v: v == flag)]
    if name == "index":
        idx = str(_arg(method, int))
        return [_attr_test("index", lambda v: v == idx)]
    if name == "instance":
        sel.instance = int(str(_arg(method, int)))
        return []
    if name in ("childSelector", "fromParent"):
        inner = _arg(method, _Call)
        assert isinstance(inner, _Call)
        if name == "childSelector":
            sel.child = _selector(inner)
        else:
            sel.sibling = _selector(inner)
        return []
    raise SelectorError(f"UiSelector method {name}() is not supported")


def parse_uiselector(text: str) -> Selector | ScrollQuery:
    """``new UiSelector()...`` or ``new UiScrollable(...).scrollIntoView(...)``."""
    statements = [s for s in _split_statements(text) if s.strip()]
    if not statements:
        raise SelectorError("empty UiSelector")
    parser = _JavaParser(statements[0])
    call = parser.expr()
    if parser.peek()[0] != "end":
        raise SelectorError(f"UiSelector: unexpected {parser.peek()[1]!r}")
    if call.name == "UiScrollable":
        if len(call.args) != 1 or not isinstance(call.args[0], _Call):
            raise SelectorError("new UiScrollable() takes one UiSelector")
        container = _selector(call.args[0])
        target: Selector | None = None
        for method in call.chain:
            if method.name == "scrollIntoView":
                inner = _arg(method, _Call)
                assert isinstance(inner, _Call)
                target = _selector(inner)
            elif method.name == "scrollTextIntoView":
                target = Selector(tests=[_str_test("text", "", str(_arg(method, str)))])
            elif method.name not in ("setAsVerticalList", "setMaxSearchSwipes",
                                     "setSwipeDeadZonePercentage"):
                raise SelectorError(f"UiScrollable method {method.name}() is not supported")
        if target is None:
            raise SelectorError("UiScrollable needs scrollIntoView(...)")
        return ScrollQuery(container, target)
    return _selector(call)


# ------------------------------------------------------------ iOS predicate strings

_PTOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|<>|<=|>=|&&|\|\||=|<|>|!|\(|\))|(?P<mod>\[[cdCD]+\])"
    r"|(?P<word>[A-Za-z_$][\w.]*))")
_ALIASES = {"wdlabel": "label", "wdname": "name", "wdvalue": "value", "wdtype": "type",
            "wdvisible": "visible", "wdenabled": "enabled", "wdaccessible": "accessible",
            "identifier": "name", "elementtype": "type", "isvisible": "visible",
            "isenabled": "enabled"}
_KNOWN = {"label", "name", "value", "type", "visible", "enabled", "accessible", "selected",
          "hittable", "index", "placeholdervalue", "title"}
_STR_OPS = {"CONTAINS", "BEGINSWITH", "ENDSWITH", "LIKE", "MATCHES"}

Pred = Callable[[El], bool]


def _fold(text: str, mods: str) -> str:
    if "d" in mods:
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    if "c" in mods:
        text = text.casefold()
    return text


def _either(a: Pred, b: Pred) -> Pred:
    return lambda el: a(el) or b(el)


def _both(a: Pred, b: Pred) -> Pred:
    return lambda el: a(el) and b(el)


class _PredParser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _PTOKEN.match(text, pos)
            if not m:
                raise SelectorError(f"Invalid predicate near {text[pos:pos + 20]!r}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def is_word(self, *words: str) -> bool:
        kind, tok = self.peek()
        return (kind == "word" and tok.upper() in words) or (kind == "op" and tok in words)

    def parse(self) -> Pred:
        pred = self.or_()
        if self.peek()[0] != "end":
            raise SelectorError(f"Invalid predicate: unexpected {self.peek()[1]!r}")
        return pred

    def or_(self) -> Pred:
        left = self.and_()
        while self.is_word("OR", "||"):
            self.take()
            left = _either(left, self.and_())
        return left

    def and_(self) -> Pred:
        left = self.not_()
        while self.is_word("AND", "&&"):
            self.take()
            left = _both(left, self.not_())
        return left

    def not_(self) -> Pred:
        if self.is_word("NOT", "!"):
            self.take()
            inner = self.not_()
            return lambda el: not inner(el)
        if self.peek() == ("op", "("):
            self.take()
            inner = self.or_()
            if self.take() != ("op", ")"):
                raise SelectorError("Invalid predicate: missing ')'")
            return inner
        return self.comparison()

    def comparison(self) -> Pred:
        kind, attr = self.take()
        if kind != "word":
            raise SelectorError(f"Invalid predicate: expected an attribute, got {attr!r}")
        attr = _ALIASES.get(attr.lower(), attr.lower())
        if attr not in _KNOWN:
            raise SelectorError(f"Invalid predicate: unknown attribute {attr!r}")
        kind, op = self.take()
        if kind == "word":
            op = op.upper()
            if op not in _STR_OPS:
                raise SelectorError(f"Invalid predicate: unknown operator {op!r}")
        elif kind != "op" or op not in ("==", "=", "!=", "<>", "<", ">", "<=", ">="):
            raise SelectorError(f"Invalid predicate: expected an operator, got {op!r}")
        mods = ""
        if self.peek()[0] == "mod":
            mods = self.take()[1][1:-1].lower()
        kind, raw = self.take()
        if kind == "str":
            want: str | float = re.sub(r"\\(.)", r"\1", raw[1:-1])
        elif kind == "num":
            want = float(raw)
        elif kind == "word" and raw.upper() in ("TRUE", "YES", "FALSE", "NO"):
            want = 1.0 if raw.upper() in ("TRUE", "YES") else 0.0
        else:
            raise SelectorError(f"Invalid predicate: expected a value, got {raw!r}")
        return _compare(attr, op, mods, want)


def _compare(attr: str, op: str, mods: str, want: str | float) -> Pred:
    xml_attr = "placeholderValue" if attr == "placeholdervalue" else attr

    def get(el: El) -> str:
        return el.get(xml_attr) or ("false" if attr in ("selected", "hittable") else "")

    if isinstance(want, float):
        def num(el: El) -> float | None:
            text = get(el)
            if text in ("true", "false"):
                return 1.0 if text == "true" else 0.0
            try:
                return float(text)
            except ValueError:
                return None

        ops: dict[str, Callable[[float, float], bool]] = {
            "==": float.__eq__, "=": float.__eq__, "!=": float.__ne__, "<>": float.__ne__,
            "<": float.__lt__, ">": float.__gt__, "<=": float.__le__, ">=": float.__ge__}
        if op not in ops:
            raise SelectorError(f"Invalid predicate: {op} needs a string")
        fn = ops[op]
        return lambda el: (v := num(el)) is not None and fn(v, want)
    w = _fold(want, mods)
    if op in ("==", "="):
        return lambda el: _fold(get(el), mods) == w
    if op in ("!=", "<>"):
        return lambda el: _fold(get(el), mods) != w
    if op == "CONTAINS":
        return lambda el: w in _fold(get(el), mods)
    if op == "BEGINSWITH":
        return lambda el: _fold(get(el), mods).startswith(w)
    if op == "ENDSWITH":
        return lambda el: _fold(get(el), mods).endswith(w)
    if op == "LIKE":
        rx = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                                for c in w), re.DOTALL)
        return lambda el: rx.fullmatch(_fold(get(el), mods)) is not None
    if op == "MATCHES":
        rx = _full(w)
        return lambda el: rx.fullmatch(_fold(get(el), mods)) is not None
    raise SelectorError(f"Invalid predicate: {op} does not compare strings")


def parse_predicate(text: str) -> Pred:
    if not text.strip():
        raise SelectorError("empty predicate")
    return _PredParser(text).parse()


# -------------------------------------------------------------- iOS class chains

_SEGMENT = re.compile(r"(?P<type>\*\*|\*|XCUIElementType\w+)"
                      r"(?P<filters>(?:\[(?:`[^`]*`|\$[^$]*\$|-?\d+)\])*)$")
_FILTER = re.compile(r"\[(?:`(?P<pred>[^`]*)`|\$(?P<desc>[^$]*)\$|(?P<idx>-?\d+))\]")


def _split_chain(text: str) -> list[str]:
    parts, buf, quote = [], "", ""
    for ch in text:
        if quote:
            buf += ch
            if ch == quote:
                quote = ""
        elif ch in "`$":
            quote = ch
            buf += ch
        elif ch == "/":
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    return parts


def class_chain(scope: El, text: str) -> list[El]:
    """Evaluates ``**/XCUIElementTypeCell[`label == "x"`]/XCUIElementTypeSwitch[1]``."""
    parts = _split_chain(text.strip())
    if not parts or any(not p for p in parts) or parts[-1] == "**":
        raise SelectorError(f"Invalid class chain {text!r}")
    current = [scope]
    deep = False
    for part in parts:
        if part == "**":
            deep = True
            continue
        m = _SEGMENT.match(part)
        if not m or m.group("type") == "**":
            raise SelectorError(f"Invalid class chain segment {part!r}")
        want = m.group("type")
        found: list[El] = []
        for ctx in current:
            pool = _descendants(ctx) if deep else [c for c in ctx if isinstance(c.tag, str)]
            found.extend(el for el in pool if want in ("*", el.tag))
        found = _unique(found)
        for f in _FILTER.finditer(m.group("filters")):
            if f.group("pred") is not None:
                pred = parse_predicate(f.group("pred"))
                found = [el for el in found if pred(el)]
            elif f.group("desc") is not None:
                pred = parse_predicate(f.group("desc"))
                found = [el for el in found if any(pred(d) for d in _descendants(el))]
            else:
                n = int(f.group("idx"))
                if n == 0:
                    raise SelectorError("class chain indexes start at 1")
                i = n - 1 if n > 0 else len(found) + n
                found = found[i:i + 1] if 0 <= i < len(found) else []
        current = found
        deep = False
    return current
