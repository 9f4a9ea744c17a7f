import ast
import io
import tokenize
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "wuxing").rglob("*.py"))
PAGES = sorted((ROOT / "pages").glob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_ui_imports_streamlit(path):
    # wuxing/ui adapts pages to streamlit and builds the server around them (app.py).
    if path.parent.name == "ui":
        return
    assert "streamlit" not in _imports(path), (
        f"{path.relative_to(ROOT)} imports streamlit; only wuxing/ui/ may"
    )


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_only_lay_out(path):
    text = path.read_text(encoding="utf-8")
    for forbidden in (
        ".groupby(",
        ".pivot_table(",
        ".merge(",
        "import sqlalchemy",
        "import pandas",
    ):
        assert forbidden not in text, (
            f"{path.name} computes ({forbidden}); move it to wuxing/metrics"
        )
    assert len(text.splitlines()) <= 150


def test_no_utils_module():
    names = {p.stem for p in MODULES}
    assert not names & {"utils", "common", "helpers", "misc"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_public_functions_have_docstrings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = [
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.ClassDef)
        and not n.name.startswith("_")
        and ast.get_docstring(n) is None
    ]
    assert not missing, f"{path.name}: public names without a docstring: {missing}"


def test_every_registered_page_exists_and_every_page_is_registered():
    from wuxing.ui import navigation

    registered = {p.path for p in navigation.PAGES}
    on_disk = {f"pages/{p.name}" for p in PAGES}
    assert registered == on_disk


# The pipeline, upstream first. A package may import the shared leaves (wuxing/*.py) and the
# packages listed for it, nothing else; imports under `if TYPE_CHECKING:` (annotations) are free.
# reading and storage know nothing of metrics; metrics know nothing of reading, storage or
# access; only ui, cli and meeting put the pieces together.
MAY_IMPORT = {
    "access": {"storage"},  # auth signs in against the store
    "reading": {"storage"},  # importer stores what it read
    "storage": {"access.roles", "access.credentials", "access.throttle"},  # policy leaves only
    "metrics": {"access.roles"},  # role names in the account table (a policy leaf)
    "charts": {"metrics"},  # a chart of a metric's result type (pairs.Matchup)
    "meeting": {"metrics", "charts"},
    "samples": {"reading", "storage"},
    "cli": {"access", "reading", "storage", "metrics", "charts", "meeting", "samples"},
    "ui": {"access", "reading", "storage", "metrics", "charts", "meeting", "samples"},
}
PACKAGED = [p for p in MODULES if p.relative_to(ROOT / "wuxing").parts[0] in MAY_IMPORT]


def _runtime_wuxing_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for stmt in block.body
        for n in ast.walk(stmt)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only or not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.module == "wuxing" or node.module.startswith("wuxing."):
            # `from wuxing.access import throttle` is the module wuxing.access.throttle
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_package_imports_only_what_is_upstream_of_it(path):
    package = path.relative_to(ROOT / "wuxing").parts[0]
    allowed = MAY_IMPORT[package]
    leaves = {p.stem for p in (ROOT / "wuxing").glob("*.py")}
    for module in _runtime_wuxing_imports(path):
        parts = module.split(".")[1:]
        if parts[0] in leaves or parts[0] == package:
            continue
        assert parts[0] in allowed or ".".join(parts[:2]) in allowed, (
            f"{path.relative_to(ROOT)} imports {module}: {package} may import only the leaves "
            f"and {sorted(allowed)} (see MAY_IMPORT)"
        )


def test_the_leaves_import_only_leaves():
    leaves = [p for p in MODULES if p.parent == ROOT / "wuxing" and p.stem != "__main__"]
    for path in leaves:
        for module in _runtime_wuxing_imports(path):
            assert (ROOT / "wuxing" / f"{module.split('.')[1]}.py").exists(), (path.name, module)


# Still too long, to be split along their sections (issue 19); the list may only shrink.
TOO_LONG_TODAY: set[str] = set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path):
    name = str(path.relative_to(ROOT / "wuxing"))
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400 or name in TOO_LONG_TODAY, (
        f"{name}: {lines} lines (at most 400): move a concept into its own module"
    )
    assert not (lines <= 400 and name in TOO_LONG_TODAY), f"{name} fits now: drop it from the list"


