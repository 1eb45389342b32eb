"""A case's Word documents: the case worker and her supervisor download them; admins and
teachers never (403), a supervisor of other workers 403, another school's worker 404."""

from tests.access import only
from tests.cases import factories as cf


def setup(world):
    """A 高危 case of the world's worker at its plan, with intake and assessment recorded."""
    world.doc_case = cf.case(world, step="plan", risk="high")
    cf.records(world.doc_case, "intake", "assessment")


RULES = {
    "exports.case_doc": (
        "GET",
        lambda w: f"/cases/{w.doc_case.id}/documents/case_intake.docx",
        None,
        only({"worker", "supervisor"}, worker_other=404, supervisor_other=403),
    ),
}
