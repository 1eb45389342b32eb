"""An instrument's published scoring rule applied to one student's answers (pure)."""

from dataclasses import dataclass


@dataclass
class Outcome:
    total: int
    critical: bool
    tier: str  # normal | concern | high


def score(instrument, answers: dict) -> Outcome:
    """Sum of the items; 关注 from the `concern` total, 高危 from `high`; a critical item
    answered at or above its trigger is 高危 whatever the total."""
    rule = instrument.extra["scoring"]
    total = sum(int(answers[item["key"]]) for item in instrument.items)
    critical_rule = rule.get("critical") or {}
    critical = any(
        int(answers.get(key, instrument.scale_min)) >= critical_rule["at_least"]
        for key in critical_rule.get("items", ())
    )
    if critical or total >= rule["tiers"]["high"]:
        tier = "high"
    elif total >= rule["tiers"]["concern"]:
        tier = "concern"
    else:
        tier = "normal"
    return Outcome(total, critical, tier)


def rule_text(instrument) -> dict:
    """The thresholds, for the page to word."""
    rule = instrument.extra["scoring"]
    n = len(instrument.items)
    critical = rule.get("critical") or {}
    return {
        "low": instrument.scale_min * n,
        "high_total": instrument.scale_max * n,
        "concern": rule["tiers"]["concern"],
        "high": rule["tiers"]["high"],
        "critical_items": [
            (i["key"], i["text"]) for i in instrument.items if i["key"] in critical.get("items", ())
        ],
        "at_least": critical.get("at_least"),
    }
