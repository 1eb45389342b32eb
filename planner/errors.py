"""The one error a service raises when it refuses: a message the user can act on, the form
field it belongs to (if any), and what kind of refusal it is. Services never name an HTTP
status; planner.web.error_status turns the kind into one."""

INVALID = "invalid"  # the input can't be used as it is (the form is shown again)
NOT_FOUND = "not_found"  # gone, expired, or outside the user's scope
FORBIDDEN = "forbidden"  # the user may not do this to this record
CONFLICT = "conflict"  # the record's state doesn't allow it now
KINDS = (INVALID, NOT_FOUND, FORBIDDEN, CONFLICT)


class PlannerError(ValueError):
    """A refusal with a message for the user.

    `field` names the form field to show the message next to; `errors` holds several
    field messages at once (a form checked against the database); `details` carries what
    the page needs to redraw itself (a schedule preview, say)."""

    def __init__(self, message="", field=None, *, kind=INVALID, errors=None, **details):
        if kind not in KINDS:
            raise ValueError(f"unknown error kind {kind!r}")
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.kind = kind
        self.errors = dict(errors or {})
        if field and message and field not in self.errors:
            self.errors[field] = message
        self.details = details
