"""Plain-text answers, as the command line prints them."""

from __future__ import annotations

from typing import Any

from bot.search.engine import Answer, Result


def result_json(result: Result) -> dict[str, Any]:
    return {
        "id": result.service.id,
        "name": result.service.name,
        "categories": list(result.service.categories),
        "score": result.score,
        "distance_km": None if result.distance_km is None else round(result.distance_km, 2),
        "open_now": result.open_now,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "query": answer.query,
        "language": answer.language,
        "emergency": answer.emergency,
        "categories": list(answer.categories),
        "results": [result_json(r) for r in answer.results],
        "answer": answer_text(answer),
    }


def answer_text(answer: Answer) -> str:
    lang = answer.language
    lines: list[str] = []
    if answer.emergency:
        lines.append("If you or someone else is in danger now, call:")
        lines += [f"  {line.number}  {line.label(lang)}" for line in answer.emergency_lines]
        lines.append("")
    if answer.kind == "smalltalk":
        lines.append(
            "Hello! I can help you find local services: write what you need, for example "
            "'English classes' or 'a doctor'."
        )
    elif answer.kind == "nomatch":
        lines.append("Sorry, I did not find a service for that. You can browse the categories,")
        if answer.drop_in is not None:
            text = answer.drop_in.text(lang)
            lines.append(f"or visit {text.name}: {text.description}")
    for result in answer.results:
        service = result.service
        text = service.text(lang)
        status = {True: " (open now)", False: " (closed now)", None: ""}[result.open_now]
        lines.append(f"* {text.name}{status}")
        lines.append(f"  {text.description}")
        if service.locations:
            loc = service.locations[0]
            lines.append(f"  {loc.address}, {loc.postcode}")
        if service.phone:
            lines.append(f"  Phone: {service.phone}")
    return "\n".join(lines).strip()
