"""
Imports run one way: no circle among the project's modules (imports inside functions included),
no module of a room imports what its room's first lines do not allow ("May import: …" in the
room's __init__ docstring), and no test module imports another. Read from the source with ast, so
a lazy import counts like any other. Test modules live in rooms (packages below tests/), under
names no other test module has.
"""
import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = "reports"
ALLOWED = re.compile(r"^May import: (.+)$", re.MULTILINE)


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules():
    return {
        module_name(path): path
        for path in (ROOT / PACKAGE).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(name, path, known):
    """The project modules `name` imports, anywhere in its source, with the line of each."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append((target, node.lineno))
    return sorted(set(found))


def graph():
    modules = project_modules()
    return modules, {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_no_module_imports_a_room_its_first_lines_forbid():
    modules, edges = graph()
    rooms = {}
    for name, path in modules.items():
        if path.name == "__init__.py":
            declared = ALLOWED.search(ast.get_docstring(ast.parse(path.read_text())) or "")
            if declared:
                rooms[name] = [allowed.strip() for allowed in declared.group(1).split(",")]
    assert {"reports.models", "reports.desk", "reports.media"} <= set(rooms)
    forbidden = []
    for name, targets in edges.items():
        room = next((room for room in rooms if name == room or name.startswith(room + ".")), None)
        if room is None:
            continue
        for target, line in targets:
            if not any(target == allowed or target.startswith(allowed + ".") for allowed in rooms[room]):
                forbidden.append(f"{modules[name].relative_to(ROOT)}:{line} imports {target}")
    assert not forbidden, "\n".join(forbidden)


def test_no_import_circle():
    modules, edges = graph()
    state, stack, circles = {}, [], []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for target, _line in edges[name]:
            if state.get(target) == "open":
                circles.append(" -> ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = "done"

    for name in sorted(modules):
        if name not in state:
            visit(name)
    assert not circles, "\n".join(circles)


def suite_modules():
    """Every test module, in whichever folder below tests/."""
    return sorted((ROOT / "tests").rglob("test_*.py"))


def test_test_modules_live_in_rooms_under_names_of_their_own():
    """tests/<room>/test_*.py, each room a package; two modules of one name would be one too many."""
    paths = suite_modules()
    assert paths
    outside = [str(path.relative_to(ROOT)) for path in paths
               if path.parent == ROOT / "tests" or not (path.parent / "__init__.py").exists()]
    assert not outside, "not in a room (a package below tests/):\n" + "\n".join(outside)
    names = [path.name for path in paths]
    assert len(set(names)) == len(names), sorted({name for name in names if names.count(name) > 1})


def test_no_test_module_imports_another():
    """Shared builders live in helper modules (factories, desk_forms, access_matrix…), never in a test module."""
    crossings = []
    for path in suite_modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            crossings += [f"{path.relative_to(ROOT)}:{node.lineno} imports {name}" for name in names
                          if re.match(r"tests(\.\w+)*\.test_", name)]
    assert not crossings, "\n".join(crossings)
