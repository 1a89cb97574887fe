"""Every formset of the portal refuses a forged row count: at most `max_num` rows are built, whatever the post says."""

import pytest
from django import forms

from allocation.forms import FrameFormSet
from applications.forms_call import (
    ActivityTypeForm,
    AreaForm,
    CriterionForm,
    MilestoneForm,
    RequirementForm,
    part_formset,
)
from applications.forms_lists import PartnerFormSet, actor_formset_class
from applications.forms_sections import BoardFormSet, LocationFormSet
from clusterfund import formsets
from governance.forms import ActorFormSet


def portal_formsets():
    from applications.models import Call

    yield from (FrameFormSet, PartnerFormSet, BoardFormSet, LocationFormSet, ActorFormSet)
    yield actor_formset_class(call=Call(activity_min_actors=3), existing=0)
    for form in (ActivityTypeForm, AreaForm, CriterionForm, MilestoneForm, RequirementForm):
        yield part_formset(form)


@pytest.mark.parametrize("formset_class", list(portal_formsets()), ids=lambda f: f.__name__ + f.form.__name__)
def test_absolute_max_is_max_num(formset_class):
    assert 0 < formset_class.max_num == formset_class.absolute_max <= 200


class Row(forms.Form):
    text = forms.CharField(required=False)


def test_a_forged_total_builds_no_more_than_max_num_rows():
    RowFormSet = formsets.formset_factory(Row, max_num=5)
    forged = RowFormSet({"form-TOTAL_FORMS": "100000", "form-INITIAL_FORMS": "0"})
    assert len(forged.forms) == 5
    assert not forged.is_valid()  # Django reports the forged count as a management form error


def test_a_formset_cannot_be_declared_without_its_maximum():
    with pytest.raises(TypeError):
        formsets.formset_factory(Row)
