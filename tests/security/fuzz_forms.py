"""The POST forms of a page as a browser would send them, for the form fuzz
(test_form_fuzz.py): each form's action, its fields, their options and the values sent
untouched."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    """One name a form posts: its kind, its options (select, radio, checkbox, buttons) and
    the values a browser would send untouched."""

    name: str
    kind: str
    options: list = field(default_factory=list)
    values: list = field(default_factory=list)


@dataclass
class Form:
    action: str
    multipart: bool
    fields: dict = field(default_factory=dict)

    def add(self, name, kind, value=None, chosen=False, option=False):
        f = self.fields.setdefault(name, Field(name, kind))
        if option:
            if value is not None and value not in f.options:
                f.options.append(value)
            if chosen:
                f.values.append(value)
        elif value is not None:
            f.values.append(value)


class FormParser(HTMLParser):
    """Every form posting somewhere (method=post or hx-post); a button with its own
    formaction makes another form with the same fields."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.extra = [], []
        self.form = self.select = self.textarea = self.option = None
        self.select_options, self.select_chosen, self.select_required = [], False, False

    def _open_form(self, a):
        action = a.get("hx-post") or (
            a.get("action") if a.get("method", "").lower() == "post" else None
        )
        self.form = (
            Form(action, "multipart" in a.get("enctype", "") + a.get("hx-encoding", ""))
            if action
            else None
        )
        if self.form:
            self.forms.append(self.form)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._open_form(a)
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self.form.add(name, kind, a.get("value", "on"), "checked" in a, option=True)
            elif kind in ("submit", "button", "image", "reset"):
                self.form.add(name, "button", a.get("value", ""), option=True)
            else:
                self.form.add(name, kind, a.get("value", ""))
        elif tag == "select" and name:
            self.select = self.form.fields.setdefault(name, Field(name, "select"))
            self.select_options, self.select_chosen = [], False
            self.select_required = "required" in a
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "button":
            action = a.get("hx-post") or a.get("formaction")
            if action and action != self.form.action:  # a button posting elsewhere
                self.extra.append((self.form, action, name, a.get("value", "")))
            elif name:
                self.form.add(name, "button", a.get("value", ""), option=True)

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None:
            value, chosen, text = self.option
            value = text.strip() if value is None else value
            if value not in self.select.options:
                self.select.options.append(value)
            self.select_options.append(value)
            if chosen:
                self.select.values.append(value)
                self.select_chosen = True
            self.option = None
        elif tag == "select" and self.select is not None:
            if not self.select_chosen:  # a browser sends the first option; a required
                real = [o for o in self.select_options if o]  # one needs a real choice
                self.select.values += (
                    real if self.select_required and real else self.select_options
                )[:1]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.form.add(self.textarea[0], "textarea", self.textarea[1].removeprefix("\n"))
            self.textarea = None
        elif tag == "form":
            self.form = None

    def result(self):
        out = list(self.forms)
        for form, action, name, value in self.extra:
            fields = dict(form.fields)
            if name:
                fields[name] = Field(name, "button", [value], [value])
            out.append(Form(action, form.multipart, fields))
        for form in out:  # a radio group sends its first choice when none is checked
            for f in form.fields.values():
                if f.kind == "radio" and not f.values and f.options:
                    f.values = f.options[:1]
        return out


def forms_of(html):
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.result()
