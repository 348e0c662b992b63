"""Every ``$ stakeholder-graph ...`` example in the README runs as shown from a fresh clone.

Each example is a line starting with ``$ stakeholder-graph`` inside a fenced code block; the
lines after it, up to the next ``$`` line or the end of the block, are the output the README
shows. The test runs ``python -m stakeholder_graph ARGS`` (ARGS split with shlex) in a
temporary folder laid out as the repo root is (``data/`` copied in), so files the examples
write (``metrics.csv``, ``outputs/map.html``, the demo's ``outputs/``) land there, never in
the repo. Every input an example names must therefore be shipped in ``data/``; hand-made
small inputs are in ``data/examples/``.

What is checked:

- the exit code: 0, or 2 where the README shows an error (a first line starting ``Error:``;
  the CLI contract: user mistakes exit 2 with one ``Error: ...`` line), or the code a last
  shown line ``(exit code N)`` names (``validate`` exits 1 when rows were rejected);
- the first line of the output the README shows equals the first line the command prints
  (an example that shows no output must print nothing).

Which stream: the README shows a terminal, where stdout and stderr appear together in the
order they are written. The commands write results to stdout and progress notes to stderr
(the demo's ``graph:`` and ``barriers:`` lines, ``metrics -o``'s ``wrote N rows``), so stdout
stays clean for piping. So for an example that succeeds, the test reads both streams
through one pipe (stderr into stdout, unbuffered; click flushes every line), and "the first
line printed" is the first line the user sees, whichever stream it is on. For an example
that shows an error, the streams are read apart: stdout must be empty and the shown line
is stderr's first (and only) line, with no traceback.

A timing in a shown line ("analysed in 7.9 s") is compared up to the number: any number of
seconds matches.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PROMPT = "$ stakeholder-graph"
SECONDS = re.compile(r"\d+(?:\.\d+)? s\b")           # a timing, as the README writes it
NUMBER = r"\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Example:
    line: int                 # line number in README.md (1-based), for messages
    command: str              # the command as shown, without "$ "
    shown: tuple              # the transcript lines shown after it

    @property
    def args(self):
        return shlex.split(self.command)[1:]                 # drop "stakeholder-graph"

    @property
    def exit_code(self):
        """The exit code the transcript names in a last line ``(exit code N)``, else None."""
        found = re.match(r"^\(exit code (\d+)\)$", self.shown[-1]) if self.shown else None
        return int(found.group(1)) if found else None

    @property
    def shows_error(self):
        return bool(self.shown) and self.shown[0].startswith("Error:")


def readme_examples(text):
    """Every ``$ stakeholder-graph`` line in a fenced block, with the lines shown after it."""
    examples, in_block, current = [], False, None

    def close():
        nonlocal current
        if current is not None:
            line, command, shown = current
            while shown and not shown[-1].strip():
                shown.pop()
            examples.append(Example(line, command, tuple(shown)))
        current = None

    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            close()
            in_block = not in_block
        elif not in_block:
            continue
        elif line.startswith("$"):
            close()
            if line.startswith(PROMPT + " ") or line == PROMPT:
                current = (number, line[2:].strip(), [])
        elif current is not None:
            current[2].append(line)
    close()
    return examples


EXAMPLES = readme_examples(README.read_text(encoding="utf-8"))


def example_ids(examples):
    """The subcommand (``-error`` if it shows an error), numbered from the second: map, map-2."""
    ids, seen = [], {}
    for example in examples:
        name = (example.args[0] if example.args else "bare") + ("-error" if example.shows_error else "")
        seen[name] = seen.get(name, 0) + 1
        ids.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return ids


IDS = example_ids(EXAMPLES)


def matches(shown, printed):
    """``printed`` is the ``shown`` line, any timing ("7.9 s") matching any number."""
    parts = SECONDS.split(shown)
    pattern = (NUMBER + " s").join(re.escape(part) for part in parts)
    return re.fullmatch(pattern, printed) is not None


def first_line(text):
    lines = text.splitlines()
    return lines[0] if lines else ""


@pytest.fixture
def fresh_clone(tmp_path):
    """A folder laid out as the repo root is: ``data/`` copied in, nothing else."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def test_the_readme_has_examples_for_every_command():
    from stakeholder_graph.cli import cli

    assert EXAMPLES, "no '$ stakeholder-graph' line in a fenced block of README.md"
    shown = {e.args[0] for e in EXAMPLES if e.args}
    assert set(cli.commands) <= shown, f"commands without a README example: {set(cli.commands) - shown}"


def test_the_parser_reads_transcripts():
    text = ("```\n$ stakeholder-graph a x.csv\nout 1\nout 2\n$ stakeholder-graph b\n```\n"
            "$ stakeholder-graph outside\n```bash\n$ stakeholder-graph c 'two words'\n\n```\n")
    got = readme_examples(text)
    assert [(e.command, e.shown) for e in got] == [
        ("stakeholder-graph a x.csv", ("out 1", "out 2")),
        ("stakeholder-graph b", ()),
        ("stakeholder-graph c 'two words'", ()),
    ]
    assert got[2].args == ["c", "two words"]
    assert matches("Demo partnership analysed in 7.9 s. Wrote:", "Demo partnership analysed in 12 s. Wrote:")
    assert not matches("Demo partnership analysed in 7.9 s. Wrote:", "Demo analysed in 7.9 s. Wrote:")


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_readme_example_runs_as_shown(example, fresh_clone):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "stakeholder_graph", *example.args]
    where = f"README.md line {example.line}: $ {example.command}"
    if example.shows_error:
        result = subprocess.run(command, cwd=fresh_clone, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 2, f"{where}\nexit {result.returncode}\n{result.stderr}"
        assert result.stdout == "", f"{where}\nan error run printed on stdout:\n{result.stdout}"
        assert "Traceback" not in result.stderr, f"{where}\n{result.stderr}"
        printed = result.stderr
    else:
        result = subprocess.run(command, cwd=fresh_clone, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=120)
        expected = example.exit_code or 0
        assert result.returncode == expected, f"{where}\nexit {result.returncode}\n{result.stdout}"
        printed = result.stdout
    shown = example.shown[0] if example.shown else ""      # shows nothing: prints nothing
    assert matches(shown, first_line(printed)), (
        f"{where}\nREADME shows: {shown!r}\nthe command printed: {first_line(printed)!r}")
