"""Curriculum operations: queries, import/export, conversion. No request objects here."""

import os

from peewee import JOIN, fn, prefetch

from planner.access import programs_query
from planner.accounts.models import User
from planner.curricula.content import dump
from planner.curricula.models import (
    Activity,
    Curriculum,
    DraftEditor,
    Material,
    SessionTemplate,
    grade_tags,
)
from planner.db import now, write_tx

TOP_FIELDS = [
    "slug",
    "version",
    "status",
    "kind",
    "audience",
    "tier",
    "title",
    "theme",
    "grade_band",
    "grades",
    "period_minutes",
    "summary",
    "instruments",
]
GRADED = ("grade_band", "grades")  # a students' curriculum only
SESSION_FIELDS = [
    "title",
    "objectives",
    "key_messages",
    "materials",
    "preparation",
    "home_link",
    "sensitivity",
]
ACTIVITY_FIELDS = ["phase", "title", "minutes", "purpose", "steps", "materials", "debrief"]


# ---- queries (scoped: the shared library plus the user's own agency) -------------------


def _own_drafts(user):
    """The drafts this user may read and edit: those they started and those they were
    invited to (DraftEditor). A draft with no author (made before drafts had owners, or its
    author's account is gone) is the agency's: any of its editors may take it up."""
    invited = DraftEditor.select(DraftEditor.curriculum).where(DraftEditor.user == user.id)
    mine = (
        (Curriculum.created_by == user.id)
        | Curriculum.created_by.is_null()
        | Curriculum.id.in_(invited)
    )
    return (Curriculum.status == "draft") & mine


def visible(user):
    """Curricula this user may read: the shared library and their agency's own published
    versions, and the drafts that are theirs (a draft stays private until it is published).
    A teacher reads only the plans of the programs in their classes (no student data)."""
    if user.is_teacher:
        used = programs_query(user)
        return Curriculum.select().where(Curriculum.id.in_(used.select(used.model.curriculum)))
    return Curriculum.select().where(
        (Curriculum.agency.is_null() | (Curriculum.agency == user.agency_id))
        & ~Curriculum.archived
        & ((Curriculum.status != "draft") | _own_drafts(user))
    )


def library(user, kind=None, theme=None, grade=None, q=None, audience=None, tier=None):
    """The shared list: the newest published version of each slug (drafts are not in it)."""
    latest = (
        Curriculum.select(Curriculum.slug, fn.MAX(Curriculum.version).alias("v"))
        .where(Curriculum.status == "published")
        .group_by(Curriculum.slug)
    )
    query = visible(user).join(
        latest,
        JOIN.INNER,
        on=((Curriculum.slug == latest.c.slug) & (Curriculum.version == latest.c.v)),
    )
    if kind:
        query = query.where(Curriculum.kind == kind)
    if audience:
        query = query.where(Curriculum.audience == audience)
    if tier:
        query = query.where(Curriculum.tier == tier)
    if theme:
        query = query.where(Curriculum.theme == theme)
    if grade:
        # grades are stored as a JSON list such as [7, 8]
        query = query.where(Curriculum.grade_tags.contains(f",{grade},"))
    if q:
        query = query.where(
            Curriculum.title.contains(q)
            | Curriculum.summary.contains(q)
            | Curriculum.theme.contains(q)
        )
    return query.order_by(Curriculum.kind.desc(), Curriculum.grade_band, Curriculum.title)


def my_drafts(user):
    """我的课程: the drafts this user started or was invited to, their author joined."""
    author = User.alias()
    return (
        Curriculum.select(Curriculum, author)
        .join(author, JOIN.LEFT_OUTER, on=(Curriculum.created_by == author.id))
        .where(
            (Curriculum.agency.is_null() | (Curriculum.agency == user.agency_id))
            & ~Curriculum.archived
            & _own_drafts(user)
        )
        .order_by(Curriculum.updated_at.desc(), Curriculum.id.desc())
    )


