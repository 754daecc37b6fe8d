"""Who imports whom inside the `bot` package, read from the source with `ast` (nothing is
imported), for the layering tests: upward imports, import circles, forbidden imports.

Every import statement counts, `if TYPE_CHECKING:` blocks and function bodies included: an
import moved into a function to dodge a circle still makes one."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ImportNode = ast.Import | ast.ImportFrom
Graph = dict[str, set[str]]  # module -> the modules it imports


@dataclass(frozen=True, order=True)
class Import:
    importer: str  # dotted module name, `bot.services.order`
    imported: str  # a `bot` module it loads, or the dotted name of anything else it imports
    path: Path
    line: int

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root.parent)}:{self.line}"


def module_files(root: Path) -> dict[str, Path]:
    """Every module of the package directory `root`, by dotted name."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def read_imports(root: Path) -> list[Import]:
    """Every import statement of every module under `root`."""
    modules = module_files(root)
    found: list[Import] = []
    for importer, path in modules.items():
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ImportNode):
                for imported in _imported(node, package, modules):
                    found.append(Import(importer, imported, path, node.lineno))
    return sorted(found)


def _imported(node: ImportNode, package: str, modules: Mapping[str, Path]) -> Iterator[str]:
    """`from bot import texts` loads the module bot.texts; `from bot.models import Order`
    loads bot.models; `import telegram.ext` stays as it is."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield _nearest(alias.name, modules)
        return
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in modules else _nearest(base, modules)


def _nearest(name: str, modules: Mapping[str, Path]) -> str:
    """The module itself, or the nearest package of it that exists under the root."""
    candidate = name
    while candidate not in modules and "." in candidate:
        candidate = candidate.rpartition(".")[0]
    return candidate if candidate in modules else name


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def tier_of(module: str, tiers: Sequence[Sequence[str]]) -> int | None:
    """The tier whose longest prefix holds `module`; a root package holds only itself."""
    best: tuple[int, int] | None = None
    for tier, prefixes in enumerate(tiers):
        for prefix in prefixes:
            holds = module == prefix or ("." in prefix and module.startswith(prefix + "."))
            if holds and (best is None or len(prefix) > best[0]):
                best = (len(prefix), tier)
    return None if best is None else best[1]


def upward_imports(imports: Iterable[Import], tiers: Sequence[Sequence[str]]) -> list[Import]:
    """Imports from a module to one in a higher tier (a lower index)."""
    upward = []
    for edge in imports:
        importer, imported = tier_of(edge.importer, tiers), tier_of(edge.imported, tiers)
        if importer is not None and imported is not None and imported < importer:
            upward.append(edge)
    return sorted(upward)


def import_graph(imports: Iterable[Import], *, modules: Iterable[str], exempt: str) -> Graph:
    """Imports between `modules`, leaving out those between two modules of `exempt`."""
    names = set(modules)
    graph: Graph = {}
    for edge in imports:
        inside = edge.importer in names and edge.imported in names
        both_exempt = within(edge.importer, exempt) and within(edge.imported, exempt)
        if inside and edge.importer != edge.imported and not both_exempt:
            graph.setdefault(edge.importer, set()).add(edge.imported)
    return graph


def circles(graph: Graph) -> list[list[str]]:
    """One circle per group of modules that all reach each other, as a path from the group's
    first module back to it."""
    return [_shortest_circle(group, graph) for group in strongly_connected(graph)]


def circle_edges(graph: Graph) -> set[tuple[str, str]]:
    """The imports that lie on some circle: both ends in the same group."""
    group_of = {m: n for n, group in enumerate(strongly_connected(graph)) for m in group}
    return {
        (importer, imported)
        for importer, targets in graph.items()
        for imported in targets
        if importer in group_of and group_of.get(imported) == group_of[importer]
    }


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Groups of two or more modules that reach each other (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        _visit(start, graph, index, low, stack, groups)
    return sorted(group for group in groups if len(group) > 1)


def _visit(
    start: str,
    graph: Graph,
    index: dict[str, int],
    low: dict[str, int],
    stack: list[str],
    groups: list[list[str]],
) -> None:
    def enter(node: str) -> tuple[str, Iterator[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        return node, iter(sorted(graph.get(node, ())))

    work = [enter(start)]
    while work:
        node, children = work[-1]
        child = next(children, None)
        if child is None:
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                cut = stack.index(node)
                groups.append(sorted(stack[cut:]))
                del stack[cut:]
        elif child not in index:
            work.append(enter(child))
        elif child in stack:
            low[node] = min(low[node], index[child])


def _shortest_circle(group: list[str], graph: Graph) -> list[str]:
    """Breadth first from the group's first module until an import leads back to it."""
    start, members = group[0], set(group)
    parent: dict[str, str] = {start: start}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, set()) & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if child not in parent:
                    parent[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{group} is no circle")
