"""The engine must stay usable without the web stack: no Flask, SQLAlchemy or requests."""
import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "verification"
FORBIDDEN = {"flask", "sqlalchemy", "requests", "flask_smorest", "psycopg", "redis", "rq"}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_engine_sources_import_no_framework():
    offenders = {
        str(p.relative_to(ENGINE)): sorted(_imported_roots(p) & FORBIDDEN)
        for p in ENGINE.rglob("*.py")
        if _imported_roots(p) & FORBIDDEN
    }
    assert offenders == {}


def test_importing_the_engine_loads_no_framework():
    # Catches indirect imports too: a helper module that drags Flask in.
    code = (
        "import sys, importlib, pkgutil, verification\n"
        "for m in pkgutil.walk_packages(verification.__path__, 'verification.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted(n for n in {sorted(FORBIDDEN)!r} if n in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ENGINE.parent, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
