"""`harbour ask`: placeholder until the search engine lands."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    pass