# -- user-supplied text on screen ----------------------------------------------------------------
#
# Streamlit renders the text of these calls as Markdown: an uploaded village, town, file or user
# name holding `**x**`, `:red[x]`, `[a](http://…)` or `www.…` would turn bold, coloured or into a
# link. So every text a page (or wuxing/ui) shows through them is either fixed or goes through
# `ui.plain`. The rule, checked on each shown argument (positional, label, value, delta, help):
#   - a literal, or `plain(…)` / `ui.plain(…)` of anything;
#   - an f-string whose every `{…}` is itself allowed here, or carries a format spec (`{x:g}`,
#     `{n:,}`: a number, never a name);
#   - `+` of allowed parts, `a if c else b` of allowed parts, `CONSTANT.format(allowed…)`;
#   - a module-level CONSTANT (fixed text, e.g. `pairs.TREND_RULE`, `ui.NO_DATA`), a count
#     (`len(…)`, `int(…)`), or a variable every assignment of which is allowed here;
#   - anything read from `periods`, `formatting`, `catalog` or `auth`: our own words (quarter
#     labels, formatted numbers, catalog labels, role names), never uploaded text;
#   - in wuxing/ui, a parameter of a display helper (`empty_state(message)`): its callers are
#     checked instead.
# Anything else (a variable, a metrics function's sentence, `str(exc)`) is wrapped in plain().

SHOWN_AS_MARKDOWN = {
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "write",
    "metric",
    "title",
    "header",
    "subheader",
    "empty_state",
    "open_page",
}
SHOWN_KEYWORDS = {"body", "label", "value", "delta", "help"}
OUR_WORDS = {"periods", "formatting", "catalog", "auth"}
# wuxing/ui functions that show their parameter as given (their callers are checked)
DISPLAY_HELPERS = {"empty_state", "open_page"}


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _shown_literally(node: ast.expr, params: set[str]) -> bool:
    ok = lambda n: _shown_literally(n, params)  # noqa: E731
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(v, ast.Constant) or v.format_spec is not None or ok(v.value)
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return ok(node.left) and ok(node.right)
    if isinstance(node, ast.IfExp):
        return ok(node.body) and ok(node.orelse)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):  # {…: "…"}[key]
        return all(map(ok, node.value.values))
    if isinstance(node, ast.Call) and _name(node.func) == "plain":
        return True
    if isinstance(node, ast.Call) and _name(node.func) == "format":
        constant = node.func.value if isinstance(node.func, ast.Attribute) else None
        return constant is not None and _name(constant).isupper() and all(map(ok, node.args))
    if isinstance(node, ast.Name | ast.Attribute) and _name(node).isupper():
        return True
    if isinstance(node, ast.Name) and node.id in params:
        return True
    if isinstance(node, ast.Call) and _name(node.func) in {"len", "int"}:
        return True
    root = _root(node)  # periods.label(…), catalog.STAR_BY_ID[s].label, meta.unit (meta: allowed)
    return isinstance(root, ast.Name) and (root.id in OUR_WORDS or root.id in params)


def _allowed_variables(tree: ast.AST) -> set[str]:
    """Names whose every assignment (`x = …`) in the file is allowed text."""
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Name):
                assigned.setdefault(target.id, []).append(node.value)
            else:  # a, b = …: not followed
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        assigned.setdefault(name.id, []).append(ast.Name("?"))
        if isinstance(node, ast.For | ast.NamedExpr | ast.comprehension | ast.With):
            for name in ast.walk(getattr(node, "target", node)):
                if isinstance(name, ast.Name):
                    assigned.setdefault(name.id, []).append(ast.Name("?"))
    allowed: set[str] = set()
    while True:
        more = {
            n
            for n, values in assigned.items()
            if n not in allowed and all(_shown_literally(v, allowed) for v in values)
        }
        if not more:
            return allowed
        allowed |= more


