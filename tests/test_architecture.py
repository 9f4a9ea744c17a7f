import ast
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
    if path.name == "ui.py":
        return
    assert "streamlit" not in _imports(path), (
        f"{path.name} imports streamlit; only wuxing/ui.py may"
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
    from wuxing import navigation

    registered = {p.path for p in navigation.PAGES}
    on_disk = {f"pages/{p.name}" for p in PAGES}
    assert registered == on_disk


METRICS = sorted((ROOT / "wuxing" / "metrics").glob("*.py"))


def _undecorated(path, decorator, is_candidate) -> list[str]:
    """Public top-level functions of `path` that `is_candidate` picks and `decorator` is missing on."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef)
        and not n.name.startswith("_")
        and is_candidate(n)
        and not any(ast.unparse(d) == decorator for d in n.decorator_list)
    ]


def _annotation(node) -> str:
    return ast.unparse(node or ast.Constant(None))


@pytest.mark.parametrize("path", METRICS, ids=lambda p: p.name)
def test_metrics_of_a_dataset_are_remembered(path):
    # A page rerun asks the same questions again: at a province's 11 M values every answer
    # computed twice costs the user seconds (see wuxing/memo.py).
    def takes_a_dataset(n):
        return n.args.args and _annotation(n.args.args[0].annotation) == "Dataset"

    forgotten = _undecorated(path, "remembered", takes_a_dataset)
    assert not forgotten, f"{path.name}: add @remembered to {forgotten}"


CHARTS = sorted((ROOT / "wuxing" / "charts").glob("*.py"))


@pytest.mark.parametrize("path", CHARTS, ids=lambda p: p.name)
def test_figure_builders_draw_once(path):
    # Drawing a figure validates every property (10–20 ms a chart): a rerun of the same numbers
    # must reuse it, or a township's page takes several times the empty page (figure_cache.py).
    def builds_a_figure(n):
        return _annotation(n.returns) == "go.Figure" and not any(
            "Figure" in _annotation(a.annotation) for a in n.args.args
        )

    forgotten = _undecorated(path, "drawn_once", builds_a_figure)
    assert not forgotten, f"{path.name}: add @drawn_once to {forgotten}"


@pytest.mark.parametrize("path", METRICS, ids=lambda p: p.name)
def test_display_tables_of_frames_are_remembered_by_content(path):
    # A page shows its tables again on every rerun; pandas spends milliseconds per step even on a
    # township's dozen rows, so the same content must give back the table already made.
    def tabulates_a_frame(n):
        return (
            n.name.endswith("_table")
            and n.args.args
            and (_annotation(n.args.args[0].annotation) == "pd.DataFrame")
        )

    forgotten = _undecorated(path, "remembered_by_content", tabulates_a_frame)
    assert not forgotten, f"{path.name}: add @remembered_by_content to {forgotten}"