def with_sessions(query):
    """Curricula with .sessions and each session's .activities loaded: 3 queries in all."""
    sessions = SessionTemplate.select().order_by(SessionTemplate.seq)
    activities = Activity.select().order_by(Activity.order)
    return prefetch(query, sessions, activities)


CARD_FIELDS = (
    Curriculum.id,
    Curriculum.kind,
    Curriculum.audience,
    Curriculum.tier,
    Curriculum.status,
    Curriculum.title,
    Curriculum.theme,
    Curriculum.grade_band,
    Curriculum.grades,
    Curriculum.period_minutes,
)


def cards(query) -> list:
    """The library's cards: only the columns a card shows, and .sessions as rows of
    (seq, stage, minutes) with the activity minutes summed by the database: 2 queries.
    (Loading every session's and activity's full text cost 40 ms for the shipped library.)"""
    items = list(query.select(*CARD_FIELDS))
    minutes = fn.COALESCE(fn.SUM(Activity.minutes), 0)
    rows = (
        SessionTemplate.select(
            SessionTemplate.curriculum,
            SessionTemplate.seq,
            SessionTemplate.stage,
            minutes.alias("minutes"),
        )
        .join(Activity, JOIN.LEFT_OUTER)
        .where(SessionTemplate.curriculum.in_(query.select(Curriculum.id)))
        .group_by(
            SessionTemplate.id,
            SessionTemplate.curriculum,
            SessionTemplate.seq,
            SessionTemplate.stage,
        )
        .order_by(SessionTemplate.curriculum, SessionTemplate.seq)
    )
    of = {}
    for row in rows.namedtuples():
        of.setdefault(row.curriculum, []).append(row)
    for item in items:
        item.card_sessions = of.get(item.id, [])
    return items


def session_minutes(session) -> int:
    return sum(a.minutes for a in session.activities)


# ---- conversion ------------------------------------------------------------------------


TOP_DEFAULTS = {"audience": "students", "tier": "基础类", "instruments": []}


def _plan(plan: dict) -> dict:
    """The plan without empty optional fields; grade_notes keyed by integer grade (JSON
    stores the keys as strings)."""
    out = {k: v for k, v in plan.items() if v is not None}
    if "grade_notes" in out:
        out["grade_notes"] = {
            int(g): note
            for g, note in sorted(out["grade_notes"].items(), key=lambda kv: int(kv[0]))
        }
    return out


def _top(get) -> dict:
    out = {f: get(f) for f in TOP_FIELDS}
    if out["audience"] != "students":  # parents and teachers have no grade band
        for f in GRADED:
            out.pop(f)
    return out


def _session(get, activities) -> dict:
    item = {"seq": get("seq"), "title": get("title")}
    if get("stage"):
        item["stage"] = get("stage")
    item.update({f: get(f) for f in SESSION_FIELDS[1:]})
    if get("changes_room"):
        item["changes_room"] = True
    item["activities"] = []
    for get_a in activities:
        activity = {f: get_a(f) for f in ACTIVITY_FIELDS}
        if get_a("collects"):
            activity["collects"] = list(get_a("collects"))
        item["activities"].append(activity)
    return item


def to_data(curriculum) -> dict:
    """A curriculum (with sessions prefetched) as the content-file dict, canonical order."""
    data = _top(lambda f: getattr(curriculum, f))
    data["plan"] = _plan(curriculum.plan)
    data["sessions"] = [
        _session(
            lambda f, s=session: getattr(s, f),
            [lambda f, a=a: getattr(a, f) for a in session.activities],
        )
        for session in curriculum.sessions
    ]
    return data


def canonical(loaded: dict) -> dict:
    """Validated data in canonical form (schema order, no empty optional fields)."""
    out = _top(lambda f: loaded.get(f, TOP_DEFAULTS.get(f)))
    out["plan"] = _plan(loaded["plan"])
    out["sessions"] = [
        _session(
            lambda f, s=s: s.get(f),
            [lambda f, a=a: a.get(f) for a in s["activities"]],
        )
        for s in loaded["sessions"]
    ]
    return out