def _unescaped_text(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    variables = _allowed_variables(tree)
    found = []

    def visit(node: ast.AST, params: set[str]) -> None:
        if isinstance(node, ast.FunctionDef) and node.name in DISPLAY_HELPERS:
            params = params | {a.arg for a in node.args.args}
        if isinstance(node, ast.Call) and _name(node.func) in SHOWN_AS_MARKDOWN:
            shown = list(node.args) + [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            found.extend(
                f"{path.name}:{arg.lineno}: {ast.unparse(arg)}"
                for arg in shown
                if not _shown_literally(arg, params)
            )
        for child in ast.iter_child_nodes(node):
            visit(child, params)

    visit(tree, variables)
    return found


@pytest.mark.parametrize(
    "path", [*PAGES, *sorted((ROOT / "wuxing" / "ui").glob("*.py"))], ids=lambda p: p.name
)
def test_shown_text_goes_through_plain(path):
    unescaped = _unescaped_text(path)
    assert not unescaped, "shown as Markdown without ui.plain:\n" + "\n".join(unescaped)


def test_the_plain_rule_catches_names_and_lets_numbers_through(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "st.caption(f'{ui.plain(name)} · {n:,} 个村 · {periods.label(p)}')\n"
        "st.info(pairs.TREND_RULE)\n"
        "st.error(str(exc))\n"
        "left.metric(f'{area}合计', formatting.quantity(v, unit), help=f'{name}')\n"
        "st.toast(NOTICE.format(ui.plain(what)))\n"
        "word = '合计' if total else catalog.LABEL\n"
        "for village in names:\n"
        "    st.caption(f'{word}：{village}')\n",
        encoding="utf-8",
    )
    assert [line.split(": ", 1)[1] for line in _unescaped_text(page)] == [
        "str(exc)",
        "f'{area}合计'",
        "f'{name}'",
        "f'{word}：{village}'",
    ]


def test_the_readme_names_every_module_where_it_says_where_the_code_is():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sections = {
        "代码在哪里": readme.split("## 代码在哪里")[1].split("\n## ")[0],
        "Where things live": readme.split("## Where things live")[1].split("\n## ")[0],
    }
    for title, section in sections.items():
        unnamed = [
            str(path.relative_to(ROOT))
            for path in MODULES
            if path.stem not in ("__init__", "__main__") and path.stem not in section
        ]
        assert unnamed == [], f"README's “{title}” does not name {unnamed}"


# -- layout: the formatter's, and lines of at most 100 columns ------------------------------------

SOURCES = sorted(
    p
    for p in ROOT.rglob("*.py")
    if not {".venv", ".git", "node_modules", "__pycache__"} & set(p.relative_to(ROOT).parts)
)
LINE_LENGTH = 100  # pyproject.toml: [tool.ruff] line-length


def _columns(text: str) -> int:
    # As ruff measures: a CJK character takes two columns.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_formatter_lays_out_every_line(path):
    text = path.read_text(encoding="utf-8")
    for pragma in ("skip", "off"):
        comment = f"# fmt: {pragma}"
        assert comment not in text, f"{path.relative_to(ROOT)}: let ruff format it ({comment})"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_long_lines_are_only_long_chinese_text(path):
    # The formatter cannot split a string: a Chinese message stays whole on its line (E501 is
    # off for that). Any other line over the limit is a layout to fix.
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    excused = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.STRING, tokenize.COMMENT) and _chinese(token.string):
            excused.update(range(token.start[0], token.end[0] + 1))
    too_long = [
        f"{n}: {line.strip()[:60]}"
        for n, line in enumerate(lines, start=1)
        if _columns(line) > LINE_LENGTH and n not in excused
    ]
    assert not too_long, f"{path.relative_to(ROOT)}: {too_long}"
