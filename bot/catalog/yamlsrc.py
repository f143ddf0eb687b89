"""YAML loading that remembers the line of every key and item, for `file:line` messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LMap(dict[str, Any]):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    """A list that knows the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file into LMap/LList/scalars; raise YamlError with the line on bad YAML."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(Problem(shown, 1, f"not UTF-8 text ({exc.reason})")) from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(node, loader, shown)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(Problem(shown, line, f"YAML syntax: {exc.problem}")) from exc
    except yaml.YAMLError as exc:
        raise YamlError(Problem(shown, 1, f"YAML syntax: {exc}")) from exc
    finally:
        loader.dispose()


def _convert(node: yaml.Node, loader: yaml.SafeLoader, shown: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = LMap()
        result.line = line
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise YamlError(Problem(shown, key_line, f"duplicate key '{key}'"))
            result.key_lines[key] = key_line
            result[key] = _convert(value_node, loader, shown)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LList()
        items.line = line
        items.item_lines = []
        for child in node.value:
            items.item_lines.append(child.start_mark.line + 1)
            items.append(_convert(child, loader, shown))
        return items
    return loader.construct_object(node, deep=True)
