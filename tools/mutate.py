"""Mutation testing with our own AST mutator: how many one-line faults do the tests catch?

    python tools/mutate.py                       every mutant of the engine and conditions
    python tools/mutate.py --sample 20 --seed 1  a fixed sample (CI-sized)

Mutations: flip a comparison (< <=, == !=, is / is not, in / not in), swap and/or, shift
an integer constant by one, negate an if/while condition, drop a statement (replace it by
``pass``). Each mutant is written over the module in a scratch copy of the source tree,
and the test files relevant to the module run against it with a per-mutant timeout; a
mutant is killed when they fail (or time out). Prints "mutation score: NN%".
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the tests that judge the engine's rules (fast: no exploration, no rendering)
ENGINE_TESTS = ["tests/test_engine_rules.py", "tests/test_engine.py", "tests/test_semantics.py",
                "tests/test_obligations.py", "tests/test_atomic.py", "tests/test_terms.py"]
TARGETS = {  # module -> the test files that exercise it
    **{str(p.relative_to(ROOT)): ENGINE_TESTS
       for p in sorted((ROOT / "src/dealmodel/engine").glob("*.py"))
       if p.name != "__init__.py"},
    "src/dealmodel/model/conditions.py": ["tests/test_conditions.py", "tests/test_engine_rules.py"],
}
_FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
         ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
         ast.NotIn: ast.In}


def _docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


def mutation_sites(tree: ast.Module) -> list[tuple[int, str]]:
    """(index, description) of every mutation, in a stable order."""
    sites: list[tuple[int, str]] = []
    for index, node in enumerate(ast.walk(tree)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIP:
            sites.append((index, f"line {line}: flip {type(node.ops[0]).__name__}"))
        elif isinstance(node, ast.BoolOp):
            sites.append((index, f"line {line}: swap and/or"))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            sites.append((index, f"line {line}: {node.value} -> {node.value + 1}"))
        elif isinstance(node, (ast.If, ast.While)):
            sites.append((index, f"line {line}: negate condition"))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Expr, ast.Return, ast.Raise)) \
                and not _docstring(node):
            sites.append((index, f"line {line}: drop statement"))
    return sites


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="test K mutants (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--module", action="append", help="only these modules")
    args = parser.parse_args(argv)
    mutants = []
    for module, tests in TARGETS.items():
        if args.module and module not in args.module:
            continue
        source = (ROOT / module).read_text(encoding="utf-8")
        for index, what in mutation_sites(ast.parse(source)):
            mutants.append((module, tests, index, what))
    if args.sample:
        mutants = random.Random(args.seed).sample(mutants, min(args.sample, len(mutants)))
    killed = tested = 0
    with tempfile.TemporaryDirectory(prefix="dealmodel-mutants-") as scratch:
        tree = Path(scratch) / "tree"
        shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".git", ".venv", "*.pyc",
                                                                  "__pycache__"))
        for module, tests, index, what in mutants:
            original = (ROOT / module).read_text(encoding="utf-8")
            mutated = mutate(original, index)
            if mutated == ast.unparse(ast.parse(original)):
                continue  # the rewrite changed nothing: not a mutant
            tested += 1
            (tree / module).write_text(mutated, encoding="utf-8")
            survived = run_tests(tree, [t for t in tests if (tree / t).exists()], args.timeout)
            (tree / module).write_text(original, encoding="utf-8")
            killed += not survived
            print(f"{'SURVIVED' if survived else 'killed  '} {module} {what}", flush=True)
    score = 100 * killed // max(1, tested)
    print(f"mutants: {tested}, killed: {killed}")
    print(f"mutation score: {score}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
