"""QuickSelect writes exactly the HTML WTForms' own select widget writes, whatever the
options say: it only skips building an attribute dictionary per option."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from registry.forms import QuickSelect

# Markup's own characters, quotes, spaces and a little of everything else.
cell = st.text(alphabet=st.sampled_from("<>&\"' =/aZ0āé\u200d") | st.characters(), max_size=12)
options = st.lists(st.tuples(cell, cell), min_size=1, max_size=6, unique_by=lambda o: o[0])


@given(options=options, pick=st.integers(0, 5), multiple=st.booleans())
def test_quick_select_writes_what_wtforms_writes(options, pick, multiple) -> None:  # noqa: ANN001
    field_class = SelectMultipleField if multiple else SelectField

    class Chooser(Form):
        choice = field_class(choices=[SelectChoice(value, label) for value, label in options])

    chosen = options[pick % len(options)][0]
    form = Chooser(data={"choice": [chosen] if multiple else chosen})
    field = form.choice
    attributes = {"class": "select", "aria-describedby": "choice-hint"}
    expected = Select(multiple=multiple)(field, **attributes)
    assert str(QuickSelect(multiple=multiple)(field, **attributes)) == str(expected)
