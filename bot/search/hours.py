"""Opening hours and distances: whether a service is open at a moment, and how far it is."""

from __future__ import annotations

import datetime as dt
import math

from bot.catalog.model import Opening, Service


def open_at(service: Service, moment: dt.datetime) -> bool | None:
    """True/False from the weekly schedule at a local time; None when no schedule is known."""
    if not service.schedule:
        return None
    if moment.date() in service.closed_dates or not service.is_offered:
        return False
    now = moment.time().replace(tzinfo=None)
    return any(_covers(o, moment.weekday(), now) for o in service.schedule)


def _covers(opening: Opening, weekday: int, now: dt.time) -> bool:
    if opening.weekday != weekday:
        return False
    if opening.closes == dt.time(23, 59):
        return opening.opens <= now
    return opening.opens <= now < opening.closes


def today_hours(service: Service, day: dt.date) -> list[Opening]:
    if day in service.closed_dates:
        return []
    return [o for o in service.schedule if o.weekday == day.weekday()]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = rlat2 - rlat1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def distance_km(service: Service, near: tuple[float, float]) -> float | None:
    """Distance to the service's nearest location, or None when it has none."""
    found = [
        haversine_km(near[0], near[1], loc.latitude, loc.longitude)
        for loc in service.locations
        if loc.latitude is not None and loc.longitude is not None
    ]
    return min(found) if found else None
