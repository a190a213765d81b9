"""Mutation testing with our own AST mutator: how many one-line faults do the tests catch?

    python tools/mutate.py                       every mutant of the engine and conditions
    python tools/mutate.py --sample 20 --seed 1  a fixed sample (CI-sized)
    python tools/mutate.py --sample 20 --json    one JSON document: a record per mutant

Mutations: flip a comparison (< <=, == !=, is / is not, in / not in), swap and/or, shift
an integer constant by one, negate an if/while condition, drop a statement (replace it by
``pass``). Each mutant is written over the module in a scratch copy of the source tree,
and the test files relevant to the module run against it with a per-mutant timeout; a
mutant is killed when they fail (or time out). Prints "mutation score: NN%": the share
killed of the mutants tested.

A sample is fixed by its seed and stable under edits: each mutant is ranked by a hash of
the seed and its identity (module, kind of mutation, the text of its line, which of the
like mutants on such a line it is - not the line's number), and ``--sample K`` takes the
K first. Editing a line moves only that line's mutants in or out of the sample.

Equivalent mutants: a line whose mutants cannot change behaviour (``__slots__``, a cache
that is only ever rebuilt, a redundant check) carries a pragma with its reason::

    x = compute()  # mutate: skip (a cache: dropping it only makes the next call slower)
    if x is None:  # mutate: skip[flip] (reason)   only the listed kinds of mutation

Kinds: ``flip``, ``swap``, ``const``, ``negate``, ``drop``. A site is matched by the line
its node starts on. Dropping a ``__all__`` or ``__slots__`` declaration is skipped the same
way without a pragma (it changes what a star import exports and how instances are stored,
never what the engine does). Skipped sites stay in the list the sample is drawn from (a
pragma does not change which mutants a seed picks); they are reported as "equivalent,
skipped" and are not counted in the score.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the tests that judge the engine's rules (fast: no exploration, no rendering), and those
#: of what the engine keeps on record (reports, allegations, the record index)
ENGINE_TESTS = ["tests/test_engine_rules.py", "tests/test_engine.py", "tests/test_semantics.py",
                "tests/test_obligations.py", "tests/test_atomic.py", "tests/test_terms.py",
                "tests/test_record.py", "tests/test_gaza_record.py"]
TARGETS = {  # module -> the test files that exercise it
    **{str(p.relative_to(ROOT)): ENGINE_TESTS
       for p in sorted((ROOT / "src/dealmodel/engine").glob("*.py"))
       if p.name != "__init__.py"},
    "src/dealmodel/model/conditions.py": ["tests/test_conditions.py", "tests/test_engine_rules.py"],
}
#: saving and restoring runs is judged by its own tests too
TARGETS["src/dealmodel/engine/persist.py"] = [*ENGINE_TESTS, "tests/test_saved_runs.py"]
_FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
         ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
         ast.NotIn: ast.In}


#: ``# mutate: skip (reason)`` or ``# mutate: skip[flip,drop] (reason)``; a reason is required
_PRAGMA = re.compile(r"#\s*mutate:\s*skip(?:\[(?P<kinds>[a-z, ]+)\])?\s*(?P<reason>\S.*)?$")
KINDS = ("flip", "swap", "const", "negate", "drop")


def pragmas(source: str) -> dict[int, tuple[frozenset[str], str]]:
    """Line number -> (kinds skipped on it, reason), from ``# mutate: skip`` comments."""
    found: dict[int, tuple[frozenset[str], str]] = {}
    for number, text in enumerate(source.splitlines(), start=1):
        match = _PRAGMA.search(text)
        if not match:
            continue
        reason = (match["reason"] or "").strip()
        if reason.startswith("(") and reason.endswith(")"):
            reason = reason[1:-1].strip()
        if not reason:
            raise SystemExit(f"line {number}: a '# mutate: skip' pragma needs a reason")
        kinds = frozenset(k.strip() for k in (match["kinds"] or ",".join(KINDS)).split(","))
        if not kinds <= set(KINDS):
            raise SystemExit(f"line {number}: unknown mutation kind in {sorted(kinds)}")
        found[number] = (kinds, reason)
    return found


def _docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


def _declaration(node: ast.AST) -> bool:
    """``__all__ = ...`` or ``__slots__ = ...``: what a star import exports, how instances
    are stored; no behaviour of the engine depends on either."""
    return isinstance(node, ast.Assign) and all(
        isinstance(t, ast.Name) and t.id in ("__all__", "__slots__") for t in node.targets)


def mutation_sites(tree: ast.Module) -> list[tuple[int, int, str, str]]:
    """(index, line, kind, description) of every mutation, in a stable order."""
    sites: list[tuple[int, int, str, str]] = []
    for index, node in enumerate(ast.walk(tree)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIP:
            sites.append((index, line, "flip", f"flip {type(node.ops[0]).__name__}"))
        elif isinstance(node, ast.BoolOp):
            sites.append((index, line, "swap", "swap and/or"))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            sites.append((index, line, "const", f"{node.value} -> {node.value + 1}"))
        elif isinstance(node, (ast.If, ast.While)):
            sites.append((index, line, "negate", "negate condition"))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Expr, ast.Return, ast.Raise)) \
                and not _docstring(node):
            sites.append((index, line, "drop", "drop statement"))
    return sites


