"""Pure evaluation arithmetic (standard 8.3.5): attendance, scores, pre/post change, GAS,
satisfaction, the process summary, and the number formats the pages and Word exports share.

No database and no Flask: data in, numbers out. Rates are floats in 0..1; a value that
cannot be computed is None, never 0, so that "no data" and "zero" stay distinguishable.
"""

import math
from collections import Counter

ATTENDED = frozenset({"present", "late", "left_early"})
STATUSES = frozenset(ATTENDED | {"excused", "absent"})

# fmt_change prints a real minus sign (U+2212), which lines up with "+" in tables and
# Word reports; fmt_num keeps the ASCII hyphen so that plain numbers stay parseable.
MINUS = "\u2212"
DASH = "—"


def _rate(part, whole):
    """part / whole, or None when whole is zero."""
    return part / whole if whole else None


def _mean(values):
    """Arithmetic mean, or None for no values."""
    return sum(values) / len(values) if values else None


def attendance(member_ids: list, session_ids: list, marks: dict) -> dict:
    """Attendance per member, per session and overall; a session is held once it has a mark."""
    known = {}
    for (session_id, student_id), status in marks.items():
        # A None status is an untapped tile, not a mark.
        if status is None:
            continue
        if status not in STATUSES:
            raise ValueError(f"unknown attendance status: {status!r}")
        known[(session_id, student_id)] = status
    held_ids = {session_id for session_id, _ in known}
    held = [s for s in session_ids if s in held_ids]

    members = {}
    for student_id in member_ids:
        count = sum(1 for s in held if known.get((s, student_id)) in ATTENDED)
        members[student_id] = {
            "attended": count,
            "held": len(held),
            "rate": _rate(count, len(held)),
        }

    sessions = {}
    for session_id in session_ids:
        is_held = session_id in held_ids
        count = sum(1 for m in member_ids if known.get((session_id, m)) in ATTENDED)
        sessions[session_id] = {
            "attended": count,
            "members": len(member_ids),
            "held": is_held,
            "rate": _rate(count, len(member_ids)) if is_held else None,
        }

    attended = sum(sessions[s]["attended"] for s in held)
    possible = len(held) * len(member_ids)
    return {
        "members": members,
        "sessions": sessions,
        "overall": {"attended": attended, "possible": possible, "rate": _rate(attended, possible)},
    }


def _answered(answers, key):
    """The answer to an item, or None when it is missing or blank."""
    value = answers.get(key)
    return None if value is None or value == "" else value


def response_score(answers: dict, items: list[dict]) -> float | None:
    """Mean of the answered items; None when a required item is missing or nothing is answered."""
    values = []
    for item in items:
        value = _answered(answers, item["key"])
        if value is None:
            if item.get("required"):
                return None
            continue
        values.append(value)
    return _mean(values)


def prepost(pairs: list[tuple]) -> dict:
    """Pre and post means over the complete pairs, the change, and how many moved which way.

    "improved" means post > pre: for an instrument where lower is better, read it as "worse".
    """
    complete = [(pre, post) for pre, post in pairs if pre is not None and post is not None]
    pre_mean = _mean([pre for pre, _ in complete])
    post_mean = _mean([post for _, post in complete])
    change = post_mean - pre_mean if complete else None
    return {
        "n": len(complete),
        "pre": pre_mean,
        "post": post_mean,
        "change": change,
        "improved": sum(1 for pre, post in complete if post > pre),
        "worse": sum(1 for pre, post in complete if post < pre),
        "same": sum(1 for pre, post in complete if post == pre),
    }


def gas_t(goals: list[tuple], rho: float = 0.3) -> float | None:
    """Goal attainment T score (Kiresuk & Sherman): 50 + 10·Σwx / √((1−ρ)Σw² + ρ(Σw)²)."""
    if not 0 <= rho <= 1:
        raise ValueError(f"rho must be within 0..1, got {rho!r}")
    # Validate every goal first so that a bad weight is reported even when a score is missing.
    for weight, x in goals:
        if weight is None or isinstance(weight, bool) or weight <= 0:
            raise ValueError(f"GAS weight must be > 0, got {weight!r}")
        if x is not None and (isinstance(x, bool) or x not in (-2, -1, 0, 1, 2)):
            raise ValueError(f"GAS score must be an integer in -2..2, got {x!r}")
    if not goals or any(x is None for _, x in goals):
        return None
    weighted = sum(w * x for w, x in goals)
    sum_sq = sum(w * w for w, _ in goals)
    sq_sum = sum(w for w, _ in goals) ** 2
    return 50 + 10 * weighted / math.sqrt((1 - rho) * sum_sq + rho * sq_sum)


def _summary(values, scale_max):
    """n, mean and top-two-box share of a list of answered values."""
    agree = sum(1 for v in values if v >= scale_max - 1)
    return {"n": len(values), "mean": _mean(values), "agree": _rate(agree, len(values))}


def satisfaction(responses: list[dict], items: list[dict], scale_max: int) -> dict:
    """Satisfaction overall and per item; "agree" is the top-two-box share of answered values."""
    keys = [item["key"] for item in items]
    per_item = {key: [] for key in keys}
    respondents = 0
    for answers in responses:
        given = [(key, _answered(answers, key)) for key in keys]
        given = [(key, value) for key, value in given if value is not None]
        if given:
            respondents += 1
        for key, value in given:
            per_item[key].append(value)
    overall = _summary([v for key in keys for v in per_item[key]], scale_max)
    return {
        "n": respondents,
        "mean": overall["mean"],
        "agree": overall["agree"],
        "items": [{"key": key, **_summary(per_item[key], scale_max)} for key in keys],
    }


def process(rows: list[dict]) -> dict:
    """Process evaluation of a group's non-cancelled sessions: records, stages, skills."""
    skills = Counter(skill for row in rows for skill in row.get("skills") or ())
    statuses = [row.get("status") for row in rows]
    return {
        "sessions": len(rows),
        "reflections": sum(1 for s in statuses if s is not None),
        "submitted": sum(1 for s in statuses if s in ("submitted", "signed_off")),
        "signed_off": sum(1 for s in statuses if s == "signed_off"),
        "stage_recorded": sum(1 for row in rows if row.get("observed")),
        "stage_matches": sum(
            1
            for row in rows
            if row.get("observed") and row.get("planned") and row["observed"] == row["planned"]
        ),
        "skills": sorted(skills.items(), key=lambda pair: (-pair[1], pair[0])),
        # A whitespace-only incident is an empty textarea, not an incident.
        "incidents": [
            row["incident"].strip() for row in rows if (row.get("incident") or "").strip()
        ],
        "follow_ups": sum(row.get("follow_ups") or 0 for row in rows),
        "safeguarding": sum(row.get("safeguarding") or 0 for row in rows),
    }


def fmt_pct(rate) -> str:
    """A 0..1 rate as a percentage with one decimal ("87.5%"), "—" for None."""
    return DASH if rate is None else f"{rate * 100:.1f}%"


def fmt_num(x, digits=2) -> str:
    """A number with fixed decimals ("3.71"), "—" for None."""
    return DASH if x is None else f"{x:.{digits}f}"


def fmt_change(x, digits=2) -> str:
    """A signed change: "+0.85", "−0.20" (U+2212), "0.00" when it rounds to zero, "—" for None."""
    if x is None:
        return DASH
    text = f"{abs(x):.{digits}f}"
    # Compare the rounded text so that −0.001 prints as 0.00, not as −0.00.
    if float(text) == 0:
        return text
    return ("+" if x > 0 else MINUS) + text
