"""RC172 on workflows that YAML cannot read: the publish action's ``password`` is still
told apart from other actions' ``password`` inputs, by the step text around it."""

from __future__ import annotations

from rolecall import Example
from rolecall.plugin.testing import run_example
from rolecall.rules.tokens.ci import PypiTokenSecretInCi

# A stray tab indents the last line: not valid YAML, so the rule falls back to text.
_BROKEN_TAIL = "\t  oops: [\n"
_WF = ".github/workflows/release.yml"


def _rc172(workflow: str) -> list[tuple[int, str]]:
    result = run_example(PypiTokenSecretInCi, Example(workflow, _WF))
    return [(f.location.line, f.evidence) for f in result.findings if f.rule_id == "RC172"]


def test_workflow_that_yaml_reads_is_read_as_a_tree() -> None:
    workflow = (
        "jobs:\n  release:\n    steps:\n"
        "      - uses: docker/login-action@v3\n        with:\n"
        "          password: ${{ secrets.DOCKERHUB_TOKEN }}\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
        "          password: ${{ secrets.PYPI_API_TOKEN }}\n"
    )
    assert _rc172(workflow) == [(9, "secrets.PYPI_API_TOKEN")]


def test_unreadable_workflow_falls_back_to_the_step_text() -> None:
    workflow = (
        "jobs:\n  release:\n    steps:\n"
        "      - uses: docker/login-action@v3\n        with:\n"
        "          password: ${{ secrets.DOCKERHUB_TOKEN }}\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
        "          password: ${{ secrets.PYPI_API_TOKEN }}\n"
        "      - name: after\n        with:\n"
        "          password: ${{ secrets.OTHER_PASSWORD }}\n" + _BROKEN_TAIL
    )
    assert _rc172(workflow) == [(9, "secrets.PYPI_API_TOKEN")]


def test_publish_tool_variables_need_no_tree() -> None:
    workflow = (
        "jobs:\n  release:\n    steps:\n      - run: twine upload dist/*\n        env:\n"
        "          TWINE_PASSWORD: ${{ secrets.PYPI }}\n" + _BROKEN_TAIL
    )
    assert _rc172(workflow) == [(6, "secrets.PYPI")]