def equivalent_sites(tree: ast.Module, source: str) -> dict[int, str]:
    """Site index -> why its mutant is equivalent: a ``# mutate: skip`` pragma on its line,
    or dropping a ``__all__`` / ``__slots__`` declaration."""
    declarations = {id(n) for n in ast.walk(tree) if _declaration(n)}
    marks = pragmas(source)
    found: dict[int, str] = {}
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in declarations:
            found[index] = "a declaration (__all__/__slots__), not behaviour"
    for index, line, kind, _ in mutation_sites(tree):
        kinds, reason = marks.get(line, (frozenset(), ""))
        if kind in kinds:
            found[index] = reason
    return found


def mutate(source: str, index: int) -> str:
    tree = ast.parse(source)
    for i, node in enumerate(ast.walk(tree)):
        if i != index:
            continue
        if isinstance(node, ast.Compare):
            node.ops[0] = _FLIP[type(node.ops[0])]()
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.Constant):
            node.value = node.value + 1
        elif isinstance(node, (ast.If, ast.While)):
            node.test = ast.UnaryOp(ast.Not(), node.test)
        else:
            _drop(tree, node)
        break
    return ast.unparse(ast.fix_missing_locations(tree))


def _drop(tree: ast.Module, target: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(parent, field, None)
            if isinstance(body, list) and target in body:
                body[body.index(target)] = ast.Pass()
                return


def run_tests(tree: Path, tests: list[str], timeout: float) -> bool:
    """True if the tests pass (the mutant survives)."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                               *tests], cwd=tree, env=env, capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def _rank(seed: int, identity: str) -> int:
    """The place of a mutant in the sample order of ``seed``: a hash of its identity, so
    that editing one line moves only that line's mutants in or out of a fixed sample."""
    digest = hashlib.sha256(f"{seed}\0{identity}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="test K mutants (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--module", action="append", help="only these modules")
    parser.add_argument("--site", action="append", metavar="MODULE:LINE",
                        help="only the mutants on this line (to re-check a survivor)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document (a record per mutant, then the totals) "
                             "instead of text; progress goes to stderr")
    args = parser.parse_args(argv)
    mutants = []
    sources: dict[str, str] = {}
    for module, tests in TARGETS.items():
        if args.module and module not in args.module:
            continue
        source = sources[module] = (ROOT / module).read_text(encoding="utf-8")
        parsed = ast.parse(source)
        skips = equivalent_sites(parsed, source)
        lines = source.splitlines()
        seen: dict[tuple[str, str, str], int] = {}
        for index, line, kind, what in mutation_sites(parsed):
            # a mutant's identity: its module, its kind, the text of its line (not the
            # line's number) and which of the like mutants of that text it is
            text = _PRAGMA.sub("", lines[line - 1]).strip() if line else ""
            nth = seen[(kind, what, text)] = seen.get((kind, what, text), 0) + 1
            identity = f"{module}\0{kind}\0{what}\0{text}\0{nth}"
            mutants.append((module, tests, index, line, kind, what, skips.get(index, ""),
                            identity))
    if args.site:
        wanted = {tuple(site.rsplit(":", 1)) for site in args.site}
        mutants = [m for m in mutants if (m[0], str(m[3])) in wanted]
    population = len(mutants)
    if args.sample:
        mutants = sorted(sorted(mutants, key=lambda m: _rank(args.seed, m[7]))[:args.sample],
                         key=lambda m: (m[0], m[3], m[2]))
    progress = sys.stderr if args.json else sys.stdout
    records: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="dealmodel-mutants-") as scratch:
        tree = Path(scratch) / "tree"
        shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
            ".git", ".venv", "*.pyc", "__pycache__", ".hypothesis", ".mypy_cache",
            ".ruff_cache", ".pytest_cache", "dist", "site"))
        for module, tests, index, line, kind, what, skipped, _ in mutants:
            record: dict[str, object] = {"module": module, "line": line, "kind": kind,
                                         "mutation": what}
            records.append(record)
            if skipped:
                record.update(status="skipped", reason=skipped)
                print(f"skipped  {module} line {line}: {what} (equivalent: {skipped})",
                      file=progress, flush=True)
                continue
            original = sources[module]
            mutated = mutate(original, index)
            if mutated == ast.unparse(ast.parse(original)):
                record["status"] = "unchanged"  # the rewrite changed nothing: not a mutant
                continue
            (tree / module).write_text(mutated, encoding="utf-8")
            try:
                survived = run_tests(tree, [t for t in tests if (tree / t).exists()],
                                     args.timeout)
            finally:
                (tree / module).write_text(original, encoding="utf-8")
            record["status"] = "survived" if survived else "killed"
            print(f"{'SURVIVED' if survived else 'killed  '} {module} line {line}: {what}",
                  file=progress, flush=True)
    count = {status: sum(r["status"] == status for r in records)
             for status in ("killed", "survived", "skipped", "unchanged")}
    tested = count["killed"] + count["survived"]
    score = 100 * count["killed"] // max(1, tested)
    if args.json:
        json.dump({"population": population, "sample": args.sample, "seed": args.seed,
                   "tested": tested, **count, "score": score, "mutants": records},
                  sys.stdout, indent=1)
        print()
    else:
        print(f"mutants: {tested}, killed: {count['killed']}, survived: {count['survived']}"
              f" (of {population}; equivalent, skipped: {count['skipped']})")
        print(f"mutation score: {score}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
