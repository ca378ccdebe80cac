"""The Jupyter project's own kernel conformance suite, against the installed `glasswing` kernelspec."""

import unittest

import jupyter_kernel_test


class GlasswingKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "glasswing"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # The kernel answers kernel_info at once and queues cells until its engine has loaded Glasswing
        # (a few seconds, longer on a busy machine): wait for that here, not inside the suite's timeouts.
        cls.kc.execute_interactive("1", timeout=120)
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.sq", "matches": {"sqrt", "SQRT1_2", "SQRT2"}},
        {"text": "gw.GlasswingErr", "matches": {"GlasswingError"}},
        {"text": "const answer = 42; answ", "matches": {"answer"}},
    ]
    complete_code_samples = ["1 + 1", "const x = 3", "function f() {\n  return 1\n}", "gw.backend"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "if (true) {\n  1"]
    invalid_code_samples = ["const = 3", "1 +* 2 )"]

    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'glass' + 'wing'", "result": "'glasswing'"},
        {"code": "Promise.resolve(3)", "result": "3"},
        {
            "code": "({ [Symbol.for('Jupyter.display')]: () => ({ 'text/plain': 'a view', 'text/html': '<b>a view</b>' }) })",
            "mime": "text/html",
            "result": "<b>a view</b>",
        },
    ]
    code_display_data = [
        {"code": "gw.display('shown')", "mime": "text/plain"},
        {
            "code": "gw.display({ [Symbol.for('Jupyter.display')]: () => ({ 'text/plain': 'p', 'image/svg+xml': '<svg/>' }) })",
            "mime": "image/svg+xml",
        },
    ]
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "gw.ready"
    code_clear_output = "gw.clearOutput()"


if __name__ == "__main__":
    unittest.main()
