"""The layout's rules (design.md §1), checked on the import graph the code has today.

The graph counts every import, at module level or inside a function, under TYPE_CHECKING or not: a deferred
import hides a cycle from Python, not from a reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "scheduler")
SLACK = ("slack_sdk", "slack_bolt")
# The only places that may speak Slack's own types: Bolt's listeners, the one adapter, the composition root.
SLACK_ALLOWED = ("handlers", "bot.platform.slack", "bot.runtime")
AREAS = ("roster", "incidents", "paging", "warroom", "handling", "drills", "overview")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts}


def _imports(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


@cache
def graph() -> dict[str, frozenset[str]]:
    """Each project module → the project modules it imports."""
    known = modules()
    return {name: frozenset(m for m in _imports(name, path) if m in known and m != name)
            for name, path in known.items()}


def external(name: str) -> set[str]:
    """The top-level outside packages a module imports."""
    return {m.split(".")[0] for m in _imports(name, modules()[name])}


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    edges, index, low, stack, on, found = graph(), {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _in(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_there_is_no_import_cycle():
    assert cycles() == []


def test_slack_is_imported_only_by_handlers_the_adapter_and_the_composition_root():
    leaks = {name: sorted(external(name) & set(SLACK)) for name in modules() if not _in(name, *SLACK_ALLOWED)}
    assert {name: found for name, found in leaks.items() if found} == {}


def test_services_and_read_models_never_import_views_forms_ids_or_texts():
    forbidden = ("bot.blockkit", "bot.procedure.i18n", *(f"bot.{a}.views" for a in AREAS),
                 *(f"bot.{a}.forms" for a in AREAS))
    deciding = [n for n in modules() if n.rpartition(".")[2] in ("service", "state", "sync") and n.startswith("bot.")]
    assert deciding, "no services found"
    found = {n: sorted(m for m in graph()[n] if _in(m, *forbidden)) for n in deciding}
    assert {n: ms for n, ms in found.items() if ms} == {}


def test_storage_knows_nothing_of_the_procedure_or_slack():
    found = {n: sorted(m for m in graph()[n] if not _in(m, "storage")) for n in modules() if _in(n, "storage")}
    assert {n: ms for n, ms in found.items() if ms} == {}


def test_the_areas_import_no_handlers_scheduler_or_runtime():
    outer = ("handlers", "scheduler", "bot.runtime")
    found = {n: sorted(m for m in graph()[n] if _in(m, *outer))
             for n in modules() if _in(n, "bot") and not _in(n, "bot.runtime")}
    assert {n: ms for n, ms in found.items() if ms} == {}


def test_only_the_composition_root_imports_both_handlers_and_the_scheduler():
    both = [n for n, deps in graph().items()
            if any(_in(m, "handlers") for m in deps) and any(_in(m, "scheduler") for m in deps)]
    assert both and all(_in(n, "bot.runtime") for n in both), both


def test_every_area_is_a_package_of_the_procedure():
    for area in AREAS:
        package = ROOT / "bot" / area
        assert (package / "__init__.py").is_file(), area
        assert ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))), area


def test_every_module_has_a_docstring():
    missing = [n for n, p in modules().items() if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
               and p.stat().st_size]
    assert missing == []


def test_no_module_imports_another_modules_private_names():
    private = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in modules():
                hidden = [a.name for a in node.names if a.name.startswith("_")]
                if hidden:
                    private[name] = hidden
    assert private == {}


def test_due_work_is_named_by_its_kind_never_by_a_bare_string():
    """`enqueue`, `cancel(kind=…)` and each area's EXECUTORS use `WorkKind`, so a typo cannot strand work."""
    bare = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = getattr(node.func, "attr", getattr(node.func, "id", "")) if isinstance(node, ast.Call) else ""
            if called == "enqueue" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                bare.append(f"{name}:{node.lineno}")
            if called == "cancel":
                bare += [f"{name}:{node.lineno}" for k in node.keywords
                         if k.arg == "kind" and isinstance(k.value, ast.Constant)]
            if (isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "EXECUTORS" for t in node.targets)
                    and isinstance(node.value, ast.Dict)):
                bare += [f"{name}:{k.lineno}" for k in node.value.keys if isinstance(k, ast.Constant)]
    assert bare == []


def test_services_write_no_chat_markup():
    """A service stores what happened; escaping typed words and writing mentions or room links is the executor's
    and the view's work, so a second chat platform needs no change to any service."""
    found = {}
    for name, path in modules().items():
        if not (name.startswith("bot.") and name.rpartition(".")[2] in ("service", "state", "sync")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "escape"]
        markup = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and any(tag in n.value for tag in ("<@", "<#", "<!"))]
        if calls or markup:
            found[name] = calls + markup
    assert found == {}


# The aggregates a state change decides on (design §3), and how a transaction takes one: the lock helpers
# (storage.incidents.lock, storage.pages.lock, storage.drills.lock, roster.seat(lock=True)) or a locked subject.
# A drill's evaluations and reports belong to the drill: a listener may look one up to learn its drill, which the
# service then locks before it re-reads the evaluation (bot.drills.service.decide).
AGGREGATES = {"Incident", "Page", "Drill", "RoleAssignment"}


def _write_blocks(tree: ast.AST) -> Iterator[ast.With]:
    """`with … session.begin():` blocks: the transactions that write."""
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
                isinstance(item.context_expr, ast.Call) and isinstance(item.context_expr.func, ast.Attribute)
                and item.context_expr.func.attr == "begin" for item in node.items):
            yield node


def test_every_write_transaction_reads_its_aggregate_locked():
    unlocked = []
    for name, path in modules().items():
        if not (_in(name, "handlers") or name.endswith(".work")):
            continue
        for block in _write_blocks(ast.parse(path.read_text(encoding="utf-8"))):
            for call in ast.walk(block):
                if not isinstance(call, ast.Call):
                    continue
                keywords = {k.arg for k in call.keywords}
                if (isinstance(call.func, ast.Attribute) and call.func.attr == "get" and call.args
                        and isinstance(call.args[0], ast.Name) and call.args[0].id in AGGREGATES
                        and "with_for_update" not in keywords):
                    unlocked.append(f"{name}:{call.lineno} session.get({call.args[0].id}, …)")
                elif isinstance(call.func, ast.Name) and call.func.id in ("subject", "incident_of") \
                        and "lock" not in keywords:
                    unlocked.append(f"{name}:{call.lineno} {call.func.id}(…) without lock=True")
    assert not unlocked, "a write transaction decides on a row it did not lock (use storage's lock helpers): " \
        + ", ".join(unlocked)
