"""ast_methods.py, the node classes' compiled methods, matches the node classes (see ast._inits)."""

from __future__ import annotations

from pathlib import Path

from tactful.syntax import ast, ast_methods


def test_ast_methods_file_is_up_to_date():
    written = Path(ast_methods.__file__).read_text(encoding="utf-8")
    assert written == ast.methods_module(), (
        "a node class changed: write compiler/tactful/syntax/ast_methods.py again with "
        "`python -c \"from tactful.syntax import ast, ast_methods; "
        "open(ast_methods.__file__, 'w').write(ast.methods_module())\"`")


def test_nodes_use_the_written_methods():
    assert ast.Name.__init__.__globals__ is vars(ast_methods)
    name = ast.Name.at(None, 3, 7, "refund")
    assert name == ast.Name("refund") and hash(name) == hash(ast.Name("refund", start=1))
    assert (name.start, name.end, name.value) == (3, 7, "refund")
    assert ast.Move.at(None, 0, 1, name, None, None) != ast.Move(ast.Name("other"))
