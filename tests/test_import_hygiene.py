"""The engine must stay UI-free, and --help/--version must stay fast (no textual, no Azure SDK)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import grimp

import wizard.core


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_core_never_imports_textual() -> None:
    modules = [m.name for m in pkgutil.walk_packages(wizard.core.__path__, "wizard.core.")]
    assert "wizard.core.engine" in modules
    code = "\n".join(f"import {m}" for m in modules)
    loaded = _loaded_after(code)
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)
    assert not any(m.startswith("azure.") for m in loaded), "core must reach Azure only through wizard.azure"


def test_version_and_help_import_neither_textual_nor_azure() -> None:
    for argv in (["--version"], ["--help"]):
        code = f"import sys\nsys.argv=['deploy-wizard', *{argv!r}]\nfrom wizard.cli.entry import main\ntry:\n    main()\nexcept SystemExit:\n    pass"
        loaded = _loaded_after(code)
        assert "textual" not in loaded
        assert not any(m.startswith("azure") for m in loaded)


def _import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), each a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return circles


def test_no_two_modules_import_each_other_in_a_circle_not_even_for_types() -> None:
    # Every import counts: inside functions and under TYPE_CHECKING too (a type-only circle is
    # still a circle a reader has to untangle).
    graph = grimp.build_graph("wizard", exclude_type_checking_imports=False, cache_dir=None)
    assert _import_circles(graph) == []
