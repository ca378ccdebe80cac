"""Cells that use earlier cells' top-level names in every syntactic position, shorthand properties first."""

import pytest
from conftest import run


def value_of(kc, code):
    cell = run(kc, code)
    assert cell.status == "ok", cell.reply["content"]
    (result,) = cell.of_type("execute_result")
    return result["content"]["data"]["text/plain"]


@pytest.fixture(scope="module")
def defined(kernel):
    _, kc = kernel
    cell = run(
        kc,
        "const v = 3\nlet a = 1\nfunction twice(x: number) { return 2 * x }\nclass Box { size = 4 }\n"
        "import * as path from 'node:path'",
    )
    assert cell.status == "ok", cell.reply["content"]
    return kc


@pytest.mark.parametrize(
    "code, shown",
    [
        # Shorthand properties (these threw ReferenceError: tslab did not rewrite them to exports.v).
        ("JSON.stringify({ v })", "'{\"v\":3}'"),
        ("JSON.stringify({ outer: { inner: { v } } })", "'{\"outer\":{\"inner\":{\"v\":3}}}'"),
        ("({ twice }).twice(5)", "10"),
        ("new ({ Box }).Box().size", "4"),
        ("typeof ({ path }).path.join", "'function'"),
        ("(() => ({ v }))().v", "3"),
        ("function wrap() { return { v } }\nwrap().v", "3"),
        ("class Holder { held = { v } }\nnew Holder().held.v", "3"),
        ("`${JSON.stringify({ v })}!`", "'{\"v\":3}!'"),
        # A local name of the same spelling is left alone.
        ("(() => { const v = 'local'; return { v } })().v", "'local'"),
        # The other forms that refer to earlier names (these worked; kept working).
        ("const { missing = v } = {} as { missing?: number }\nmissing", "3"),
        ("const [first = v] = [] as number[]\nfirst", "3"),
        ("function withDefault({ z = v } = {}) { return z }\nwithDefault()", "3"),
        ("class Field { f = v }\nnew Field().f", "3"),
        ("`v is ${v}`", "'v is 3'"),
        ("export { v as exported }\nv + 1", "4"),
    ],
)
def test_earlier_names_in_every_position(defined, code, shown):
    assert value_of(defined, code) == shown


def test_shorthand_destructuring_assigns_the_earlier_variable(defined):
    # Before the fix these assigned a sloppy-mode global and left the cell's `a` unchanged.
    assert value_of(defined, "({ a } = { a: 5 })\na") == "5"
    assert value_of(defined, "a") == "5"
    assert value_of(defined, "({ a = 7 } = {} as { a?: number })\na") == "7"
    assert value_of(defined, "a") == "7"
    assert value_of(defined, "typeof (globalThis as { a?: unknown }).a") == "'undefined'"
    assert value_of(defined, "const copy = { a, v }\ncopy") == "{ a: 7, v: 3 }"
    assert value_of(defined, "JSON.stringify({ copy })") == "'{\"copy\":{\"a\":7,\"v\":3}}'"


def test_gw_in_a_shorthand_property(defined):
    assert value_of(defined, "typeof ({ gw }).gw.display") == "'function'"
