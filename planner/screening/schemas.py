"""Form schemas of the screening: a new round, one student's answers, a tier override and
the import's column mapping."""

from planner.forms import Choice, FormSchema, Integer, Text, VersionField
from planner.screening.models import TIERS
from planner.students.roster import MAX_COLUMNS


class RoundForm(FormSchema):
    title = Text(80, required=True)
    program_id = Integer(required=True)
    instrument_id = Integer(required=True)


def result_form(instrument):
    """The student (an id from the select), an integer in range per item (every item is
    required: the total needs them all) and the result's version (0 for a new one)."""
    spec = {"student": Integer(required=True), "version": VersionField()}
    for item in instrument.items:
        spec[f"a_{item['key']}"] = Integer(
            instrument.scale_min, instrument.scale_max, required=True
        )
    return FormSchema.from_dict(spec, name="ResultForm")()


class InstrumentTextForm(FormSchema):
    text = Text(20000, required=True)


class OverrideForm(FormSchema):
    tier = Choice({"": "", **TIERS}, load_default="")
    reason = Text(200, load_default="")
    version = VersionField()


def mapping_schema(keys):
    """upload plus col_<field> = the column index chosen for it."""
    return FormSchema.from_dict(
        {
            "upload": Text(64, required=True),
            **{f"col_{key}": Integer(0, MAX_COLUMNS - 1, load_default=None) for key in keys},
        },
        name="ScreeningMappingSchema",
    )()