def _row_values(data: dict) -> dict:
    """A canonical curriculum's own columns (grade_band "" and grades [] for parents and
    teachers, who have no grade band)."""
    values = {f: data.get(f, "" if f == "grade_band" else []) for f in TOP_FIELDS}
    return dict(values, plan=data["plan"], grade_tags=grade_tags(values["grades"]))


def _write_children(curriculum, sessions) -> None:
    for s in sessions:
        row = SessionTemplate.create(
            curriculum=curriculum,
            seq=s["seq"],
            stage=s.get("stage"),
            changes_room=bool(s.get("changes_room")),
            **{f: s[f] for f in SESSION_FIELDS},
        )
        Activity.insert_many(
            [
                dict(
                    session=row.id,
                    order=i + 1,
                    collects=a.get("collects") or [],
                    **{f: a[f] for f in ACTIVITY_FIELDS},
                )
                for i, a in enumerate(s["activities"])
            ]
        ).execute()


def create_from_data(data: dict, agency_id=None, user_id=None, forked_from=None):
    """Insert one curriculum with its sessions and activities (caller holds the transaction)."""
    data = canonical(data)
    curriculum = Curriculum.create(
        **_row_values(data),
        agency=agency_id,
        created_by=user_id,
        forked_from=forked_from,
    )
    _write_children(curriculum, data["sessions"])
    return curriculum


def in_use_ids(curriculum_ids) -> set:
    """The curricula a program uses (its sessions point at their session templates)."""
    from planner.sessions.models import Program

    ids = list(curriculum_ids)
    if not ids:
        return set()
    return {
        row.curriculum_id
        for row in Program.select(Program.curriculum).where(Program.curriculum.in_(ids))
    }


def _same(row_data: dict, data: dict) -> bool:
    """A stored version holds this file's content (whatever version number it carries)."""
    return dict(row_data, version=data["version"]) == data


def import_library(items: list[dict]) -> dict:
    """Bring the shared library in from content/, all or nothing (standard 8.3.3 plans stay
    as the programs that used them saw them):

    - a new (slug, version) is created;
    - an unchanged one (or one whose content a newer stored version of the slug already
      holds) is not touched;
    - a changed one that no program uses is updated in place;
    - a changed one that a program uses is never edited in place: the file becomes a new
      version (the slug's highest version + 1) and the programs keep theirs.

    Returns the counts and, under "names", the slugs of each outcome."""
    counts = {"created": 0, "updated": 0, "versioned": 0, "unchanged": 0}
    names = {key: [] for key in counts}
    rows = list(with_sessions(Curriculum.select().where(Curriculum.agency.is_null())))
    of_slug: dict = {}
    for row in rows:
        of_slug.setdefault(row.slug, []).append(row)
    existing = {(c.slug, c.version): c for c in rows}
    used = in_use_ids(c.id for c in rows)
    with write_tx():
        for data in items:
            data = canonical(data)
            slug = data["slug"]
            current = existing.get((slug, data["version"]))
            if current is None:
                create_from_data(data)
                outcome = "created"
            elif to_data(current) == data or any(
                _same(to_data(row), data)
                for row in of_slug.get(slug, [])
                if row.version > data["version"]
            ):
                outcome = "unchanged"
            elif current.id in used:
                version = max(row.version for row in of_slug[slug]) + 1
                row = create_from_data(dict(data, version=version))
                of_slug[slug].append(full_row(row.id))
                outcome = "versioned"
                names[outcome].append(f"{slug} v{data['version']}→v{version}")
                counts[outcome] += 1
                continue
            else:
                Curriculum.update(
                    **_row_values(data),
                    updated_at=now(),
                    edit_version=Curriculum.edit_version + 1,
                ).where(Curriculum.id == current.id).execute()
                SessionTemplate.delete().where(SessionTemplate.curriculum == current.id).execute()
                _write_children(current, data["sessions"])
                outcome = "updated"
            counts[outcome] += 1
            names[outcome].append(slug)
    return dict(counts, names=names)


