"""
Forms as a browser sees them: tests fill in and send the form a page rendered, never a hand-made POST.

    form = RenderedForm.of(client, url)              # the page's form (the first, or by id)
    form["title"] = "New title"                      # only fields the page has
    form.add_row("footnotes")                        # what the page's "Add a note" does
    form.set_row("footnotes", 0, position=1, text="…")
    response = form.submit(client, button="_save")   # the values a browser sends, and the button

A browser sends each named control of the form: text inputs, hidden inputs and textareas with
their values, checked checkboxes and radio buttons, the selected options of each select (the first
option of a single select when none is marked), and the name of the button used. Setting a field
the page lacks fails the test: a field the page does not have proves nothing. A file input sends
nothing until a file is chosen for it (`attach`), and the form is then sent as multipart. Role tests that try
crafted requests say so with `forge()`.
"""
import html
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from django.utils.datastructures import MultiValueDict

NOT_SENT = {"submit", "button", "image", "reset"}


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # (attrs, fields, buttons)
        self.current = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: ("" if value is None else value) for name, value in attrs}
        if tag == "form":
            self.current = (attrs, [], [])
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        fields, buttons = self.current[1], self.current[2]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "image"}:
                buttons.append((name, attrs.get("value", "")))
            elif kind not in NOT_SENT:
                fields.append({"name": name, "kind": kind, "value": attrs.get("value", "on" if kind in {"checkbox", "radio"} else ""),
                               "checked": "checked" in attrs, "disabled": "disabled" in attrs})
        elif tag == "button" and name and attrs.get("type", "submit").lower() == "submit":
            buttons.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select = {"name": name, "kind": "select", "multiple": "multiple" in attrs, "options": [], "disabled": "disabled" in attrs}
            fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select["options"].append({"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""})
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "kind": "textarea", "value": "", "disabled": "disabled" in attrs}
            fields.append(self.textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea["value"].startswith("\n"):
                self.textarea["value"] = self.textarea["value"][1:]  # as browsers do with the first newline
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["value"] += data
        elif self.select is not None and self.select["options"]:
            option = self.select["options"][-1]
            option["text"] += data
            if option["value"] is None:
                option["value_from_text"] = True


class RenderedForm:
    """The values a browser would send from one form of a page, changed only where the page allows."""

    def __init__(self, action, fields, buttons):
        self.action = action
        self.buttons = buttons
        self.data = MultiValueDict()
        self.names = set()
        for field in fields:
            self.names.add(field["name"])
            if field.get("disabled"):
                continue
            if field["kind"] in {"checkbox", "radio"}:
                if field["checked"]:
                    self.data.appendlist(field["name"], field["value"])
            elif field["kind"] == "file":
                continue  # sent only when a file is chosen (attach)
            elif field["kind"] == "select":
                chosen = [option for option in field["options"] if option["selected"]]
                if not chosen and not field["multiple"] and field["options"]:
                    chosen = field["options"][:1]
                values = [option["value"] if option["value"] is not None else option["text"].strip() for option in chosen]
                self.data.setlist(field["name"], values)
            else:
                self.data.appendlist(field["name"], field["value"])
        self.forged = set()
        self.file_inputs = {field["name"] for field in fields if field["kind"] == "file"}
        self.files = {}

    @classmethod
    def of(cls, client, url, form_id=None, **get):
        response = client.get(url, get)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        return cls.in_page(response.content.decode(), url, form_id)

    @classmethod
    def in_page(cls, page, url, form_id=None, action=None):
        """The form with this id, or posting to this path, or else the page's first (the admin's logout form aside)."""
        reader = _FormReader()
        reader.feed(page)

        def target(attrs):
            return urljoin(url, html.unescape(attrs.get("action") or url))

        forms = reader.forms
        if form_id is not None:
            forms = [form for form in forms if form[0].get("id") == form_id]
        elif action is not None:
            forms = [form for form in forms if target(form[0]).split("?")[0].endswith(action)]
        else:
            forms = [form for form in forms if form[0].get("id") != "logout-form"]
        assert forms, f"no form {form_id or action or ''} on {url}"
        attrs, fields, buttons = forms[0]
        return cls(target(attrs), fields, buttons)

    def __contains__(self, name):
        return name in self.names

    def __getitem__(self, name):
        assert name in self.names, f"the form has no field {name!r}"
        values = self.data.getlist(name)
        return values[0] if len(values) == 1 else values

    def __setitem__(self, name, value):
        assert name in self.names, f"the form has no field {name!r}: a browser could not send it"
        self.data.setlist(name, [str(item) for item in value] if isinstance(value, (list, tuple)) else [str(value)])

    def fill(self, **values):
        for name, value in values.items():
            self[name] = value
        return self

    def attach(self, name, upload):
        """Choose a file for a file input the page has (an UploadedFile: its name and bytes)."""
        assert name in self.file_inputs, f"the form has no file input {name!r}"
        self.files[name] = upload
        return self

    def check(self, name, on=True):
        """Tick or untick a checkbox the page has."""
        assert name in self.names, f"the form has no checkbox {name!r}"
        if on:
            self.data.setlist(name, ["on"])
        else:
            self.data.pop(name, None)

    def rows(self, prefix):
        return int(self[f"{prefix}-TOTAL_FORMS"])

    def add_row(self, prefix, **values):
        """What the page's own "add another" does: a copy of the empty row, numbered next."""
        index = self.rows(prefix)
        template = [name for name in self.names if name.startswith(f"{prefix}-__prefix__-")]
        assert template, f"the form has no empty {prefix} row to copy"
        for name in template:
            new = name.replace("__prefix__", str(index))
            self.names.add(new)
            if name in self.file_inputs:
                self.file_inputs.add(new)
            self.data.setlist(new, self.data.getlist(name))
        self[f"{prefix}-TOTAL_FORMS"] = index + 1
        self.set_row(prefix, index, **values)
        return index

    def set_row(self, prefix, index, **values):
        for name, value in values.items():
            self[f"{prefix}-{index}-{name}"] = value

    def forge(self, **values):
        """Add fields the page does not have: for tests of crafted requests only."""
        for name, value in values.items():
            self.names.add(name)
            self.forged.add(name)
            self.data.setlist(name, [str(value)])
        return self

    def payload(self, button=None):
        data = {name: values if len(values) != 1 else values[0] for name, values in self.data.lists()
                if "__prefix__" not in name}
        if button is not None:
            names = dict(self.buttons)
            assert button in names or any(name == button for name, _ in self.buttons), (
                f"the form has no button {button!r} (it has {sorted(names)})"
            )
            data[button] = names[button]
        for name, upload in self.files.items():
            upload.seek(0)
            data[name] = upload
        return data

    def press(self, name, value):
        """The payload of pressing the button `name` with `value` (pages with several buttons of one name)."""
        assert (name, value) in self.buttons, f"the form has no button {name}={value!r} (it has {self.buttons})"
        data = self.payload()
        data[name] = value
        return data

    def submit(self, client, button=None, value=None, **kwargs):
        data = self.press(button, value) if value is not None else self.payload(button)
        return client.post(self.action, data, **kwargs)


def errors_in(response):
    """The error messages a page shows (admin error lists and notes), as text."""
    page = response.content.decode()
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, flags=re.S)
    found += re.findall(r'<p class="errornote">(.*?)</p>', page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", item)).strip() for item in found]