def full_row(curriculum_id):
    """One curriculum with its sessions and activities loaded."""
    return with_sessions(Curriculum.select().where(Curriculum.id == curriculum_id))[0]


def export_library(directory: str, shared_only: bool = True) -> list[str]:
    """Write one file per curriculum; the newest version of a slug is <slug>.yaml."""
    os.makedirs(directory, exist_ok=True)
    query = Curriculum.select().order_by(Curriculum.slug, Curriculum.version)
    if shared_only:
        query = query.where(Curriculum.agency.is_null())
    rows = list(with_sessions(query))
    newest = {c.slug: c.version for c in rows}
    written = []
    for c in rows:
        name = f"{c.slug}.yaml" if newest[c.slug] == c.version else f"{c.slug}.v{c.version}.yaml"
        with open(os.path.join(directory, name), "w", encoding="utf-8") as fh:
            fh.write(dump(to_data(c)))
        written.append(name)
    return written


# ---- materials (content/materials) -------------------------------------------------------

MATERIAL_FIELDS = ["slug", "title", "kind", "audience", "blocks"]


def material_data(material) -> dict:
    return {f: getattr(material, f) for f in MATERIAL_FIELDS}


def import_materials(items: list[dict]) -> dict:
    """Upsert printable materials by slug (caller may hold the transaction). A material has
    no versions: it is printed as it is now, and holds no student data."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {m.slug: m for m in Material.select()}
    with write_tx():
        for data in items:
            data = {f: data[f] for f in MATERIAL_FIELDS}
            current = existing.get(data["slug"])
            if current is None:
                Material.create(**data)
                counts["created"] += 1
            elif material_data(current) == data:
                counts["unchanged"] += 1
            else:
                Material.update(**data, updated_at=now()).where(Material.id == current.id).execute()
                counts["updated"] += 1
    return counts


def export_materials(directory: str) -> list[str]:
    """Write one file per material, <slug>.yaml."""
    os.makedirs(directory, exist_ok=True)
    written = []
    for material in Material.select().order_by(Material.slug):
        name = f"{material.slug}.yaml"
        with open(os.path.join(directory, name), "w", encoding="utf-8") as fh:
            fh.write(dump(material_data(material)))
        written.append(name)
    return written


def materials_for(session) -> list:
    """The materials a session references (its own list, then each activity's), in the
    order they are referenced, each once: [Material]. Unknown slugs are skipped."""
    from planner.curricula.schemas import material_refs

    slugs = material_refs(session.materials)
    for activity in session.activities:
        slugs += material_refs(activity.materials)
    slugs = list(dict.fromkeys(slugs))
    found = {m.slug: m for m in Material.select().where(Material.slug.in_(slugs))} if slugs else {}
    return [found[s] for s in slugs if s in found]


def material_titles() -> dict:
    """{slug: title} of every material (one small query; a page loads it once)."""
    return dict(Material.select(Material.slug, Material.title).tuples())


def material_names(items, titles: dict | None = None) -> list[str]:
    """A materials list as text: plain strings as they are, a {ref: slug} as the
    material's title (its slug when the material is missing)."""
    items = list(items or [])
    if titles is None and any(isinstance(m, dict) for m in items):
        titles = material_titles()
    return [
        (titles or {}).get(m.get("ref"), m.get("ref")) if isinstance(m, dict) else m for m in items
    ]


def linked_instruments(curriculum) -> list:
    """The instruments a curriculum links (its `instruments` slugs), in its order."""
    from planner.evaluation.models import Instrument

    slugs = list(curriculum.instruments or [])
    if not slugs:
        return []
    found = {i.slug: i for i in Instrument.select().where(Instrument.slug.in_(slugs))}
    return [found[s] for s in slugs if s in found]
